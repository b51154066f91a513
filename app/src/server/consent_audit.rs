//! The consent log for staff and auditors (B03): search by consent id, account or date, export
//! as CSV or JSON, and the result of walking the hash chain (from a checkpoint, so a page view
//! does not hash the whole log).

use super::consent_log::{chain_start, check_row, verify_after, ChainStatus};
use super::entities::{consent_chain_checkpoint, consent_log};
use crate::domain::paging::{PageNumber, Paged};
use crate::domain::staff::{ChainReport, ConsentLogFilter, ConsentLogRow};
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{prelude::*, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, Select};

/// Rows per export: an auditor's export is bounded so one request cannot exhaust memory.
pub const EXPORT_LIMIT: u64 = 100_000;

fn filtered(filter: &ConsentLogFilter) -> Select<consent_log::Entity> {
    let mut query = consent_log::Entity::find();
    if let Some(id) = &filter.consent_id {
        query = query.filter(consent_log::Column::ConsentId.eq(id.clone()));
    }
    if let Some(account) = filter.account_id {
        query = query.filter(consent_log::Column::AccountId.eq(account));
    }
    let day =
        |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| Utc.from_utc_datetime(&t));
    if let Some(from) = filter.from.as_deref().and_then(day) {
        query = query.filter(consent_log::Column::RecordedAt.gte(from));
    }
    if let Some(to) = filter.to.as_deref().and_then(day) {
        query = query.filter(consent_log::Column::RecordedAt.lt(to + chrono::Duration::days(1)));
    }
    query
}

fn row_of(row: consent_log::Model) -> ConsentLogRow {
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    ConsentLogRow {
        id: row.id,
        consent_id: row.consent_id,
        account_id: row.account_id,
        policy_version: row.policy_version,
        analytics: row.analytics,
        functionality: row.functionality,
        targeting: row.targeting,
        event: row.event_kind,
        source: row.source,
        recorded_at: time(row.recorded_at),
        expires_at: time(row.expires_at),
        browser_family: row.browser_family,
        text_hash: row.text_hash,
        prev_hash: row.prev_hash,
        row_hash: row.row_hash,
        purpose: row.purpose,
    }
}

/// Newest first, a page at a time.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &ConsentLogFilter,
    page: PageNumber,
    per_page: u32,
) -> Result<Paged<ConsentLogRow>, DbErr> {
    let paginator = filtered(filter).order_by_desc(consent_log::Column::Id).paginate(db, u64::from(per_page));
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(u64::from(page.get() - 1)).await?.into_iter().map(row_of).collect();
    Ok(Paged { items, page: page.get(), per_page, total })
}

/// Every matching row in chain order (oldest first), for an export.
pub async fn export(db: &impl ConnectionTrait, filter: &ConsentLogFilter) -> Result<Vec<ConsentLogRow>, DbErr> {
    use sea_orm::QuerySelect;
    Ok(filtered(filter).order_by_asc(consent_log::Column::Id).limit(EXPORT_LIMIT).all(db).await?.into_iter().map(row_of).collect())
}

/// The chain's state for the staff page, checked from the checkpoint on (see
/// [`verify_since_checkpoint`]).
pub async fn chain_report(db: &impl ConnectionTrait, anchor_key: &[u8]) -> Result<ChainReport, DbErr> {
    Ok(match verify_since_checkpoint(db, anchor_key, Utc::now()).await?.status {
        ChainStatus::Intact { rows } => ChainReport::Intact { rows },
        ChainStatus::Broken { row_id, problem } => ChainReport::Broken { row_id, problem },
    })
}

/// What a check from the checkpoint found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncrementalCheck {
    /// As for a full walk: `rows` counts the whole log, the part verified earlier included.
    pub status: ChainStatus,
    /// Rows hashed by this check: those added since the checkpoint.
    pub rows_checked: u64,
}

/// The checkpoint's one row.
const CHECKPOINT_ID: i32 = 1;

/// Checks the consent log's chain from where the last intact check ended (issue 21, S8): a
/// staff page view hashes only the rows added since, not the whole log. The checkpoint's own
/// row is re-checked against the hash stored with the checkpoint, the first new row must link
/// to it, and when everything is intact the checkpoint moves to the end. A row changed before
/// the checkpoint is found by the full walk of `server consent verify`, which auditors run.
///
/// Without a checkpoint the check starts where the log begins: after the rows retention
/// removed, from the anchor signed with `anchor_key`.
pub async fn verify_since_checkpoint(
    db: &impl ConnectionTrait,
    anchor_key: &[u8],
    now: chrono::DateTime<Utc>,
) -> Result<IncrementalCheck, DbErr> {
    let checkpoint = consent_chain_checkpoint::Entity::find_by_id(CHECKPOINT_ID).one(db).await?;
    let (after_id, prev_hash, verified_rows) = match &checkpoint {
        Some(checkpoint) => (checkpoint.verified_up_to_id, checkpoint.row_hash.clone(), checkpoint.verified_rows.max(0) as u64),
        None => match chain_start(db, anchor_key).await? {
            Ok(start) => (start.after_id, start.prev_hash, 0),
            Err(status) => return Ok(IncrementalCheck { status, rows_checked: 0 }),
        },
    };
    let broken = |row_id: i32, problem: String| IncrementalCheck { status: ChainStatus::Broken { row_id, problem }, rows_checked: 0 };
    if checkpoint.is_some() {
        let Some(anchor) = consent_log::Entity::find_by_id(after_id).one(db).await? else {
            return Ok(broken(after_id, "the last row verified before is gone (a row was removed)".into()));
        };
        if anchor.row_hash != prev_hash || check_row(&anchor, &anchor.prev_hash).is_err() {
            return Ok(broken(after_id, "it changed since it was verified (the row was changed)".into()));
        }
    }
    let walked = verify_after(db, after_id, &prev_hash).await?;
    if let Some((row_id, problem)) = walked.broken {
        return Ok(IncrementalCheck { status: ChainStatus::Broken { row_id, problem }, rows_checked: walked.rows_checked });
    }
    let rows = verified_rows + walked.rows_checked;
    if let Some((last_id, last_hash)) = walked.last {
        advance_checkpoint(db, last_id, &last_hash, rows, now).await?;
    }
    Ok(IncrementalCheck { status: ChainStatus::Intact { rows }, rows_checked: walked.rows_checked })
}

/// Retention removed the rows up to `purged_up_to_id` (`removed` of them), in the caller's
/// transaction: a checkpoint past them counts that many rows fewer; one among them is dropped,
/// so the next check starts from the purge anchor.
pub async fn after_purge(db: &impl ConnectionTrait, purged_up_to_id: i32, removed: u64) -> Result<(), DbErr> {
    use consent_chain_checkpoint::Column;
    use sea_orm::sea_query::{Expr, ExprTrait};
    consent_chain_checkpoint::Entity::delete_many()
        .filter(Column::Id.eq(CHECKPOINT_ID))
        .filter(Column::VerifiedUpToId.lte(purged_up_to_id))
        .exec(db)
        .await?;
    let removed = i64::try_from(removed).unwrap_or(i64::MAX);
    consent_chain_checkpoint::Entity::update_many()
        .col_expr(Column::VerifiedRows, Expr::col(Column::VerifiedRows).sub(removed))
        .filter(Column::Id.eq(CHECKPOINT_ID))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves the checkpoint forward to `last_id`; never back, when two checks race.
async fn advance_checkpoint(
    db: &impl ConnectionTrait,
    last_id: i32,
    last_hash: &str,
    rows: u64,
    now: chrono::DateTime<Utc>,
) -> Result<(), DbErr> {
    use consent_chain_checkpoint::Column;
    use sea_orm::{sea_query::Expr, ActiveValue::Set};
    let rows = i64::try_from(rows).unwrap_or(i64::MAX);
    let moved = consent_chain_checkpoint::Entity::update_many()
        .col_expr(Column::VerifiedUpToId, Expr::value(last_id))
        .col_expr(Column::RowHash, Expr::value(last_hash))
        .col_expr(Column::VerifiedRows, Expr::value(rows))
        .col_expr(Column::VerifiedAt, Expr::value(now))
        .filter(Column::Id.eq(CHECKPOINT_ID))
        .filter(Column::VerifiedUpToId.lt(last_id))
        .exec(db)
        .await?;
    if moved.rows_affected == 0 {
        let first = consent_chain_checkpoint::ActiveModel {
            id: Set(CHECKPOINT_ID),
            verified_up_to_id: Set(last_id),
            row_hash: Set(last_hash.to_owned()),
            verified_rows: Set(rows),
            verified_at: Set(now),
        };
        // Already there (and as far or further on): nothing to do.
        consent_chain_checkpoint::Entity::insert(first).on_conflict_do_nothing().exec(db).await?;
    }
    Ok(())
}

/// RFC 4180 CSV, with every field quoted when it needs to be; a leading `=`, `+`, `-` or `@`
/// is prefixed with `'` so a spreadsheet never runs a cell as a formula (OWASP CSV injection).
pub fn to_csv(rows: &[ConsentLogRow]) -> String {
    const HEADER: &str = "id,consent_id,account_id,policy_version,analytics,functionality,targeting,event,source,recorded_at,expires_at,browser_family,text_hash,prev_hash,row_hash,purpose";
    let cell = |value: &str| {
        let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value
        }
    };
    let mut out = String::from(HEADER);
    out.push_str("\r\n");
    for r in rows {
        let fields = [
            r.id.to_string(),
            cell(&r.consent_id),
            r.account_id.map(|a| a.to_string()).unwrap_or_default(),
            cell(&r.policy_version),
            r.analytics.to_string(),
            r.functionality.to_string(),
            r.targeting.to_string(),
            cell(&r.event),
            cell(&r.source),
            r.recorded_at.clone(),
            r.expires_at.clone(),
            cell(&r.browser_family),
            r.text_hash.clone(),
            r.prev_hash.clone(),
            r.row_hash.clone(),
            cell(&r.purpose),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let row = ConsentLogRow {
            id: 1,
            consent_id: "=cmd|x".into(),
            account_id: Some(7),
            policy_version: "2026-11-30".into(),
            analytics: true,
            functionality: false,
            targeting: false,
            event: "grant".into(),
            source: "banner".into(),
            recorded_at: "2026-11-30T10:00:00.000Z".into(),
            expires_at: "2027-11-30T10:00:00.000Z".into(),
            browser_family: "Chrome, \"new\"".into(),
            text_hash: "t".into(),
            prev_hash: "p".into(),
            row_hash: "r".into(),
            purpose: "marketing:newsletter".into(),
        };
        let csv = to_csv(&[row]);
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("1,'=cmd|x,7,2026-11-30,true,false,false,grant,banner,"), "{line}");
        assert!(line.contains(",\"Chrome, \"\"new\"\"\","), "{line}");
        assert!(line.ends_with(",r,marketing:newsletter"), "the purpose comes last: {line}");
    }
}
