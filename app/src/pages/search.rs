//! Search with filters. A plain GET form without JavaScript; hydrated, results follow the
//! shopper's typing without a full reload (the address bar keeps the search shareable).
//! The page has one resource and one Transition: the form stays in place while results change.

use crate::api::catalog::{search_catalog, SearchPageData, SearchResults};
use crate::components::{
    notice::{ErrorNotice, ErrorSummary},
    pagination::Pagination,
    product_card::ProductGrid,
};
use crate::domain::{
    catalog::{CategorySummary, SortOrder},
    search::{SearchInputError, SearchParams},
};
use crate::errors::catalog::CatalogError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use std::time::Duration;

/// How long typing must pause before the results follow.
const TYPING_PAUSE: Duration = Duration::from_millis(250);

type SearchResource = Resource<Result<SearchPageData, CatalogError>>;

fn refusal(page: &Option<Result<SearchPageData, CatalogError>>) -> Option<SearchInputError> {
    match page {
        Some(Ok(SearchPageData { outcome: Err(invalid), .. })) => Some(invalid.clone()),
        _ => None,
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let results: SearchResource = Resource::new(
        move || {
            let query = query.get();
            SearchParams {
                q: query.get("q"),
                category: query.get("category"),
                min: query.get("min"),
                max: query.get("max"),
                sort: query.get("sort"),
                page: query.get("page"),
            }
        },
        search_catalog,
    );

    let initial = query.get_untracked();
    let field = |name: &str| RwSignal::new(initial.get(name).unwrap_or_default());
    let (q, category, min, max, sort) = (field("q"), field("category"), field("min"), field("max"), field("sort"));

    let navigate = use_navigate();
    let apply = move || {
        let params = SearchParams {
            q: Some(q.get_untracked()),
            category: Some(category.get_untracked()),
            min: Some(min.get_untracked()),
            max: Some(max.get_untracked()),
            sort: Some(sort.get_untracked()),
            page: None,
        };
        navigate(&params.href(None, None), NavigateOptions { replace: true, scroll: false, ..Default::default() });
    };
    let pending_typing = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let apply_after_typing = {
        let apply = apply.clone();
        move || {
            if let Some(handle) = pending_typing.get_value() {
                handle.clear();
            }
            let apply = apply.clone();
            pending_typing.set_value(set_timeout_with_handle(apply, TYPING_PAUSE).ok());
        }
    };
    let on_submit = {
        let apply = apply.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            apply();
        }
    };
    // Each control writes its signal; choosing (change) applies the search at once.
    let apply_with = move |field: RwSignal<String>| {
        let apply = apply.clone();
        move |ev: leptos::ev::Event| {
            field.set(event_target_value(&ev));
            apply();
        }
    };
    let (on_category_change, on_min_change, on_max_change, on_sort_change) =
        (apply_with(category), apply_with(min), apply_with(max), apply_with(sort));
    let keep_typed = |field: RwSignal<String>| move |ev: leptos::ev::Event| field.set(event_target_value(&ev));
    let field_error = move |field: &'static str| {
        move || {
            refusal(&results.get()).filter(|invalid| invalid.field_id() == field).map(|invalid| {
                view! {
                    <p class="field-error" id=format!("{field}-error")>
                        <span class="visually-hidden">"Error: "</span>{invalid.to_string()}
                    </p>
                }
            })
        }
    };
    let categories = move || -> Vec<CategorySummary> {
        match results.get() {
            Some(Ok(page)) => page.categories,
            _ => Vec::new(),
        }
    };

    view! {
        <Title text="Search"/>
        <h1>"Search the store"</h1>
        <Transition fallback=|| view! { <p class="loading">"Searching…"</p> }>
            {move || refusal(&results.get()).map(|invalid| view! {
                <ErrorSummary errors=vec![(invalid.to_string(), invalid.field_id())]/>
            })}
            <form class="search-form" method="get" action="/search" on:submit=on_submit.clone()>
                <div class="field field--wide">
                    <label for="search-q">"Search for"</label>
                    <span class="hint" id="search-q-hint">"Words in a product's name or description"</span>
                    {field_error("search-q")}
                    <input
                        id="search-q"
                        name="q"
                        type="search"
                        autocomplete="off"
                        aria-describedby="search-q-hint"
                        value=q.get_untracked()
                        on:input={
                            let apply_after_typing = apply_after_typing.clone();
                            move |ev| {
                                q.set(event_target_value(&ev));
                                apply_after_typing()
                            }
                        }
                    />
                </div>
                <div class="field">
                    <label for="search-category">"Category"</label>
                    {field_error("search-category")}
                    <select id="search-category" name="category" on:change=on_category_change.clone()>
                        <option value="">"All categories"</option>
                        {move || categories()
                            .into_iter()
                            .map(|c| {
                                let selected = category.get_untracked() == c.slug;
                                view! { <option value=c.slug selected=selected>{c.name}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field field--price">
                    <label for="search-min">"Lowest price (£)"</label>
                    {field_error("search-min")}
                    <input id="search-min" name="min" type="text" inputmode="decimal" size="7" value=min.get_untracked() on:input=keep_typed(min) on:change=on_min_change.clone()/>
                </div>
                <div class="field field--price">
                    <label for="search-max">"Highest price (£)"</label>
                    {field_error("search-max")}
                    <input id="search-max" name="max" type="text" inputmode="decimal" size="7" value=max.get_untracked() on:input=keep_typed(max) on:change=on_max_change.clone()/>
                </div>
                <div class="field">
                    <label for="search-sort">"Sort by"</label>
                    <select id="search-sort" name="sort" on:change=on_sort_change.clone()>
                        {SortOrder::ALL
                            .into_iter()
                            .map(|option| {
                                let selected = SortOrder::from_query(Some(&sort.get_untracked())) == option;
                                view! { <option value=option.as_query() selected=selected>{option.label(true)}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Search"</button>
            </form>
            {move || match results.get() {
                Some(Ok(SearchPageData { params, outcome: Ok(found), .. })) => Some(view! { <SearchResultsView params found/> }.into_any()),
                Some(Err(error)) => Some(view! { <ErrorNotice title="Search is not working right now" message=error.to_string()/> }.into_any()),
                _ => None,
            }}
        </Transition>
    }
}

#[component]
fn SearchResultsView(params: SearchParams, found: SearchResults) -> impl IntoView {
    let SearchResults { text, products } = found;
    let heading = if text.is_empty() { "All products".to_owned() } else { format!("Results for “{text}”") };
    let count = match products.total {
        0 => "No products match your search".to_owned(),
        1 => "1 product found".to_owned(),
        n => format!("{n} products found"),
    };
    let total_pages = products.total_pages();
    let page = products.page;
    let empty = products.items.is_empty();
    view! {
        <section class="search-results" aria-labelledby="results-heading">
            <h2 id="results-heading">{heading}</h2>
            <p class="search-results__count" role="status">{count}</p>
            {empty.then(|| view! {
                <p class="search-results__hint">"Try fewer or different words, another category or a wider price range."</p>
            })}
            <ProductGrid products=products.items label="Search results"/>
            <Pagination page total_pages href_for=move |n| params.href(Some(n), None)/>
        </section>
    }
}
