//! The cookie registry: every cookie the store or one of its optional tags can set, in its
//! category, first or third party, with its purpose and lifetime (P24, P25). The preferences
//! page and the cookie table on the policy page are rendered from it, withdrawal expires the
//! tags' first-party cookies by it, and the B10 crawl checks every Set-Cookie against it.

use super::consent::{CookieCategory, CONSENT_COOKIE, DECISION_LIFETIME_DAYS};
use super::tags::{Tag, TagSet};

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
    /// The optional tag that sets it; None for the store's own.
    pub tag: Option<Tag>,
    /// None for a first-party cookie (on our site); for a third party's, the table's words for
    /// where it lives (`Third party (linkedin.com)`).
    pub third_party: Option<&'static str>,
    pub purpose: &'static str,
    pub lifetime: Lifetime,
}

/// The session cookie's name (the sessions module sets it; the registry declares it).
pub const SESSION_COOKIE: &str = "sop_session";

/// What the store's own cookies are called on the wire over https (issue 21, S10). A browser
/// accepts a `__Host-` cookie only if it is `Secure`, has `Path=/` and no `Domain`: no page on a
/// sibling subdomain and no plain-http page can plant or overwrite it (cookie tossing).
pub const HOST_PREFIX: &str = "__Host-";

/// The name our cookie `name` goes by: with [`HOST_PREFIX`] when the store is served over https.
pub fn wire_name(name: &str, secure: bool) -> String {
    if secure {
        format!("{HOST_PREFIX}{name}")
    } else {
        name.to_owned()
    }
}

/// What the sign-in page says about cookies (P26).
pub const SIGN_IN_COOKIE_NOTE: &str = "Signing in uses one strictly necessary cookie, whatever your cookie choices.";

impl CookieDeclaration {
    /// Whether a cookie called `name` is this one.
    pub fn matches(&self, name: &str) -> bool {
        match self.name.split_once('<') {
            Some((prefix, _)) => name.len() > prefix.len() && name.starts_with(prefix),
            None => name == self.name,
        }
    }

    /// Who sets it, as the cookie table says.
    pub fn set_by(&self) -> &'static str {
        self.tag.map_or("SOP Store", |tag| tag.declaration().name)
    }

    pub fn party(&self) -> &'static str {
        self.third_party.unwrap_or("First party (our site)")
    }
}

const fn cookie(
    name: &'static str,
    category: CookieCategory,
    tag: Option<Tag>,
    third_party: Option<&'static str>,
    purpose: &'static str,
    lifetime: Lifetime,
) -> CookieDeclaration {
    CookieDeclaration { name, category, tag, third_party, purpose, lifetime }
}

use CookieCategory::{Analytics, StrictlyNecessary, Targeting};
use Lifetime::Days;
const GA: Option<Tag> = Some(Tag::GoogleAnalytics);
const PIXEL: Option<Tag> = Some(Tag::FacebookPixel);
const LINKEDIN: Option<Tag> = Some(Tag::LinkedInInsight);
const FACEBOOK_COM: Option<&str> = Some("Third party (facebook.com)");
const LINKEDIN_COM: Option<&str> = Some("Third party (linkedin.com)");

/// Every cookie the store and its tags can set. The tags' cookies are as each provider's
/// published cookie table states them (2026); the server never sets them itself.
pub const DECLARED_COOKIES: &[CookieDeclaration] = &[
    cookie(CONSENT_COOKIE, StrictlyNecessary, None, None, "Remembers your cookie choices (a random id, the policy version and your choice), so we do not ask again on every page.", Days(DECISION_LIFETIME_DAYS)),
    cookie(SESSION_COOKIE, StrictlyNecessary, None, None, "Keeps your basket and, once you sign in, your account as you move between pages (P26). Set when you first add something to your basket or sign in; it ends when you close your browser, after 2 hours without a visit, or when you sign out.", Lifetime::Session),
    cookie("_ga", Analytics, GA, None, "Tells visits of the same browser apart.", Days(730)),
    cookie("_ga_<container-id>", Analytics, GA, None, "Keeps the state of the current visit.", Days(730)),
    cookie("_fbp", Targeting, PIXEL, None, "Identifies this browser to Meta's advertising.", Days(90)),
    cookie("_fbc", Targeting, PIXEL, None, "Remembers the Facebook advert you came from.", Days(90)),
    cookie("fr", Targeting, PIXEL, FACEBOOK_COM, "Meta's advertising identifier.", Days(90)),
    cookie("li_fat_id", Targeting, LINKEDIN, None, "Remembers the LinkedIn advert you came from.", Days(30)),
    cookie("li_giant", Targeting, LINKEDIN, None, "Counts conversions of groups of LinkedIn members.", Days(7)),
    cookie("bcookie", Targeting, LINKEDIN, LINKEDIN_COM, "LinkedIn's browser identifier.", Days(365)),
    cookie("lidc", Targeting, LINKEDIN, LINKEDIN_COM, "Routes requests within LinkedIn.", Days(1)),
    cookie("UserMatchHistory", Targeting, LINKEDIN, LINKEDIN_COM, "Syncs LinkedIn's advertising identifiers.", Days(30)),
    cookie("AnalyticsSyncHistory", Targeting, LINKEDIN, LINKEDIN_COM, "Records when LinkedIn last synced its identifiers.", Days(30)),
    cookie("li_sugr", Targeting, LINKEDIN, LINKEDIN_COM, "Matches visitors who are not LinkedIn members.", Days(90)),
];

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

    /// The cookie table's rows for this category: the store's own cookies and those of each
    /// enabled tag (a tag that is not configured sets nothing, so it is not listed).
    pub fn cookies(self, enabled: TagSet) -> impl Iterator<Item = &'static CookieDeclaration> {
        DECLARED_COOKIES.iter().filter(move |c| c.category == self && c.tag.is_none_or(|tag| enabled.contains(tag)))
    }
}

/// The declaration of a cookie called `name`, whether the store or any tag sets it (B10).
pub fn find_declaration(name: &str) -> Option<&'static CookieDeclaration> {
    // Our own cookies carry the __Host- prefix over https; the table names them without it.
    let own = name.strip_prefix(HOST_PREFIX).filter(|own| DECLARED_COOKIES.iter().any(|c| c.tag.is_none() && c.matches(own)));
    let name = own.unwrap_or(name);
    DECLARED_COOKIES.iter().find(|c| c.matches(name))
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
        for cookie in DECLARED_COOKIES.iter().filter(|c| c.tag.is_some()) {
            assert!(matches!(cookie.lifetime, Lifetime::Days(days) if days > 0), "{}", cookie.name);
        }
        let session = find_declaration(SESSION_COOKIE).unwrap();
        assert_eq!((session.category, session.lifetime), (CookieCategory::StrictlyNecessary, Lifetime::Session));
        assert!(Lifetime::Session.describe().starts_with("Session"));
    }

    #[test]
    fn p24_the_consent_cookie_is_strictly_necessary_and_first_party() {
        let consent = DECLARED_COOKIES.iter().find(|c| c.name == CONSENT_COOKIE).unwrap();
        assert_eq!(consent.category, CookieCategory::StrictlyNecessary);
        assert_eq!((consent.tag, consent.third_party), (None, None));
        assert_eq!((consent.set_by(), consent.party()), ("SOP Store", "First party (our site)"));
        assert_eq!(CookieCategory::StrictlyNecessary.cookies(TagSet::EMPTY).count(), 2, "consent and session");
    }

    #[test]
    fn p24_tag_cookies_are_listed_only_for_enabled_tags() {
        use crate::domain::tags::{ConfiguredTags, Tag};
        assert_eq!(CookieCategory::Analytics.cookies(TagSet::EMPTY).count(), 0);
        let ga = ConfiguredTags::new([Tag::GoogleAnalytics.parse_id("G-ABC123XYZ").unwrap()]).enabled();
        let rows: Vec<_> = CookieCategory::Analytics.cookies(ga).collect();
        assert_eq!(rows.iter().map(|c| c.name).collect::<Vec<_>>(), ["_ga", "_ga_<container-id>"]);
        assert_eq!((rows[0].set_by(), rows[0].party()), ("Google Analytics", "First party (our site)"));
        assert_eq!(CookieCategory::Targeting.cookies(ga).count(), 0);
        let linkedin = ConfiguredTags::new([Tag::LinkedInInsight.parse_id("123456").unwrap()]).enabled();
        let bcookie = CookieCategory::Targeting.cookies(linkedin).find(|c| c.name == "bcookie").unwrap();
        assert_eq!((bcookie.set_by(), bcookie.party()), ("LinkedIn Insight Tag", "Third party (linkedin.com)"));
        assert_eq!(CookieCategory::StrictlyNecessary.cookies(linkedin).count(), 2);
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
