//! Staff accounts: created or promoted from the command line (`server admin create`), since
//! the first admin cannot be made by another admin. Every change is written to the audit log.
//! S11: a staff account signs in with a second factor; it sets up its authenticator app at its
//! first sign-in (`second_factor`), so nothing about it is made here.

use super::{audit, find_by_email, passwords, sessions};
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
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, None, "staff.create", &format!("account:{}", created.id), &format!("role {} (command line)", role.as_str()), now)
        .await?;
    txn.commit().await?;
    Ok(StaffOutcome::Created { account_id: created.id })
}
