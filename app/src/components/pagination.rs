//! Previous / numbered / next links for a paged listing.

use leptos::prelude::*;

/// `href_for(page)` builds the address of each page so the links work without JavaScript.
#[component]
pub fn Pagination(page: u32, total_pages: u32, href_for: impl Fn(u32) -> String + 'static) -> impl IntoView {
    if total_pages <= 1 {
        return None;
    }
    let previous = (page > 1).then(|| view! { <li><a class="pagination__prev" rel="prev" href=href_for(page - 1)>"Previous"</a></li> });
    let next = (page < total_pages).then(|| view! { <li><a class="pagination__next" rel="next" href=href_for(page + 1)>"Next"</a></li> });
    let numbers = (1..=total_pages)
        .map(|n| {
            let current = n == page;
            view! {
                <li>
                    <a
                        class="pagination__number"
                        class:pagination__number--current=current
                        href=href_for(n)
                        aria-current=current.then_some("page")
                        aria-label=format!("Page {n}")
                    >
                        {n}
                    </a>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <nav class="pagination" aria-label="Pages">
            <ul>{previous}{numbers}{next}</ul>
        </nav>
    })
}
