//! Signing in and out (with a password, or with the link e-mailed while an account is locked),
//! and resetting a forgotten password. Answers never reveal whether an address has an account;
//! attempts are rate limited per account and per client network.

use super::{account_mail, find_by_email, passwords, second_factor, sessions, throttle, tokens, SignedIn};
use crate::domain::account::{EmailAddress, NewPassword, Role};
use crate::domain::forms::{safe_local_path, FieldError, FormReply, Validation};
use crate::errors::account::AccountError;
use crate::server::consent_service;
use crate::server::entities::account;
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http::request::Parts;
use sea_orm::{prelude::*, ActiveValue::Set, ConnectionTrait, TransactionTrait};
use sha2::Sha256;

pub const FORM: &str = "sign-in";
const WRONG_DETAILS: &str = "The email address or password is not right";

/// The outcome of a sign-in: the reply, and the new session's cookie when it worked.
#[derive(Debug)]
pub struct SignInOutcome {
    pub reply: FormReply,
    pub set_cookie: Option<String>,
}

pub(super) fn throttle_key(secret: &[u8], kind: &str, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| Hmac::<Sha256>::new_from_slice(b"0").expect("any key length"));
    mac.update(kind.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    format!("{kind}:{}", hex::encode(mac.finalize().into_bytes()))
}

/// The throttle key of an account's wrong passwords.
fn account_key(state: &AppState, email: &EmailAddress) -> String {
    throttle_key(&state.keys.network, "account", email.as_str())
}

/// The throttle key of one kind of request from the client's network (a /24 or /48).
pub(super) fn network_key(state: &AppState, kind: &str, parts: Option<&Parts>) -> String {
    let network = consent_service::ip_hash(&state.keys.network, parts.and_then(crate::server::request::client_ip));
    throttle_key(&state.keys.network, kind, &network)
}

/// S4: counts a request that sends an e-mail (`kind`: register, resend, reset) against its
/// per-network limit; the field error to show when the network has used it up. The request's
/// head comes from the server function's context (absent outside a request: one shared key).
pub(crate) fn mail_request_admitted(state: &AppState, kind: &str, now: DateTime<Utc>) -> Result<(), FieldError> {
    let parts = leptos::prelude::use_context::<Parts>();
    let key = network_key(state, &format!("{kind}-network"), parts.as_ref());
    match state.sign_in_throttle.admit(&[(&key, throttle::MAIL_REQUESTS_PER_NETWORK)], now) {
        // Every request counts, whatever its outcome, so the attempt is never forgotten.
        Ok(_counted) => Ok(()),
        Err(wait) => {
            tracing::warn!(kind, "request refused: too many from one network");
            Err(FieldError::new(
                "email",
                format!(
                    "There have been too many requests from your network. Wait {} minutes and try again.",
                    throttle::minutes_to_wait(wait)
                ),
            ))
        }
    }
}

pub async fn sign_in(
    state: &AppState,
    parts: &Parts,
    email: &str,
    password: &str,
    next: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SignInOutcome, AccountError> {
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
        return Ok(SignInOutcome {
            reply: FormReply::rejected(FORM, v.into_errors(), vec![("email".into(), email.to_owned())]),
            set_cookie: None,
        });
    };

    let network_key = network_key(state, "network", Some(parts));
    let account_key = account_key(state, &email);
    // S4: checking a limit and counting this attempt are one step, so guesses sent in
    // parallel cannot all pass the check before any of them is counted. The attempt counts as
    // a failure until the password proves right.
    let on_network = match state.sign_in_throttle.admit(&[(&network_key, throttle::PER_NETWORK)], now) {
        Ok(attempt) => attempt,
        Err(wait) => {
            tracing::warn!("sign-in refused: too many attempts from one network");
            return Ok(refuse(format!(
                "Too many sign-in attempts. Wait {} minutes and try again, or reset your password.",
                throttle::minutes_to_wait(wait)
            )));
        }
    };
    let on_account = match state.sign_in_throttle.admit(&[(&account_key, throttle::PER_ACCOUNT)], now) {
        Ok(attempt) => attempt,
        Err(wait) => {
            let attempt = answer_while_locked(state, &email, password, next, on_network, now).await?;
            tracing::info!(?attempt, "sign-in to a locked account");
            return Ok(refuse(format!(
                "Too many sign-in attempts on this account, so it is locked for {} minutes. \
                 If the password you gave is right, we have e-mailed you a link to sign in now. You can also reset your password.",
                throttle::minutes_to_wait(wait)
            )));
        }
    };

    let account = find_by_email(&state.db, &email).await?;
    let matches = passwords::verify_password(password.to_owned(), account.as_ref().map(|a| a.password_hash.clone())).await;
    let Some(account) = account.filter(|_| matches) else {
        return Ok(refuse(WRONG_DETAILS.to_owned()));
    };
    state.sign_in_throttle.forget(on_network);
    state.sign_in_throttle.forget(on_account);
    state.sign_in_throttle.clear(&account_key);
    if account.email_verified_at.is_none() {
        return Ok(refuse("Confirm your email address first, using the link we sent you. No email? Ask for a new link below.".into()));
    }
    start_session(state, parts, &account, next, now).await
}

/// What `answer_while_locked` did, for the log; the visitor's answer is the same either way.
#[derive(Debug, PartialEq, Eq)]
enum LockedAttempt {
    WrongPassword,
    LinkSent,
    /// The right password, but a link was sent very recently (or the address is unconfirmed).
    NothingSent,
}

/// S4: a lock must not keep out the owner who knows the password. While an account is locked,
/// a right password is still checked (counted on the network's limit, as any guess): it gets
/// a one-time sign-in link e-mailed to the account's address, and the answer on the page is the
/// same as for a wrong password, so the guesser learns nothing. The mail is queued apart from
/// the answer, so a right password also takes no longer to answer.
async fn answer_while_locked(
    state: &AppState,
    email: &EmailAddress,
    password: &str,
    next: Option<&str>,
    on_network: throttle::Attempt,
    now: DateTime<Utc>,
) -> Result<LockedAttempt, AccountError> {
    let account = find_by_email(&state.db, email).await?;
    let matches = passwords::verify_password(password.to_owned(), account.as_ref().map(|a| a.password_hash.clone())).await;
    let Some(account) = account.filter(|_| matches) else { return Ok(LockedAttempt::WrongPassword) };
    state.sign_in_throttle.forget(on_network);
    let link_key = throttle_key(&state.keys.network, "sign-in-link", email.as_str());
    if account.email_verified_at.is_none()
        || state.sign_in_throttle.admit(&[(&link_key, throttle::SIGN_IN_LINKS_PER_ACCOUNT)], now).is_err()
    {
        return Ok(LockedAttempt::NothingSent);
    }
    let next = next.and_then(safe_local_path).unwrap_or("/account").to_owned();
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = send_sign_in_link(&state, &account, &next, now).await {
            tracing::error!(%error, "queueing a sign-in link failed");
        }
    });
    Ok(LockedAttempt::LinkSent)
}

async fn send_sign_in_link(state: &AppState, account: &account::Model, next: &str, now: DateTime<Utc>) -> Result<(), AccountError> {
    let binding = link_binding(&state.db, account).await?;
    let txn = state.db.begin().await?;
    account_mail::sign_in_link(state, &txn, account, &binding, next, now).await?;
    txn.commit().await?;
    account_mail::wake(state);
    Ok(())
}

/// What a sign-in link is bound to: the password (a reset voids it) and the account's newest
/// session, which every sign-in replaces, so the link works once and only until the next
/// sign-in.
async fn link_binding(db: &impl ConnectionTrait, account: &account::Model) -> Result<String, AccountError> {
    let newest = sessions::newest_of_account(db, account.id).await?;
    Ok(format!("{}\0{}", account.password_hash, newest.unwrap_or_default()))
}

/// S4: signs in with the link e-mailed while the account was locked; it ends the lock, as
/// its owner has shown both the password and the mailbox. Staff still give their code next.
pub async fn sign_in_with_link(state: &AppState, parts: &Parts, token: &str, now: DateTime<Utc>) -> Result<SignInOutcome, AccountError> {
    let unchecked = tokens::open(tokens::TokenPurpose::SignIn, token, now).map_err(|_| AccountError::LinkInvalid)?;
    let account = account::Entity::find_by_id(unchecked.account_id).one(&state.db).await?;
    // A missing account is checked against a binding nothing matches: it answers as a forged
    // link does (S5).
    let binding = match &account {
        Some(account) => link_binding(&state.db, account).await?,
        None => String::new(),
    };
    let checked = unchecked.check(&state.keys.link_tokens, &binding);
    let (Some(account), Ok(checked)) = (account, checked) else { return Err(AccountError::LinkInvalid) };
    if account.email_verified_at.is_none() {
        return Err(AccountError::LinkInvalid);
    }
    if let Ok(email) = EmailAddress::parse(&account.email) {
        state.sign_in_throttle.clear(&account_key(state, &email));
    }
    tracing::info!(account_id = account.id, "signed in with an e-mailed link");
    start_session(state, parts, &account, Some(&checked.extra), now).await
}

/// Starts the signed-in session of an account that proved who it is, and says where to go.
async fn start_session(
    state: &AppState,
    parts: &Parts,
    account: &account::Model,
    next: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SignInOutcome, AccountError> {
    // A fresh session id on every sign-in (no session fixation): the old one ends here.
    let txn = state.db.begin().await?;
    if let Some(token) = sessions::token_from(parts, state.secure_cookies) {
        let guest_session = sessions::session_id(&token);
        // The basket filled before signing in joins the account's (quantities add up).
        crate::server::shop::basket::merge_into_account(&txn, &guest_session, account.id, now).await?;
        sessions::end(&txn, &guest_session).await?;
    }
    let browser = consent_service::browser_family(parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()));
    let (token, _session) = sessions::start_in_browser(&txn, Some(account.id), Some(browser), state.sessions, now).await?;
    txn.commit().await?;
    // The sign-in stands even if the log is briefly unavailable; the failure is logged.
    if let Err(error) = super::consent_link::link_consent_to_account(state, parts, account.id, now).await {
        tracing::error!(%error, "linking the consent id to the account failed");
    }
    let destination = next.and_then(safe_local_path).unwrap_or("/account");
    // S11: staff and admins are not signed in to the staff area until their code is right.
    let second_factor = second_factor::required_for(Role::parse(&account.role).unwrap_or(Role::Customer));
    tracing::info!(account_id = account.id, second_factor, "signed in");
    let destination = if second_factor { second_factor::page_for(destination) } else { destination.to_owned() };
    Ok(SignInOutcome { reply: FormReply::go_to(FORM, destination), set_cookie: Some(sessions::set_cookie(&token, state.secure_cookies)) })
}

pub async fn sign_out(state: &AppState, signed_in: &SignedIn) -> Result<String, AccountError> {
    sessions::end(&state.db, &signed_in.session.id).await?;
    tracing::info!(account_id = signed_in.account.id, "signed out");
    Ok(sessions::clear_cookie(state.secure_cookies))
}

pub const RESET_SENT: &str = "If that address has an account, we have sent it a link to reset the password. The link works for 1 hour.";

/// E-mails a reset link to the address if it has an account; answers the same either way.
/// Requests are limited per client network (S4).
pub async fn request_password_reset(state: &AppState, email: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let typed = vec![("email".into(), email.to_owned())];
    let email = match EmailAddress::parse(email) {
        Ok(email) => email,
        Err(message) => return Ok(FormReply::rejected("reset", vec![FieldError::new("email", message)], typed)),
    };
    if let Err(refused) = mail_request_admitted(state, "reset", now) {
        return Ok(FormReply::rejected("reset", vec![refused], typed));
    }
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
/// The sign-in lock of the account ends too: its owner has just proved who they are.
pub async fn reset_password(state: &AppState, token: &str, password: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let unchecked = tokens::open(tokens::TokenPurpose::ResetPassword, token, now).map_err(|_| AccountError::LinkInvalid)?;
    // The binding is the account's password hash, so the account is read first; without one the
    // MAC is still checked (against nothing it could match), so a missing account answers as a
    // forged link does, in the same time (S5).
    let account = account::Entity::find_by_id(unchecked.account_id).one(&state.db).await?;
    let checked = unchecked.check(&state.keys.link_tokens, account.as_ref().map_or("", |a| a.password_hash.as_str()));
    let (Some(account), Ok(_)) = (account, checked) else { return Err(AccountError::LinkInvalid) };
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
    if let Some(email) = &email {
        state.sign_in_throttle.clear(&account_key(state, email));
    }
    tracing::info!(account_id = account.id, "password reset");
    Ok(FormReply::go_to("new-password", "/account/sign-in?reset=1"))
}
