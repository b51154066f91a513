//! Signing in and out, and resetting a forgotten password. Answers never reveal whether an
//! address has an account; attempts are rate limited per account and per client network.

use super::{account_mail, find_by_email, passwords, sessions, throttle, tokens, SignedIn};
use crate::api::account_error::AccountError;
use crate::domain::account::{EmailAddress, NewPassword};
use crate::domain::forms::{safe_local_path, FieldError, FormReply, Validation};
use crate::server::consent_service;
use crate::server::entities::account;
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http::request::Parts;
use sea_orm::{prelude::*, ActiveValue::Set, TransactionTrait};
use sha2::Sha256;

pub const FORM: &str = "sign-in";
const WRONG_DETAILS: &str = "The email address or password is not right";

/// The outcome of a sign-in: the reply, and the new session's cookie when it worked.
#[derive(Debug)]
pub struct SignInOutcome {
    pub reply: FormReply,
    pub set_cookie: Option<String>,
}

fn throttle_key(secret: &[u8], kind: &str, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| Hmac::<Sha256>::new_from_slice(b"0").expect("any key length"));
    mac.update(kind.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    format!("{kind}:{}", hex::encode(mac.finalize().into_bytes()))
}

pub async fn sign_in(state: &AppState, parts: &Parts, email: &str, password: &str, next: Option<&str>, now: DateTime<Utc>) -> Result<SignInOutcome, AccountError> {
    let refuse = |message: String| SignInOutcome {
        reply: FormReply::rejected(FORM, vec![FieldError::new("email", message)], vec![("email".into(), email.to_owned())]),
        set_cookie: None,
    };
    let mut v = Validation::default();
    let parsed = v.check("email", EmailAddress::parse(email));
    if password.is_empty() {
        v.add("password", "Enter your password");
    }
    let Some(email) = parsed.filter(|_| v.is_clean()) else {
        return Ok(SignInOutcome { reply: FormReply::rejected(FORM, v.into_errors(), vec![("email".into(), email.to_owned())]), set_cookie: None });
    };

    let network = consent_service::ip_hash(&state.secret_key, crate::server::request::client_ip(parts));
    let network_key = throttle_key(&state.secret_key, "network", &network);
    let account_key = throttle_key(&state.secret_key, "account", email.as_str());
    let limited = state
        .sign_in_throttle
        .check(&network_key, throttle::PER_NETWORK, now)
        .and_then(|_| state.sign_in_throttle.check(&account_key, throttle::PER_ACCOUNT, now));
    if let Err(wait) = limited {
        tracing::warn!("sign-in refused: too many attempts");
        return Ok(refuse(format!(
            "Too many sign-in attempts. Wait {} minutes and try again, or reset your password.",
            throttle::minutes_to_wait(wait)
        )));
    }

    let account = find_by_email(&state.db, &email).await?;
    let matches = passwords::verify_password(password.to_owned(), account.as_ref().map(|a| a.password_hash.clone())).await;
    let Some(account) = account.filter(|_| matches) else {
        state.sign_in_throttle.record(&account_key, now);
        state.sign_in_throttle.record(&network_key, now);
        return Ok(refuse(WRONG_DETAILS.to_owned()));
    };
    state.sign_in_throttle.clear(&account_key);
    if account.email_verified_at.is_none() {
        return Ok(refuse("Confirm your email address first, using the link we sent you. No email? Ask for a new link below.".into()));
    }

    // A fresh session id on every sign-in (no session fixation): the old one ends here.
    let txn = state.db.begin().await?;
    if let Some(token) = sessions::token_from(parts) {
        let guest_session = sessions::session_id(&token);
        // The basket filled before signing in joins the account's (quantities add up).
        crate::server::shop::basket::merge_into_account(&txn, &guest_session, account.id, now).await?;
        sessions::end(&txn, &guest_session).await?;
    }
    let (token, _session) = sessions::start(&txn, Some(account.id), state.sessions, now).await?;
    txn.commit().await?;
    // The sign-in stands even if the log is briefly unavailable; the failure is logged.
    if let Err(error) = super::consent_link::link_consent_to_account(state, parts, account.id, now).await {
        tracing::error!(%error, "linking the consent id to the account failed");
    }
    tracing::info!(account_id = account.id, "signed in");
    let destination = next.and_then(safe_local_path).unwrap_or("/account");
    Ok(SignInOutcome {
        reply: FormReply::go_to(FORM, destination),
        set_cookie: Some(sessions::set_cookie(&token, state.secure_cookies)),
    })
}

pub async fn sign_out(state: &AppState, signed_in: &SignedIn) -> Result<String, AccountError> {
    sessions::end(&state.db, &signed_in.session.id).await?;
    tracing::info!(account_id = signed_in.account.id, "signed out");
    Ok(sessions::clear_cookie(state.secure_cookies))
}

pub const RESET_SENT: &str = "If that address has an account, we have sent it a link to reset the password. The link works for 1 hour.";

/// E-mails a reset link to the address if it has an account; answers the same either way.
pub async fn request_password_reset(state: &AppState, email: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let email = match EmailAddress::parse(email) {
        Ok(email) => email,
        Err(message) => return Ok(FormReply::rejected("reset", vec![FieldError::new("email", message)], vec![("email".into(), email.to_owned())])),
    };
    if let Some(account) = find_by_email(&state.db, &email).await? {
        let txn = state.db.begin().await?;
        account_mail::password_reset(state, &txn, &account, now).await?;
        txn.commit().await?;
        account_mail::wake(state);
    }
    Ok(FormReply::saved("reset", RESET_SENT))
}

/// Sets a new password from a reset link. The link is bound to the old password's hash, so it
/// works once; every session of the account ends, since someone else may have been signed in.
pub async fn reset_password(state: &AppState, token: &str, password: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let unchecked = tokens::open(tokens::TokenPurpose::ResetPassword, token, now).map_err(|_| AccountError::LinkInvalid)?;
    let account = account::Entity::find_by_id(unchecked.account_id).one(&state.db).await?.ok_or(AccountError::LinkInvalid)?;
    unchecked.check(&state.secret_key, &account.password_hash).map_err(|_| AccountError::LinkInvalid)?;
    let email = EmailAddress::parse(&account.email).ok();
    let password = match NewPassword::parse(password, email.as_ref()) {
        Ok(password) => password,
        Err(message) => return Ok(FormReply::rejected("new-password", vec![FieldError::new("password", message)], vec![])),
    };
    let hash = passwords::hash_password(password.expose().to_owned()).await?;
    let txn = state.db.begin().await?;
    let mut active: account::ActiveModel = account.clone().into();
    active.password_hash = Set(hash);
    // Following the link proves the address works.
    if account.email_verified_at.is_none() {
        active.email_verified_at = Set(Some(now));
    }
    active.updated_at = Set(now);
    let account = active.update(&txn).await?;
    sessions::end_others(&txn, account.id, None).await?;
    account_mail::password_changed_notice(state, &txn, &account).await?;
    txn.commit().await?;
    account_mail::wake(state);
    tracing::info!(account_id = account.id, "password reset");
    Ok(FormReply::go_to("new-password", "/account/sign-in?reset=1"))
}
