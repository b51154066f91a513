//! Consent receipts (B03): after any decision the visitor can download a receipt of it, and
//! anyone holding a receipt can check it against the store.

use app::server::{consent_cookie, consent_log, state::AppState};
use axum::{
    extract::{Query, Request, State},
    response::{IntoResponse, Response},
    Json,
};
use http::{header, StatusCode};

/// `GET /cookies/receipt.json`: the visitor's latest decision, as a file to keep.
pub async fn download(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(cookie) = consent_cookie::from_request(&parts, &state.keys.consent_cookie, state.secure_cookies) else {
        return (StatusCode::NOT_FOUND, "You have not made a cookie choice on this browser yet, so there is no receipt.").into_response();
    };
    match consent_log::latest_for(&state.db, &cookie.consent_id).await {
        Ok(Some(row)) => (
            [(header::CONTENT_DISPOSITION, "attachment; filename=\"sop-store-consent-receipt.json\"")],
            Json(consent_log::receipt_of(&row)),
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "No recorded decision matches this browser's cookie.").into_response(),
        Err(error) => {
            tracing::error!(%error, "reading a consent receipt failed");
            (StatusCode::SERVICE_UNAVAILABLE, "The receipt could not be read just now. Please try again.").into_response()
        }
    }
}

#[derive(serde::Deserialize)]
pub struct CheckQuery {
    hash: String,
}

/// `GET /cookies/receipt/check?hash=…`: whether the store holds that decision unchanged.
pub async fn check(State(state): State<AppState>, Query(query): Query<CheckQuery>) -> Response {
    let hash = query.hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return (StatusCode::BAD_REQUEST, "A receipt's row hash is 64 hexadecimal characters.").into_response();
    }
    match consent_log::check_receipt(&state.db, &hash).await {
        Ok(result) => Json(result).into_response(),
        Err(error) => {
            tracing::error!(%error, "checking a consent receipt failed");
            (StatusCode::SERVICE_UNAVAILABLE, "The receipt could not be checked just now. Please try again.").into_response()
        }
    }
}
