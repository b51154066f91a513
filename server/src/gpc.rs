//! Global Privacy Control (B05): a browser sending `Sec-GPC: 1` that has made no cookie decision
//! yet is recorded as refusing every optional category (source `gpc`) before its first page is
//! rendered, so that page already carries the decision and no optional tag can load.

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

/// `/.well-known/gpc.json`: the store declares that it honours the signal.
pub async fn well_known() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], r#"{"gpc": true, "lastUpdate": "2026-11-30"}"#)
}

fn sends_gpc(headers: &http::HeaderMap) -> bool {
    headers.get("sec-gpc").and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "1")
}

pub async fn honour_gpc(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let applies = parts.method == Method::GET
        && sends_gpc(&parts.headers)
        && consent_service::needs_decision(&parts, &state.secret_key, chrono::Utc::now());
    if !applies {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let now = chrono::Utc::now();
    match consent_service::record(&state, &parts, ConsentChoices::REJECT_ALL, ConsentSource::Gpc, GPC_TEXT, now).await {
        Ok((cookie, _)) => {
            let set_cookie = consent_cookie::set_cookie_value(&cookie, &state.secret_key, state.secure_cookies);
            // The page rendered for this request already sees the decision. (A refusal: the
            // tags worked out by the outer security middleware, none, stay right.)
            let pair = consent_cookie::pair(&cookie, &state.secret_key);
            let with_decision = match parts.headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
                Some(existing) => format!("{existing}; {pair}"),
                None => pair,
            };
            if let Ok(value) = HeaderValue::from_str(&with_decision) {
                parts.headers.insert(header::COOKIE, value);
            }
            parts.extensions.insert(GpcHonoured);
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
