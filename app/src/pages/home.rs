//! The home page: featured products and the categories to browse.

use crate::api::catalog::load_home_page;
use crate::components::{notice::ErrorNotice, product_card::ProductGrid};
use crate::domain::catalog::CategorySummary;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let home = OnceResource::new(load_home_page());
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Everyday goods, made to last"</h1>
            <p>"Kitchen, home, garden and desk essentials from SOP International."</p>
        </section>
        <Suspense fallback=|| view! { <p class="loading">"Loading the store…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => view! {
                        <section aria-labelledby="featured-heading">
                            <h2 id="featured-heading">"Featured"</h2>
                            <ProductGrid products=home.featured label="Featured products"/>
                        </section>
                        <section aria-labelledby="categories-heading">
                            <h2 id="categories-heading">"Shop by category"</h2>
                            <CategoryList categories=home.categories/>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice title="The store could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn CategoryList(categories: Vec<CategorySummary>) -> impl IntoView {
    view! {
        <ul class="category-list">
            {categories
                .into_iter()
                .map(|category| {
                    let count = match category.product_count {
                        1 => "1 product".to_owned(),
                        n => format!("{n} products"),
                    };
                    view! {
                        <li class="category-card">
                            <a href=format!("/category/{}", category.slug)>
                                <span class="category-card__name">{category.name}</span>
                                <span class="category-card__description">{category.description}</span>
                                <span class="category-card__count">{count}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
