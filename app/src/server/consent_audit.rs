//! The consent log for staff and auditors (B03): search by consent id, account or date, export
//! as CSV or JSON, and the result of walking the hash chain.

use super::consent_log::{verify, ChainStatus};
use super::entities::consent_log;
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
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| Utc.from_utc_datetime(&t));
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
    }
}

/// Newest first, a page at a time.
pub async fn search(db: &impl ConnectionTrait, filter: &ConsentLogFilter, page: PageNumber, per_page: u32) -> Result<Paged<ConsentLogRow>, DbErr> {
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

pub async fn chain_report(db: &impl ConnectionTrait) -> Result<ChainReport, DbErr> {
    Ok(match verify(db).await? {
        ChainStatus::Intact { rows } => ChainReport::Intact { rows },
        ChainStatus::Broken { row_id, problem } => ChainReport::Broken { row_id, problem },
    })
}

/// RFC 4180 CSV, with every field quoted when it needs to be; a leading `=`, `+`, `-` or `@`
/// is prefixed with `'` so a spreadsheet never runs a cell as a formula (OWASP CSV injection).
pub fn to_csv(rows: &[ConsentLogRow]) -> String {
    const HEADER: &str = "id,consent_id,account_id,policy_version,analytics,functionality,targeting,event,source,recorded_at,expires_at,browser_family,text_hash,prev_hash,row_hash";
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
        };
        let csv = to_csv(&[row]);
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("1,'=cmd|x,7,2026-11-30,true,false,false,grant,banner,"), "{line}");
        assert!(line.contains(",\"Chrome, \"\"new\"\"\","), "{line}");
    }
}
