//! What the staff area shows that is not a customer's own data: the audit log.

use serde::{Deserialize, Serialize};

/// One staff action, as the audit page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i32,
    /// None for the command line.
    pub actor_account_id: Option<i32>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub recorded_at: String,
}

/// One consent log row, as staff and auditors see it (B03).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentLogRow {
    pub id: i32,
    pub consent_id: String,
    pub account_id: Option<i32>,
    pub policy_version: String,
    pub analytics: bool,
    pub functionality: bool,
    pub targeting: bool,
    pub event: String,
    pub source: String,
    pub recorded_at: String,
    pub expires_at: String,
    pub browser_family: String,
    pub text_hash: String,
    pub prev_hash: String,
    pub row_hash: String,
    /// `cookies`, or `marketing:<topic>` (issue 15).
    pub purpose: String,
}

/// Which consent log rows to show: any combination of consent id, account and date range.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentLogFilter {
    pub consent_id: Option<String>,
    pub account_id: Option<i32>,
    /// Inclusive, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    pub to: Option<String>,
}

impl ConsentLogFilter {
    /// Reads the search form leniently: blank fields mean "any"; a malformed date or account
    /// number is reported, not ignored.
    pub fn parse(consent_id: &str, account_id: &str, from: &str, to: &str) -> Result<Self, String> {
        let blank = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let date = |s: &str, label: &str| -> Result<Option<String>, String> {
            match blank(s) {
                None => Ok(None),
                Some(d) if is_iso_date(&d) => Ok(Some(d)),
                Some(_) => Err(format!("Enter the {label} date as YYYY-MM-DD")),
            }
        };
        let account_id = match blank(account_id) {
            None => None,
            Some(raw) => Some(raw.parse::<i32>().map_err(|_| "Enter an account number, like 42".to_owned())?),
        };
        Ok(Self { consent_id: blank(consent_id), account_id, from: date(from, "from")?, to: date(to, "to")? })
    }

    /// The filter as a query string for links (export, pages).
    pub fn query(&self) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        if let Some(v) = &self.consent_id {
            pairs.append_pair("consent_id", v);
        }
        if let Some(v) = self.account_id {
            pairs.append_pair("account_id", &v.to_string());
        }
        if let Some(v) = &self.from {
            pairs.append_pair("from", v);
        }
        if let Some(v) = &self.to {
            pairs.append_pair("to", v);
        }
        pairs.finish()
    }
}

fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())))
        && s[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && s[8..10].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// The chain check staff see next to the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainReport {
    Intact { rows: u64 },
    Broken { row_id: i32, problem: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_log_filters_read_the_search_form() {
        assert_eq!(ConsentLogFilter::parse("", "", "", "").unwrap(), ConsentLogFilter::default());
        let filter = ConsentLogFilter::parse(" abc ", "42", "2026-11-01", "2026-11-30").unwrap();
        assert_eq!(filter.consent_id.as_deref(), Some("abc"));
        assert_eq!(filter.account_id, Some(42));
        assert_eq!(filter.query(), "consent_id=abc&account_id=42&from=2026-11-01&to=2026-11-30");
        assert!(ConsentLogFilter::parse("", "x", "", "").is_err());
        assert!(ConsentLogFilter::parse("", "", "1/11/2026", "").is_err());
        assert!(ConsentLogFilter::parse("", "", "", "2026-13-01").is_err());
    }
}
