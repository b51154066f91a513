//! Staff accounts: created or promoted from the command line (`server admin create`), since
//! the first admin cannot be made by another admin. Every change is written to the audit log.

use super::{audit, find_by_email, passwords, sessions};
use crate::api::account_error::AccountError;
use crate::domain::account::{EmailAddress, NewPassword, PersonName, Role};
use crate::server::entities::account;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, DatabaseConnection, TransactionTrait};

#[derive(Debug, PartialEq, Eq)]
pub enum StaffOutcome {
    Created { account_id: i32 },
    /// An existing account got the role; its sessions ended, so the new rights start with a
    /// fresh session (the session id changes on every privilege change).
    Promoted { account_id: i32, ended_sessions: u64 },
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
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

/// Creates a confirmed staff account with this password, or gives an existing account the
/// role (its password then stays as it is).
pub async fn create_or_promote(db: &DatabaseConnection, email: &str, name: &str, role: Role, password: &str, now: DateTime<Utc>) -> Result<StaffOutcome, StaffError> {
    let invalid = |field, message| StaffError::Invalid { field, message };
    let email = EmailAddress::parse(email).map_err(|m| invalid("--email", m))?;
    if let Some(existing) = find_by_email(db, &email).await? {
        let txn = db.begin().await?;
        let mut active: account::ActiveModel = existing.clone().into();
        active.role = Set(role.as_str().to_owned());
        active.updated_at = Set(now);
        active.update(&txn).await?;
        let ended_sessions = sessions::end_others(&txn, existing.id, None).await?;
        audit::record(&txn, None, "staff.promote", &format!("account:{}", existing.id), &format!("role {} (command line)", role.as_str()), now).await?;
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
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, None, "staff.create", &format!("account:{}", created.id), &format!("role {} (command line)", role.as_str()), now).await?;
    txn.commit().await?;
    Ok(StaffOutcome::Created { account_id: created.id })
}
