//! The consent cookie on the wire: signed with the store's secret key (a cookie with a bad or
//! missing signature is no decision), read from requests, written into responses; and the
//! expiry of tag cookies a decision no longer allows (B04).

use crate::domain::consent::{ConsentChoices, ConsentCookie, CONSENT_COOKIE, DECISION_LIFETIME_DAYS, POLICY_VERSION};
use crate::domain::{
    cookies::{wire_name, DECLARED_COOKIES},
    tags::TagSet,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http::{header, request::Parts};
use sha2::Sha256;
use std::net::IpAddr;

/// Keeps these signatures apart from every other use of the same key (the consent log's IP
/// hashes are HMACs under it too).
const SIGNATURE_CONTEXT: &[u8] = b"sop_consent cookie\n";

fn mac(secret: &[u8], payload: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(SIGNATURE_CONTEXT);
    mac.update(payload.as_bytes());
    Some(mac)
}

/// The cookie's value: its payload, a dot, and the payload's HMAC-SHA256 (base64url).
pub fn signed_value(cookie: &ConsentCookie, secret: &[u8]) -> String {
    let payload = cookie.encode();
    let signature = mac(secret, &payload).map(|mac| URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())).unwrap_or_default();
    format!("{payload}.{signature}")
}

/// The decision in a cookie value, if its signature is this store's (checked in constant time).
pub fn verify(value: &str, secret: &[u8]) -> Option<ConsentCookie> {
    let (payload, signature) = value.rsplit_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    mac(secret, payload)?.verify_slice(&signature).ok()?;
    ConsentCookie::parse(payload)
}

/// `sop_consent=<signed value>` (`__Host-sop_consent=` over https), as a `Cookie` header or
/// the start of a `Set-Cookie` carries it.
pub fn pair(cookie: &ConsentCookie, secret: &[u8], secure: bool) -> String {
    format!("{}={}", wire_name(CONSENT_COOKIE, secure), signed_value(cookie, secret))
}

/// The `Set-Cookie` value remembering a decision for as long as it stands, refusal or not.
pub fn set_cookie_value(cookie: &ConsentCookie, secret: &[u8], secure: bool) -> String {
    format!(
        "{}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
        pair(cookie, secret, secure),
        DECISION_LIFETIME_DAYS * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

/// The consent cookie this request carries, if it is well formed and signed by this store.
/// (Should a browser send several, the newest signed decision counts.) Over https only the
/// `__Host-` one counts.
pub fn from_request(parts: &Parts, secret: &[u8], secure: bool) -> Option<ConsentCookie> {
    let name = wire_name(CONSENT_COOKIE, secure);
    crate::server::request::cookies(parts)
        .filter(|(key, _)| *key == name)
        .filter_map(|(_, value)| verify(value, secret))
        .max_by_key(|cookie| cookie.decided_at)
}

/// The decision that stands for this request: a current one (B06), else nothing allowed (B01).
pub fn current_choices(parts: &Parts, secret: &[u8], secure: bool, now: DateTime<Utc>) -> Option<ConsentChoices> {
    from_request(parts, secret, secure).filter(|cookie| cookie.is_current(POLICY_VERSION, now.timestamp())).map(|cookie| cookie.choices)
}

/// `Set-Cookie` values that expire every first-party cookie of a tag outside `allowed` that
/// the request carried (B04). Each goes out once host-only and once per `Domain` it may live
/// on, because Google Analytics puts its cookies on the highest domain it can set them on.
pub fn expire_withheld_tag_cookies(parts: &Parts, allowed: TagSet) -> Vec<String> {
    let host = parts.headers.get(header::HOST).and_then(|v| v.to_str().ok()).or_else(|| parts.uri.host()).unwrap_or_default();
    let domains = cookie_domains(host);
    let withheld = DECLARED_COOKIES.iter().filter(|c| c.tag.is_some_and(|tag| !allowed.contains(tag)) && c.third_party.is_none());
    let mut carried: Vec<&str> =
        crate::server::request::cookies(parts).map(|(name, _)| name).filter(|name| withheld.clone().any(|c| c.matches(name))).collect();
    carried.sort_unstable();
    carried.dedup();
    carried
        .into_iter()
        .flat_map(|name| {
            let host_only = format!("{name}=; Max-Age=0; Path=/");
            std::iter::once(host_only.clone()).chain(domains.iter().map(move |domain| format!("{host_only}; Domain={domain}")))
        })
        .collect()
}

/// The domains a cookie for `host` can be set on: the host and each parent with two labels or
/// more (`shop.example.co.uk`, `example.co.uk`, `co.uk`; browsers ignore a public suffix, so
/// no suffix list is needed). None for an IP address or a single-label name like `localhost`.
pub fn cookie_domains(host: &str) -> Vec<&str> {
    let host = if host.starts_with('[') { host } else { host.rsplit_once(':').map_or(host, |(name, _)| name) };
    if host.starts_with('[') || host.parse::<IpAddr>().is_ok() || !host.contains('.') {
        return Vec::new();
    }
    let host = host.trim_end_matches('.');
    let mut domains = vec![host];
    let mut rest = host;
    while let Some((_, parent)) = rest.split_once('.') {
        if !parent.contains('.') {
            break;
        }
        domains.push(parent);
        rest = parent;
    }
    domains
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn cookie(choices: ConsentChoices) -> ConsentCookie {
        ConsentCookie { consent_id: "id".into(), policy_version: "v".into(), decided_at: 1, choices }
    }

    fn request(cookies: &str, host: &str) -> Parts {
        http::Request::builder().header("cookie", cookies).header("host", host).body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_cookie_is_strict_and_remembers_refusals_as_long_as_acceptances() {
        let refused = set_cookie_value(&cookie(ConsentChoices::REJECT_ALL), KEY, false);
        let accepted = set_cookie_value(&cookie(ConsentChoices::ACCEPT_ALL), KEY, true);
        assert!(refused.starts_with("sop_consent=v2.id.v.1.000."), "{refused}");
        assert!(refused.ends_with("; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"));
        assert!(accepted.ends_with("; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax; Secure"));
        assert!(accepted.starts_with("__Host-sop_consent="), "S10: the __Host- prefix over https: {accepted}");
    }

    // S10: over https a cookie without the prefix (planted by a sibling subdomain or a plain-http
    // page) is no decision, even when its signature is good.
    #[test]
    fn s10_over_https_only_the_host_prefixed_cookie_counts() {
        let accepted = cookie(ConsentChoices::ACCEPT_ALL);
        let plain = request(&pair(&accepted, KEY, false), "shop.example");
        assert_eq!(from_request(&plain, KEY, true), None);
        assert!(from_request(&plain, KEY, false).is_some());
        let prefixed = request(&pair(&accepted, KEY, true), "shop.example");
        assert_eq!(from_request(&prefixed, KEY, true).map(|c| c.choices), Some(ConsentChoices::ACCEPT_ALL));
        assert_eq!(crate::domain::cookies::find_declaration("__Host-sop_consent").map(|c| c.name), Some(CONSENT_COOKIE));
    }

    #[test]
    fn a_cookie_with_a_bad_or_missing_signature_is_no_decision() {
        let value = signed_value(&cookie(ConsentChoices::ACCEPT_ALL), KEY);
        assert_eq!(verify(&value, KEY), Some(cookie(ConsentChoices::ACCEPT_ALL)));
        assert_eq!(verify(&value, b"another key, also thirty-two bytes"), None, "another store's key");
        assert_eq!(verify(&cookie(ConsentChoices::ACCEPT_ALL).encode(), KEY), None, "unsigned");
        let forged = value.replacen(".111.", ".000.", 1);
        assert_eq!(verify(&forged, KEY), None, "choices changed after signing");
        assert_eq!(verify("v2.id.v.1.111.!!!", KEY), None);
        assert_eq!(verify("", KEY), None);
        let parts = request(&format!("other=1; {}", pair(&cookie(ConsentChoices::ACCEPT_ALL), KEY, false)), "shop.example");
        assert_eq!(from_request(&parts, KEY, false).map(|c| c.choices), Some(ConsentChoices::ACCEPT_ALL));
        let parts = request(&format!("sop_consent={forged}"), "shop.example");
        assert_eq!(from_request(&parts, KEY, false), None);
    }

    #[test]
    fn b04_withdrawn_tags_cookies_are_expired_on_every_domain_they_may_live_on() {
        let parts = request("_ga=GA1.1.1.1; _ga_ABC123=GS1; _fbp=fb.1; li_fat_id=x; sop_consent=v; theme=dark", "shop.example.co.uk:8443");
        let expired = expire_withheld_tag_cookies(&parts, TagSet::EMPTY);
        for name in ["_ga", "_ga_ABC123", "_fbp", "li_fat_id"] {
            assert!(expired.contains(&format!("{name}=; Max-Age=0; Path=/")), "{name}: {expired:?}");
            assert!(expired.contains(&format!("{name}=; Max-Age=0; Path=/; Domain=example.co.uk")), "{name}");
        }
        assert_eq!(expired.len(), 4 * 4, "host-only plus three domains for each carried tag cookie");
        assert!(!expired.iter().any(|c| c.starts_with("sop_consent") || c.starts_with("theme")), "only tag cookies");
    }

    #[test]
    fn b04_allowed_tags_keep_their_cookies() {
        use crate::domain::tags::{ConfiguredTags, Tag};
        let tags = ConfiguredTags::new([Tag::GoogleAnalytics.parse_id("G-ABC123").unwrap(), Tag::FacebookPixel.parse_id("12345").unwrap()]);
        let analytics_only = tags.allowed(ConsentChoices { analytics: true, ..ConsentChoices::REJECT_ALL });
        let expired = expire_withheld_tag_cookies(&request("_ga=1; _fbp=2", "127.0.0.1:3000"), analytics_only);
        assert_eq!(expired, ["_fbp=; Max-Age=0; Path=/"], "an address has no Domain variant");
        assert!(expire_withheld_tag_cookies(&request("theme=dark", "shop.example"), TagSet::EMPTY).is_empty());
    }

    #[test]
    fn cookie_domains_are_the_host_and_its_parents() {
        assert_eq!(cookie_domains("www.shop.example.com:443"), ["www.shop.example.com", "shop.example.com", "example.com"]);
        assert_eq!(cookie_domains("example.com"), ["example.com"]);
        assert!(cookie_domains("localhost:3000").is_empty());
        assert!(cookie_domains("127.0.0.1:3000").is_empty());
        assert!(cookie_domains("[::1]:3000").is_empty());
        assert!(cookie_domains("").is_empty());
    }
}
