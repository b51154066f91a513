//! Staff accounts: created or promoted from the command line (`server admin create`), since
//! the first admin cannot be made by another admin. Every change is written to the audit log.
//! S11: a staff account signs in with a second factor; it sets up its authenticator app at its
//! first sign-in (`second_factor`), so nothing about it is made here. Only its reset is
//! (`server admin reset-second-factor`), for staff who lost their app.

use super::{audit, find_by_email, passwords, second_factor, sessions};
use crate::domain::account::{EmailAddress, NewPassword, PersonName, Role};
use crate::errors::account::AccountError;
use crate::server::entities::account;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, DatabaseConnection, TransactionTrait};

#[derive(Debug, PartialEq, Eq)]
pub enum StaffOutcome {
    Created {
        account_id: i32,
    },
    /// An existing account got the role; its sessions ended, so the new rights start with a
    /// fresh session (the session id changes on every privilege change).
    Promoted {
        account_id: i32,
        ended_sessions: u64,
    },
}

/// What `reset_second_factor` did.
#[derive(Debug, PartialEq, Eq)]
pub struct ResetOutcome {
    pub account_id: i32,
    /// Whether the account had confirmed an authenticator app (false: none, or a setup never
    /// finished); either way it now sets one up at its next sign-in.
    pub was_enrolled: bool,
    pub ended_sessions: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    /// S6: anyone can register an address before its owner does, so an unconfirmed account's
    /// password may be a stranger's: it never gets a staff role.
    #[error(
        "account {account_id} exists but its e-mail address is not confirmed, so its password may not be its owner's; it was not given the role. \
         Have the address's owner set a new password with \"Forgotten your password?\" on the sign-in page (the e-mailed link also confirms the address), then run this again"
    )]
    Unconfirmed { account_id: i32 },
    #[error("no account has this e-mail address; check it for typos. Nothing was changed")]
    NotFound,
    /// S11: customers sign in with their password alone, so they have no second factor.
    #[error(
        "account {account_id} is a customer account: it signs in with its password alone and has no second factor to reset. Nothing was changed"
    )]
    NotStaff { account_id: i32 },
    #[error("the store could not save the account: {0}")]
    Store(String),
}

impl From<AccountError> for StaffError {
    fn from(error: AccountError) -> Self {
        Self::Store(error.to_string())
    }
}

impl From<DbErr> for StaffError {
    fn from(error: DbErr) -> Self {
        Self::Store(error.to_string())
    }
}

/// Creates a confirmed staff account with this password, or gives an existing confirmed
/// account the role (its password then stays as it is). An unconfirmed account is refused.
pub async fn create_or_promote(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
    now: DateTime<Utc>,
) -> Result<StaffOutcome, StaffError> {
    let invalid = |field, message| StaffError::Invalid { field, message };
    let email = EmailAddress::parse(email).map_err(|m| invalid("--email", m))?;
    if let Some(existing) = find_by_email(db, &email).await? {
        if existing.email_verified_at.is_none() {
            return Err(StaffError::Unconfirmed { account_id: existing.id });
        }
        let txn = db.begin().await?;
        let mut active: account::ActiveModel = existing.clone().into();
        active.role = Set(role.as_str().to_owned());
        active.updated_at = Set(now);
        active.update(&txn).await?;
        let ended_sessions = sessions::end_others(&txn, existing.id, None).await?;
        audit::record(
            &txn,
            None,
            "staff.promote",
            &format!("account:{}", existing.id),
            &format!("role {} (command line)", role.as_str()),
            now,
        )
        .await?;
        txn.commit().await?;
        return Ok(StaffOutcome::Promoted { account_id: existing.id, ended_sessions });
    }
    let name = PersonName::parse(name).map_err(|m| invalid("--name", m))?;
    let password = NewPassword::parse(password, Some(&email)).map_err(|m| invalid("password", m))?;
    let hash = passwords::hash_password(password.expose().to_owned()).await.map_err(|e| StaffError::Store(e.to_string()))?;
    let txn = db.begin().await?;
    let created = account::ActiveModel {
        id: Default::default(),
        email: Set(email.as_str().to_owned()),
        email_verified_at: Set(Some(now)),
        name: Set(name.as_str().to_owned()),
        telephone: Set(None),
        password_hash: Set(hash),
        role: Set(role.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        // S11: no second factor yet; a staff account sets one up at its first sign-in.
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, None, "staff.create", &format!("account:{}", created.id), &format!("role {} (command line)", role.as_str()), now)
        .await?;
    txn.commit().await?;
    Ok(StaffOutcome::Created { account_id: created.id })
}

/// S11: forgets a staff account's authenticator app (for staff who lost it): its secret, when
/// it was confirmed and the last code's step go, so its next sign-in sets up a new app as the
/// first one did; every session ends, so no session confirmed with the old app stays open.
/// An account without a confirmed app gets the same (an unfinished setup is discarded): the
/// operator asked for a fresh start, and ending its sessions does no harm. A customer, or an
/// address without an account, is refused.
pub async fn reset_second_factor(db: &DatabaseConnection, email: &str, now: DateTime<Utc>) -> Result<ResetOutcome, StaffError> {
    let email = EmailAddress::parse(email).map_err(|message| StaffError::Invalid { field: "--email", message })?;
    let txn = db.begin().await?;
    let existing = find_by_email(&txn, &email).await?.ok_or(StaffError::NotFound)?;
    if !Role::parse(&existing.role).is_some_and(second_factor::required_for) {
        return Err(StaffError::NotStaff { account_id: existing.id });
    }
    let was_enrolled = existing.totp_enabled_at.is_some();
    let mut active: account::ActiveModel = existing.clone().into();
    active.totp_secret = Set(None);
    active.totp_enabled_at = Set(None);
    active.totp_last_step = Set(None);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    let ended_sessions = sessions::end_others(&txn, existing.id, None).await?;
    audit::record(&txn, None, "staff.reset_second_factor", &format!("account:{}", existing.id), "(command line)", now).await?;
    txn.commit().await?;
    Ok(ResetOutcome { account_id: existing.id, was_enrolled, ended_sessions })
}
