//! The cookie registry: every cookie the store sets, in its category, with its lifetime
//! (P24, P25). The preferences page and the cookie table are rendered from it.

use super::consent::{CookieCategory, CONSENT_COOKIE, DECISION_LIFETIME_DAYS};

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
            Self::Days(365) => "Persistent: 12 months".to_owned(),
            Self::Days(days) => format!("Persistent: {days} days"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookieDeclaration {
    pub name: &'static str,
    pub category: CookieCategory,
    /// None for our own cookies; the provider's name for a third party's.
    pub third_party: Option<&'static str>,
    pub purpose: &'static str,
    pub lifetime: Lifetime,
}

/// The session cookie's name (the sessions module sets it; the registry declares it).
pub const SESSION_COOKIE: &str = "sop_session";

/// What the sign-in page says about cookies (P26).
pub const SIGN_IN_COOKIE_NOTE: &str = "Signing in uses one strictly necessary cookie, whatever your cookie choices.";

/// Every cookie the store can set today.
pub const DECLARED_COOKIES: &[CookieDeclaration] = &[
    CookieDeclaration {
        name: CONSENT_COOKIE,
        category: CookieCategory::StrictlyNecessary,
        third_party: None,
        purpose: "Remembers your cookie choices (a random id, the policy version and your choice), so we do not ask again on every page.",
        lifetime: Lifetime::Days(DECISION_LIFETIME_DAYS),
    },
    CookieDeclaration {
        name: SESSION_COOKIE,
        category: CookieCategory::StrictlyNecessary,
        third_party: None,
        purpose: "Keeps you signed in to your account as you move between pages (P26). Set only when you sign in.",
        lifetime: Lifetime::Session,
    },
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

    /// The declared cookies in this category.
    pub fn cookies(self) -> impl Iterator<Item = &'static CookieDeclaration> {
        DECLARED_COOKIES.iter().filter(move |c| c.category == self)
    }
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
        assert!(Lifetime::Session.describe().starts_with("Session"));
    }

    #[test]
    fn p24_the_consent_cookie_is_strictly_necessary_and_first_party() {
        let consent = DECLARED_COOKIES.iter().find(|c| c.name == CONSENT_COOKIE).unwrap();
        assert_eq!(consent.category, CookieCategory::StrictlyNecessary);
        assert_eq!(consent.third_party, None);
        assert_eq!(CookieCategory::StrictlyNecessary.cookies().count(), 2);
    }
}
