//! Registering (P04: name, e-mail, password and an optional telephone, nothing more) and
//! confirming the e-mail address by a signed link.

use super::{account_mail, find_by_email, passwords, tokens};
use crate::api::account_error::AccountError;
use crate::domain::account::{EmailAddress, NewPassword, PersonName, Role, Telephone};
use crate::domain::forms::{FormReply, Validation};
use crate::server::entities::account;
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, TransactionTrait};

pub const FORM: &str = "register";

#[derive(Clone, Debug, Default)]
pub struct RegistrationForm {
    pub name: String,
    pub email: String,
    pub password: String,
    pub telephone: String,
}

/// The page a new registrant lands on; it says the same whether or not the address was new.
pub const CHECK_EMAIL_PATH: &str = "/account/register/check-email";

/// Registers an account and e-mails a confirmation link. An address that already has an
/// account gets a note instead ("someone tried to register"), and the page says the same in
/// both cases, so the form never reveals who has an account.
pub async fn register(state: &AppState, form: RegistrationForm, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let mut v = Validation::default();
    let name = v.check("name", PersonName::parse(&form.name));
    let email = v.check("email", EmailAddress::parse(&form.email));
    let password = v.check("password", NewPassword::parse(&form.password, email.as_ref()));
    let telephone = v.check("telephone", Telephone::parse_optional(&form.telephone));
    let (Some(name), Some(email), Some(password), Some(telephone)) = (name, email, password, telephone) else {
        let values = vec![("name".into(), form.name), ("email".into(), form.email), ("telephone".into(), form.telephone)];
        return Ok(FormReply::rejected(FORM, v.into_errors(), values));
    };

    if let Some(existing) = find_by_email(&state.db, &email).await? {
        let txn = state.db.begin().await?;
        account_mail::already_registered(state, &txn, &existing).await?;
        txn.commit().await?;
        account_mail::wake(state);
        return Ok(FormReply::go_to(FORM, CHECK_EMAIL_PATH));
    }

    let password_hash = passwords::hash_password(password.expose().to_owned()).await?;
    let txn = state.db.begin().await?;
    let inserted = account::ActiveModel {
        id: Default::default(),
        email: Set(email.as_str().to_owned()),
        email_verified_at: Set(None),
        name: Set(name.as_str().to_owned()),
        telephone: Set(telephone.map(|t| t.as_str().to_owned())),
        password_hash: Set(password_hash),
        role: Set(Role::Customer.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    let account = match inserted {
        Ok(account) => account,
        // Two registrations for one address at once: the loser is told the same as the winner.
        Err(error) if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(FormReply::go_to(FORM, CHECK_EMAIL_PATH));
        }
        Err(error) => return Err(error.into()),
    };
    account_mail::email_verification(state, &txn, &account, now).await?;
    txn.commit().await?;
    account_mail::wake(state);
    tracing::info!(account_id = account.id, "account registered");
    Ok(FormReply::go_to(FORM, CHECK_EMAIL_PATH))
}

/// What a verification link binds to: the address, while it is unconfirmed.
pub fn verification_binding(account: &account::Model) -> String {
    format!("{}|{}", account.email, if account.email_verified_at.is_some() { "verified" } else { "unverified" })
}

/// Confirms the address a link was sent to. A second click on the same link is harmless.
pub async fn confirm_email(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let unchecked = tokens::open(tokens::TokenPurpose::VerifyEmail, token, now).map_err(|_| AccountError::LinkInvalid)?;
    let account = account::Entity::find_by_id(unchecked.account_id).one(&state.db).await?.ok_or(AccountError::LinkInvalid)?;
    let done = FormReply::go_to("confirm-email", "/account/sign-in?confirmed=1");
    if account.email_verified_at.is_some() && unchecked.extra == account.email {
        return Ok(done);
    }
    unchecked.check(&state.secret_key, &verification_binding(&account)).map_err(|_| AccountError::LinkInvalid)?;
    let mut active: account::ActiveModel = account.into();
    active.email_verified_at = Set(Some(now));
    active.updated_at = Set(now);
    let account = active.update(&state.db).await?;
    tracing::info!(account_id = account.id, "e-mail address confirmed");
    Ok(done)
}

/// Sends the confirmation link again, to an unconfirmed account only; says the same always.
pub async fn resend_verification(state: &AppState, email: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let notice = "If that address has an account waiting for confirmation, we have sent a new link to it.";
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(FormReply::rejected("resend", vec![crate::domain::forms::FieldError::new("email", "Enter your email address")], vec![]));
    };
    if let Some(account) = find_by_email(&state.db, &email).await?.filter(|a| a.email_verified_at.is_none()) {
        let txn = state.db.begin().await?;
        account_mail::email_verification(state, &txn, &account, now).await?;
        txn.commit().await?;
        account_mail::wake(state);
    }
    Ok(FormReply::saved("resend", notice))
}
