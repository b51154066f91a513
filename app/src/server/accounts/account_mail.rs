//! The e-mails the accounts capability sends, each queued in the caller's transaction so it
//! goes out only if the change it reports was committed.

use super::{
    registration::verification_binding, tokens, CHANGE_LINK_VALID_FOR, RESET_LINK_VALID_FOR, SIGN_IN_LINK_VALID_FOR, VERIFY_LINK_VALID_FOR,
};
use crate::domain::account::EmailAddress;
use crate::errors::account::AccountError;
use crate::server::entities::account;
use crate::server::mail::{templates, MailError, OutgoingMail};
use crate::server::state::AppState;
use chrono::{DateTime, Duration, Utc};

/// The links' lifetimes in the form the templates print.
fn valid_for(duration: Duration) -> std::time::Duration {
    duration.to_std().unwrap_or_default()
}
use sea_orm::ConnectionTrait;

impl From<MailError> for AccountError {
    fn from(error: MailError) -> Self {
        tracing::error!(%error, "accounts: queueing an e-mail failed");
        Self::Unavailable
    }
}

fn link(state: &AppState, path: &str, token: &str) -> String {
    format!("{}{path}?token={token}", state.public_url)
}

async fn queue(state: &AppState, db: &impl ConnectionTrait, mail: OutgoingMail) -> Result<(), AccountError> {
    state.mailer.queue(db, &mail, Utc::now()).await?;
    Ok(())
}

/// Starts delivery of what was queued, once the caller's transaction has committed.
pub fn wake(state: &AppState) {
    state.mailer.wake();
}

pub async fn email_verification(
    state: &AppState,
    db: &impl ConnectionTrait,
    account: &account::Model,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let binding = verification_binding(account);
    let token = tokens::issue(
        &state.keys.link_tokens,
        tokens::TokenPurpose::VerifyEmail,
        account.id,
        &account.email,
        &binding,
        now + VERIFY_LINK_VALID_FOR,
    );
    let mail = templates::email_verification(
        &account.email,
        &account.name,
        &link(state, "/account/confirm-email", &token),
        valid_for(VERIFY_LINK_VALID_FOR),
    );
    queue(state, db, mail).await
}

/// To an address that already has an account, when someone registers with it again.
pub async fn already_registered(state: &AppState, db: &impl ConnectionTrait, account: &account::Model) -> Result<(), AccountError> {
    let mail = templates::already_registered(
        &account.email,
        &account.name,
        &format!("{}/account/sign-in", state.public_url),
        &format!("{}/account/reset", state.public_url),
    );
    queue(state, db, mail).await
}

pub async fn password_reset(
    state: &AppState,
    db: &impl ConnectionTrait,
    account: &account::Model,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let token = tokens::issue(
        &state.keys.link_tokens,
        tokens::TokenPurpose::ResetPassword,
        account.id,
        "",
        &account.password_hash,
        now + RESET_LINK_VALID_FOR,
    );
    let mail = templates::password_reset(
        &account.email,
        &account.name,
        &link(state, "/account/reset/new", &token),
        valid_for(RESET_LINK_VALID_FOR),
    );
    queue(state, db, mail).await
}

/// S4: a one-time sign-in link for a locked account; `binding` is `sign_in::link_binding`.
pub async fn sign_in_link(
    state: &AppState,
    db: &impl ConnectionTrait,
    account: &account::Model,
    binding: &str,
    next: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let token =
        tokens::issue(&state.keys.link_tokens, tokens::TokenPurpose::SignIn, account.id, next, binding, now + SIGN_IN_LINK_VALID_FOR);
    let mail = templates::sign_in_link(
        &account.email,
        &account.name,
        &link(state, "/account/sign-in/link", &token),
        valid_for(SIGN_IN_LINK_VALID_FOR),
    );
    queue(state, db, mail).await
}

pub async fn password_changed_notice(state: &AppState, db: &impl ConnectionTrait, account: &account::Model) -> Result<(), AccountError> {
    queue(state, db, templates::password_changed_notice(&account.email, &account.name)).await
}

pub async fn email_change_confirmation(
    state: &AppState,
    db: &impl ConnectionTrait,
    account: &account::Model,
    new_email: &EmailAddress,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let token = tokens::issue(
        &state.keys.link_tokens,
        tokens::TokenPurpose::ChangeEmail,
        account.id,
        new_email.as_str(),
        &account.email,
        now + CHANGE_LINK_VALID_FOR,
    );
    let mail = templates::email_change_confirmation(
        new_email.as_str(),
        &account.name,
        &link(state, "/account/confirm-email-change", &token),
        valid_for(CHANGE_LINK_VALID_FOR),
    );
    queue(state, db, mail).await
}

/// To the old address, after the change: if it was not the owner, they know at once.
pub async fn email_changed_notice(state: &AppState, db: &impl ConnectionTrait, old: &account::Model) -> Result<(), AccountError> {
    queue(state, db, templates::email_changed_notice(&old.email, &old.name)).await
}
