//! The signed links in marketing e-mails. A newsletter confirmation link names the address
//! and topic it confirms and expires after a week; a preferences link (unsubscribe, choose
//! topics) names the address's record and does not expire, since it must still work in an
//! e-mail read months later (P22). Both are HMACs under a key of their own, so nobody can make
//! one for another address, and a changed or cut-short link is refused.

use crate::errors::marketing::MarketingError;
use crate::server::accounts::tokens::{self, TokenError, TokenPurpose};
use crate::server::entities::marketing_subscriber;
use chrono::{DateTime, Duration, Utc};

/// How long a newsletter confirmation link works.
pub const CONFIRMATION_VALID_FOR: Duration = Duration::days(7);
/// A preferences link's expiry is a formality of the token format: far beyond any e-mail's life.
const PREFERENCES_VALID_FOR: Duration = Duration::days(20 * 365);

fn refused(error: TokenError) -> MarketingError {
    match error {
        TokenError::Expired => MarketingError::LinkExpired,
        TokenError::Malformed | TokenError::Stale => MarketingError::LinkInvalid,
    }
}

/// The token of a newsletter confirmation link for this address and topic.
pub fn confirmation_token(key: &[u8], email: &str, topic: &str, now: DateTime<Utc>) -> String {
    tokens::issue(key, TokenPurpose::ConfirmSubscription, 0, &format!("{topic}\n{email}"), "", now + CONFIRMATION_VALID_FOR)
}

/// The (topic, address) a confirmation token confirms, if it is ours and still valid.
pub fn open_confirmation(key: &[u8], token: &str, now: DateTime<Utc>) -> Result<(String, String), MarketingError> {
    let opened = tokens::open(TokenPurpose::ConfirmSubscription, token, now).map_err(refused)?.check(key, "").map_err(refused)?;
    let (topic, email) = opened.extra.split_once('\n').ok_or(MarketingError::LinkInvalid)?;
    Ok((topic.to_owned(), email.to_owned()))
}

/// The token of the preferences (and unsubscribe) link of an address's record.
pub fn preferences_token(key: &[u8], subscriber: &marketing_subscriber::Model, now: DateTime<Utc>) -> String {
    tokens::issue(key, TokenPurpose::MarketingPreferences, subscriber.id, "", &subscriber.subject_id, now + PREFERENCES_VALID_FOR)
}

/// Whose preferences a token opens: the record's id, still to be checked with `check_preferences`.
pub fn open_preferences(token: &str, now: DateTime<Utc>) -> Result<tokens::UncheckedToken, MarketingError> {
    tokens::open(TokenPurpose::MarketingPreferences, token, now).map_err(refused)
}

/// Whether an opened preferences token was made for this record (`None`: no such record; the
/// MAC is still checked, so a missing record answers as a forged link does).
pub fn check_preferences(
    key: &[u8],
    unchecked: tokens::UncheckedToken,
    subscriber: Option<&marketing_subscriber::Model>,
) -> Result<(), MarketingError> {
    let binding = subscriber.map_or("", |s| s.subject_id.as_str());
    unchecked.check(key, binding).map_err(refused)?;
    subscriber.map(|_| ()).ok_or(MarketingError::LinkInvalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn subscriber(id: i32) -> marketing_subscriber::Model {
        marketing_subscriber::Model {
            id,
            email: "ann@example.com".into(),
            subject_id: format!("m-{id}"),
            confirmed_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn b07_a_confirmation_link_names_its_address_and_expires_after_a_week() {
        let now = Utc::now();
        let token = confirmation_token(KEY, "ann@example.com", "newsletter", now);
        assert_eq!(open_confirmation(KEY, &token, now).unwrap(), ("newsletter".into(), "ann@example.com".into()));
        assert_eq!(open_confirmation(KEY, &token, now + Duration::days(8)).unwrap_err(), MarketingError::LinkExpired);
        assert_eq!(open_confirmation(b"another key", &token, now).unwrap_err(), MarketingError::LinkInvalid);
        assert_eq!(open_confirmation(KEY, &token[..token.len() - 3], now).unwrap_err(), MarketingError::LinkInvalid);
    }

    // P22: an unsubscribe link opens only the record it was made for, and a changed one is refused.
    #[test]
    fn p22_a_preferences_link_opens_its_own_record_only() {
        let now = Utc::now();
        let (ann, bob) = (subscriber(1), subscriber(2));
        let token = preferences_token(KEY, &ann, now);
        let opened = open_preferences(&token, now).unwrap();
        assert_eq!(opened.account_id, 1);
        assert!(check_preferences(KEY, opened, Some(&ann)).is_ok());
        assert_eq!(check_preferences(KEY, open_preferences(&token, now).unwrap(), Some(&bob)).unwrap_err(), MarketingError::LinkInvalid);
        assert_eq!(check_preferences(KEY, open_preferences(&token, now).unwrap(), None).unwrap_err(), MarketingError::LinkInvalid);
        let tampered = format!("{}A", token);
        assert!(open_preferences(&tampered, now).and_then(|t| check_preferences(KEY, t, Some(&ann))).is_err());
        // Still good in a year's time: old e-mails keep working.
        assert!(open_preferences(&token, now + Duration::days(365)).is_ok());
    }
}
