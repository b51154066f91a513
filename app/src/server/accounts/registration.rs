//! Registering (P04: name, e-mail, password and an optional telephone, nothing more) and
//! confirming the e-mail address by a signed link.

use super::{account_mail, find_by_email, passwords, sign_in::mail_request_admitted, tokens};
use crate::domain::account::{EmailAddress, NewPassword, PersonName, Role, Telephone};
use crate::domain::forms::{FormReply, Validation};
use crate::errors::account::AccountError;
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
/// both cases, so the form never reveals who has an account. Requests are limited per client
/// network (S4).
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
    if let Err(refused) = mail_request_admitted(state, FORM, now) {
        let values = vec![("name".into(), form.name), ("email".into(), form.email), ("telephone".into(), form.telephone)];
        return Ok(FormReply::rejected(FORM, vec![refused], values));
    }

    // S5: the hash comes first, on both paths, so a taken address takes as long as a free one
    // and the timing does not tell who has an account.
    let password_hash = passwords::hash_password(password.expose().to_owned()).await?;
    if let Some(existing) = find_by_email(&state.db, &email).await? {
        let txn = state.db.begin().await?;
        account_mail::already_registered(state, &txn, &existing).await?;
        txn.commit().await?;
        account_mail::wake(state);
        return Ok(FormReply::go_to(FORM, CHECK_EMAIL_PATH));
    }

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
        // S11: customers need no second factor; if promoted, the account sets one up then.
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        deleted_at: Set(None),
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
    binding_for(&account.email, account.email_verified_at.is_some())
}

fn binding_for(email: &str, verified: bool) -> String {
    format!("{email}|{}", if verified { "verified" } else { "unverified" })
}

/// Confirms the address a link was sent to. A second click on the same link is harmless.
///
/// S5: the signature is checked first, before the database is read, so a forged link gets the
/// same answer, in the same time, whether or not its account exists or has that address. This
/// works because links are only ever issued to unconfirmed accounts, and carry the address:
/// the binding they were signed with is known without the account.
pub async fn confirm_email(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let unchecked = tokens::open(tokens::TokenPurpose::VerifyEmail, token, now).map_err(|_| AccountError::LinkInvalid)?;
    let issued_for = binding_for(&unchecked.extra, false);
    let link = unchecked.check(&state.keys.link_tokens, &issued_for).map_err(|_| AccountError::LinkInvalid)?;
    // Ours, then: from here on the answers may depend on the account.
    let account = account::Entity::find_by_id(link.account_id).one(&state.db).await?.ok_or(AccountError::LinkInvalid)?;
    if account.email != link.extra {
        // The address changed since the link was sent.
        return Err(AccountError::LinkInvalid);
    }
    let done = FormReply::go_to("confirm-email", "/account/sign-in?confirmed=1");
    if account.email_verified_at.is_some() {
        return Ok(done);
    }
    let mut active: account::ActiveModel = account.into();
    active.email_verified_at = Set(Some(now));
    active.updated_at = Set(now);
    let account = active.update(&state.db).await?;
    tracing::info!(account_id = account.id, "e-mail address confirmed");
    Ok(done)
}

/// Sends the confirmation link again, to an unconfirmed account only; says the same always.
/// Requests are limited per client network (S4).
pub async fn resend_verification(state: &AppState, email: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let notice = "If that address has an account waiting for confirmation, we have sent a new link to it.";
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(FormReply::rejected("resend", vec![crate::domain::forms::FieldError::new("email", "Enter your email address")], vec![]));
    };
    if let Err(refused) = mail_request_admitted(state, "resend", now) {
        return Ok(FormReply::rejected("resend", vec![refused], vec![]));
    }
    if let Some(account) = find_by_email(&state.db, &email).await?.filter(|a| a.email_verified_at.is_none()) {
        let txn = state.db.begin().await?;
        account_mail::email_verification(state, &txn, &account, now).await?;
        txn.commit().await?;
        account_mail::wake(state);
    }
    Ok(FormReply::saved("resend", notice))
}
