//! Cookie preferences (a stable URL, linked from every footer): a switch per optional
//! category, nothing pre-ticked, and the table of every cookie the store sets (P24, P25).

use crate::components::consent_banner::{submit_decision, DECIDE_URL};
use crate::domain::consent::CookieCategory;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CookiePreferencesPage() -> impl IntoView {
    // Nothing is pre-ticked (B02); each box updates its signal for the hydrated submit.
    let (analytics, functionality, targeting) = (RwSignal::new(false), RwSignal::new(false), RwSignal::new(false));
    let saved = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ticked = [analytics.get_untracked(), functionality.get_untracked(), targeting.get_untracked()];
        submit_decision("custom", ticked, move |outcome| saved.set(Some(outcome.map(|_| ()).map_err(|e| e.to_string()))));
    };
    let outcome = move || match saved.get() {
        Some(Ok(())) => Some(view! { <p class="notice" role="status">"Your choices are saved."</p> }.into_any()),
        Some(Err(message)) => Some(view! { <p class="field-error" role="alert">{message}</p> }.into_any()),
        None => None,
    };
    let preferences_form = NodeRef::new();
    crate::components::hydration::mark_when_hydrated(preferences_form);
    view! {
        <Title text="Cookie preferences"/>
        <h1>"Cookie preferences"</h1>
        <p>"Choose which cookies we may use. Strictly necessary cookies are always on. You can change your mind at any time on this page."</p>
        {outcome}
        <form node_ref=preferences_form class="cookie-preferences" method="post" action=DECIDE_URL data-enhanced="" on:submit=submit>
            <input type="hidden" name="decision" value="custom"/>
            {CookieCategory::ALL
                .into_iter()
                .map(|category| {
                    let (key, ticked) = match category {
                        CookieCategory::StrictlyNecessary => ("necessary", None),
                        CookieCategory::Analytics => ("analytics", Some(analytics)),
                        CookieCategory::Functionality => ("functionality", Some(functionality)),
                        CookieCategory::Targeting => ("targeting", Some(targeting)),
                    };
                    let id = format!("cookies-{key}");
                    view! {
                        <fieldset class="cookie-category" data-category=key>
                            <legend>{category.label()}</legend>
                            <p class="hint">{category.purpose()}</p>
                            {if let Some(ticked) = ticked {
                                view! {
                                    <div class="checkbox">
                                        <input
                                            type="checkbox"
                                            id=id.clone()
                                            name=key
                                            on:change=move |ev| ticked.set(event_target_checked(&ev))
                                        />
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
        </form>
        <section aria-labelledby="receipt-heading">
            <h2 id="receipt-heading">"Your receipt"</h2>
            <p>
                "Every choice is recorded. "<a href="/cookies/receipt.json" rel="nofollow" download="">"Download a receipt of your latest choice"</a>
                " (JSON). Its row hash can be checked at any time at "<code>"/cookies/receipt/check?hash=…"</code>"."
            </p>
        </section>
    }
}

/// The declared cookies of one category (the store's own and its enabled tags'), or a line
/// saying there are none.
#[component]
pub fn CookieTable(category: CookieCategory) -> impl IntoView {
    let enabled = use_context::<crate::EnabledTags>().map_or(crate::domain::tags::TagSet::EMPTY, |tags| tags.0);
    let cookies: Vec<_> = category.cookies(enabled).collect();
    if cookies.is_empty() {
        return view! { <p class="cookie-category__none">"We set no cookies in this category."</p> }.into_any();
    }
    view! {
        <table class="cookie-table">
            <caption class="visually-hidden">{format!("{} cookies", category.label())}</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th><th scope="col">"Set by"</th><th scope="col">"First or third party"</th>
                    <th scope="col">"Purpose"</th><th scope="col">"Lifetime"</th>
                </tr>
            </thead>
            <tbody>
                {cookies
                    .into_iter()
                    .map(|cookie| view! {
                        <tr data-cookie=cookie.name>
                            <td><code>{cookie.name}</code></td>
                            <td>{cookie.set_by()}</td>
                            <td>{cookie.party()}</td>
                            <td>{cookie.purpose}</td>
                            <td>{cookie.lifetime.describe()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        {(category == CookieCategory::StrictlyNecessary).then(|| view! {
            <p class="cookie-category__note">
                "When you reach us over a secure (https) connection, the names of our own cookies start with "
                <code>"__Host-"</code>" (for example "<code>"__Host-sop_session"</code>"): browsers then accept them only from this site itself, never from another."
            </p>
        })}
    }
    .into_any()
}
