//! Messages that stand in for content: errors and empty states.

use leptos::prelude::*;

/// A problem the shopper should know about, announced to screen readers.
#[component]
pub fn ErrorNotice(#[prop(into)] title: String, #[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="notice notice--error" role="alert">
            <h2 class="notice__title">{title}</h2>
            <p>{message}</p>
        </div>
    }
}

/// A GOV.UK-style error summary: what is wrong, each linking to the field in error.
#[component]
pub fn ErrorSummary(errors: Vec<(String, &'static str)>) -> impl IntoView {
    view! {
        <div class="error-summary" role="alert" tabindex="-1">
            <h2 class="error-summary__title">"There is a problem"</h2>
            <ul class="error-summary__list">
                {errors
                    .into_iter()
                    .map(|(message, field)| view! { <li><a href=format!("#{field}")>{message}</a></li> })
                    .collect_view()}
            </ul>
        </div>
    }
}
