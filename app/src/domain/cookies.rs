//! The cookie registry: every cookie the store sets, in its category, with its lifetime
//! (P24, P25): the store's own here, each optional tag's in `tags.rs`. The preferences page and
//! the cookie table on the policy page are rendered from it, and the B10 crawl checks against it.

use super::consent::{CookieCategory, CONSENT_COOKIE, DECISION_LIFETIME_DAYS};
use super::tags::{TagDeclaration, TagSet, TAGS};

/// How long a cookie lives (P25).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// Deleted when the browser closes.
    Session,
    /// Kept for this many days.
    Days(i64),
}

impl Lifetime {
    pub fn describe(self) -> String {
        match self {
            Self::Session => "Session: deleted when you close your browser".to_owned(),
            Self::Days(1) => "Persistent: 1 day".to_owned(),
            Self::Days(365) => "Persistent: 12 months".to_owned(),
            Self::Days(days) if days % 365 == 0 => format!("Persistent: {} years", days / 365),
            Self::Days(days) => format!("Persistent: {days} days"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookieDeclaration {
    /// The cookie's name; a part in `<…>` varies (`_ga_<container-id>`).
    pub name: &'static str,
    pub category: CookieCategory,
    /// None for our own cookies; the provider's name for a third party's.
    pub third_party: Option<&'static str>,
    pub purpose: &'static str,
    pub lifetime: Lifetime,
}

impl CookieDeclaration {
    /// Whether a cookie called `name` is this one.
    pub fn matches(&self, name: &str) -> bool {
        match self.name.split_once('<') {
            Some((prefix, _)) => name.len() > prefix.len() && name.starts_with(prefix),
            None => name == self.name,
        }
    }
}

/// The store's own cookies.
pub const DECLARED_COOKIES: &[CookieDeclaration] = &[CookieDeclaration {
    name: CONSENT_COOKIE,
    category: CookieCategory::StrictlyNecessary,
    third_party: None,
    purpose: "Remembers your cookie choices (a random id, the policy version and your choice), so we do not ask again on every page.",
    lifetime: Lifetime::Days(DECISION_LIFETIME_DAYS),
}];

/// The exact words of the preferences form, hashed into each of its log rows.
pub const PREFERENCES_TEXT: &str = "Choose which cookies we may use. Strictly necessary cookies are always on. \
[ ] Analytical / performance [ ] Functionality [ ] Targeting [Save my choices]";

impl CookieCategory {
    /// What the category is for, in the policy's words.
    pub fn purpose(self) -> &'static str {
        match self {
            Self::StrictlyNecessary => "Needed for the store to work, for example to remember your cookie choices and to let you sign in to secure areas. They cannot be switched off.",
            Self::Analytics => "Let us count visitors and see how they move around the store, so we can improve it. The figures are anonymous and aggregated.",
            Self::Functionality => "Recognise you when you return, so we can remember your preferences.",
            Self::Targeting => "Record your visit, the pages you viewed and the links you followed, so advertising can be more relevant to you. Set by our advertising partners.",
        }
    }

    /// The cookie table's rows for this category: the store's own cookies, then those of each
    /// enabled tag (a tag that is not configured sets nothing, so it is not listed).
    pub fn cookies(self, enabled: TagSet) -> impl Iterator<Item = CookieRow> {
        let own = DECLARED_COOKIES.iter().map(|cookie| CookieRow { cookie, tag: None });
        let tags = TAGS
            .iter()
            .filter(move |tag| enabled.contains(tag.tag))
            .flat_map(|tag| tag.cookies.iter().map(move |cookie| CookieRow { cookie, tag: Some(tag) }));
        own.chain(tags).filter(move |row| row.cookie.category == self)
    }
}

/// A row of the cookie table: a declared cookie and the tag that sets it, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookieRow {
    pub cookie: &'static CookieDeclaration,
    pub tag: Option<&'static TagDeclaration>,
}

impl CookieRow {
    pub fn set_by(&self) -> String {
        match (self.tag, self.cookie.third_party) {
            (_, Some(provider)) => format!("{provider}, third party"),
            (Some(tag), None) => format!("{}, on our site (first party)", tag.name),
            (None, None) => "SOP Store (first party)".to_owned(),
        }
    }
}

/// The declaration of a cookie called `name`, whether the store or any tag sets it (B10).
pub fn find_declaration(name: &str) -> Option<&'static CookieDeclaration> {
    DECLARED_COOKIES.iter().chain(TAGS.iter().flat_map(|tag| tag.cookies)).find(|c| c.matches(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p25_every_cookie_says_how_long_it_lives() {
        for cookie in DECLARED_COOKIES {
            assert!(!cookie.lifetime.describe().is_empty());
        }
        assert_eq!(Lifetime::Days(365).describe(), "Persistent: 12 months");
        assert_eq!(Lifetime::Days(730).describe(), "Persistent: 2 years");
        assert_eq!(Lifetime::Days(90).describe(), "Persistent: 90 days");
        for cookie in TAGS.iter().flat_map(|tag| tag.cookies) {
            assert!(matches!(cookie.lifetime, Lifetime::Days(days) if days > 0), "{}", cookie.name);
        }
        assert!(Lifetime::Session.describe().starts_with("Session"));
    }

    #[test]
    fn p24_the_consent_cookie_is_strictly_necessary_and_first_party() {
        let consent = DECLARED_COOKIES.iter().find(|c| c.name == CONSENT_COOKIE).unwrap();
        assert_eq!(consent.category, CookieCategory::StrictlyNecessary);
        assert_eq!(consent.third_party, None);
        assert_eq!(CookieCategory::StrictlyNecessary.cookies(TagSet::EMPTY).count(), 1);
    }

    #[test]
    fn p24_tag_cookies_are_listed_only_for_enabled_tags() {
        use crate::domain::tags::{ConfiguredTags, Tag};
        assert_eq!(CookieCategory::Analytics.cookies(TagSet::EMPTY).count(), 0);
        let ga = ConfiguredTags::new([Tag::GoogleAnalytics.parse_id("G-ABC123XYZ").unwrap()]).enabled();
        let rows: Vec<_> = CookieCategory::Analytics.cookies(ga).collect();
        assert_eq!(rows.iter().map(|r| r.cookie.name).collect::<Vec<_>>(), ["_ga", "_ga_<container-id>"]);
        assert_eq!(rows[0].set_by(), "Google Analytics, on our site (first party)");
        assert_eq!(CookieCategory::Targeting.cookies(ga).count(), 0);
        let linkedin = ConfiguredTags::new([Tag::LinkedInInsight.parse_id("123456").unwrap()]).enabled();
        let bcookie = CookieCategory::Targeting.cookies(linkedin).find(|r| r.cookie.name == "bcookie").unwrap();
        assert_eq!(bcookie.set_by(), "LinkedIn (linkedin.com), third party");
    }

    #[test]
    fn b10_every_cookie_name_finds_its_declaration() {
        assert_eq!(find_declaration(CONSENT_COOKIE).map(|c| c.category), Some(CookieCategory::StrictlyNecessary));
        assert_eq!(find_declaration("_ga").map(|c| c.name), Some("_ga"));
        assert_eq!(find_declaration("_ga_ABC123XYZ").map(|c| c.name), Some("_ga_<container-id>"));
        assert_eq!(find_declaration("_ga_"), None, "the varying part is not empty");
        assert_eq!(find_declaration("_gid"), None, "GA4 does not set _gid");
        assert_eq!(find_declaration("li_fat_id").map(|c| c.category), Some(CookieCategory::Targeting));
    }
}
