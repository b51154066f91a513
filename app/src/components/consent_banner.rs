//! The cookie banner (B01, B02, B09): rendered by the server on every page until the visitor
//! decides, so it works before and without the wasm. "Accept all" and "Reject all" are the same
//! kind of button in the same kind of form; hydrated, a choice closes the banner in place.

use crate::api::consent::RecordCookieDecision;
use leptos::prelude::*;
use leptos::form::ActionForm;

#[component]
pub fn ConsentBanner() -> impl IntoView {
    // Worked out from the request's cookie on the server, handed to the browser as is.
    let needs_decision = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .is_some_and(|parts| crate::server::consent_service::needs_decision(&parts, chrono::Utc::now()))
        }
        #[cfg(not(feature = "ssr"))]
        {
            false
        }
    })
    .into_inner();
    let accept = ServerAction::<RecordCookieDecision>::new();
    let reject = ServerAction::<RecordCookieDecision>::new();
    let decided = move || [accept, reject].iter().any(|action| matches!(action.value().get(), Some(Ok(_))));
    let failure = move || {
        [accept, reject].iter().find_map(|action| match action.value().get() {
            Some(Err(error)) => Some(error.to_string()),
            _ => None,
        })
    };
    let choice_form = |action: ServerAction<RecordCookieDecision>, decision: &'static str, label: &'static str| {
        view! {
            <ActionForm action attr:class="consent-banner__form">
                <input type="hidden" name="decision" value=decision/>
                <button type="submit" class="button consent-banner__button">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <Show when=move || needs_decision && !decided()>
            <section class="consent-banner" aria-labelledby="consent-banner-title" data-consent-banner="">
                <h2 id="consent-banner-title" class="consent-banner__title">"Cookies on SOP Store"</h2>
                <p>
                    "Strictly necessary cookies keep the store working and are always on. With your permission we would also use "
                    "analytical cookies to count visits, functionality cookies to remember your preferences, and targeting cookies "
                    "from advertising partners. Nothing optional is set until you choose."
                </p>
                {move || failure().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                <div class="consent-banner__choices">
                    {choice_form(accept, "accept", "Accept all")}
                    {choice_form(reject, "reject", "Reject all")}
                    <a class="button consent-banner__button" href="/cookies">"Choose"</a>
                </div>
            </section>
        </Show>
    }
}
