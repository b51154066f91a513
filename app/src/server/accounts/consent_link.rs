//! Links a visitor's pseudonymous consent id to their account when they sign in (B03: the
//! log shows who agreed to what, also across devices), as a `link` row in the consent log.

use crate::domain::consent::{ConsentEvent, ConsentSource, DECISION_LIFETIME_DAYS};
use crate::server::consent_log::ConsentDecision;
use crate::server::consent_service;
use crate::server::state::AppState;
use chrono::{DateTime, Duration, TimeZone, Utc};
use http::{header, request::Parts};
use sea_orm::DbErr;

/// What the sign-in form says about cookies, hashed into the link row.
pub const SIGN_IN_TEXT: &str = crate::domain::cookies::SIGN_IN_COOKIE_NOTE;

/// Appends the link row when the request carries a consent decision; no decision, no row.
pub async fn link_consent_to_account(state: &AppState, parts: &Parts, account_id: i32, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let Some(cookie) = crate::server::consent_cookie::from_request(parts, &state.keys.consent_cookie, state.secure_cookies) else {
        return Ok(false);
    };
    let decided_at = Utc.timestamp_opt(cookie.decided_at, 0).single().unwrap_or(now);
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    state
        .consent_log
        .append(ConsentDecision {
            consent_id: cookie.consent_id,
            account_id: Some(account_id),
            policy_version: cookie.policy_version,
            choices: cookie.choices,
            event: ConsentEvent::Link,
            source: ConsentSource::SignIn,
            recorded_at: now,
            // The decision keeps its own expiry; linking it does not extend it.
            expires_at: decided_at + Duration::days(DECISION_LIFETIME_DAYS),
            browser_family: consent_service::browser_family(user_agent),
            text_hash: consent_service::text_hash(SIGN_IN_TEXT),
            ip_hash: consent_service::ip_hash(&state.keys.network, crate::server::request::client_ip(parts)),
            purpose: crate::domain::consent::ConsentPurpose::Cookies,
        })
        .await?;
    Ok(true)
}
