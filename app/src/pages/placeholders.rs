//! The basket page until ordering lands: honest pages, never dead links.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BasketPage() -> impl IntoView {
    view! {
        <Title text="Your basket"/>
        <h1>"Your basket"</h1>
        <p>"Online ordering is not open yet, so your basket is empty. You can browse and search everything in the store in the meantime."</p>
        <p><a class="button" href="/">"Continue shopping"</a></p>
    }
}
