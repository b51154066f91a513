//! The optional third-party tags (P11, P29): for each, the consent category it needs, the hosts
//! its script and beacons use (the Content-Security-Policy opens them only with that consent),
//! and where visitors can opt out of its provider's tracking. The cookies each sets are
//! declared with every other cookie in `cookies.rs` (P24, P25).
//!
//! What the browser renders (names, links) is kept apart from what only the server needs
//! (hosts, id formats), so the wasm bundle carries no more of the registry than it shows.

use super::consent::{ConsentChoices, CookieCategory};
use super::cookies::{CookieDeclaration, DECLARED_COOKIES};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    GoogleAnalytics,
    FacebookPixel,
    LinkedInInsight,
}

/// The hosts a tag talks to, by CSP directive; `https://*.example.com` covers subdomains.
#[derive(Debug, PartialEq, Eq)]
pub struct TagHosts {
    pub script: &'static [&'static str],
    pub connect: &'static [&'static str],
    pub img: &'static [&'static str],
    /// None of the three tags needs a frame today; the directive is there for one that does.
    pub frame: &'static [&'static str],
}

#[derive(Debug, PartialEq, Eq)]
pub struct TagDeclaration {
    pub tag: Tag,
    /// Stable name in markup and tests: `data-sop-tag="google-analytics"`.
    pub key: &'static str,
    pub name: &'static str,
    pub provider: &'static str,
    pub category: CookieCategory,
    pub opt_out_url: &'static str,
    pub privacy_policy_url: &'static str,
}

use CookieCategory::{Analytics, Targeting};

/// Every tag the store can run. A tag runs only when its id is configured AND the visitor
/// allowed its category.
pub const TAGS: &[TagDeclaration] = &[
    TagDeclaration {
        tag: Tag::GoogleAnalytics,
        key: "google-analytics",
        name: "Google Analytics",
        provider: "Google",
        category: Analytics,
        opt_out_url: "https://tools.google.com/dlpage/gaoptout",
        privacy_policy_url: "https://policies.google.com/privacy",
    },
    TagDeclaration {
        tag: Tag::FacebookPixel,
        key: "facebook-pixel",
        name: "Facebook Pixel",
        provider: "Meta",
        category: Targeting,
        opt_out_url: "https://www.facebook.com/adpreferences/ad_settings",
        privacy_policy_url: "https://www.facebook.com/privacy/policy/",
    },
    TagDeclaration {
        tag: Tag::LinkedInInsight,
        key: "linkedin-insight",
        name: "LinkedIn Insight Tag",
        provider: "LinkedIn",
        category: Targeting,
        opt_out_url: "https://www.linkedin.com/psettings/guest-controls/retargeting-opt-out",
        privacy_policy_url: "https://www.linkedin.com/legal/privacy-policy",
    },
];

impl Tag {
    pub const ALL: [Tag; 3] = [Self::GoogleAnalytics, Self::FacebookPixel, Self::LinkedInInsight];

    pub fn declaration(self) -> &'static TagDeclaration {
        &TAGS[self as usize]
    }

    /// The hosts the tag's script and beacons use (each provider's published CSP guidance).
    pub fn hosts(self) -> TagHosts {
        match self {
            Self::GoogleAnalytics => TagHosts {
                script: &["https://*.googletagmanager.com"],
                connect: &["https://*.google-analytics.com", "https://*.analytics.google.com", "https://*.googletagmanager.com"],
                img: &["https://*.google-analytics.com", "https://*.googletagmanager.com"],
                frame: &[],
            },
            Self::FacebookPixel => TagHosts {
                script: &["https://connect.facebook.net"],
                connect: &["https://www.facebook.com", "https://connect.facebook.net"],
                img: &["https://www.facebook.com"],
                frame: &[],
            },
            Self::LinkedInInsight => TagHosts {
                script: &["https://snap.licdn.com"],
                connect: &["https://px.ads.linkedin.com", "https://www.linkedin.com"],
                img: &["https://px.ads.linkedin.com", "https://www.linkedin.com"],
                frame: &[],
            },
        }
    }

    /// The cookies the tag sets: first-party ones (on our site, by its script; expired when its
    /// consent is withdrawn) and third-party ones (on its provider's site, out of our reach).
    pub fn cookies(self) -> impl Iterator<Item = &'static CookieDeclaration> {
        DECLARED_COOKIES.iter().filter(move |cookie| cookie.tag == Some(self))
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }

    /// What a configured id must look like; it ends up inside an inline script and a cookie
    /// name, so nothing else is accepted.
    pub fn id_format(self) -> &'static str {
        match self {
            Self::GoogleAnalytics => "a Google Analytics 4 measurement ID such as G-ABC123XYZ",
            Self::FacebookPixel => "a Facebook Pixel ID: 5 to 20 digits",
            Self::LinkedInInsight => "a LinkedIn partner ID: 3 to 12 digits",
        }
    }

    pub fn parse_id(self, raw: &str) -> Result<TagId, InvalidTagId> {
        let raw = raw.trim();
        let digits = |range: std::ops::RangeInclusive<usize>| range.contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit());
        let valid = match self {
            Self::GoogleAnalytics => raw
                .strip_prefix("G-")
                .is_some_and(|rest| (4..=16).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())),
            Self::FacebookPixel => digits(5..=20),
            Self::LinkedInInsight => digits(3..=12),
        };
        if valid {
            Ok(TagId { tag: self, value: raw.to_owned() })
        } else {
            Err(InvalidTagId(self))
        }
    }
}

/// A configured tag id that passed `Tag::parse_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagId {
    tag: Tag,
    value: String,
}

impl TagId {
    pub fn tag(&self) -> Tag {
        self.tag
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected {}", .0.id_format())]
pub struct InvalidTagId(pub Tag);

/// The tags this store is configured to run; a tag without an id is off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfiguredTags {
    ids: Vec<TagId>,
}

impl ConfiguredTags {
    pub fn new(ids: impl IntoIterator<Item = TagId>) -> Self {
        let mut ids: Vec<TagId> = ids.into_iter().collect();
        ids.sort_by_key(|id| id.tag as u8);
        ids.dedup_by_key(|id| id.tag);
        Self { ids }
    }

    pub fn ids(&self) -> impl Iterator<Item = &TagId> {
        self.ids.iter()
    }

    pub fn enabled(&self) -> TagSet {
        TagSet(self.ids.iter().fold(0, |bits, id| bits | id.tag.bit()))
    }

    /// The configured tags this visitor's choices allow: exactly what a page may load.
    pub fn allowed(&self, choices: ConsentChoices) -> TagSet {
        self.enabled().filter(|tag| choices.allows(tag.declaration().category))
    }
}

/// A set of tags, small enough to copy into every request and to hand to the browser.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TagSet(u8);

impl TagSet {
    pub const EMPTY: TagSet = TagSet(0);

    pub fn contains(self, tag: Tag) -> bool {
        self.0 & tag.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Tag> {
        Tag::ALL.into_iter().filter(move |tag| self.contains(*tag))
    }

    pub fn filter(self, keep: impl Fn(Tag) -> bool) -> TagSet {
        TagSet(self.iter().filter(|tag| keep(*tag)).fold(0, |bits, tag| bits | tag.bit()))
    }

    /// The set as the page states it (`<meta name="sop-tags" content=…>`) and a decision's
    /// answer repeats it, so the browser can tell whether a choice changed what may run.
    pub fn marker(self) -> String {
        self.iter().map(|tag| tag.declaration().key).collect::<Vec<_>>().join(" ")
    }
}

/// A plain number in the page: handing it to the browser as text (`SharedValue::new_str`)
/// needs less wasm than JSON.
impl std::fmt::Display for TagSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for TagSet {
    type Err = std::num::ParseIntError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(|bits: u8| TagSet(bits & Tag::ALL.iter().fold(0, |all, tag| all | tag.bit())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_configured() -> ConfiguredTags {
        ConfiguredTags::new([
            Tag::LinkedInInsight.parse_id("123456").unwrap(),
            Tag::GoogleAnalytics.parse_id("G-ABC123XYZ").unwrap(),
            Tag::FacebookPixel.parse_id("1234567890").unwrap(),
        ])
    }

    #[test]
    fn p11_p29_each_tag_needs_its_category() {
        assert_eq!(Tag::GoogleAnalytics.declaration().category, CookieCategory::Analytics);
        assert_eq!(Tag::FacebookPixel.declaration().category, CookieCategory::Targeting);
        assert_eq!(Tag::LinkedInInsight.declaration().category, CookieCategory::Targeting);
        for tag in Tag::ALL {
            assert_eq!(tag.declaration().tag, tag, "TAGS is in Tag::ALL order");
            assert!(tag.cookies().count() > 0, "{tag:?} declares its cookies");
            for cookie in tag.cookies() {
                assert_eq!(cookie.category, tag.declaration().category, "{} is in its tag's category", cookie.name);
            }
        }
    }

    #[test]
    fn b01_p14_nothing_runs_without_consent_or_without_an_id() {
        let tags = all_configured();
        assert_eq!(tags.allowed(ConsentChoices::REJECT_ALL), TagSet::EMPTY);
        assert_eq!(tags.allowed(ConsentChoices::ACCEPT_ALL), tags.enabled());
        let analytics_only = ConsentChoices { analytics: true, ..ConsentChoices::REJECT_ALL };
        assert_eq!(tags.allowed(analytics_only).marker(), "google-analytics");
        let targeting_only = ConsentChoices { targeting: true, ..ConsentChoices::REJECT_ALL };
        assert_eq!(tags.allowed(targeting_only).marker(), "facebook-pixel linkedin-insight");
        assert_eq!(ConfiguredTags::default().allowed(ConsentChoices::ACCEPT_ALL), TagSet::EMPTY, "no id, no tag");
        let only_pixel = ConfiguredTags::new([Tag::FacebookPixel.parse_id("12345").unwrap()]);
        assert_eq!(only_pixel.allowed(ConsentChoices::ACCEPT_ALL).marker(), "facebook-pixel");
    }

    #[test]
    fn ids_are_checked_before_they_reach_a_script() {
        assert_eq!(Tag::GoogleAnalytics.parse_id(" G-ABC123XYZ ").unwrap().as_str(), "G-ABC123XYZ");
        for bad in ["UA-1234-1", "G-abc123", "G-AB", "G-ABC');alert(1);//", "ABC123XYZ"] {
            assert_eq!(Tag::GoogleAnalytics.parse_id(bad), Err(InvalidTagId(Tag::GoogleAnalytics)), "{bad}");
        }
        assert!(Tag::FacebookPixel.parse_id("1234567890123456").is_ok());
        assert!(Tag::FacebookPixel.parse_id("12a45").is_err());
        assert!(Tag::LinkedInInsight.parse_id("1234567").is_ok());
        assert!(Tag::LinkedInInsight.parse_id("12").is_err());
        assert_eq!(InvalidTagId(Tag::FacebookPixel).to_string(), "expected a Facebook Pixel ID: 5 to 20 digits");
    }

    #[test]
    fn p29_every_tag_names_an_opt_out_and_its_hosts() {
        for tag in TAGS {
            assert!(tag.opt_out_url.starts_with("https://"), "{}", tag.name);
            assert!(tag.privacy_policy_url.starts_with("https://"), "{}", tag.name);
            let hosts = tag.tag.hosts();
            assert!(!hosts.script.is_empty() && !hosts.connect.is_empty(), "{}", tag.name);
            let hosts = hosts.script.iter().chain(hosts.connect).chain(hosts.img).chain(hosts.frame);
            for host in hosts {
                assert!(host.starts_with("https://") && !host.contains([' ', ';', '\'']), "{host}");
            }
        }
    }

    #[test]
    fn p24_tags_declare_first_and_third_party_cookies() {
        assert!(Tag::GoogleAnalytics.cookies().any(|c| c.name == "_ga" && c.third_party.is_none()));
        assert!(Tag::LinkedInInsight.cookies().any(|c| c.name == "li_fat_id" && c.third_party.is_none()));
        assert!(Tag::LinkedInInsight.cookies().any(|c| c.name == "bcookie" && c.third_party == Some("Third party (linkedin.com)")));
        assert!(Tag::FacebookPixel.cookies().any(|c| c.name == "_fbp" && c.third_party.is_none()));
        assert!(Tag::FacebookPixel.cookies().any(|c| c.name == "fr" && c.third_party == Some("Third party (facebook.com)")));
    }

    #[test]
    fn a_tag_set_travels_as_a_number() {
        let all = all_configured().enabled();
        assert_eq!(all.to_string().parse::<TagSet>(), Ok(all));
        assert_eq!("255".parse::<TagSet>(), Ok(all), "unknown bits are dropped");
        assert!("x".parse::<TagSet>().is_err());
    }

    #[test]
    fn a_configured_tag_is_listed_once() {
        let twice = ConfiguredTags::new([Tag::FacebookPixel.parse_id("11111").unwrap(), Tag::FacebookPixel.parse_id("22222").unwrap()]);
        assert_eq!(twice.ids().count(), 1);
        assert_eq!(all_configured().ids().map(|id| id.tag()).collect::<Vec<_>>(), Tag::ALL);
    }
}
