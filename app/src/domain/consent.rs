//! Consent: the cookie categories visitors choose between (P24) and the decisions they make.

use serde::{Deserialize, Serialize};

/// The policy's four cookie categories. Only the first is set without a choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CookieCategory {
    StrictlyNecessary,
    Analytics,
    Functionality,
    Targeting,
}

impl CookieCategory {
    pub const ALL: [CookieCategory; 4] = [Self::StrictlyNecessary, Self::Analytics, Self::Functionality, Self::Targeting];
    pub const OPTIONAL: [CookieCategory; 3] = [Self::Analytics, Self::Functionality, Self::Targeting];

    pub fn label(self) -> &'static str {
        match self {
            Self::StrictlyNecessary => "Strictly necessary",
            Self::Analytics => "Analytical / performance",
            Self::Functionality => "Functionality",
            Self::Targeting => "Targeting",
        }
    }

    pub fn is_optional(self) -> bool {
        self != Self::StrictlyNecessary
    }
}

/// A visitor's choice for each optional category; nothing is ever pre-ticked (B02).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConsentChoices {
    pub analytics: bool,
    pub functionality: bool,
    pub targeting: bool,
}

impl ConsentChoices {
    pub const REJECT_ALL: ConsentChoices = ConsentChoices { analytics: false, functionality: false, targeting: false };
    pub const ACCEPT_ALL: ConsentChoices = ConsentChoices { analytics: true, functionality: true, targeting: true };

    pub fn allows(self, category: CookieCategory) -> bool {
        match category {
            CookieCategory::StrictlyNecessary => true,
            CookieCategory::Analytics => self.analytics,
            CookieCategory::Functionality => self.functionality,
            CookieCategory::Targeting => self.targeting,
        }
    }

    /// Whether any optional category is allowed: the decision is then a grant, else a denial.
    pub fn grants_any(self) -> bool {
        self.analytics || self.functionality || self.targeting
    }

    /// What these choices allow on a request from a browser that does or does not send Global
    /// Privacy Control: never targeting while it does, whatever was chosen before (B05: GPC
    /// always wins, even over an earlier "Accept all").
    pub fn under_gpc(self, sends_gpc: bool) -> Self {
        if sends_gpc {
            Self { targeting: false, ..self }
        } else {
            self
        }
    }
}

/// What kind of decision a consent log row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentEvent {
    Grant,
    Deny,
    Withdraw,
    Expire,
    Gpc,
    Reprompt,
    /// An anonymous consent id linked to an account at sign-in.
    Link,
}

/// Where a decision came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentSource {
    Banner,
    Preferences,
    Gpc,
    SignIn,
    Staff,
    /// An account holder's marketing switches in account settings.
    Settings,
    /// The newsletter form (a sign-up confirmed by e-mail, B07).
    Newsletter,
    /// An unsubscribe or preferences link in an e-mail (P22, B08).
    EmailLink,
}

/// What a consent log row decides about: the cookie categories, or one marketing topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentPurpose {
    Cookies,
    Marketing(crate::domain::marketing::MarketingTopic),
}

impl ConsentPurpose {
    pub const COOKIES: &'static str = "cookies";

    /// As stored in the log's `purpose` column: `cookies`, or `marketing:<topic>`.
    pub fn as_string(self) -> String {
        match self {
            Self::Cookies => Self::COOKIES.to_owned(),
            Self::Marketing(topic) => topic.purpose(),
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        if text == Self::COOKIES {
            return Some(Self::Cookies);
        }
        text.strip_prefix("marketing:").and_then(crate::domain::marketing::MarketingTopic::parse).map(Self::Marketing)
    }
}

macro_rules! str_enum {
    ($ty:ty { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

str_enum!(ConsentEvent { Grant => "grant", Deny => "deny", Withdraw => "withdraw", Expire => "expire", Gpc => "gpc", Reprompt => "reprompt", Link => "link" });
str_enum!(ConsentSource {
    Banner => "banner",
    Preferences => "preferences",
    Gpc => "gpc",
    SignIn => "sign_in",
    Staff => "staff",
    Settings => "settings",
    Newsletter => "newsletter",
    EmailLink => "email_link",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p24_there_are_four_categories_and_only_strictly_necessary_is_not_optional() {
        assert_eq!(CookieCategory::ALL.len(), 4);
        assert_eq!(CookieCategory::ALL.iter().filter(|c| !c.is_optional()).count(), 1);
        assert!(ConsentChoices::REJECT_ALL.allows(CookieCategory::StrictlyNecessary));
    }

    #[test]
    fn b02_nothing_is_pre_ticked() {
        assert_eq!(ConsentChoices::default(), ConsentChoices::REJECT_ALL);
        assert!(!ConsentChoices::default().grants_any());
        for category in CookieCategory::OPTIONAL {
            assert!(!ConsentChoices::default().allows(category));
            assert!(ConsentChoices::ACCEPT_ALL.allows(category));
        }
    }

    #[test]
    fn event_and_source_names_round_trip() {
        for event in [
            ConsentEvent::Grant,
            ConsentEvent::Deny,
            ConsentEvent::Withdraw,
            ConsentEvent::Expire,
            ConsentEvent::Gpc,
            ConsentEvent::Reprompt,
            ConsentEvent::Link,
        ] {
            assert_eq!(ConsentEvent::parse(event.as_str()), Some(event));
        }
        for source in [
            ConsentSource::Banner,
            ConsentSource::Preferences,
            ConsentSource::Gpc,
            ConsentSource::SignIn,
            ConsentSource::Staff,
            ConsentSource::Settings,
            ConsentSource::Newsletter,
            ConsentSource::EmailLink,
        ] {
            assert_eq!(ConsentSource::parse(source.as_str()), Some(source));
            // The log's source column holds 16 characters.
            assert!(source.as_str().len() <= 16);
        }
        for purpose in [ConsentPurpose::Cookies, ConsentPurpose::Marketing(crate::domain::marketing::MarketingTopic::Offers)] {
            assert_eq!(ConsentPurpose::parse(&purpose.as_string()), Some(purpose));
        }
        assert_eq!(ConsentPurpose::parse("marketing:everything"), None);
        assert_eq!(ConsentEvent::parse("bogus"), None);
    }
}

/// The version of the privacy & cookies policy visitors decide on; a new version asks again (B06).
pub const POLICY_VERSION: &str = "2026-11-30";
/// How long a decision stands before the banner asks again (B06). Refusals and acceptances
/// are remembered equally long.
pub const DECISION_LIFETIME_DAYS: i64 = 365;
/// The strictly necessary cookie that remembers a visitor's decision (and nothing else).
pub const CONSENT_COOKIE: &str = "sop_consent";

/// The banner's explanation, naming the partners whose tags this store has configured (each
/// still off until consented), so a visitor knows whom they would be letting in.
pub fn banner_explanation(configured: super::tags::TagSet) -> String {
    let named = |category: CookieCategory| {
        let names: Vec<&str> = configured.iter().map(|t| t.declaration()).filter(|d| d.category == category).map(|d| d.name).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => format!(" ({one})"),
            [init @ .., last] => format!(" ({} and {last})", init.join(", ")),
        }
    };
    format!(
        "Strictly necessary cookies keep the store working and are always on. With your permission we would also use \
         analytical cookies to count visits{}, functionality cookies to remember your preferences, and targeting cookies \
         from advertising partners{}. Nothing optional is set until you choose.",
        named(CookieCategory::Analytics),
        named(CookieCategory::Targeting),
    )
}

/// The exact words of the cookie banner: their hash goes into every banner decision's log row,
/// proving what the visitor was shown (including that "Reject all" was offered).
pub fn banner_text(configured: super::tags::TagSet) -> String {
    format!("Cookies on SOP Store. {} [Accept all] [Reject all] [Choose]", banner_explanation(configured))
}

/// What the cookie banner shows on a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BannerState {
    /// No current decision: ask.
    Ask,
    /// The browser's Global Privacy Control signal was just recorded as a refusal: say so.
    GpcHonoured,
    /// The signal just withdrew the targeting an earlier decision allowed (B05): say so.
    GpcWithdrewTargeting,
    /// Decided: nothing to show.
    Hidden,
}

/// A word in the page: handed to the browser as text (`SharedValue::new_str`), which needs less
/// wasm than JSON.
impl std::fmt::Display for BannerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Ask => "ask",
            Self::GpcHonoured => "gpc",
            Self::GpcWithdrewTargeting => "gpc-targeting",
            Self::Hidden => "hidden",
        })
    }
}

impl std::str::FromStr for BannerState {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text {
            "ask" => Ok(Self::Ask),
            "gpc" => Ok(Self::GpcHonoured),
            "gpc-targeting" => Ok(Self::GpcWithdrewTargeting),
            "hidden" => Ok(Self::Hidden),
            _ => Err(()),
        }
    }
}

/// What the consent cookie holds: a pseudonymous id, the policy version decided on, when, and
/// the choice. Encoded as `v2.<id>.<version>.<unix seconds>.<a><f><t>`; the server signs that
/// payload (`app::server::consent_service`) and treats a cookie without a valid signature as
/// no decision, so nobody can forge a consent or borrow another visitor's consent id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentCookie {
    pub consent_id: String,
    pub policy_version: String,
    pub decided_at: i64,
    pub choices: ConsentChoices,
}

impl ConsentCookie {
    pub fn encode(&self) -> String {
        let bit = |b: bool| if b { '1' } else { '0' };
        format!(
            "v2.{}.{}.{}.{}{}{}",
            self.consent_id,
            self.policy_version,
            self.decided_at,
            bit(self.choices.analytics),
            bit(self.choices.functionality),
            bit(self.choices.targeting)
        )
    }

    /// Reads a cookie's payload (its signature already checked); anything malformed counts as
    /// no decision.
    pub fn parse(value: &str) -> Option<Self> {
        let mut parts = value.split('.');
        let (Some("v2"), Some(id), Some(version), Some(at), Some(bits), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let token_ok = |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !token_ok(id) || !token_ok(version) || bits.len() != 3 || !bits.bytes().all(|b| b == b'0' || b == b'1') {
            return None;
        }
        let flag = |i: usize| bits.as_bytes()[i] == b'1';
        Some(Self {
            consent_id: id.to_owned(),
            policy_version: version.to_owned(),
            decided_at: at.parse().ok()?,
            choices: ConsentChoices { analytics: flag(0), functionality: flag(1), targeting: flag(2) },
        })
    }

    /// Whether this decision still stands: same policy version and younger than its lifetime (B06).
    pub fn is_current(&self, policy_version: &str, now: i64) -> bool {
        self.policy_version == policy_version && now - self.decided_at < DECISION_LIFETIME_DAYS * 86_400 && self.decided_at <= now + 300
    }
}

#[cfg(test)]
mod cookie_tests {
    use super::*;

    fn cookie() -> ConsentCookie {
        ConsentCookie {
            consent_id: "abc_DEF-123".into(),
            policy_version: POLICY_VERSION.into(),
            decided_at: 1_764_460_800,
            choices: ConsentChoices { analytics: true, functionality: false, targeting: true },
        }
    }

    #[test]
    fn the_consent_cookie_round_trips_and_refuses_garbage() {
        assert_eq!(cookie().encode(), "v2.abc_DEF-123.2026-11-30.1764460800.101");
        assert_eq!(ConsentCookie::parse(&cookie().encode()), Some(cookie()));
        for bad in
            ["", "v1.a.b.1.000", "v2.a.b.1.00", "v2.a.b.x.000", "v2.a b.c.1.000", "v2..b.1.000", "v2.a.b.1.000.extra", "v2.a.b.1.012"]
        {
            assert_eq!(ConsentCookie::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_banner_names_the_configured_partners_and_offers_reject_all() {
        use crate::domain::tags::{ConfiguredTags, Tag};
        let none = banner_text(crate::domain::tags::TagSet::EMPTY);
        assert!(none.contains("targeting cookies from advertising partners. ") && none.contains("[Reject all]"), "{none}");
        let ids = [(Tag::GoogleAnalytics, "G-TEST1234"), (Tag::FacebookPixel, "123456789"), (Tag::LinkedInInsight, "12345")];
        let all = ConfiguredTags::new(ids.map(|(tag, id)| tag.parse_id(id).unwrap())).enabled();
        let text = banner_explanation(all);
        assert!(text.contains("count visits (Google Analytics),"), "{text}");
        assert!(text.contains("advertising partners (Facebook Pixel and LinkedIn Insight Tag)."), "{text}");
    }

    #[test]
    fn the_banner_state_travels_as_a_word() {
        for state in [BannerState::Ask, BannerState::GpcHonoured, BannerState::Hidden] {
            assert_eq!(state.to_string().parse::<BannerState>(), Ok(state));
        }
        assert_eq!("maybe".parse::<BannerState>(), Err(()));
    }

    #[test]
    fn b06_a_new_policy_version_or_an_old_decision_asks_again() {
        let decided = cookie();
        assert!(decided.is_current(POLICY_VERSION, decided.decided_at + 86_400));
        assert!(!decided.is_current("2027-01-01", decided.decided_at + 86_400), "new policy version");
        assert!(!decided.is_current(POLICY_VERSION, decided.decided_at + DECISION_LIFETIME_DAYS * 86_400), "twelve months later");
        assert!(!decided.is_current(POLICY_VERSION, decided.decided_at - 3_600), "a decision from the future is not trusted");
    }
}

/// What a visitor can download after a decision and later check against the store (B03):
/// enough to find the exact log row and prove it is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentReceipt {
    pub consent_id: String,
    pub recorded_at: String,
    pub policy_version: String,
    pub choices: ConsentChoices,
    pub event: String,
    pub source: String,
    pub text_hash: String,
    pub row_hash: String,
}

/// What checking a receipt's row hash against the store found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCheck {
    /// The store holds a row with this hash whose content still matches it.
    pub genuine: bool,
    pub receipt: Option<ConsentReceipt>,
    pub message: String,
}
