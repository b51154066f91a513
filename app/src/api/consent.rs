//! Cookie decisions: the banner's "Accept all" / "Reject all" and the preferences form.

use crate::domain::consent::ConsentChoices;
pub use crate::errors::consent::ConsentError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the browser is told once the decision is committed to the log: only what the page
/// acts on (each field deserialized in the browser costs wasm; the receipt has the rest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecorded {
    /// The tags a page may now load, in the form of the page's `<meta name="sop-tags">`: when
    /// they differ from what the page runs, the page is reloaded to start or stop them.
    pub page_tags: String,
}

/// Reads the submitted form: `decision` is `accept`, `reject`, or `custom` with a checkbox
/// (`on`) for each optional category the visitor allows; an unticked box is absent.
pub fn choices_from_form(
    decision: &str,
    analytics: Option<&str>,
    functionality: Option<&str>,
    targeting: Option<&str>,
) -> Result<ConsentChoices, ConsentError> {
    let ticked = |value: Option<&str>| value.is_some_and(|v| v == "on" || v == "true");
    match decision {
        "accept" => Ok(ConsentChoices::ACCEPT_ALL),
        "reject" => Ok(ConsentChoices::REJECT_ALL),
        "custom" => Ok(ConsentChoices { analytics: ticked(analytics), functionality: ticked(functionality), targeting: ticked(targeting) }),
        _ => Err(ConsentError::UnknownDecision),
    }
}

/// Records a decision. Without JavaScript the browser posts the form and is sent back to the
/// page it came from (the `Referer`), now without the banner.
#[server(endpoint = "consent/decide")]
pub async fn record_cookie_decision(
    decision: String,
    analytics: Option<String>,
    functionality: Option<String>,
    targeting: Option<String>,
) -> Result<DecisionRecorded, ConsentError> {
    use crate::domain::consent::{banner_text, ConsentSource};
    use crate::server::{consent_cookie, consent_service, state::app_state};
    let set_status = |status: http::StatusCode| {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    };
    let choices = match choices_from_form(&decision, analytics.as_deref(), functionality.as_deref(), targeting.as_deref()) {
        Ok(choices) => choices,
        Err(error) => {
            set_status(http::StatusCode::BAD_REQUEST);
            return Err(error);
        }
    };
    let state = app_state();
    let banner = banner_text(state.tags.enabled());
    let (source, shown_text) = if decision == "custom" {
        (ConsentSource::Preferences, crate::domain::cookies::PREFERENCES_TEXT)
    } else {
        (ConsentSource::Banner, banner.as_str())
    };
    let parts: http::request::Parts = expect_context();
    match consent_service::record(&state, &parts, choices, source, shown_text, chrono::Utc::now()).await {
        Ok((cookie, _)) => {
            let allowed = state.tags.allowed(choices);
            // B04: the cookies of every tag this decision does not allow are expired in the
            // same response, so a withdrawal takes effect at once.
            let set_cookies = std::iter::once(consent_cookie::set_cookie_value(&cookie, &state.keys.consent_cookie, state.secure_cookies))
                .chain(consent_cookie::expire_withheld_tag_cookies(&parts, allowed));
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                for value in set_cookies.filter_map(|value| http::HeaderValue::from_str(&value).ok()) {
                    response.append_header(http::header::SET_COOKIE, value);
                }
            }
            Ok(DecisionRecorded { page_tags: allowed.marker() })
        }
        Err(error) => {
            tracing::error!(%error, "recording a consent decision failed");
            set_status(http::StatusCode::SERVICE_UNAVAILABLE);
            Err(ConsentError::NotRecorded)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b02_forms_read_as_the_visitor_meant() {
        assert_eq!(choices_from_form("accept", None, None, None), Ok(ConsentChoices::ACCEPT_ALL));
        assert_eq!(choices_from_form("reject", Some("on"), Some("on"), Some("on")), Ok(ConsentChoices::REJECT_ALL));
        assert_eq!(
            choices_from_form("custom", Some("on"), None, Some("off")),
            Ok(ConsentChoices { analytics: true, functionality: false, targeting: false })
        );
        assert_eq!(choices_from_form("custom", None, None, None), Ok(ConsentChoices::REJECT_ALL), "nothing pre-ticked");
        assert_eq!(choices_from_form("everything", None, None, None), Err(ConsentError::UnknownDecision));
    }
}
