//! A category: its products, a page at a time, in the order the shopper chooses.

use crate::api::catalog::load_category_page;
use crate::components::{notice::ErrorNotice, pagination::Pagination, product_card::ProductGrid};
use crate::domain::catalog::{CategoryPage as CategoryPageData, SortOrder};
use crate::errors::catalog::CatalogError;
use crate::pages::not_found::NotFoundContent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// `/category/kitchen-dining?sort=price-asc&page=2`
pub fn category_href(slug: &str, sort: SortOrder, page: u32) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if sort != SortOrder::default() {
        query.append_pair("sort", sort.as_query());
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        format!("/category/{slug}")
    } else {
        format!("/category/{slug}?{query}")
    }
}

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let query = query.get();
            (params.get().get("slug").unwrap_or_default(), query.get("sort"), query.get("page"))
        },
        |(slug, sort, page)| load_category_page(slug, sort, page),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading products…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <CategoryListing data/> }.into_any(),
                    Err(CatalogError::CategoryNotFound) => view! {
                        <NotFoundContent title="Category not found" message=CatalogError::CategoryNotFound.to_string()/>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice title="This category could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CategoryListing(data: CategoryPageData) -> impl IntoView {
    let slug = data.category.slug.clone();
    let sort = data.sort;
    let total_pages = data.products.total_pages();
    let range = data.products.range_label();
    let navigate = use_navigate();
    let sort_slug = slug.clone();
    // Hydrated, choosing an order applies it at once; without JavaScript the button submits.
    let on_sort_change = move |ev: leptos::ev::Event| {
        let chosen = SortOrder::from_query(Some(&event_target_value(&ev)));
        navigate(&category_href(&sort_slug, chosen, 1), Default::default());
    };
    let page_slug = slug.clone();
    view! {
        <Title text=data.category.name.clone()/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol><li><a href="/">"Home"</a></li><li aria-current="page">{data.category.name.clone()}</li></ol>
        </nav>
        <header class="listing-header">
            <h1>{data.category.name.clone()}</h1>
            <p class="listing-header__description">{data.category.description.clone()}</p>
        </header>
        <div class="listing-tools">
            <p class="listing-tools__count" aria-live="polite">{range.unwrap_or_else(|| "No products yet".to_owned())}</p>
            <form class="sort-form" method="get" action=format!("/category/{slug}")>
                <label for="sort">"Sort by"</label>
                <select id="sort" name="sort" on:change=on_sort_change>
                    {SortOrder::ALL
                        .into_iter()
                        .map(|option| view! {
                            <option value=option.as_query() selected=option == sort>{option.label(false)}</option>
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button button--secondary">"Sort"</button>
            </form>
        </div>
        <ProductGrid products=data.products.items label=format!("Products in {}", data.category.name)/>
        <Pagination page=data.products.page total_pages href_for=move |n| category_href(&page_slug, sort, n)/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_links_drop_defaults() {
        assert_eq!(category_href("tea-coffee", SortOrder::Relevance, 1), "/category/tea-coffee");
        assert_eq!(category_href("tea-coffee", SortOrder::PriceLowToHigh, 2), "/category/tea-coffee?sort=price-asc&page=2");
    }
}
