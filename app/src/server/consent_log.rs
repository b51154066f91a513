//! The consent log (B03): each decision is appended as a row whose hash covers its own
//! content and the previous row's hash, so any edit or removal breaks the chain; `verify`
//! walks it. The table is append-only in the database itself (triggers, see migrations).

use super::entities::{consent_log, consent_log_purge_anchor};
use crate::domain::consent::{ConsentChoices, ConsentEvent, ConsentPurpose, ConsentSource};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::sync::oneshot;

/// The "previous hash" of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Rows read per query while verifying.
const VERIFY_BATCH: u64 = 1000;
/// Attempts before giving up when another writer keeps taking the chain's end.
const APPEND_ATTEMPTS: usize = 10;
/// The most decisions written by one INSERT; the rest wait for the next.
const MAX_BATCH: usize = 256;

/// The consent log of one database, as this process appends to it.
///
/// Appends are serialized, so they never race for the chain's end (the unique `prev_hash`
/// column still stops writers in other processes from forking it). Decisions that arrive while
/// a batch is being written go into the next batch together: one INSERT for all of them, each
/// row chained to the one before (group commit). Under load that turns a queue of writes, each
/// waiting for the one before, into a few, which is what keeps the time a decision adds to its
/// request short (bench/RESULTS.md). Each caller still gets its own row back only once it is
/// committed.
#[derive(Clone)]
pub struct ConsentLog {
    db: DatabaseConnection,
    appender: Arc<Appender>,
}

struct Appender {
    /// Decisions waiting for the next batch, each with where its stored row is sent.
    waiting: std::sync::Mutex<Vec<Waiting>>,
    /// Held while a batch is written, and by `between_appends`.
    writer: Arc<tokio::sync::Mutex<ChainEnd>>,
}

/// The hash of the last row this process wrote, so the next append need not read it back.
/// Forgotten whenever an append fails: another process may have appended meanwhile (its row
/// then holds the same `prev_hash`, which the unique index refuses), and the next try reads
/// the end from the database.
#[derive(Default)]
struct ChainEnd(Option<String>);

type Stored = Result<consent_log::Model, DbErr>;

struct Waiting {
    decision: ConsentDecision,
    answer: oneshot::Sender<Stored>,
}

impl std::fmt::Debug for ConsentLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentLog").finish_non_exhaustive()
    }
}

impl ConsentLog {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db, appender: Arc::new(Appender { waiting: Default::default(), writer: Default::default() }) }
    }

    /// Appends a decision at the end of the chain and returns the stored row. The row is
    /// committed before this returns, so a caller may acknowledge the decision afterwards.
    pub async fn append(&self, mut decision: ConsentDecision) -> Stored {
        decision.recorded_at = whole_millis(decision.recorded_at);
        decision.expires_at = whole_millis(decision.expires_at);
        let (answer, mut stored) = oneshot::channel();
        self.appender.waiting().push(Waiting { decision, answer });
        let writer = tokio::select! {
            biased;
            // Another caller's batch took this decision along: done, without a turn at the writer.
            stored = &mut stored => return stored.unwrap_or_else(|_| Err(writer_stopped())),
            writer = self.appender.writer.clone().lock_owned() => writer,
        };
        // The batch before may have taken this decision with it; then there is nothing to
        // write but the decisions that arrived since, if any.
        let batch: Vec<Waiting> = {
            let mut waiting = self.appender.waiting();
            let take = waiting.len().min(MAX_BATCH);
            waiting.drain(..take).collect()
        };
        if batch.is_empty() {
            drop(writer);
        } else {
            let db = self.db.clone();
            // The batch carries other visitors' decisions too, so it is written by a task of
            // its own: a visitor who disconnects meanwhile cannot cut it short.
            tokio::spawn(async move {
                let mut end = writer;
                write_batch(&db, &mut end, batch).await;
            });
        }
        stored.await.unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// Runs `work` while no append is under way. An SQLite checkpoint that must hold the write
    /// lock (RESTART) runs here, so an append waits for it on this lock, for exactly as long as
    /// it takes, instead of in SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries.
    pub async fn between_appends<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        let _serialized = self.appender.writer.lock().await;
        work.await
    }
}

/// Appends inside a caller's transaction, for a decision whose row must be stored together
/// with other changes or not at all (a marketing choice and the state it proves). It holds the
/// chain's end until dropped, so keep the transaction short; call `committed` once the
/// transaction has committed, or the next append reads the end back from the database.
pub struct TransactionAppender {
    end: tokio::sync::OwnedMutexGuard<ChainEnd>,
    written: Option<String>,
    committed: bool,
}

impl ConsentLog {
    pub async fn for_transaction(&self) -> TransactionAppender {
        TransactionAppender { end: self.appender.writer.clone().lock_owned().await, written: None, committed: false }
    }
}

impl TransactionAppender {
    /// Appends the decision through `txn`; the row is stored only if `txn` commits.
    pub async fn append(&mut self, txn: &impl ConnectionTrait, mut decision: ConsentDecision) -> Stored {
        decision.recorded_at = whole_millis(decision.recorded_at);
        decision.expires_at = whole_millis(decision.expires_at);
        let mut end = ChainEnd(self.written.take().or_else(|| self.end.0.clone()));
        let mut rows = try_append(txn, &mut end, &[&decision]).await?;
        self.written = end.0;
        rows.pop().ok_or_else(|| DbErr::Custom("the database did not return the stored consent row".into()))
    }

    /// The transaction committed: its last row is the chain's end.
    pub fn committed(mut self) {
        self.committed = true;
    }
}

impl Drop for TransactionAppender {
    fn drop(&mut self) {
        self.end.0 = if self.committed { self.written.take().or_else(|| self.end.0.take()) } else { None };
    }
}

fn writer_stopped() -> DbErr {
    DbErr::Custom("the consent log writer stopped before answering".into())
}

impl Appender {
    fn waiting(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        // Nothing panics while holding it, and a Vec is whole even if something did.
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Writes a batch and answers each decision in it. If the batch as a whole cannot be written,
/// each decision is tried on its own, so one that cannot be stored fails alone.
async fn write_batch(db: &DatabaseConnection, end: &mut ChainEnd, batch: Vec<Waiting>) {
    let decisions: Vec<&ConsentDecision> = batch.iter().map(|w| &w.decision).collect();
    match append_with_retries(db, end, &decisions).await {
        Ok(rows) => {
            for (waiting, row) in batch.into_iter().zip(rows) {
                let _ = waiting.answer.send(Ok(row));
            }
        }
        Err(error) if batch.len() == 1 => {
            for waiting in batch {
                let _ = waiting.answer.send(Err(error.clone()));
            }
        }
        Err(_) => {
            // The batch already waited out anything passing; each decision gets one try.
            for waiting in batch {
                let stored = try_append(db, end, &[&waiting.decision]).await;
                let _ = waiting.answer.send(stored.map(|mut rows| rows.remove(0)));
            }
        }
    }
}

async fn append_with_retries(
    db: &DatabaseConnection,
    end: &mut ChainEnd,
    decisions: &[&ConsentDecision],
) -> Result<Vec<consent_log::Model>, DbErr> {
    let mut attempt = 1;
    loop {
        match try_append(db, end, decisions).await {
            Ok(rows) => return Ok(rows),
            // Another process took the end of the chain (unique prev_hash) or held the write
            // lock: read the new end and try again.
            Err(error) if attempt == APPEND_ATTEMPTS => return Err(error),
            Err(_) => attempt += 1,
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// One decision, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentDecision {
    pub consent_id: String,
    pub account_id: Option<i32>,
    pub policy_version: String,
    pub choices: ConsentChoices,
    pub event: ConsentEvent,
    pub source: ConsentSource,
    pub recorded_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub browser_family: String,
    pub text_hash: String,
    pub ip_hash: String,
    pub purpose: ConsentPurpose,
}

/// Every field in a fixed order, each prefixed by its length so no two decisions encode alike.
/// Times are whole milliseconds: what both databases store exactly.
pub fn canonical_content(decision: &ConsentDecision) -> String {
    let flag = |b: bool| if b { "1" } else { "0" };
    let mut fields = vec![
        decision.consent_id.clone(),
        decision.account_id.map(|id| id.to_string()).unwrap_or_default(),
        decision.policy_version.clone(),
        flag(decision.choices.analytics).to_owned(),
        flag(decision.choices.functionality).to_owned(),
        flag(decision.choices.targeting).to_owned(),
        decision.event.as_str().to_owned(),
        decision.source.as_str().to_owned(),
        decision.recorded_at.timestamp_millis().to_string(),
        decision.expires_at.timestamp_millis().to_string(),
        decision.browser_family.clone(),
        decision.text_hash.clone(),
        decision.ip_hash.clone(),
    ];
    // Cookie decisions encode as they did before the log had a purpose, so the rows written
    // then still verify; every other purpose is one more field.
    if decision.purpose != ConsentPurpose::Cookies {
        fields.push(decision.purpose.as_string());
    }
    fields.iter().map(|f| format!("{}:{f};", f.len())).collect()
}

/// SHA-256 (hex) of the previous row's hash and this row's canonical content.
pub fn chain_hash(prev_hash: &str, decision: &ConsentDecision) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical_content(decision).as_bytes());
    hex::encode(hasher.finalize())
}

fn whole_millis(time: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(time.timestamp_millis()).unwrap_or(time)
}

/// The decision a stored row records, or why the row cannot be read as one.
pub fn decision_of(row: &consent_log::Model) -> Result<ConsentDecision, String> {
    Ok(ConsentDecision {
        consent_id: row.consent_id.clone(),
        account_id: row.account_id,
        policy_version: row.policy_version.clone(),
        choices: ConsentChoices { analytics: row.analytics, functionality: row.functionality, targeting: row.targeting },
        event: ConsentEvent::parse(&row.event_kind).ok_or_else(|| format!("unknown event kind {:?}", row.event_kind))?,
        source: ConsentSource::parse(&row.source).ok_or_else(|| format!("unknown source {:?}", row.source))?,
        recorded_at: row.recorded_at,
        expires_at: row.expires_at,
        browser_family: row.browser_family.clone(),
        text_hash: row.text_hash.clone(),
        ip_hash: row.ip_hash.clone(),
        purpose: ConsentPurpose::parse(&row.purpose).ok_or_else(|| format!("unknown purpose {:?}", row.purpose))?,
    })
}

/// Writes the decisions, chained in order after the end of the chain, as one INSERT: one
/// statement, so all of them are stored or none, in one round trip to the database.
async fn try_append(
    db: &impl ConnectionTrait,
    end: &mut ChainEnd,
    decisions: &[&ConsentDecision],
) -> Result<Vec<consent_log::Model>, DbErr> {
    let mut prev_hash = match end.0.take() {
        Some(hash) => hash,
        None => match consent_log::Entity::find()
            .select_only()
            .column(consent_log::Column::RowHash)
            .order_by_desc(consent_log::Column::Id)
            .limit(1)
            .into_tuple::<String>()
            .one(db)
            .await?
        {
            Some(hash) => hash,
            None => chain_start_hash(db).await?,
        },
    };
    let mut hashes = Vec::with_capacity(decisions.len());
    let rows: Vec<consent_log::ActiveModel> = decisions
        .iter()
        .map(|decision| {
            let row_hash = chain_hash(&prev_hash, decision);
            hashes.push(row_hash.clone());
            consent_log::ActiveModel {
                consent_id: Set(decision.consent_id.clone()),
                account_id: Set(decision.account_id),
                policy_version: Set(decision.policy_version.clone()),
                analytics: Set(decision.choices.analytics),
                functionality: Set(decision.choices.functionality),
                targeting: Set(decision.choices.targeting),
                event_kind: Set(decision.event.as_str().to_owned()),
                source: Set(decision.source.as_str().to_owned()),
                recorded_at: Set(decision.recorded_at),
                expires_at: Set(decision.expires_at),
                browser_family: Set(decision.browser_family.clone()),
                text_hash: Set(decision.text_hash.clone()),
                ip_hash: Set(decision.ip_hash.clone()),
                purpose: Set(decision.purpose.as_string()),
                prev_hash: Set(std::mem::replace(&mut prev_hash, row_hash.clone())),
                row_hash: Set(row_hash),
                ..Default::default()
            }
        })
        .collect();
    let mut stored = consent_log::Entity::insert_many(rows).exec_with_returning(db).await?;
    // Neither database promises RETURNING's order: each row is put back with its decision.
    let mut in_order = Vec::with_capacity(hashes.len());
    for hash in &hashes {
        let at = stored
            .iter()
            .position(|row| &row.row_hash == hash)
            .ok_or_else(|| DbErr::Custom("the database did not return a stored consent row".into()))?;
        in_order.push(stored.swap_remove(at));
    }
    end.0 = hashes.pop();
    Ok(in_order)
}

/// Where a decision sits in the chain: enough for a visitor's receipt to be checked later.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainLink {
    pub row_id: i32,
    pub row_hash: String,
}

/// The newest row of a visitor's decisions.
pub async fn latest_for(db: &impl ConnectionTrait, consent_id: &str) -> Result<Option<consent_log::Model>, DbErr> {
    consent_log::Entity::find().filter(consent_log::Column::ConsentId.eq(consent_id)).order_by_desc(consent_log::Column::Id).one(db).await
}

/// The receipt for a stored row.
pub fn receipt_of(row: &consent_log::Model) -> crate::domain::consent::ConsentReceipt {
    crate::domain::consent::ConsentReceipt {
        consent_id: row.consent_id.clone(),
        recorded_at: row.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        policy_version: row.policy_version.clone(),
        choices: ConsentChoices { analytics: row.analytics, functionality: row.functionality, targeting: row.targeting },
        event: row.event_kind.clone(),
        source: row.source.clone(),
        text_hash: row.text_hash.clone(),
        row_hash: row.row_hash.clone(),
    }
}

/// Looks a receipt's row hash up and re-checks that row's own hash: a receipt is genuine only
/// if the store holds that row unchanged.
pub async fn check_receipt(db: &impl ConnectionTrait, row_hash: &str) -> Result<crate::domain::consent::ReceiptCheck, DbErr> {
    use crate::domain::consent::ReceiptCheck;
    let row = consent_log::Entity::find().filter(consent_log::Column::RowHash.eq(row_hash)).one(db).await?;
    Ok(match row {
        None => ReceiptCheck { genuine: false, receipt: None, message: "No decision with this hash is recorded.".into() },
        Some(row) => {
            let intact = decision_of(&row).is_ok_and(|decision| chain_hash(&row.prev_hash, &decision) == row.row_hash);
            ReceiptCheck {
                genuine: intact,
                receipt: Some(receipt_of(&row)),
                message: if intact {
                    "This decision is recorded exactly as on the receipt.".into()
                } else {
                    "A row with this hash exists but its content no longer matches it.".into()
                },
            }
        }
    })
}

/// What walking the chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainStatus {
    Intact { rows: u64 },
    Broken { row_id: i32, problem: String },
}

/// Walks the whole log in id order, from its signed start once retention has removed old rows,
/// and reports the first row that breaks the chain. `anchor_key` is the store's
/// `consent_log_anchor` key: an anchor it did not sign is itself a break.
pub async fn verify(db: &impl ConnectionTrait, anchor_key: &[u8]) -> Result<ChainStatus, DbErr> {
    let (after_id, start_hash) = match chain_start(db, anchor_key).await? {
        Ok(start) => (start.after_id, start.prev_hash),
        Err(broken) => return Ok(broken),
    };
    let walked = verify_after(db, after_id, &start_hash).await?;
    Ok(match walked.broken {
        None => ChainStatus::Intact { rows: walked.rows_checked },
        Some((row_id, problem)) => ChainStatus::Broken { row_id, problem },
    })
}

/// Where the chain that is left begins: after the rows retention removed, the first row left
/// must link to the last removed row's hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainStart {
    /// Rows with this id or lower are gone (0: none).
    pub after_id: i32,
    pub prev_hash: String,
    pub rows_removed: u64,
}

const ANCHOR_ID: i32 = 1;

/// The signature of a purge anchor: HMAC-SHA256 (hex) of its fields under the anchor key.
pub fn anchor_signature(anchor_key: &[u8], purged_up_to_id: i32, last_removed_hash: &str, rows_removed: i64) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(anchor_key) else { return String::new() };
    mac.update(format!("consent-log-anchor:{purged_up_to_id}:{last_removed_hash}:{rows_removed}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The start of the chain, or the break a forged anchor is.
pub async fn chain_start(db: &impl ConnectionTrait, anchor_key: &[u8]) -> Result<Result<ChainStart, ChainStatus>, DbErr> {
    let Some(anchor) = consent_log_purge_anchor::Entity::find_by_id(ANCHOR_ID).one(db).await? else {
        return Ok(Ok(ChainStart { after_id: 0, prev_hash: GENESIS_HASH.to_owned(), rows_removed: 0 }));
    };
    let expected = anchor_signature(anchor_key, anchor.purged_up_to_id, &anchor.last_removed_hash, anchor.rows_removed);
    if expected.is_empty() || expected != anchor.signature {
        return Ok(Err(ChainStatus::Broken {
            row_id: anchor.purged_up_to_id,
            problem: "the record of rows removed by retention is not signed by this store (rows were removed by hand)".into(),
        }));
    }
    Ok(Ok(ChainStart {
        after_id: anchor.purged_up_to_id,
        prev_hash: anchor.last_removed_hash,
        rows_removed: u64::try_from(anchor.rows_removed).unwrap_or(0),
    }))
}

/// The hash a row appended to an empty log follows: the last removed row's, once retention has
/// removed every row, else the genesis hash. (Read without the key: appending trusts the
/// anchor, verifying checks it.)
async fn chain_start_hash(db: &impl ConnectionTrait) -> Result<String, DbErr> {
    Ok(consent_log_purge_anchor::Entity::find_by_id(ANCHOR_ID)
        .one(db)
        .await?
        .map_or_else(|| GENESIS_HASH.to_owned(), |anchor| anchor.last_removed_hash))
}

/// Removes the oldest rows of the log, up to and including `up_to_id`, in transactions of at
/// most `batch` rows, each of which first moves the signed anchor past the rows it removes (the
/// delete trigger lets through only rows the anchor covers). The staff page's checkpoint is
/// kept consistent: its row count drops by the rows removed, or it starts again from the
/// anchor when the rows it pointed at are gone. Returns the rows removed.
pub async fn purge_through(
    db: &DatabaseConnection,
    log: &ConsentLog,
    anchor_key: &[u8],
    up_to_id: i32,
    batch: u64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::TransactionTrait;
    let mut removed = 0u64;
    loop {
        // Each batch waits for appends in flight, and they for it: a batch is short.
        let removed_now = log
            .between_appends(async {
                let txn = db.begin().await?;
                let start = consent_log_purge_anchor::Entity::find_by_id(ANCHOR_ID).one(&txn).await?;
                let (after_id, rows_before) = start.as_ref().map_or((0, 0), |a| (a.purged_up_to_id, a.rows_removed));
                let rows: Vec<(i32, String)> = consent_log::Entity::find()
                    .select_only()
                    .column(consent_log::Column::Id)
                    .column(consent_log::Column::RowHash)
                    .filter(consent_log::Column::Id.gt(after_id))
                    .filter(consent_log::Column::Id.lte(up_to_id))
                    .order_by_asc(consent_log::Column::Id)
                    .limit(batch)
                    .into_tuple()
                    .all(&txn)
                    .await?;
                let Some((last_id, last_hash)) = rows.last().cloned() else { return Ok::<u64, DbErr>(0) };
                let count = rows.len() as u64;
                let rows_removed = rows_before + count as i64;
                let signature = anchor_signature(anchor_key, last_id, &last_hash, rows_removed);
                let anchor = consent_log_purge_anchor::ActiveModel {
                    id: Set(ANCHOR_ID),
                    purged_up_to_id: Set(last_id),
                    last_removed_hash: Set(last_hash),
                    rows_removed: Set(rows_removed),
                    purged_at: Set(now),
                    signature: Set(signature),
                };
                if start.is_some() {
                    consent_log_purge_anchor::Entity::update(anchor).exec(&txn).await?;
                } else {
                    consent_log_purge_anchor::Entity::insert(anchor).exec(&txn).await?;
                }
                consent_log::Entity::delete_many().filter(consent_log::Column::Id.lte(last_id)).exec(&txn).await?;
                super::consent_audit::after_purge(&txn, last_id, count).await?;
                txn.commit().await?;
                Ok(count)
            })
            .await?;
        removed += removed_now;
        if removed_now < batch {
            return Ok(removed);
        }
    }
}

/// What walking part of the chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Walked {
    /// Rows found intact (all of them, unless `broken`).
    pub rows_checked: u64,
    /// The last intact row's id and hash; None when no row was walked.
    pub last: Option<(i32, String)>,
    /// The first row that breaks the chain, and why.
    pub broken: Option<(i32, String)>,
}

/// Walks the rows after `after_id` in id order, the first of them expected to follow a row
/// whose hash is `expected_prev`, and stops at the first row that breaks the chain. From the
/// start (`0`, [`GENESIS_HASH`]) this is the whole log; the staff page starts from its
/// checkpoint (`consent_audit`).
pub async fn verify_after(db: &impl ConnectionTrait, after_id: i32, expected_prev: &str) -> Result<Walked, DbErr> {
    let mut expected_prev = expected_prev.to_owned();
    let mut last_id = after_id;
    let mut walked = Walked { rows_checked: 0, last: None, broken: None };
    loop {
        let batch = consent_log::Entity::find()
            .filter(consent_log::Column::Id.gt(last_id))
            .order_by_asc(consent_log::Column::Id)
            .limit(VERIFY_BATCH)
            .all(db)
            .await?;
        if batch.is_empty() {
            return Ok(walked);
        }
        for row in batch {
            if let Err(problem) = check_row(&row, &expected_prev) {
                walked.broken = Some((row.id, problem));
                return Ok(walked);
            }
            expected_prev = row.row_hash.clone();
            last_id = row.id;
            walked.rows_checked += 1;
            walked.last = Some((row.id, row.row_hash));
        }
    }
}

/// Whether `row` follows a row whose hash is `expected_prev` and still matches its own hash.
pub fn check_row(row: &consent_log::Model, expected_prev: &str) -> Result<(), String> {
    if row.prev_hash != expected_prev {
        return Err("it does not follow the row before it (a row was removed or inserted)".into());
    }
    let decision = decision_of(row)?;
    if chain_hash(&row.prev_hash, &decision) != row.row_hash {
        return Err("its content does not match its hash (the row was changed)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn decision() -> ConsentDecision {
        ConsentDecision {
            consent_id: "c1".into(),
            account_id: None,
            policy_version: "1".into(),
            choices: ConsentChoices::REJECT_ALL,
            event: ConsentEvent::Deny,
            source: ConsentSource::Banner,
            recorded_at: Utc.timestamp_millis_opt(1_764_460_800_123).unwrap(),
            expires_at: Utc.timestamp_millis_opt(1_795_996_800_123).unwrap(),
            browser_family: "Chrome".into(),
            text_hash: "a".repeat(64),
            ip_hash: "b".repeat(64),
            purpose: ConsentPurpose::Cookies,
        }
    }

    #[test]
    fn b03_every_field_changes_the_hash() {
        let base = chain_hash(GENESIS_HASH, &decision());
        assert_eq!(base.len(), 64);
        let variants: Vec<ConsentDecision> = vec![
            ConsentDecision { consent_id: "c2".into(), ..decision() },
            ConsentDecision { account_id: Some(1), ..decision() },
            ConsentDecision { policy_version: "2".into(), ..decision() },
            ConsentDecision { choices: ConsentChoices { analytics: true, ..ConsentChoices::REJECT_ALL }, ..decision() },
            ConsentDecision { event: ConsentEvent::Grant, ..decision() },
            ConsentDecision { source: ConsentSource::Preferences, ..decision() },
            ConsentDecision { purpose: ConsentPurpose::Marketing(crate::domain::marketing::MarketingTopic::Offers), ..decision() },
            ConsentDecision { recorded_at: decision().recorded_at + chrono::Duration::milliseconds(1), ..decision() },
            ConsentDecision { browser_family: "Firefox".into(), ..decision() },
            ConsentDecision { ip_hash: "c".repeat(64), ..decision() },
        ];
        for variant in variants {
            assert_ne!(chain_hash(GENESIS_HASH, &variant), base, "{variant:?}");
        }
        assert_ne!(chain_hash(&"1".repeat(64), &decision()), base, "the previous hash is covered too");
    }

    #[test]
    fn b03_length_prefixes_keep_fields_apart() {
        let a = ConsentDecision { consent_id: "ab".into(), policy_version: "c".into(), ..decision() };
        let b = ConsentDecision { consent_id: "a".into(), policy_version: "bc".into(), ..decision() };
        assert_ne!(canonical_content(&a), canonical_content(&b));
    }
}
