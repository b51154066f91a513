//! The outbox table: queueing a message inside the caller's transaction, reading it back for
//! staff, and the delivery worker's bookkeeping (what is due, claiming, sent, retry, failed).

use super::{MailError, MailKind, MailStatus, OutboxMessage, OutboxSummary, OutgoingMail};
use crate::domain::paging::{PageNumber, Paged};
use crate::server::entities::mail_outbox::{self, Column, Entity};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// What a sent campaign mail's bodies become (the campaign keeps its text).
pub const CAMPAIGN_BODY_SENT: &str = "[a marketing campaign: its text is kept with the campaign in the staff area]";

/// Messages per page of the staff listing.
pub const PER_PAGE: u32 = 25;

/// How a queued message starts: sent by the worker, or held because no SMTP server is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitialStatus {
    Held,
    Pending,
}

/// Adds a message to the outbox and returns its id. Pass the transaction of the action that
/// caused the mail, so the mail is kept exactly when the action is (never for a rolled-back
/// one), and wake the mailer after it commits.
pub async fn queue(db: &impl ConnectionTrait, mail: &OutgoingMail, status: InitialStatus, now: DateTime<Utc>) -> Result<i64, MailError> {
    // Refused here, in the caller's transaction, rather than failing later in the worker.
    if mail.to.parse::<lettre::Address>().is_err() {
        return Err(MailError::InvalidRecipient);
    }
    let status = match status {
        InitialStatus::Held => MailStatus::Held,
        InitialStatus::Pending => MailStatus::Pending,
    };
    let row = mail_outbox::ActiveModel {
        kind: Set(mail.kind.as_str().to_owned()),
        to_address: Set(mail.to.clone()),
        subject: Set(mail.subject.clone()),
        text_body: Set(mail.text_body.clone()),
        html_body: Set(mail.html_body.clone()),
        created_at: Set(now),
        status: Set(status.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        sent_at: Set(None),
        secret_link: Set(mail.secret_link.clone()),
        list_unsubscribe: Set(mail.list_unsubscribe.clone()),
        ..Default::default()
    };
    Ok(Entity::insert(row).exec(db).await?.last_insert_id)
}

/// One page of the outbox, newest first, for the staff area.
pub async fn list(db: &impl ConnectionTrait, page: PageNumber) -> Result<Paged<OutboxSummary>, MailError> {
    let total = Entity::find().count(db).await?;
    let rows = Entity::find().order_by_desc(Column::Id).offset(page.offset(PER_PAGE)).limit(u64::from(PER_PAGE)).all(db).await?;
    let items = rows.iter().map(summary_of).collect::<Result<Vec<_>, _>>()?;
    Ok(Paged { items, page: page.get(), per_page: PER_PAGE, total })
}

/// One whole message, for the staff area: as stored, so a security mail's one-time link shows
/// only as the placeholder (S1).
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<OutboxMessage>, MailError> {
    let Some(row) = Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    Ok(Some(OutboxMessage { summary: summary_of(&row)?, text_body: row.text_body, html_body: row.html_body, last_error: row.last_error }))
}

/// The newest message to `to`, with its bodies as the recipient receives them (one-time link
/// included). Only for the operator at the store's own machine (`server mail show`), never for
/// a page: that is how a store without an SMTP server lets its operator read held mail.
pub async fn newest_for_recipient(db: &impl ConnectionTrait, to: &str) -> Result<Option<(OutboxSummary, String)>, MailError> {
    let Some(row) = Entity::find().filter(Column::ToAddress.eq(to)).order_by_desc(Column::Id).one(db).await? else {
        return Ok(None);
    };
    let (text_body, _) = bodies_for_recipient(&row);
    Ok(Some((summary_of(&row)?, text_body)))
}

/// A row's text and HTML bodies as they are sent: with its one-time link, if any.
pub fn bodies_for_recipient(row: &mail_outbox::Model) -> (String, String) {
    super::message::for_recipient(&row.text_body, &row.html_body, row.secret_link.as_deref())
}

fn summary_of(row: &mail_outbox::Model) -> Result<OutboxSummary, MailError> {
    let unreadable = |problem: String| MailError::UnreadableRow { id: row.id, problem };
    let time = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
    Ok(OutboxSummary {
        id: row.id,
        kind: MailKind::parse(&row.kind).ok_or_else(|| unreadable(format!("unknown kind {:?}", row.kind)))?,
        to_address: row.to_address.clone(),
        subject: row.subject.clone(),
        status: MailStatus::parse(&row.status).ok_or_else(|| unreadable(format!("unknown status {:?}", row.status)))?,
        attempts: row.attempts,
        created_at: time(row.created_at),
        sent_at: row.sent_at.map(time),
    })
}

/// Campaign messages waiting to be sent: the campaign sender queues more only while there are
/// few, so a password reset or an order confirmation never waits behind a whole campaign.
pub async fn pending_campaign_mail(db: &impl ConnectionTrait) -> Result<u64, MailError> {
    Ok(Entity::find()
        .filter(Column::Status.eq(MailStatus::Pending.as_str()))
        .filter(Column::Kind.eq(MailKind::Campaign.as_str()))
        .count(db)
        .await?)
}

/// Pending messages whose time has come, oldest first, campaign mail after all other: a
/// password reset or an order confirmation does not wait behind a campaign.
pub(super) async fn next_due(db: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<mail_outbox::Model>, MailError> {
    let campaign_last: Expr = Expr::case(Expr::col(Column::Kind).eq(MailKind::Campaign.as_str()), 1).finally(0).into();
    Ok(Entity::find()
        .filter(Column::Status.eq(MailStatus::Pending.as_str()))
        .filter(Column::NextAttemptAt.lte(now))
        .order_by(campaign_last, sea_orm::Order::Asc)
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Takes a due message for one attempt: counts the attempt and leases the message until
/// `lease_until`, so another worker (another process) does not send it at the same time. False
/// when someone else took it first. A worker that dies mid-send leaves it to be retried when the
/// lease runs out: a message may then arrive twice, but is never lost.
pub(super) async fn claim(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<bool, MailError> {
    let result = Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::NextAttemptAt, Expr::value(lease_until))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(MailStatus::Pending.as_str()))
        .filter(Column::NextAttemptAt.lte(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub(super) async fn mark_sent(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), MailError> {
    set_outcome(db, id, MailStatus::Sent, None, Some(now), None).await
}

/// Leaves the message pending, to be tried again at `retry_at`. `error` must name only the
/// class of the failure, never an address or content.
pub(super) async fn schedule_retry(db: &impl ConnectionTrait, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<(), MailError> {
    set_outcome(db, id, MailStatus::Pending, Some(error), None, Some(retry_at)).await
}

/// Gives up on the message. `error` as for [`schedule_retry`].
pub(super) async fn mark_failed(db: &impl ConnectionTrait, id: i64, error: &str) -> Result<(), MailError> {
    set_outcome(db, id, MailStatus::Failed, Some(error), None, None).await
}

async fn set_outcome(
    db: &impl ConnectionTrait,
    id: i64,
    status: MailStatus,
    error: Option<&str>,
    sent_at: Option<DateTime<Utc>>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), MailError> {
    let mut update = Entity::update_many()
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .col_expr(Column::LastError, Expr::value(error.map(str::to_owned)))
        .col_expr(Column::SentAt, Expr::value(sent_at));
    if let Some(retry_at) = retry_at {
        update = update.col_expr(Column::NextAttemptAt, Expr::value(retry_at));
    }
    // A message sent or given up on needs its one-time link no more: erased (S1).
    if matches!(status, MailStatus::Sent | MailStatus::Failed) {
        update = update
            .col_expr(Column::SecretLink, Expr::value(Option::<String>::None))
            .col_expr(Column::ListUnsubscribe, Expr::value(Option::<String>::None));
    }
    // A sent campaign mail keeps no copy of the campaign: its text is kept once, with the
    // campaign, and 100,000 copies of it would fill the outbox for 30 days.
    if status == MailStatus::Sent {
        let campaign = || Expr::col(Column::Kind).eq(MailKind::Campaign.as_str());
        update = update
            .col_expr(Column::TextBody, Expr::case(campaign(), CAMPAIGN_BODY_SENT).finally(Expr::col(Column::TextBody)).into())
            .col_expr(Column::HtmlBody, Expr::case(campaign(), CAMPAIGN_BODY_SENT).finally(Expr::col(Column::HtmlBody)).into());
    }
    update.filter(Column::Id.eq(id)).exec(db).await?;
    Ok(())
}
