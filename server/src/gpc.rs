//! Global Privacy Control (B05): GPC always wins. A browser sending `Sec-GPC: 1` never gets a
//! targeting tag (the security middleware drops targeting from its choices on every request),
//! and the signal is recorded in the consent log (source `gpc`) once, on the first page view
//! that carries it: before any decision as refusing every optional category, and after a
//! decision that allowed targeting as withdrawing just that. The page rendered for that view
//! already carries the new decision and says so.

use app::domain::consent::{ConsentChoices, ConsentSource};
use app::server::{
    consent_cookie,
    consent_service::{self, GpcHonoured},
    state::AppState,
};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderValue, Method};

/// What a GPC decision is recorded as having been shown: the signal itself, not a banner.
pub const GPC_TEXT: &str = "Sec-GPC: 1 (Global Privacy Control): treated as refusing analytical, functionality and targeting cookies";
/// The same, for a visitor whose earlier decision allowed targeting.
pub const GPC_TARGETING_TEXT: &str = "Sec-GPC: 1 (Global Privacy Control): treated as withdrawing consent to targeting cookies";

/// `/.well-known/gpc.json`: the store declares that it honours the signal.
pub async fn well_known() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], r#"{"gpc": true, "lastUpdate": "2026-11-30"}"#)
}

pub fn sends_gpc(headers: &http::HeaderMap) -> bool {
    headers.get("sec-gpc").and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "1")
}

/// A browser's page view: a GET asking for HTML that is not a server-function call. Only these
/// record a GPC decision (issue 21, S8), so a signal on requests for scripts, pictures or the
/// wasm writes nothing to the consent log.
pub fn is_page_view(parts: &http::request::Parts) -> bool {
    let accepts_html = parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"));
    parts.method == Method::GET && accepts_html && !parts.uri.path().starts_with("/api/")
}

/// What the signal changes for this request, if it is to be recorded now: the choices to
/// record, the text they stand for, and what the page says. None when there is nothing to
/// record (no signal, not a page view, or a decision that already refuses targeting).
fn gpc_change(
    state: &AppState,
    parts: &http::request::Parts,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<(ConsentChoices, &'static str, GpcHonoured)> {
    if !sends_gpc(&parts.headers) || !is_page_view(parts) {
        return None;
    }
    match consent_cookie::current_choices(parts, &state.keys.consent_cookie, state.secure_cookies, now) {
        None => Some((ConsentChoices::REJECT_ALL, GPC_TEXT, GpcHonoured::RefusedAll)),
        Some(choices) if choices.targeting => Some((choices.under_gpc(true), GPC_TARGETING_TEXT, GpcHonoured::WithdrewTargeting)),
        Some(_) => None,
    }
}

pub async fn honour_gpc(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let now = chrono::Utc::now();
    let Some((choices, shown_text, honoured)) = gpc_change(&state, &parts, now) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    match consent_service::record(&state, &parts, choices, ConsentSource::Gpc, shown_text, now).await {
        Ok((cookie, _)) => {
            let set_cookie = consent_cookie::set_cookie_value(&cookie, &state.keys.consent_cookie, state.secure_cookies);
            // The page rendered for this request already sees the decision. (The tags the
            // outer security middleware worked out already leave targeting out under GPC.)
            // The new cookie goes first: the first of two same-named cookies is the one read.
            let pair = consent_cookie::pair(&cookie, &state.keys.consent_cookie, state.secure_cookies);
            let with_decision = match parts.headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
                Some(existing) => format!("{pair}; {existing}"),
                None => pair,
            };
            if let Ok(value) = HeaderValue::from_str(&with_decision) {
                parts.headers.insert(header::COOKIE, value);
            }
            parts.extensions.insert(honoured);
            let mut response = next.run(Request::from_parts(parts, body)).await;
            if let Ok(value) = HeaderValue::from_str(&set_cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(error) => {
            // Not recorded, so not assumed: the banner asks as usual.
            tracing::error!(%error, "recording a GPC decision failed");
            next.run(Request::from_parts(parts, body)).await
        }
    }
}
