//! Accounts: registration and e-mail verification, sign-in and sessions, password reset and
//! change, e-mail change, details and the address book, staff roles and their second factor,
//! the account holder's own list of sessions, and the audit log.

pub mod account_mail;
pub mod addresses;
pub mod audit;
pub mod consent_link;
pub mod passwords;
pub mod profile;
pub mod registration;
pub mod second_factor;
pub mod session_list;
pub mod sessions;
pub mod sign_in;
pub mod staff;
pub mod throttle;
pub mod tokens;

use crate::domain::account::{EmailAddress, Role};
use crate::errors::account::AccountError;
use crate::server::entities::account;
use crate::server::state::AppState;
use chrono::Duration;
use http::request::Parts;
use sea_orm::{prelude::*, ConnectionTrait, QueryFilter};
use sessions::CurrentSession;

/// How long each kind of e-mailed link works.
pub const VERIFY_LINK_VALID_FOR: Duration = Duration::hours(48);
pub const RESET_LINK_VALID_FOR: Duration = Duration::hours(1);
pub const CHANGE_LINK_VALID_FOR: Duration = Duration::hours(24);
/// S4: short, since it skips the password (which was given when it was asked for).
pub const SIGN_IN_LINK_VALID_FOR: Duration = Duration::minutes(15);

/// The signed-in account behind a request, with its session.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub account: account::Model,
    pub session: CurrentSession,
}

impl SignedIn {
    pub fn role(&self) -> Role {
        Role::parse(&self.account.role).unwrap_or(Role::Customer)
    }
}

pub async fn find_by_email(db: &impl ConnectionTrait, email: &EmailAddress) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find().filter(account::Column::Email.eq(email.as_str())).one(db).await
}

/// The session this request carries, if it is still live.
pub async fn current_session(state: &AppState, parts: &Parts) -> Result<Option<CurrentSession>, AccountError> {
    let Some(token) = sessions::token_from(parts, state.secure_cookies) else { return Ok(None) };
    Ok(sessions::find(&state.db, &token, state.sessions, chrono::Utc::now()).await?)
}

/// The signed-in account, or `NotSignedIn`: the type that says "this needs an account".
pub async fn require_signed_in(state: &AppState, parts: &Parts) -> Result<SignedIn, AccountError> {
    let session = current_session(state, parts).await?.ok_or(AccountError::NotSignedIn)?;
    let account_id = session.account_id.ok_or(AccountError::NotSignedIn)?;
    let account = account::Entity::find_by_id(account_id).one(&state.db).await?.ok_or(AccountError::NotSignedIn)?;
    Ok(SignedIn { account, session })
}

/// As `require_signed_in`, for a form post: the form must carry this session's CSRF token.
pub async fn require_signed_in_form(state: &AppState, parts: &Parts, csrf_token: &str) -> Result<SignedIn, AccountError> {
    form_of_this_session(require_signed_in(state, parts).await?, csrf_token)
}

/// As `require_staff`, for a form post: the form must carry this session's CSRF token.
pub async fn require_staff_form(state: &AppState, parts: &Parts, csrf_token: &str) -> Result<SignedIn, AccountError> {
    form_of_this_session(require_staff(state, parts).await?, csrf_token)
}

fn form_of_this_session(signed_in: SignedIn, csrf_token: &str) -> Result<SignedIn, AccountError> {
    if !sessions::csrf_matches(&signed_in.session, csrf_token) {
        tracing::warn!("a form post carried a wrong CSRF token");
        return Err(AccountError::FormExpired);
    }
    Ok(signed_in)
}

/// Staff only: customers get `Forbidden`. S11: every staff page and server function comes
/// through here, and a staff session counts only once its second factor is confirmed; until
/// then it is `SecondFactorRequired`, so a page sends the visitor straight to
/// `/account/two-factor` (coming back afterwards), and a call gets a 401.
pub async fn require_staff(state: &AppState, parts: &Parts) -> Result<SignedIn, AccountError> {
    let signed_in = require_signed_in(state, parts).await?;
    if !signed_in.role().is_staff() {
        return Err(AccountError::Forbidden);
    }
    if signed_in.session.second_factor_at.is_none() {
        tracing::info!(account_id = signed_in.account.id, "staff area refused: the second factor is not confirmed yet");
        return Err(AccountError::SecondFactorRequired);
    }
    Ok(signed_in)
}
