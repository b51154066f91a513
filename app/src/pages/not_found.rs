//! The page for addresses the store does not have; answered with status 404.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <NotFoundContent title="Page not found" message="We couldn't find the page you asked for. If you typed the address, check it is correct."/> }
}

/// The body of any "not found" answer, also used for a missing product or category.
#[component]
pub fn NotFoundContent(#[prop(into)] title: String, #[prop(into)] message: String) -> impl IntoView {
    view! {
        <Title text=title.clone()/>
        <section class="not-found">
            <h1>{title}</h1>
            <p>{message}</p>
            <p><a href="/">"Go to the home page"</a>" or "<a href="/search">"search the store"</a>"."</p>
        </section>
    }
}
