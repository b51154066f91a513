//! The signed-in account holder's own details (P23): name and telephone, password, e-mail.
//! Every function takes the `SignedIn` account, so it can only ever change that account.

use super::{account_mail, find_by_email, passwords, sessions, tokens, SignedIn};
use crate::domain::account::{EmailAddress, NewPassword, PersonName, Telephone};
use crate::domain::forms::{FieldError, FormReply, Validation};
use crate::errors::account::AccountError;
use crate::server::entities::account;
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, TransactionTrait};

pub async fn save_details(
    state: &AppState,
    signed_in: &SignedIn,
    name: &str,
    telephone: &str,
    now: DateTime<Utc>,
) -> Result<FormReply, AccountError> {
    let mut v = Validation::default();
    let parsed_name = v.check("name", PersonName::parse(name));
    let parsed_telephone = v.check("telephone", Telephone::parse_optional(telephone));
    let (Some(name_ok), Some(telephone_ok)) = (parsed_name, parsed_telephone) else {
        let values = vec![("name".into(), name.to_owned()), ("telephone".into(), telephone.to_owned())];
        return Ok(FormReply::rejected("details", v.into_errors(), values));
    };
    let mut active: account::ActiveModel = signed_in.account.clone().into();
    active.name = Set(name_ok.as_str().to_owned());
    active.telephone = Set(telephone_ok.map(|t| t.as_str().to_owned()));
    active.updated_at = Set(now);
    active.update(&state.db).await?;
    Ok(FormReply::saved("details", "Your details have been saved."))
}

/// Changes the password after checking the current one; every other session of the account
/// ends (the one making the change stays signed in).
pub async fn change_password(
    state: &AppState,
    signed_in: &SignedIn,
    current: &str,
    new: &str,
    now: DateTime<Utc>,
) -> Result<FormReply, AccountError> {
    let form = "password";
    let email = EmailAddress::parse(&signed_in.account.email).ok();
    let mut v = Validation::default();
    if current.is_empty() {
        v.add("current_password", "Enter your current password");
    }
    let new = v.check("new_password", NewPassword::parse(new, email.as_ref()));
    let Some(new) = new.filter(|_| v.is_clean()) else { return Ok(FormReply::rejected(form, v.into_errors(), vec![])) };
    if !passwords::verify_password(current.to_owned(), Some(signed_in.account.password_hash.clone())).await {
        return Ok(FormReply::rejected(form, vec![FieldError::new("current_password", "Your current password is not right")], vec![]));
    }
    let hash = passwords::hash_password(new.expose().to_owned()).await?;
    let txn = state.db.begin().await?;
    let mut active: account::ActiveModel = signed_in.account.clone().into();
    active.password_hash = Set(hash);
    active.updated_at = Set(now);
    let account = active.update(&txn).await?;
    let ended = sessions::end_others(&txn, account.id, Some(&signed_in.session.id)).await?;
    account_mail::password_changed_notice(state, &txn, &account).await?;
    txn.commit().await?;
    account_mail::wake(state);
    tracing::info!(account_id = account.id, ended_sessions = ended, "password changed");
    Ok(FormReply::saved(form, "Your password has been changed. You have been signed out everywhere else."))
}

/// Sends a confirmation link to the new address; nothing changes until it is followed.
pub async fn request_email_change(
    state: &AppState,
    signed_in: &SignedIn,
    new_email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<FormReply, AccountError> {
    let form = "email";
    let mut v = Validation::default();
    let parsed = v.check("new_email", EmailAddress::parse(new_email));
    if password.is_empty() {
        v.add("password", "Enter your password");
    }
    let values = vec![("new_email".into(), new_email.to_owned())];
    let Some(new_email) = parsed.filter(|_| v.is_clean()) else { return Ok(FormReply::rejected(form, v.into_errors(), values)) };
    if new_email.as_str() == signed_in.account.email {
        return Ok(FormReply::rejected(form, vec![FieldError::new("new_email", "That is already your email address")], values));
    }
    if !passwords::verify_password(password.to_owned(), Some(signed_in.account.password_hash.clone())).await {
        return Ok(FormReply::rejected(form, vec![FieldError::new("password", "Your password is not right")], values));
    }
    let sent = format!("We have sent a link to {}. Your email address changes when you follow it.", new_email.as_str());
    // An address that already has an account is not told apart from a free one here; the
    // confirmation step refuses it instead.
    let txn = state.db.begin().await?;
    account_mail::email_change_confirmation(state, &txn, &signed_in.account, &new_email, now).await?;
    txn.commit().await?;
    account_mail::wake(state);
    Ok(FormReply::saved(form, sent))
}

/// Follows an e-mail change link: the link is bound to the old address, so it works once.
pub async fn confirm_email_change(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<FormReply, AccountError> {
    let unchecked = tokens::open(tokens::TokenPurpose::ChangeEmail, token, now).map_err(|_| AccountError::LinkInvalid)?;
    // The link is bound to the account's current address, so the row is read first; an unknown
    // account still gets its signature checked (against nothing) and the same answer as a
    // forged link, so neither the answer nor its timing says whether account N exists (S5).
    let account = account::Entity::find_by_id(unchecked.account_id).one(&state.db).await?;
    let checked = unchecked.check(&state.keys.link_tokens, account.as_ref().map_or("", |a| a.email.as_str()));
    let (Some(account), Ok(checked)) = (account, checked) else { return Err(AccountError::LinkInvalid) };
    let new_email = EmailAddress::parse(&checked.extra).map_err(|_| AccountError::LinkInvalid)?;
    if find_by_email(&state.db, &new_email).await?.is_some() {
        return Ok(FormReply::rejected(
            "confirm-email-change",
            vec![FieldError::new("token", "Another account already uses that email address, so yours was not changed.")],
            vec![],
        ));
    }
    let old = account.clone();
    let txn = state.db.begin().await?;
    let mut active: account::ActiveModel = account.into();
    active.email = Set(new_email.as_str().to_owned());
    active.email_verified_at = Set(Some(now));
    active.updated_at = Set(now);
    let updated = match active.update(&txn).await {
        Ok(updated) => updated,
        Err(error) if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(FormReply::rejected(
                "confirm-email-change",
                vec![FieldError::new("token", "Another account already uses that email address, so yours was not changed.")],
                vec![],
            ));
        }
        Err(error) => return Err(error.into()),
    };
    account_mail::email_changed_notice(state, &txn, &old).await?;
    txn.commit().await?;
    account_mail::wake(state);
    tracing::info!(account_id = updated.id, "e-mail address changed");
    Ok(FormReply::go_to("confirm-email-change", "/account?email-changed=1"))
}
