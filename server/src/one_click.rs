//! One-click unsubscribe (P22, B08; RFC 8058): the address in a marketing e-mail's
//! `List-Unsubscribe` header. A mail program POSTs `List-Unsubscribe=One-Click` to it from its
//! own servers, with no cookie, no Origin and no page of ours, so this route is the one POST the
//! same-origin check lets through (`security::refuse_cross_site_requests`): what authorises it
//! is the address's own signed token in the URL, not anything a browser sends along by itself,
//! so a forged cross-site request has nothing to ride on. A GET (a link scanner, or a person
//! opening the address) changes nothing and goes to the address's choices page instead.

use app::domain::marketing::{MarketingTopic, ONE_CLICK_PATH};
use app::errors::{marketing::MarketingError, Failure};
use app::server::marketing::newsletter::{self, PREFERENCES_PATH};
use app::server::state::AppState;
use axum::{
    extract::{Query, Request, State},
    response::{IntoResponse, Redirect, Response},
};
use http::StatusCode;

/// The body RFC 8058 requires; nothing else is a one-click request.
const ONE_CLICK_BODY: &str = "List-Unsubscribe=One-Click";

#[derive(serde::Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Whether a request is a one-click unsubscribe (the path the same-origin check lets through).
pub fn is_one_click(method: &http::Method, path: &str) -> bool {
    *method == http::Method::POST && path == ONE_CLICK_PATH
}

/// `POST /newsletter/one-click?token=…`: stops every marketing e-mail to the token's address
/// at once, campaigns still being sent included. Doing it again changes (and logs) nothing.
pub async fn unsubscribe(State(state): State<AppState>, Query(query): Query<TokenQuery>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1024).await.unwrap_or_default();
    if !String::from_utf8_lossy(&body).split('&').any(|pair| pair.trim() == ONE_CLICK_BODY) {
        return (StatusCode::BAD_REQUEST, "A one-click unsubscribe sends List-Unsubscribe=One-Click (RFC 8058).").into_response();
    }
    let nothing = MarketingTopic::all_off();
    match newsletter::save_by_link(&state, Some(&parts), &query.token, &nothing, chrono::Utc::now()).await {
        Ok(_) => (StatusCode::OK, "You are unsubscribed: this address gets no more marketing e-mails from SOP Store.").into_response(),
        Err(error) => refusal(error),
    }
}

/// `GET /newsletter/one-click?token=…`: no change; the choices page for the same token.
pub async fn show_choices(Query(query): Query<TokenQuery>) -> Response {
    // A token is base64url and dots; anything else is not one of ours, and must never reach
    // the Location header as it is.
    let token = &query.token;
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return (StatusCode::BAD_REQUEST, MarketingError::LinkInvalid.to_string()).into_response();
    }
    Redirect::to(&format!("{PREFERENCES_PATH}?token={token}")).into_response()
}

fn refusal(error: MarketingError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, error.to_string()).into_response()
}
