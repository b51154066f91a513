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
str_enum!(ConsentSource { Banner => "banner", Preferences => "preferences", Gpc => "gpc", SignIn => "sign_in", Staff => "staff" });

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
        for event in [ConsentEvent::Grant, ConsentEvent::Deny, ConsentEvent::Withdraw, ConsentEvent::Expire, ConsentEvent::Gpc, ConsentEvent::Reprompt, ConsentEvent::Link] {
            assert_eq!(ConsentEvent::parse(event.as_str()), Some(event));
        }
        for source in [ConsentSource::Banner, ConsentSource::Preferences, ConsentSource::Gpc, ConsentSource::SignIn, ConsentSource::Staff] {
            assert_eq!(ConsentSource::parse(source.as_str()), Some(source));
        }
        assert_eq!(ConsentEvent::parse("bogus"), None);
    }
}
