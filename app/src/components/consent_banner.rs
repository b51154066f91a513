//! The cookie banner (B01, B02, B09): rendered by the server on every page until the visitor
//! decides, so it works before and without the wasm. "Accept all" and "Reject all" are the same
//! kind of button in the same kind of form; hydrated, a choice closes the banner in place, or
//! reloads the page when it changes which optional tags may run.

use crate::api::consent::{record_cookie_decision, ConsentError, DecisionRecorded};
use crate::domain::consent::BannerState;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The address every consent form posts to without JavaScript.
pub const DECIDE_URL: &str = "/api/consent/decide";

/// Hydrated, a consent form calls the server function directly and reports the outcome to
/// `done`. (`ActionForm`/`ServerAction` would add ~25 KB of wasm for the same result.)
///
/// A page's Content-Security-Policy and tag loaders are fixed when the server sends it, so a
/// decision that changes which tags may run reloads the page instead: the server then sends
/// it with exactly the allowed tags under a matching policy (B04, P11, P29). `done` then only
/// sees failures and decisions that changed no tag.
pub fn submit_decision(
    decision: &'static str,
    [analytics, functionality, targeting]: [bool; 3],
    done: impl FnOnce(Result<DecisionRecorded, ConsentError>) + 'static,
) {
    let on = |ticked: bool| ticked.then(|| "on".to_owned());
    spawn_local(async move {
        let outcome = record_cookie_decision(decision.to_owned(), on(analytics), on(functionality), on(targeting)).await;
        if let Ok(recorded) = &outcome {
            let running = document()
                .query_selector("meta[name=sop-tags]")
                .ok()
                .flatten()
                .and_then(|meta| meta.get_attribute("content"))
                .unwrap_or_default();
            if running != recorded.page_tags && window().location().reload().is_ok() {
                return;
            }
        }
        done(outcome);
    });
}

#[component]
pub fn ConsentBanner() -> impl IntoView {
    // Worked out by the server for this request and provided as context (server/src/startup.rs,
    // `leptos_context`); handed to the browser as is. The component never reads the request or
    // the store's state itself.
    let state = SharedValue::new_str(|| {
        #[cfg(feature = "ssr")]
        {
            // No context while leptos_axum lists the routes at start-up: nothing is rendered then.
            use_context::<BannerState>().unwrap_or(BannerState::Ask)
        }
        #[cfg(not(feature = "ssr"))]
        {
            BannerState::Hidden
        }
    })
    .into_inner();
    let needs_decision = state == BannerState::Ask;
    // The same words whose hash the log records for a banner decision (`banner_text`).
    let explanation =
        crate::domain::consent::banner_explanation(use_context::<crate::EnabledTags>().map_or(crate::domain::tags::TagSet::EMPTY, |t| t.0));
    let decided = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let choice_form = move |choice: &'static str, label: &'static str| {
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let all = choice == "accept";
            submit_decision(choice, [all; 3], move |outcome| match outcome {
                Ok(_) => decided.set(true),
                Err(error) => failure.set(Some(error.to_string())),
            });
        };
        let form_ref = NodeRef::new();
        crate::components::hydration::mark_when_hydrated(form_ref);
        view! {
            <form node_ref=form_ref class="consent-banner__form" method="post" action=DECIDE_URL data-enhanced="" on:submit=submit>
                <input type="hidden" name="decision" value=choice/>
                <button type="submit" class="button consent-banner__button">{label}</button>
            </form>
        }
    };
    let gpc_notice = |refused: &'static str| {
        view! {
            <section class="consent-banner consent-banner--gpc" aria-labelledby="gpc-title" data-gpc-notice="">
                <h2 id="gpc-title" class="consent-banner__title">"Your privacy signal is honoured"</h2>
                <p>
                    {format!("Your browser sent a Global Privacy Control signal, so we have recorded it as refusing {refused} cookies. ")}
                    <a href="/cookies">"Change your cookie preferences"</a>
                </p>
            </section>
        }
    };
    let gpc_notice = match state {
        BannerState::GpcHonoured => Some(gpc_notice("analytical, functionality and targeting")),
        BannerState::GpcWithdrewTargeting => Some(gpc_notice("targeting")),
        _ => None,
    };
    view! {
        {gpc_notice}
        <Show when=move || needs_decision && !decided.get()>
            <section class="consent-banner" aria-labelledby="consent-banner-title" data-consent-banner="">
                <h2 id="consent-banner-title" class="consent-banner__title">"Cookies on SOP Store"</h2>
                <p>{explanation.clone()}</p>
                {move || failure.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                <div class="consent-banner__choices">
                    {choice_form("accept", "Accept all")}
                    {choice_form("reject", "Reject all")}
                    <a class="button consent-banner__button" href="/cookies">"Choose"</a>
                </div>
            </section>
        </Show>
    }
}
