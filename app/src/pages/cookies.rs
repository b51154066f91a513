//! Cookie preferences (a stable URL, linked from every footer): a switch per optional
//! category, nothing pre-ticked, and the table of every cookie the store sets (P24, P25).

use crate::api::consent::RecordCookieDecision;
use crate::domain::consent::CookieCategory;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CookiePreferencesPage() -> impl IntoView {
    let save = ServerAction::<RecordCookieDecision>::new();
    let outcome = move || match save.value().get() {
        Some(Ok(_)) => Some(view! { <p class="notice" role="status">"Your choices are saved."</p> }.into_any()),
        Some(Err(error)) => Some(view! { <p class="field-error" role="alert">{error.to_string()}</p> }.into_any()),
        None => None,
    };
    view! {
        <Title text="Cookie preferences"/>
        <h1>"Cookie preferences"</h1>
        <p>"Choose which cookies we may use. Strictly necessary cookies are always on. You can change your mind at any time on this page."</p>
        {outcome}
        <ActionForm action=save attr:class="cookie-preferences">
            <input type="hidden" name="decision" value="custom"/>
            {CookieCategory::ALL
                .into_iter()
                .map(|category| {
                    let key = match category {
                        CookieCategory::StrictlyNecessary => "necessary",
                        CookieCategory::Analytics => "analytics",
                        CookieCategory::Functionality => "functionality",
                        CookieCategory::Targeting => "targeting",
                    };
                    let id = format!("cookies-{key}");
                    view! {
                        <fieldset class="cookie-category" data-category=key>
                            <legend>{category.label()}</legend>
                            <p class="hint">{category.purpose()}</p>
                            {if category.is_optional() {
                                view! {
                                    <div class="checkbox">
                                        <input type="checkbox" id=id.clone() name=key/>
                                        <label for=id>{format!("Allow {} cookies", category.label().to_lowercase())}</label>
                                    </div>
                                }
                                    .into_any()
                            } else {
                                view! { <p class="cookie-category__always">"Always on"</p> }.into_any()
                            }}
                            <CookieTable category/>
                        </fieldset>
                    }
                })
                .collect_view()}
            <button type="submit" class="button">"Save my choices"</button>
        </ActionForm>
    }
}

/// The declared cookies of one category, or a line saying there are none.
#[component]
fn CookieTable(category: CookieCategory) -> impl IntoView {
    let cookies: Vec<_> = category.cookies().collect();
    if cookies.is_empty() {
        return view! { <p class="cookie-category__none">"We set no cookies in this category."</p> }.into_any();
    }
    view! {
        <table class="cookie-table">
            <caption class="visually-hidden">{format!("{} cookies", category.label())}</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Set by"</th><th scope="col">"Purpose"</th><th scope="col">"Lifetime"</th></tr></thead>
            <tbody>
                {cookies
                    .into_iter()
                    .map(|cookie| view! {
                        <tr data-cookie=cookie.name>
                            <td><code>{cookie.name}</code></td>
                            <td>{cookie.third_party.unwrap_or("SOP Store (first party)")}</td>
                            <td>{cookie.purpose}</td>
                            <td>{cookie.lifetime.describe()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
