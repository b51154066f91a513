//! How long the store keeps personal data (P16–P19), as data: each rule says what it removes,
//! from which date its period counts and how long that period is. The retention engine
//! (`server::privacy::retention`) runs these rules; the register of personal data
//! (`domain::personal_data`) names the rule that ends each column's life.

// The dates are the server's business: the browser build has no chrono.
#[cfg(feature = "ssr")]
use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

/// The period the policy promises for account, order and analytics data: 7 years.
pub const DEFAULT_RETENTION_YEARS: u32 = 7;
/// The longest period `RETENTION_YEARS` accepts.
pub const MAX_RETENTION_YEARS: u32 = 50;
/// Rows removed per transaction: small enough that no batch holds the write lock for long
/// while shoppers keep checking out (issue 16's target: under 50 ms at a time).
pub const DELETE_BATCH_ROWS: u64 = 500;

/// Every retention rule, in the order a run applies them: a subscriber's rows go before the
/// consent log rule looks at which log rows still prove someone's current choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RetentionRule {
    /// Orders and their lines (P17).
    Orders,
    /// What is left of a deleted account: its anonymised row, and with it anything still
    /// attached (P16).
    DeletedAccounts,
    /// Newsletter subscribers who have had every topic off for the whole period.
    FormerSubscribers,
    /// Which campaign went to which subscriber.
    CampaignDeliveries,
    /// The record of each e-mail sent (recipient, subject, status).
    MailRecords,
    /// Staff actions and security events.
    AuditLog,
    /// Consent decisions (B03): the oldest rows, once their period is over, as long as no
    /// later row is still the proof of someone's current marketing choice.
    ConsentLog,
}

impl RetentionRule {
    pub const ALL: [RetentionRule; 7] = [
        Self::Orders,
        Self::DeletedAccounts,
        Self::FormerSubscribers,
        Self::CampaignDeliveries,
        Self::MailRecords,
        Self::AuditLog,
        Self::ConsentLog,
    ];

    /// The rule's stable name, in run records and the command's output.
    pub const fn id(self) -> &'static str {
        match self {
            Self::Orders => "orders",
            Self::DeletedAccounts => "deleted-accounts",
            Self::FormerSubscribers => "former-subscribers",
            Self::CampaignDeliveries => "campaign-deliveries",
            Self::MailRecords => "mail-records",
            Self::AuditLog => "audit-log",
            Self::ConsentLog => "consent-log",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|rule| rule.id() == id)
    }

    /// What the rule removes, in the policy's words.
    pub const fn removes(self) -> &'static str {
        match self {
            Self::Orders => "orders with their items, addresses and payment details",
            Self::DeletedAccounts => "what remains of deleted accounts",
            Self::FormerSubscribers => "newsletter addresses that receive nothing",
            Self::CampaignDeliveries => "records of which campaign was sent to whom",
            Self::MailRecords => "records of e-mails sent (recipient, subject, status)",
            Self::AuditLog => "the staff and security audit log",
            Self::ConsentLog => "consent decisions (cookies and marketing)",
        }
    }

    /// The date the period counts from.
    pub const fn counts_from(self) -> &'static str {
        match self {
            Self::Orders => "the day the order was placed",
            Self::DeletedAccounts => "the day the account was deleted",
            Self::FormerSubscribers => "the last change of the address's choices, every topic off",
            Self::CampaignDeliveries => "the day the campaign was prepared",
            Self::MailRecords => "the day the e-mail was written",
            Self::AuditLog => "the day of the entry",
            Self::ConsentLog => "the day of the decision",
        }
    }
}

/// How long each rule keeps its rows. One period for every rule, as the policy promises one
/// (7 years); `RETENTION_YEARS` changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPeriods {
    pub years: u32,
}

impl Default for RetentionPeriods {
    fn default() -> Self {
        Self { years: DEFAULT_RETENTION_YEARS }
    }
}

impl RetentionPeriods {
    /// `RETENTION_YEARS` as configured: a whole number of years from 1 to 50.
    pub fn parse_years(raw: &str) -> Result<Self, String> {
        raw.trim()
            .parse::<u32>()
            .ok()
            .filter(|years| (1..=MAX_RETENTION_YEARS).contains(years))
            .map(|years| Self { years })
            .ok_or_else(|| format!("expected a whole number of years from 1 to {MAX_RETENTION_YEARS}"))
    }

    pub const fn years_for(self, _rule: RetentionRule) -> u32 {
        self.years
    }
}

#[cfg(feature = "ssr")]
impl RetentionPeriods {
    /// Rows of `rule` whose date is at or before this moment are past their period at `now`.
    /// Counted in calendar months, so 7 years from 29 February ends on 28 February.
    pub fn cutoff(self, rule: RetentionRule, now: DateTime<Utc>) -> DateTime<Utc> {
        now.checked_sub_months(Months::new(12 * self.years_for(rule))).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// The day until which something dated `from` is kept under `rule`.
    pub fn kept_until(self, rule: RetentionRule, from: DateTime<Utc>) -> DateTime<Utc> {
        from.checked_add_months(Months::new(12 * self.years_for(rule))).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// Whether a run removes what is due or only counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunMode {
    Delete,
    DryRun,
}

/// What started a run, as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunTrigger {
    /// The running store's daily round.
    Daily,
    /// `server retention run`.
    Command,
}

impl RunTrigger {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Command => "command",
        }
    }
}

/// What one rule found due, and removed unless the run was a dry run.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleOutcome {
    pub rule: RetentionRule,
    /// Rows dated at or before this were due.
    pub cutoff: DateTime<Utc>,
    /// Rows the rule removed (or, in a dry run, would remove), dependants counted apart.
    pub rows: u64,
    /// Rows that went with them (an order's lines, an account's addresses…).
    pub dependent_rows: u64,
}

#[cfg(feature = "ssr")]
impl RuleOutcome {
    /// One line for the command's output.
    pub fn describe(&self, mode: RunMode, periods: RetentionPeriods) -> String {
        let verb = match mode {
            RunMode::Delete => "deleted",
            RunMode::DryRun => "would delete",
        };
        let with = if self.dependent_rows > 0 { format!(" (and {} rows attached to them)", self.dependent_rows) } else { String::new() };
        format!(
            "{:<20} {} {} years from {}: {verb} {} rows dated on or before {}{with}",
            self.rule.id(),
            self.rule.removes(),
            periods.years_for(self.rule),
            self.rule.counts_from(),
            self.rows,
            self.cutoff.format("%Y-%m-%d %H:%M UTC"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // P16, P17, P18: the default period is the policy's 7 years, counted in calendar years.
    #[cfg(feature = "ssr")]
    #[test]
    fn p17_seven_years_by_default_in_calendar_years() {
        use chrono::TimeZone;
        let periods = RetentionPeriods::default();
        let now = Utc.with_ymd_and_hms(2034, 3, 1, 12, 0, 0).unwrap();
        assert_eq!(periods.cutoff(RetentionRule::Orders, now), Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap());
        let leap_day = Utc.with_ymd_and_hms(2028, 2, 29, 9, 0, 0).unwrap();
        assert_eq!(periods.kept_until(RetentionRule::Orders, leap_day), Utc.with_ymd_and_hms(2035, 2, 28, 9, 0, 0).unwrap());
    }

    #[test]
    fn retention_years_are_checked() {
        assert_eq!(RetentionPeriods::parse_years("10"), Ok(RetentionPeriods { years: 10 }));
        for bad in ["0", "51", "-1", "seven", "7.5", ""] {
            assert!(RetentionPeriods::parse_years(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_rule_has_a_distinct_stable_id() {
        for rule in RetentionRule::ALL {
            assert_eq!(RetentionRule::parse(rule.id()), Some(rule));
        }
        let mut ids: Vec<_> = RetentionRule::ALL.iter().map(|r| r.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RetentionRule::ALL.len());
    }
}
