//! The staff audit log: who did what to which record, and when.

use crate::domain::paging::{PageNumber, Paged};
pub use crate::domain::staff::AuditEntry;
use crate::server::entities::audit_log;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, ConnectionTrait, PaginatorTrait, QueryOrder};

pub async fn record(
    db: &impl ConnectionTrait,
    actor_account_id: Option<i32>,
    action: &str,
    target: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        id: Default::default(),
        actor_account_id: Set(actor_account_id),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        detail: Set(detail.to_owned()),
        recorded_at: Set(now),
    }
    .insert(db)
    .await
    .map(|_| ())
}

pub async fn list(db: &impl ConnectionTrait, page: PageNumber, per_page: u32) -> Result<Paged<AuditEntry>, DbErr> {
    let paginator = audit_log::Entity::find().order_by_desc(audit_log::Column::Id).paginate(db, u64::from(per_page));
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page.get().saturating_sub(1) as u64).await?;
    let items = rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            actor_account_id: row.actor_account_id,
            action: row.action,
            target: row.target,
            detail: row.detail,
            recorded_at: row.recorded_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        })
        .collect();
    Ok(Paged { items, page: page.get(), per_page, total })
}
