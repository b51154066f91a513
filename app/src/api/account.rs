//! Accounts: register, confirm, sign in and out, reset, and the account holder's own details
//! and addresses. Every form works as a plain post without JavaScript (the answer comes back
//! through a redirect) and as a fetch from the hydrated page (the answer comes back as JSON).
// A server function takes each field of its form as an argument, as the browser posts them.
#![allow(clippy::too_many_arguments)]

use crate::domain::account::{SecondFactorStep, SessionSummary};
use crate::domain::address::SavedAddress;
use crate::domain::forms::FormReply;
pub use crate::errors::account::AccountError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the account pages show; only ever the signed-in account's own data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub name: String,
    pub email: String,
    pub telephone: Option<String>,
    pub is_staff: bool,
    /// This session's token for the page's forms (CSRF).
    pub csrf_token: String,
    pub addresses: Vec<SavedAddress>,
    /// P23: the account's address's marketing choices, one per topic.
    pub marketing: Vec<crate::domain::marketing::TopicChoice>,
    /// The answer to a plain form post that led back to this page, if any.
    pub outcome: Option<FormReply>,
}

/// S11: the two-factor page: what it asks of this session, and its form's token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorView {
    pub step: SecondFactorStep,
    pub csrf_token: String,
    pub outcome: Option<FormReply>,
}

/// S11: the account holder's live sessions, and the token for "Sign out everywhere else".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsView {
    pub sessions: Vec<SessionSummary>,
    pub csrf_token: String,
    pub outcome: Option<FormReply>,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::api::request::{now, parts, set_cookie};
    pub use crate::server::accounts::{self, require_signed_in, require_signed_in_form};
    pub use crate::server::state::{app_state, AppState};
}

/// Accounts answer forms through the shared plumbing (see `api::answer_form`).
#[cfg(feature = "ssr")]
pub fn answer_form(form: &str, outcome: Result<FormReply, AccountError>) -> Result<FormReply, AccountError> {
    crate::api::answer_form(form, outcome)
}

/// The outcome of a plain form post, shown on the page it returned to.
#[server(endpoint = "forms/outcome")]
pub async fn form_outcome(id: String) -> Result<Option<FormReply>, AccountError> {
    Ok(ssr::app_state().form_flash.get(&id, &crate::server::form_flash::VisitorKey::current()))
}

#[server(endpoint = "account/register")]
pub async fn register(name: String, email: String, password: String, telephone: Option<String>) -> Result<FormReply, AccountError> {
    use crate::server::accounts::registration::{register, RegistrationForm, FORM};
    let form = RegistrationForm { name, email, password, telephone: telephone.unwrap_or_default() };
    answer_form(FORM, register(&ssr::app_state(), form, ssr::now()).await)
}

#[server(endpoint = "account/confirm-email")]
pub async fn confirm_email(token: String) -> Result<FormReply, AccountError> {
    let outcome = ssr::accounts::registration::confirm_email(&ssr::app_state(), &token, ssr::now()).await;
    answer_form("confirm-email", outcome)
}

#[server(endpoint = "account/resend-confirmation")]
pub async fn resend_confirmation(email: String) -> Result<FormReply, AccountError> {
    answer_form("resend", ssr::accounts::registration::resend_verification(&ssr::app_state(), &email, ssr::now()).await)
}

#[server(endpoint = "account/sign-in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = ssr::accounts::sign_in::sign_in(&state, &ssr::parts(), &email, &password, next.as_deref(), ssr::now()).await;
    let outcome = outcome.map(|outcome| {
        if let Some(cookie) = &outcome.set_cookie {
            ssr::set_cookie(cookie);
        }
        outcome.reply
    });
    answer_form(ssr::accounts::sign_in::FORM, outcome)
}

/// S4: signs in with the one-time link e-mailed while the account was locked.
#[server(endpoint = "account/sign-in-link")]
pub async fn sign_in_with_link(token: String) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = ssr::accounts::sign_in::sign_in_with_link(&state, &ssr::parts(), &token, ssr::now()).await;
    let outcome = outcome.map(|outcome| {
        if let Some(cookie) = &outcome.set_cookie {
            ssr::set_cookie(cookie);
        }
        FormReply { form: "sign-in-link".to_owned(), ..outcome.reply }
    });
    answer_form("sign-in-link", outcome)
}

#[server(endpoint = "account/sign-out")]
pub async fn sign_out(csrf_token: String) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = require_signed_in_form_here(&state, &csrf_token).await?;
        let cookie = ssr::accounts::sign_in::sign_out(&state, &signed_in).await?;
        ssr::set_cookie(&cookie);
        Ok(FormReply::go_to("sign-out", "/account/sign-in?signed-out=1"))
    }
    .await;
    answer_form("sign-out", outcome)
}

#[cfg(feature = "ssr")]
async fn require_signed_in_form_here(state: &ssr::AppState, csrf_token: &str) -> Result<crate::server::accounts::SignedIn, AccountError> {
    ssr::require_signed_in_form(state, &ssr::parts(), csrf_token).await
}

#[server(endpoint = "account/reset")]
pub async fn request_password_reset(email: String) -> Result<FormReply, AccountError> {
    answer_form("reset", ssr::accounts::sign_in::request_password_reset(&ssr::app_state(), &email, ssr::now()).await)
}

#[server(endpoint = "account/reset-new")]
pub async fn reset_password(token: String, password: String) -> Result<FormReply, AccountError> {
    answer_form("new-password", ssr::accounts::sign_in::reset_password(&ssr::app_state(), &token, &password, ssr::now()).await)
}

#[server(endpoint = "account/overview")]
pub async fn load_account_overview(form: Option<String>) -> Result<AccountOverview, AccountError> {
    let state = ssr::app_state();
    let signed_in = ssr::require_signed_in(&state, &ssr::parts()).await.map_err(crate::api::refuse_page_or_call)?;
    let addresses = ssr::accounts::addresses::list(&state.db, signed_in.account.id).await?;
    let marketing = match crate::domain::account::EmailAddress::parse(&signed_in.account.email) {
        Ok(address) => crate::server::marketing::preferences::choices(&state.db, &address).await?,
        Err(_) => Vec::new(),
    };
    let is_staff = signed_in.role().is_staff();
    let account = signed_in.account;
    Ok(AccountOverview {
        name: account.name,
        email: account.email,
        telephone: account.telephone,
        is_staff,
        csrf_token: signed_in.session.csrf_token,
        addresses,
        marketing,
        outcome: form.and_then(|id| state.form_flash.get(&id, &crate::server::form_flash::VisitorKey::current())),
    })
}

#[server(endpoint = "account/details")]
pub async fn save_details(csrf_token: String, name: String, telephone: Option<String>) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = require_signed_in_form_here(&state, &csrf_token).await?;
        ssr::accounts::profile::save_details(&state, &signed_in, &name, telephone.as_deref().unwrap_or(""), ssr::now()).await
    }
    .await;
    answer_form("details", outcome)
}

#[server(endpoint = "account/password")]
pub async fn change_password(csrf_token: String, current_password: String, new_password: String) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = require_signed_in_form_here(&state, &csrf_token).await?;
        ssr::accounts::profile::change_password(&state, &signed_in, &current_password, &new_password, ssr::now()).await
    }
    .await;
    answer_form("password", outcome)
}

#[server(endpoint = "account/email")]
pub async fn change_email(csrf_token: String, new_email: String, password: String) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = require_signed_in_form_here(&state, &csrf_token).await?;
        ssr::accounts::profile::request_email_change(&state, &signed_in, &new_email, &password, ssr::now()).await
    }
    .await;
    answer_form("email", outcome)
}

#[server(endpoint = "account/confirm-email-change")]
pub async fn confirm_email_change(token: String) -> Result<FormReply, AccountError> {
    answer_form("confirm-email-change", ssr::accounts::profile::confirm_email_change(&ssr::app_state(), &token, ssr::now()).await)
}

#[server(endpoint = "account/address")]
pub async fn load_address(id: i32) -> Result<SavedAddress, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = ssr::require_signed_in(&state, &ssr::parts()).await?;
        ssr::accounts::addresses::find(&state.db, &signed_in, id).await
    }
    .await;
    if let Err(error) = &outcome {
        crate::api::set_response_status(crate::errors::Failure::status(error));
    }
    outcome
}

#[server(endpoint = "account/address-save")]
pub async fn save_address(
    csrf_token: String,
    id: Option<String>,
    kind: String,
    full_name: String,
    line1: String,
    line2: Option<String>,
    city: String,
    postcode: String,
    country: Option<String>,
    is_default: Option<String>,
) -> Result<FormReply, AccountError> {
    use crate::domain::address::AddressForm;
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = require_signed_in_form_here(&state, &csrf_token).await?;
        let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(raw.parse::<i32>().map_err(|_| AccountError::NotFound)?),
        };
        let form = AddressForm {
            kind,
            full_name,
            line1,
            line2: line2.unwrap_or_default(),
            city,
            postcode,
            country: country.unwrap_or_default(),
            is_default,
        };
        ssr::accounts::addresses::save(&state.db, &signed_in, id, form, ssr::now()).await
    }
    .await;
    answer_form("address", outcome)
}

#[server(endpoint = "account/address-delete")]
pub async fn delete_address(csrf_token: String, id: i32) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = require_signed_in_form_here(&state, &csrf_token).await?;
        ssr::accounts::addresses::delete(&state.db, &signed_in, id).await
    }
    .await;
    answer_form("address", outcome)
}

/// S11: whether this browser is signed in to a staff account that still owes its code; the
/// sign-in page then sends it on to the code page.
#[server(endpoint = "account/two-factor-pending")]
pub async fn two_factor_pending() -> Result<bool, AccountError> {
    ssr::accounts::second_factor::pending(&ssr::app_state(), &ssr::parts()).await
}

/// S11: the two-factor page's data. Staff who have not set up an authenticator app get its
/// setup key here, and only here, until their first code confirms it.
#[server(endpoint = "account/two-factor")]
pub async fn load_two_factor(form: Option<String>) -> Result<TwoFactorView, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = ssr::require_signed_in(&state, &ssr::parts()).await?;
        let step = ssr::accounts::second_factor::step(&state, &signed_in).await?;
        Ok(TwoFactorView {
            step,
            csrf_token: signed_in.session.csrf_token,
            outcome: form.and_then(|id| state.form_flash.get(&id, &crate::server::form_flash::VisitorKey::current())),
        })
    }
    .await;
    outcome.map_err(crate::api::refuse_page_or_call)
}

#[server(endpoint = "account/two-factor-confirm")]
pub async fn confirm_second_factor(csrf_token: String, code: String, next: Option<String>) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = require_signed_in_form_here(&state, &csrf_token).await?;
        let outcome = ssr::accounts::second_factor::confirm(&state, &ssr::parts(), &signed_in, &code, next.as_deref(), ssr::now()).await?;
        if let Some(cookie) = &outcome.set_cookie {
            ssr::set_cookie(cookie);
        }
        Ok(outcome.reply)
    }
    .await;
    answer_form(ssr::accounts::second_factor::FORM, outcome)
}

/// S11: where the account holder is signed in.
#[server(endpoint = "account/sessions")]
pub async fn load_sessions(form: Option<String>) -> Result<SessionsView, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = ssr::require_signed_in(&state, &ssr::parts()).await?;
        let sessions = ssr::accounts::session_list::list(&state, &signed_in, ssr::now()).await?;
        Ok(SessionsView {
            sessions,
            csrf_token: signed_in.session.csrf_token,
            outcome: form.and_then(|id| state.form_flash.get(&id, &crate::server::form_flash::VisitorKey::current())),
        })
    }
    .await;
    outcome.map_err(crate::api::refuse_page_or_call)
}

/// S11: "Sign out everywhere else": ends every session of the account but this one.
#[server(endpoint = "account/sessions-end-others")]
pub async fn end_other_sessions(csrf_token: String) -> Result<FormReply, AccountError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = require_signed_in_form_here(&state, &csrf_token).await?;
        ssr::accounts::session_list::sign_out_everywhere_else(&state, &signed_in).await
    }
    .await;
    answer_form(ssr::accounts::session_list::FORM, outcome)
}
