//! Marketing by e-mail (P07, P20–P23, P33): the topics a person can agree to, the exact words
//! each agreement shows, and the rules for who may be mailed. Consent is per e-mail address:
//! an account holder and a newsletter subscriber with the same address share one set of
//! choices.

use serde::{Deserialize, Serialize};

/// What the store may send by e-mail, one agreement each. Nothing is on until its owner turns
/// it on (P23); a topic is never implied by another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MarketingTopic {
    /// The monthly newsletter: new products and stories from the workshops. The footer form
    /// signs up for this one.
    Newsletter,
    /// Sales and discount codes, when there are any.
    Offers,
}

impl MarketingTopic {
    pub const ALL: [MarketingTopic; 2] = [Self::Newsletter, Self::Offers];

    /// The name stored in the database and the consent log (`purpose` is `marketing:<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Newsletter => "newsletter",
            Self::Offers => "offers",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|topic| topic.key() == key)
    }

    /// Every topic off: what "unsubscribe from everything" asks for.
    pub fn all_off() -> Vec<(MarketingTopic, bool)> {
        Self::ALL.into_iter().map(|topic| (topic, false)).collect()
    }

    /// The consent log's `purpose` for this topic.
    pub fn purpose(self) -> String {
        format!("marketing:{}", self.key())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Newsletter => "The newsletter",
            Self::Offers => "Offers and discounts",
        }
    }

    /// The exact words a person agrees to when turning the topic on. The consent log keeps
    /// their version and hash, so a change of wording is a new version, never an edit.
    pub fn wording(self) -> &'static str {
        match self {
            Self::Newsletter => NEWSLETTER_PROMISE,
            Self::Offers => {
                "Yes, e-mail me about sales and discount codes, at most twice a month. I can stop this at any time \
                 with the unsubscribe link at the bottom of every such e-mail, or here."
            }
        }
    }

    /// The version of `wording`, recorded with every change of this topic.
    pub fn wording_version(self) -> &'static str {
        match self {
            Self::Newsletter => "newsletter-2026-12",
            Self::Offers => "offers-2026-12",
        }
    }
}

/// P33: what newsletter subscribers receive, said next to every newsletter form.
pub const NEWSLETTER_PROMISE: &str = "Yes, send me the SOP Store newsletter: one e-mail a month about new products and stories from \
     the workshops that make them. I can unsubscribe at any time with the link at the bottom of every newsletter.";

/// Where a marketing e-mail's `List-Unsubscribe` header points (RFC 8058 one-click POST).
pub const ONE_CLICK_PATH: &str = "/newsletter/one-click";

/// P21: how a withdrawal that staff record on someone's behalf reached the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OptOutChannel {
    Phone,
    Email,
    Letter,
    InPerson,
}

impl OptOutChannel {
    pub const ALL: [OptOutChannel; 4] = [Self::Phone, Self::Email, Self::Letter, Self::InPerson];

    pub fn key(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Letter => "letter",
            Self::InPerson => "in_person",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Phone => "By telephone",
            Self::Email => "By e-mail",
            Self::Letter => "By letter",
            Self::InPerson => "In person",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|channel| channel.key() == key)
    }
}

/// The longest note staff may keep with a recorded withdrawal.
pub const OPT_OUT_NOTE_MAX_CHARS: usize = 500;

/// A person's choice for one topic, as the settings and unsubscribe pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicChoice {
    pub topic: MarketingTopic,
    pub label: String,
    /// The exact words the switch agrees to.
    pub wording: String,
    pub subscribed: bool,
}

impl TopicChoice {
    pub fn new(topic: MarketingTopic, subscribed: bool) -> Self {
        Self { topic, label: topic.label().to_owned(), wording: topic.wording().to_owned(), subscribed }
    }
}

/// Whether an address may be sent marketing of a topic right now (P20, B07): only with its
/// current consent to that topic, and only once the address has been confirmed by its owner
/// (double opt-in, or the account's confirmed address).
pub fn may_send(confirmed: bool, consents_to_topic: bool) -> bool {
    confirmed && consents_to_topic
}

/// An address as a page opened by an e-mailed link shows it: enough for its owner to
/// recognise, not the whole of it for whoever else sees the screen ("a•••@example.com").
pub fn masked_address(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip_and_have_their_own_words() {
        for topic in MarketingTopic::ALL {
            assert_eq!(MarketingTopic::parse(topic.key()), Some(topic));
            assert!(topic.purpose().starts_with("marketing:"));
            assert!(topic.wording().contains("unsubscribe") || topic.wording().contains("stop this"), "{topic:?}");
            // The consent log's policy_version column holds the wording version: 32 characters at most.
            assert!(topic.wording_version().len() <= 32);
        }
        assert_ne!(MarketingTopic::Newsletter.wording(), MarketingTopic::Offers.wording());
        assert_eq!(MarketingTopic::parse("everything"), None);
    }

    #[test]
    fn an_address_is_shown_masked() {
        assert_eq!(masked_address("ann.smith@example.com"), "a•••@example.com");
        assert_eq!(masked_address("nonsense"), "•••");
    }

    // P33: the newsletter sentence says what subscribers receive and how to stop.
    #[test]
    fn p33_the_newsletter_promise_says_what_and_how_often() {
        assert!(NEWSLETTER_PROMISE.contains("one e-mail a month"));
        assert!(NEWSLETTER_PROMISE.contains("new products"));
        assert!(NEWSLETTER_PROMISE.contains("unsubscribe at any time"));
    }

    // P20, B07: neither an unconfirmed address nor one without consent gets marketing.
    #[test]
    fn p20_b07_only_confirmed_consenting_addresses_are_mailed() {
        assert!(may_send(true, true));
        assert!(!may_send(false, true), "B07: not before the address is confirmed");
        assert!(!may_send(true, false), "P20: not without consent");
    }
}
