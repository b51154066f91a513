//! Sends started campaigns in the background, batch by batch. Each address's consent is
//! checked once more when its turn comes, so whoever unsubscribed after the start is skipped
//! (P20, P22); each message is queued in the outbox in the same transaction that marks its
//! delivery sent, so after a crash a delivery is either queued or still pending, never lost and
//! never doubled. After a restart it goes on where it stopped, preparation included.
//!
//! ```text
//! start_sending ── delivery rows (pending) ── wake ──▶ send_round: re-check consent,
//!     render with the recipient's token, outbox row + delivery sent (one transaction)
//!     ── mailer.wake() ──▶ mail delivery worker ── SMTP
//! ```

use super::campaigns::{self, consenting};
use super::links;
use crate::domain::campaign::CampaignStatus;
use crate::errors::marketing::MarketingError;
use crate::server::entities::campaign::{self, Column, Entity};
use crate::server::entities::{campaign_delivery as delivery, marketing_subscriber as subscriber};
use crate::server::mail::{outbox, MailError};
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::{fmt, future::Future, time::Duration};
use tokio::sync::Notify;

/// A delivery's status: waiting for its turn.
pub const PENDING: &str = "pending";
/// Its message is in the outbox (whose row then says whether the SMTP server took it).
pub const SENT: &str = "sent";
/// Not sent: no consent (or no deliverable address) by the time its turn came.
pub const SKIPPED: &str = "skipped";

/// Deliveries queued per transaction.
pub const DELIVERY_BATCH: u64 = 100;
/// Campaign messages allowed to wait in the outbox at once; the sender waits while there are
/// more, so the outbox never holds a whole campaign's mail.
pub const MAX_QUEUED_CAMPAIGN_MAIL: u64 = 500;
/// How often the sender looks again while the outbox is full.
const OUTBOX_FULL_PAUSE: Duration = Duration::from_millis(250);
/// The sender looks for work at least this often, even when nobody wakes it.
const POLL_INTERVAL: Duration = Duration::from_secs(10);

/// The handle kept in the store's state: wakes the sender, and knows which campaigns this
/// process is choosing recipients for right now. Cheap to clone.
#[derive(Clone, Default)]
pub struct CampaignSender(Arc<SenderInner>);

#[derive(Default)]
struct SenderInner {
    wake: Notify,
    preparing: Mutex<HashSet<i32>>,
}

impl CampaignSender {
    /// Tells the sender there may be work; a wake-up while it is busy is kept, not lost.
    pub fn wake(&self) {
        self.0.wake.notify_one();
    }

    /// The right to choose campaign `id`'s recipients in this process, until the guard is
    /// dropped; None while another task has it.
    pub fn begin_preparation(&self, id: i32) -> Option<PreparationGuard> {
        let mut preparing = self.0.preparing.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        preparing.insert(id).then(|| PreparationGuard { sender: self.clone(), id })
    }
}

impl fmt::Debug for CampaignSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CampaignSender").finish_non_exhaustive()
    }
}

/// See [`CampaignSender::begin_preparation`].
pub struct PreparationGuard {
    sender: CampaignSender,
    id: i32,
}

impl Drop for PreparationGuard {
    fn drop(&mut self) {
        self.sender.0.preparing.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&self.id);
    }
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CampaignRound {
    /// Recipients chosen for campaigns whose preparation had been cut off.
    pub prepared: u64,
    /// Messages queued in the outbox.
    pub queued: u32,
    pub skipped: u32,
    /// Campaigns that had nobody left to send to, now marked sent.
    pub finished: u32,
    /// Nothing was queued because the outbox already holds `MAX_QUEUED_CAMPAIGN_MAIL`.
    pub outbox_full: bool,
}

impl CampaignRound {
    pub fn did_something(&self) -> bool {
        self.prepared > 0 || self.queued > 0 || self.skipped > 0 || self.finished > 0
    }
}

/// Finishes choosing the recipients of every campaign being sent whose preparation was cut off
/// (a crash, a failed statement), unless this process is at it already. Returns rows added.
pub async fn resume_preparation(state: &AppState) -> Result<u64, MarketingError> {
    let unprepared = Entity::find()
        .filter(Column::Status.eq(CampaignStatus::Sending.as_str()))
        .filter(Column::PreparedAt.is_null())
        .order_by_asc(Column::Id)
        .all(&state.db)
        .await?;
    let mut added = 0;
    for row in unprepared {
        let Some(_guard) = state.campaign_sender.begin_preparation(row.id) else { continue };
        let rows = campaigns::prepare_recipients(&state.db, row.id, Utc::now()).await?;
        tracing::info!(campaign_id = row.id, prepared = rows, "campaign preparation resumed");
        added += rows;
    }
    Ok(added)
}

/// One round: resumes any cut-off preparation, then queues one batch of the oldest campaign
/// being sent, or marks it sent when nobody is left. The sender calls it; tests call it to
/// step through a campaign.
pub async fn send_round(state: &AppState, now: DateTime<Utc>) -> Result<CampaignRound, MarketingError> {
    let mut round = CampaignRound { prepared: resume_preparation(state).await?, ..Default::default() };
    let Some(row) = Entity::find()
        .filter(Column::Status.eq(CampaignStatus::Sending.as_str()))
        .filter(Column::PreparedAt.is_not_null())
        .order_by_asc(Column::Id)
        .one(&state.db)
        .await?
    else {
        return Ok(round);
    };
    if state.mailer.sends_mail() && outbox::pending_campaign_mail(&state.db).await? >= MAX_QUEUED_CAMPAIGN_MAIL {
        round.outbox_full = true;
        return Ok(round);
    }
    let batch: Vec<i64> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .filter(delivery::Column::CampaignId.eq(row.id))
        .filter(delivery::Column::Status.eq(PENDING))
        .order_by_asc(delivery::Column::Id)
        .limit(DELIVERY_BATCH)
        .into_tuple()
        .all(&state.db)
        .await?;
    if batch.is_empty() {
        Entity::update_many()
            .col_expr(Column::Status, Expr::value(CampaignStatus::Sent.as_str()))
            .col_expr(Column::FinishedAt, Expr::value(now))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(row.id))
            .filter(Column::Status.eq(CampaignStatus::Sending.as_str()))
            .exec(&state.db)
            .await?;
        tracing::info!(campaign_id = row.id, "campaign sent");
        round.finished = 1;
        return Ok(round);
    }
    let (queued, skipped) = deliver(state, &row, &batch, now).await?;
    (round.queued, round.skipped) = (queued, skipped);
    Ok(round)
}

/// Queues the messages of `batch` (delivery ids) in one transaction; returns (queued, skipped).
async fn deliver(state: &AppState, row: &campaign::Model, batch: &[i64], now: DateTime<Utc>) -> Result<(u32, u32), MarketingError> {
    let draft = campaigns::draft_of(row)?;
    let txn = state.db.begin().await?;
    // A write first: it takes SQLite's write lock, so what is read next is consent as it now
    // stands. It skips whoever may no longer be sent the topic (withdrawn since the start).
    let still_consenting = consenting(draft.topic.key(), None, None)
        .expr(Expr::val(1))
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::Id)).equals((delivery::Entity, delivery::Column::SubscriberId)))
        .to_owned();
    let withdrawn = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(SKIPPED))
        .filter(delivery::Column::Id.is_in(batch.iter().copied()))
        .filter(delivery::Column::Status.eq(PENDING))
        .filter(Expr::exists(still_consenting).not())
        .exec(&txn)
        .await?
        .rows_affected;
    let mut skipped = u32::try_from(withdrawn).unwrap_or(u32::MAX);
    let pending = delivery::Entity::find()
        .filter(delivery::Column::Id.is_in(batch.iter().copied()))
        .filter(delivery::Column::Status.eq(PENDING))
        .order_by_asc(delivery::Column::Id)
        .all(&txn)
        .await?;
    let people: HashMap<i32, subscriber::Model> = subscriber::Entity::find()
        .filter(subscriber::Column::Id.is_in(pending.iter().map(|d| d.subscriber_id)))
        .all(&txn)
        .await?
        .into_iter()
        .map(|person| (person.id, person))
        .collect();
    let mut queued = 0;
    for due in pending {
        // Present: the delivery row goes with its subscriber (foreign key, cascade).
        let Some(person) = people.get(&due.subscriber_id) else { continue };
        let token = links::preferences_token(&state.keys.marketing_links, person, now);
        let mail = campaigns::render(state, &person.email, &draft, &token);
        let (status, outbox_id) = match state.mailer.queue(&txn, &mail, now).await {
            Ok(id) => (SENT, Some(id)),
            // An address the mailer cannot send to: nothing to queue, ever.
            Err(MailError::InvalidRecipient) => (SKIPPED, None),
            Err(error) => return Err(error.into()),
        };
        let taken = delivery::Entity::update_many()
            .col_expr(delivery::Column::Status, Expr::value(status))
            .col_expr(delivery::Column::SentAt, Expr::value(outbox_id.map(|_| now)))
            .col_expr(delivery::Column::OutboxId, Expr::value(outbox_id))
            .filter(delivery::Column::Id.eq(due.id))
            .filter(delivery::Column::Status.eq(PENDING))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if !taken {
            // Another store process sent this batch meanwhile (PostgreSQL): undo, and move on.
            txn.rollback().await?;
            return Ok((0, 0));
        }
        if outbox_id.is_some() {
            queued += 1;
        } else {
            skipped += 1;
        }
    }
    txn.commit().await?;
    state.mailer.wake();
    tracing::debug!(campaign_id = row.id, queued, skipped, "campaign batch queued");
    Ok((queued, skipped))
}

/// Sends campaigns until `shutdown` completes: at once when woken, batch after batch while
/// there is work, and every `POLL_INTERVAL` otherwise. Its first round resumes whatever a
/// previous run left (preparation and sending); a round in progress is finished before it stops.
pub fn spawn_campaign_sender(state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::pin!(shutdown);
        loop {
            let (busy, pause) = match send_round(&state, Utc::now()).await {
                Ok(round) if round.outbox_full => (false, OUTBOX_FULL_PAUSE),
                Ok(round) => (round.did_something(), POLL_INTERVAL),
                Err(error) => {
                    tracing::warn!(%error, "campaign round failed; the next round will retry");
                    (false, POLL_INTERVAL)
                }
            };
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = std::future::ready(()), if busy => {}
                () = state.campaign_sender.0.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("campaign sending stopped");
    })
}
