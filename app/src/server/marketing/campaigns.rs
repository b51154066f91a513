//! Campaigns in the staff area (issue 15): drafts, their preview and test mail, and starting
//! one, which chooses its recipients from consent as it stands at that moment (P20), in
//! batches that never leave the database, then leaves the sending to `campaign_sender`.

use super::{campaign_sender, links, newsletter::PREFERENCES_PATH};
use crate::domain::account::EmailAddress;
use crate::domain::campaign::{CampaignDetail, CampaignDraft, CampaignStatus, CampaignSummary};
use crate::domain::marketing::{MarketingTopic, ONE_CLICK_PATH};
use crate::domain::paging::{PageNumber, Paged};
use crate::errors::marketing::MarketingError;
use crate::server::entities::campaign::{self, Column, Entity};
use crate::server::entities::{campaign_delivery as delivery, marketing_consent as consent, marketing_subscriber as subscriber};
use crate::server::mail::{message, templates, OutgoingMail};
use crate::server::state::AppState;
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, OnConflict, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use std::collections::HashMap;

/// Campaigns per page of the staff list.
pub const PER_PAGE: u32 = 25;
/// Recipients chosen per statement when a campaign starts: large enough to be quick, small
/// enough that no statement holds the database for long.
pub const PREPARE_BATCH: u64 = 5_000;
/// The token in a preview's links: it opens nobody's choices.
const EXAMPLE_TOKEN: &str = "example";

fn no_such_campaign() -> MarketingError {
    MarketingError::BadRequest("There is no such campaign.".into())
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A stored row the code cannot read; the message names the row, never its content.
fn unreadable(row: &campaign::Model, what: &str) -> DbErr {
    DbErr::Custom(format!("campaign {} has an unknown {what}", row.id))
}

/// The unsubscribe-or-choose link and the one-click address of a preferences token.
pub fn recipient_links(state: &AppState, token: &str) -> (String, String) {
    (format!("{}{PREFERENCES_PATH}?token={token}", state.public_url), format!("{}{ONE_CLICK_PATH}?token={token}", state.public_url))
}

/// The campaign as one recipient gets it, their own token in its links.
pub fn render(state: &AppState, to: &str, draft: &CampaignDraft, token: &str) -> OutgoingMail {
    let (preferences, one_click) = recipient_links(state, token);
    templates::campaign(to, draft, &preferences, &one_click)
}

pub(super) fn draft_of(row: &campaign::Model) -> Result<CampaignDraft, DbErr> {
    Ok(CampaignDraft {
        subject: row.subject.clone(),
        text_body: row.text_body.clone(),
        html_body: row.html_body.clone(),
        topic: MarketingTopic::parse(&row.topic).ok_or_else(|| unreadable(row, "topic"))?,
    })
}

/// Deliveries per status, for each of `ids`.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    pending: u64,
    sent: u64,
    skipped: u64,
}

async fn counts(db: &impl ConnectionTrait, ids: &[i32]) -> Result<HashMap<i32, Counts>, DbErr> {
    let rows: Vec<(i32, String, i64)> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::CampaignId)
        .column(delivery::Column::Status)
        .column_as(delivery::Column::Id.count(), "deliveries")
        .filter(delivery::Column::CampaignId.is_in(ids.iter().copied()))
        .group_by(delivery::Column::CampaignId)
        .group_by(delivery::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_campaign: HashMap<i32, Counts> = HashMap::new();
    for (id, status, n) in rows {
        let entry = by_campaign.entry(id).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        match status.as_str() {
            campaign_sender::PENDING => entry.pending = n,
            campaign_sender::SENT => entry.sent = n,
            _ => entry.skipped = n,
        }
    }
    Ok(by_campaign)
}

fn summary_of(row: &campaign::Model, counts: Counts) -> Result<CampaignSummary, DbErr> {
    Ok(CampaignSummary {
        id: row.id,
        subject: row.subject.clone(),
        topic: MarketingTopic::parse(&row.topic).ok_or_else(|| unreadable(row, "topic"))?,
        status: CampaignStatus::parse(&row.status).ok_or_else(|| unreadable(row, "status"))?,
        prepared: counts.pending + counts.sent + counts.skipped,
        pending: counts.pending,
        sent: counts.sent,
        skipped: counts.skipped,
        created_at: time(row.created_at),
        started_at: row.started_at.map(time),
        prepared_at: row.prepared_at.map(time),
        finished_at: row.finished_at.map(time),
    })
}

fn detail_of(row: campaign::Model, counts: Counts) -> Result<CampaignDetail, DbErr> {
    let summary = summary_of(&row, counts)?;
    Ok(CampaignDetail { summary, text_body: row.text_body, html_body: row.html_body, created_by: row.created_by })
}

/// Saves a new draft written by the staff member `created_by` (an account id).
pub async fn create_draft(
    db: &impl ConnectionTrait,
    draft: &CampaignDraft,
    created_by: i32,
    now: DateTime<Utc>,
) -> Result<CampaignDetail, DbErr> {
    let row = campaign::ActiveModel {
        id: Default::default(),
        subject: Set(draft.subject.clone()),
        text_body: Set(draft.text_body.clone()),
        html_body: Set(draft.html_body.clone()),
        topic: Set(draft.topic.key().to_owned()),
        status: Set(CampaignStatus::Draft.as_str().to_owned()),
        created_by: Set(Some(created_by)),
        created_at: Set(now),
        updated_at: Set(now),
        started_at: Set(None),
        prepared_at: Set(None),
        finished_at: Set(None),
    }
    .insert(db)
    .await?;
    detail_of(row, Counts::default())
}

/// Changes a draft; a campaign already started can no longer be changed.
pub async fn update_draft(
    db: &impl ConnectionTrait,
    id: i32,
    draft: &CampaignDraft,
    now: DateTime<Utc>,
) -> Result<CampaignDetail, MarketingError> {
    let changed = Entity::update_many()
        .col_expr(Column::Subject, Expr::value(draft.subject.clone()))
        .col_expr(Column::TextBody, Expr::value(draft.text_body.clone()))
        .col_expr(Column::HtmlBody, Expr::value(draft.html_body.clone()))
        .col_expr(Column::Topic, Expr::value(draft.topic.key()))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(CampaignStatus::Draft.as_str()))
        .exec(db)
        .await?
        .rows_affected;
    let detail = detail(db, id).await?.ok_or_else(no_such_campaign)?;
    if changed == 0 {
        return Err(MarketingError::BadRequest("This campaign has been started, so it can no longer be changed.".into()));
    }
    Ok(detail)
}

/// One page of campaigns, newest first, with their progress.
pub async fn list(db: &impl ConnectionTrait, page: PageNumber) -> Result<Paged<CampaignSummary>, DbErr> {
    let total = Entity::find().count(db).await?;
    let rows = Entity::find().order_by_desc(Column::Id).offset(page.offset(PER_PAGE)).limit(u64::from(PER_PAGE)).all(db).await?;
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let counts = counts(db, &ids).await?;
    let items = rows.iter().map(|row| summary_of(row, counts.get(&row.id).copied().unwrap_or_default())).collect::<Result<_, _>>()?;
    Ok(Paged { items, page: page.get(), per_page: PER_PAGE, total })
}

/// One whole campaign, with its progress; None if there is no such campaign.
pub async fn detail(db: &impl ConnectionTrait, id: i32) -> Result<Option<CampaignDetail>, DbErr> {
    let Some(row) = Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let counts = counts(db, &[id]).await?.remove(&id).unwrap_or_default();
    detail_of(row, counts).map(Some)
}

/// A campaign's progress alone (for a page that follows it while it is sent).
pub async fn summary(db: &impl ConnectionTrait, id: i32) -> Result<Option<CampaignSummary>, DbErr> {
    Ok(detail(db, id).await?.map(|detail| detail.summary))
}

/// The message exactly as a recipient gets it (bodies with the unsubscribe link filled in,
/// headers' value included), addressed to `to`; its links hold an example token.
pub fn preview(state: &AppState, detail: &CampaignDetail, to: &EmailAddress) -> OutgoingMail {
    let mail = render(state, to.as_str(), &detail.draft(), EXAMPLE_TOKEN);
    let (text_body, html_body) = message::for_recipient(&mail.text_body, &mail.html_body, mail.secret_link.as_deref());
    OutgoingMail { text_body, html_body, secret_link: None, ..mail }
}

/// Sends the campaign once to `to` (the staff member), its subject marked as a test; it is no
/// delivery and counts for nothing. The links work if `to` has marketing choices, and are
/// the preview's example otherwise. Returns the outbox id.
pub async fn send_test(state: &AppState, id: i32, to: &EmailAddress, now: DateTime<Utc>) -> Result<i64, MarketingError> {
    let row = Entity::find_by_id(id).one(&state.db).await?.ok_or_else(no_such_campaign)?;
    let token = match super::preferences::subscriber_by_email(&state.db, to).await? {
        Some(known) => links::preferences_token(&state.keys.marketing_links, &known, now),
        None => EXAMPLE_TOKEN.to_owned(),
    };
    let mut mail = render(state, to.as_str(), &draft_of(&row)?, &token);
    mail.subject = format!("[Test] {}", mail.subject);
    let txn = state.db.begin().await?;
    let outbox_id = state.mailer.queue(&txn, &mail, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    tracing::info!(campaign_id = id, outbox_id, "campaign test mail queued");
    Ok(outbox_id)
}

/// P20: starts sending a draft. Its recipients are chosen now, from current consent (every
/// confirmed address with a granted choice for the topic), one delivery row each, and the
/// sender is woken. Starting a campaign that has started already prepares nothing again and
/// returns its progress as it stands.
pub async fn start_sending(state: &AppState, id: i32, now: DateTime<Utc>) -> Result<CampaignSummary, MarketingError> {
    // Held across the claim and the preparation, so the sender (or a second click) does not
    // begin preparing the same campaign meanwhile.
    let preparing = state.campaign_sender.begin_preparation(id);
    let claimed = Entity::update_many()
        .col_expr(Column::Status, Expr::value(CampaignStatus::Sending.as_str()))
        .col_expr(Column::StartedAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(CampaignStatus::Draft.as_str()))
        .exec(&state.db)
        .await?
        .rows_affected
        == 1;
    // Whoever holds the guard prepares, whichever request's claim won: by the time a claim
    // finds no draft, the campaign is being sent. Nothing is done twice: a prepared campaign
    // is left as it is.
    if let Some(guard) = preparing {
        // Its own task: a request given up on (a time limit, a closed tab) still finishes
        // choosing the recipients. Cut off by a crash, the sender resumes it after a restart.
        let db = state.db.clone();
        let prepared = tokio::spawn(async move {
            let _guard = guard;
            prepare_recipients(&db, id, now).await
        })
        .await
        .map_err(|_| MarketingError::Unavailable)??;
        if claimed {
            tracing::info!(campaign_id = id, prepared, "campaign started");
        }
    }
    state.campaign_sender.wake();
    summary(&state.db, id).await?.ok_or_else(no_such_campaign)
}

/// Every subscriber who may be sent `topic` now (P20, B07): confirmed, with a granted choice;
/// only ids above `after` and up to `upto`, when given. Written as EXISTS with the range
/// repeated inside, so both databases walk the subscribers in id order from `after` (with a
/// join, each batch read every consent row of the topic).
pub(super) fn consenting(topic: &str, after: Option<i32>, upto: Option<i32>) -> SelectStatement {
    let subscriber_id = || Expr::col((subscriber::Entity, subscriber::Column::Id));
    let consent_of = || Expr::col((consent::Entity, consent::Column::SubscriberId));
    let mut choice = Query::select()
        .expr(Expr::val(1))
        .from(consent::Entity)
        .and_where(consent_of().equals((subscriber::Entity, subscriber::Column::Id)))
        .and_where(Expr::col((consent::Entity, consent::Column::Topic)).eq(topic))
        .and_where(Expr::col((consent::Entity, consent::Column::Granted)).eq(true))
        .to_owned();
    let mut select = Query::select()
        .from(subscriber::Entity)
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::ConfirmedAt)).is_not_null())
        .to_owned();
    if let Some(after) = after {
        select.and_where(subscriber_id().gt(after));
        choice.and_where(consent_of().gt(after));
    }
    if let Some(upto) = upto {
        select.and_where(subscriber_id().lte(upto));
        choice.and_where(consent_of().lte(upto));
    }
    select.and_where(Expr::exists(choice)).to_owned()
}

/// Adds a delivery row for every consenting subscriber not yet given one, `PREPARE_BATCH` at a
/// time in subscriber order (keyset pages: memory stays flat however many there are), and marks
/// the campaign prepared. Resumable: it goes on after the highest subscriber already given a
/// row, and the unique (campaign, subscriber) index turns any overlap into nothing. Returns the
/// rows added.
pub async fn prepare_recipients(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let Some(row) = Entity::find_by_id(id).one(db).await? else { return Ok(0) };
    if row.status != CampaignStatus::Sending.as_str() || row.prepared_at.is_some() {
        return Ok(0);
    }
    let topic = draft_of(&row)?.topic.key();
    let done_so_far: Option<Option<i32>> = delivery::Entity::find()
        .select_only()
        .column_as(delivery::Column::SubscriberId.max(), "highest")
        .filter(delivery::Column::CampaignId.eq(id))
        .into_tuple()
        .one(db)
        .await?;
    let mut after = done_so_far.flatten().unwrap_or(0);
    let mut added = 0;
    loop {
        // The highest subscriber id of the next batch, found without reading the batch out.
        let batch = consenting(topic, Some(after), None)
            .column((subscriber::Entity, subscriber::Column::Id))
            .order_by((subscriber::Entity, subscriber::Column::Id), sea_orm::Order::Asc)
            .limit(PREPARE_BATCH)
            .to_owned();
        let last_of_batch =
            Query::select().expr(Func::max(Expr::col(Alias::new("id")))).from_subquery(batch, Alias::new("batch")).to_owned();
        let Some(upto) = db.query_one(&last_of_batch).await?.map(|r| r.try_get_by_index::<Option<i32>>(0)).transpose()?.flatten() else {
            break;
        };
        let rows = consenting(topic, Some(after), Some(upto))
            .expr(Expr::val(id))
            .column((subscriber::Entity, subscriber::Column::Id))
            .expr(Expr::val(campaign_sender::PENDING))
            .expr(Expr::val(now))
            .to_owned();
        let insert = Query::insert()
            .into_table(delivery::Entity)
            .columns([delivery::Column::CampaignId, delivery::Column::SubscriberId, delivery::Column::Status, delivery::Column::PreparedAt])
            .select_from(rows)
            .map_err(|error| DbErr::Custom(error.to_string()))?
            .on_conflict(OnConflict::columns([delivery::Column::CampaignId, delivery::Column::SubscriberId]).do_nothing().to_owned())
            .to_owned();
        added += db.execute(&insert).await?.rows_affected();
        after = upto;
    }
    Entity::update_many()
        .col_expr(Column::PreparedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::PreparedAt.is_null())
        .exec(db)
        .await?;
    Ok(added)
}
