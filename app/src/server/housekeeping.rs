//! Background clean-up of what anonymous traffic and time leave behind (issue 21, S8): ended
//! sessions, the bodies of old e-mails, and expired form outcomes in memory. Run by the server
//! every ten minutes and once at start.

use super::accounts::sessions::{self, SessionPolicy};
use super::entities::mail_outbox;
use super::state::AppState;
use crate::domain::mail::MailStatus;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// How often the running store cleans up.
pub const PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10 * 60);
/// How long a sent or given-up e-mail keeps its bodies: long enough for staff to answer "did
/// you send me…?", after which the row says only what was sent to whom, and how it went.
pub const OUTBOX_BODY_DAYS: i64 = 30;
/// What an old e-mail's bodies become.
pub const REMOVED_BODY: &str = "[removed after 30 days]";

/// What one clean-up removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Sessions past their idle or absolute timeout, deleted.
    pub sessions_deleted: u64,
    /// Sent or failed e-mails older than `OUTBOX_BODY_DAYS` whose bodies (and any one-time
    /// link) were removed by this run.
    pub outbox_bodies_removed: u64,
}

/// Deletes the sessions that can no longer be used and removes the bodies and one-time links
/// of e-mails sent or given up on more than `OUTBOX_BODY_DAYS` ago (by when they were
/// written). The outbox row stays, with its kind, recipient, subject and status, as the record
/// that the mail was sent. Held and pending mail is left alone: it has not been delivered yet.
pub async fn purge_expired(db: &impl ConnectionTrait, policy: SessionPolicy, now: DateTime<Utc>) -> Result<PurgeReport, DbErr> {
    let sessions_deleted = sessions::purge_expired(db, policy, now).await?;
    let outbox_bodies_removed = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::TextBody, Expr::value(REMOVED_BODY))
        .col_expr(mail_outbox::Column::HtmlBody, Expr::value(REMOVED_BODY))
        .col_expr(mail_outbox::Column::SecretLink, Expr::value(Option::<String>::None))
        .filter(mail_outbox::Column::Status.is_in([MailStatus::Sent.as_str(), MailStatus::Failed.as_str()]))
        .filter(mail_outbox::Column::CreatedAt.lte(now - Duration::days(OUTBOX_BODY_DAYS)))
        // Rows already cleaned are not written again every ten minutes.
        .filter(mail_outbox::Column::TextBody.ne(REMOVED_BODY))
        .exec(db)
        .await?
        .rows_affected;
    Ok(PurgeReport { sessions_deleted, outbox_bodies_removed })
}

/// Cleans up once now and then every `PURGE_INTERVAL`, until the task is aborted (the server
/// does when it stops). A failed round is logged and retried at the next.
pub async fn purge_periodically(state: AppState) {
    let mut ticks = tokio::time::interval(PURGE_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let outcomes = state.form_flash.sweep_expired();
        match purge_expired(&state.db, state.sessions, Utc::now()).await {
            Ok(report) if report == PurgeReport::default() && outcomes == 0 => {}
            Ok(report) => tracing::info!(
                sessions_deleted = report.sessions_deleted,
                outbox_bodies_removed = report.outbox_bodies_removed,
                form_outcomes_dropped = outcomes,
                "housekeeping"
            ),
            Err(error) => tracing::warn!(%error, "housekeeping failed; the next round will retry"),
        }
    }
}
