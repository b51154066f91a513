//! The retention engine (P16–P19): runs each rule of `domain::retention` against the
//! database, removing the rows whose period is over. Rows are deleted, never flagged (P19),
//! in batches of `DELETE_BATCH_ROWS`, each its own short transaction, so no batch holds the
//! write lock for long while shoppers keep checking out. Every run is recorded in
//! `retention_run`. The clock is a parameter, so tests move it 7 years on.

use crate::domain::retention::{RetentionPeriods, RetentionRule, RuleOutcome, RunMode, RunTrigger, DELETE_BATCH_ROWS};
use crate::server::consent_log::{self, ConsentLog};
use crate::server::entities::{
    account, account_address, audit_log, basket_line, campaign_delivery, consent_log as consent_log_rows, customer_order, mail_outbox,
    marketing_consent, marketing_subscriber, order_line, retention_run, session,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};

/// How often the running store runs the rules.
pub const DAILY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);
/// How long after start the first daily run waits, so starting is not slowed by it.
pub const FIRST_RUN_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// What one run did, rule by rule, as recorded and printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionReport {
    pub run_id: i32,
    pub mode: RunMode,
    pub as_of: DateTime<Utc>,
    pub outcomes: Vec<RuleOutcome>,
}

impl RetentionReport {
    pub fn rows(&self, rule: RetentionRule) -> u64 {
        self.outcomes.iter().find(|o| o.rule == rule).map_or(0, |o| o.rows)
    }
}

/// What a run needs besides the database.
pub struct RetentionContext<'a> {
    pub db: &'a DatabaseConnection,
    pub consent_log: &'a ConsentLog,
    /// The store's `consent_log_anchor` key, to sign where the consent log begins.
    pub anchor_key: &'a [u8],
    pub periods: RetentionPeriods,
}

/// Runs every rule as of `now` and records the run. A dry run counts what is due and removes
/// nothing. A failed rule stops the run, which is recorded as failed with the reason; the
/// batches already committed stay removed (each was whole) and the next run goes on from there.
pub async fn run(context: &RetentionContext<'_>, now: DateTime<Utc>, mode: RunMode, trigger: RunTrigger) -> Result<RetentionReport, DbErr> {
    let record = retention_run::ActiveModel {
        started_at: Set(Utc::now()),
        finished_at: Set(None),
        trigger: Set(trigger.as_str().to_owned()),
        dry_run: Set(mode == RunMode::DryRun),
        outcome: Set("running".to_owned()),
        report: Set("{}".to_owned()),
        ..Default::default()
    }
    .insert(context.db)
    .await?;
    let mut report = RetentionReport { run_id: record.id, mode, as_of: now, outcomes: Vec::new() };
    let mut failure = None;
    for rule in RetentionRule::ALL {
        match apply(context, rule, now, mode).await {
            Ok(outcome) => report.outcomes.push(outcome),
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    if mode == RunMode::Delete && report.outcomes.iter().any(|o| o.rows > 0) && failure.is_none() {
        // P19: what was deleted must not linger in the write-ahead log either.
        if let Err(error) = flush_deleted_pages(context.db).await {
            tracing::warn!(%error, "the SQLite write-ahead log could not be emptied after a retention run; the next checkpoint will");
        }
    }
    let (outcome, body) = match &failure {
        None => ("completed", serde_json::to_string(&report).unwrap_or_default()),
        Some(error) => ("failed", serde_json::json!({ "done": report.outcomes, "error": error.to_string() }).to_string()),
    };
    let mut finished: retention_run::ActiveModel = record.into();
    finished.finished_at = Set(Some(Utc::now()));
    finished.outcome = Set(outcome.to_owned());
    finished.report = Set(body);
    finished.update(context.db).await?;
    match failure {
        None => Ok(report),
        Some(error) => Err(error),
    }
}

/// One rule: the due rows in id order, a batch at a time.
async fn apply(context: &RetentionContext<'_>, rule: RetentionRule, now: DateTime<Utc>, mode: RunMode) -> Result<RuleOutcome, DbErr> {
    let cutoff = context.periods.cutoff(rule, now);
    let mut outcome = RuleOutcome { rule, cutoff, rows: 0, dependent_rows: 0 };
    if rule == RetentionRule::ConsentLog {
        outcome.rows = purge_consent_log(context, cutoff, mode).await?;
        return Ok(outcome);
    }
    let db = context.db;
    let mut after_id = 0i64;
    loop {
        let ids = due_ids(db, rule, cutoff, after_id).await?;
        let Some(&last) = ids.last() else { return Ok(outcome) };
        match mode {
            RunMode::DryRun => {
                outcome.dependent_rows += dependants(db, rule, &ids).await?;
                outcome.rows += ids.len() as u64;
                after_id = last;
            }
            RunMode::Delete => {
                let txn = db.begin().await?;
                // Read again inside the transaction: a row may have changed since (an
                // account restored, a subscriber who opted back in) and is then not due.
                let ids = due_ids(&txn, rule, cutoff, after_id).await?;
                let dependent = dependants(&txn, rule, &ids).await?;
                let deleted = delete_ids(&txn, rule, &ids).await?;
                txn.commit().await?;
                outcome.rows += deleted;
                outcome.dependent_rows += dependent;
                after_id = ids.last().copied().unwrap_or(last);
            }
        }
    }
}

/// The next batch of due row ids after `after_id`.
async fn due_ids(db: &impl ConnectionTrait, rule: RetentionRule, cutoff: DateTime<Utc>, after_id: i64) -> Result<Vec<i64>, DbErr> {
    let limit = DELETE_BATCH_ROWS;
    let ids: Vec<i64> = match rule {
        RetentionRule::Orders => {
            ids_of(
                customer_order::Entity::find().filter(customer_order::Column::PlacedAt.lte(cutoff)),
                customer_order::Column::Id,
                after_id,
                limit,
                db,
            )
            .await?
        }
        RetentionRule::DeletedAccounts => {
            ids_of(account::Entity::find().filter(account::Column::DeletedAt.lte(cutoff)), account::Column::Id, after_id, limit, db).await?
        }
        RetentionRule::FormerSubscribers => {
            // Every topic off, and nothing chosen since the cutoff: an address someone still
            // receives mail at, or changed their mind about lately, is kept.
            let still_active = Query::select()
                .column(marketing_consent::Column::SubscriberId)
                .from(marketing_consent::Entity)
                .cond_where(
                    Condition::any().add(marketing_consent::Column::Granted.eq(true)).add(marketing_consent::Column::ChangedAt.gt(cutoff)),
                )
                .to_owned();
            let due = marketing_subscriber::Entity::find()
                .filter(marketing_subscriber::Column::CreatedAt.lte(cutoff))
                .filter(marketing_subscriber::Column::Id.not_in_subquery(still_active));
            ids_of(due, marketing_subscriber::Column::Id, after_id, limit, db).await?
        }
        RetentionRule::CampaignDeliveries => {
            let due = campaign_delivery::Entity::find().filter(campaign_delivery::Column::PreparedAt.lte(cutoff));
            ids_of(due, campaign_delivery::Column::Id, after_id, limit, db).await?
        }
        RetentionRule::MailRecords => {
            ids_of(
                mail_outbox::Entity::find().filter(mail_outbox::Column::CreatedAt.lte(cutoff)),
                mail_outbox::Column::Id,
                after_id,
                limit,
                db,
            )
            .await?
        }
        RetentionRule::AuditLog => {
            ids_of(audit_log::Entity::find().filter(audit_log::Column::RecordedAt.lte(cutoff)), audit_log::Column::Id, after_id, limit, db)
                .await?
        }
        RetentionRule::ConsentLog => Vec::new(),
    };
    Ok(ids)
}

async fn ids_of<E: EntityTrait>(
    select: sea_orm::Select<E>,
    id: E::Column,
    after_id: i64,
    limit: u64,
    db: &impl ConnectionTrait,
) -> Result<Vec<i64>, DbErr> {
    select
        .select_only()
        // Some tables' ids are 32-bit and others 64-bit: all are read as 64-bit.
        .column_as(Expr::col(id).cast_as(sea_orm::sea_query::Alias::new("BIGINT")), "id")
        .filter(id.gt(after_id))
        .order_by_asc(id)
        .limit(limit)
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// Rows that go with these (by cascading foreign keys), counted for the report.
async fn dependants(db: &impl ConnectionTrait, rule: RetentionRule, ids: &[i64]) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let narrow: Vec<i32> = ids.iter().filter_map(|&id| i32::try_from(id).ok()).collect();
    Ok(match rule {
        RetentionRule::Orders => order_line::Entity::find().filter(order_line::Column::OrderId.is_in(narrow)).count(db).await?,
        RetentionRule::DeletedAccounts => {
            account_address::Entity::find().filter(account_address::Column::AccountId.is_in(narrow.clone())).count(db).await?
                + session::Entity::find().filter(session::Column::AccountId.is_in(narrow.clone())).count(db).await?
                + basket_line::Entity::find().filter(basket_line::Column::AccountId.is_in(narrow)).count(db).await?
        }
        RetentionRule::FormerSubscribers => {
            marketing_consent::Entity::find().filter(marketing_consent::Column::SubscriberId.is_in(narrow.clone())).count(db).await?
                + campaign_delivery::Entity::find().filter(campaign_delivery::Column::SubscriberId.is_in(narrow)).count(db).await?
        }
        _ => 0,
    })
}

async fn delete_ids(db: &impl ConnectionTrait, rule: RetentionRule, ids: &[i64]) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let ids = ids.to_vec();
    let narrow: Vec<i32> = ids.iter().filter_map(|&id| i32::try_from(id).ok()).collect();
    let result = match rule {
        RetentionRule::Orders => customer_order::Entity::delete_many().filter(customer_order::Column::Id.is_in(narrow)).exec(db).await?,
        RetentionRule::DeletedAccounts => account::Entity::delete_many().filter(account::Column::Id.is_in(narrow)).exec(db).await?,
        RetentionRule::FormerSubscribers => {
            marketing_subscriber::Entity::delete_many().filter(marketing_subscriber::Column::Id.is_in(narrow)).exec(db).await?
        }
        RetentionRule::CampaignDeliveries => {
            campaign_delivery::Entity::delete_many().filter(campaign_delivery::Column::Id.is_in(ids)).exec(db).await?
        }
        RetentionRule::MailRecords => mail_outbox::Entity::delete_many().filter(mail_outbox::Column::Id.is_in(ids)).exec(db).await?,
        RetentionRule::AuditLog => audit_log::Entity::delete_many().filter(audit_log::Column::Id.is_in(narrow)).exec(db).await?,
        RetentionRule::ConsentLog => return Ok(0),
    };
    Ok(result.rows_affected)
}

/// The consent log loses its oldest rows only as a prefix, so the chain that is left still
/// verifies from the signed anchor: up to the first row still inside its period, and never
/// the row that proves a marketing choice someone holds now, nor anything after it.
async fn purge_consent_log(context: &RetentionContext<'_>, cutoff: DateTime<Utc>, mode: RunMode) -> Result<u64, DbErr> {
    let db = context.db;
    let first_young: Option<i32> = consent_log_rows::Entity::find()
        .select_only()
        .column(consent_log_rows::Column::Id)
        .filter(consent_log_rows::Column::RecordedAt.gt(cutoff))
        .order_by_asc(consent_log_rows::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    let first_needed: Option<i32> = marketing_consent::Entity::find()
        .select_only()
        .column_as(marketing_consent::Column::LogRowId.min(), "id")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let last_row: Option<i32> = consent_log_rows::Entity::find()
        .select_only()
        .column_as(consent_log_rows::Column::Id.max(), "id")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let Some(last_row) = last_row else { return Ok(0) };
    let up_to = [first_young.map(|id| id - 1), first_needed.map(|id| id - 1), Some(last_row)].into_iter().flatten().min().unwrap_or(0);
    let start = match consent_log::chain_start(db, context.anchor_key).await? {
        Ok(start) => start.after_id,
        // A forged anchor is for `consent verify` to report; retention removes nothing more.
        Err(_) => return Err(DbErr::Custom("the consent log's retention anchor is not signed by this store".into())),
    };
    if up_to <= start {
        return Ok(0);
    }
    match mode {
        RunMode::DryRun => {
            consent_log_rows::Entity::find()
                .filter(consent_log_rows::Column::Id.gt(start))
                .filter(consent_log_rows::Column::Id.lte(up_to))
                .count(db)
                .await
        }
        RunMode::Delete => {
            consent_log::purge_through(db, context.consent_log, context.anchor_key, up_to, DELETE_BATCH_ROWS, Utc::now()).await
        }
    }
}

/// P19 on SQLite: `secure_delete` zeroes deleted content in the database's pages, but older
/// copies of those pages can remain in the write-ahead log until it is reused. A TRUNCATE
/// checkpoint copies the log into the database and empties the log file. PostgreSQL: nothing
/// to do here (its own VACUUM reclaims dead rows).
pub async fn flush_deleted_pages(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return Ok(());
    }
    for _ in 0..20 {
        let row = db.query_one_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, "PRAGMA wal_checkpoint(TRUNCATE)")).await?;
        // The pragma answers (busy, pages in the log, pages copied); busy = a reader was in the way.
        let busy = row.map(|row| row.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0);
        if busy == 0 {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(DbErr::Custom("readers kept the write-ahead log busy".into()))
}

/// The running store's daily round: the first a minute after start, then every day. A failed
/// run is recorded and logged; the next day's run goes on where it stopped.
pub async fn run_daily(state: crate::server::state::AppState) {
    tokio::time::sleep(FIRST_RUN_AFTER).await;
    let mut ticks = tokio::time::interval(DAILY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let context = RetentionContext {
            db: &state.db,
            consent_log: &state.consent_log,
            anchor_key: &state.keys.consent_log_anchor,
            periods: state.retention,
        };
        match run(&context, Utc::now(), RunMode::Delete, RunTrigger::Daily).await {
            Ok(report) => {
                let removed: u64 = report.outcomes.iter().map(|o| o.rows).sum();
                tracing::info!(run = report.run_id, rows_removed = removed, "retention run completed");
            }
            Err(error) => tracing::warn!(%error, "retention run failed; tomorrow's run will retry"),
        }
    }
}
