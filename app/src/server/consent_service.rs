//! Recording a visitor's cookie decision from the request that made it: the pseudonymous id,
//! the browser family, a salted hash of the truncated address, the log row, and the cookie
//! that remembers the decision.

use super::consent_cookie;
use super::consent_log::{self, ConsentDecision};
use super::state::AppState;
use crate::domain::consent::{
    ConsentChoices, ConsentCookie, ConsentEvent, ConsentPurpose, ConsentSource, DECISION_LIFETIME_DAYS, POLICY_VERSION,
};
use crate::domain::tags::TagSet;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use http::{header, request::Parts};
use rand::RngCore;
use sea_orm::DbErr;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Marks a request whose Global Privacy Control signal was just recorded, so the page can say
/// so instead of asking (B05): as a refusal of everything optional (no decision before), or as
/// the withdrawal of targeting an earlier decision allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GpcHonoured {
    RefusedAll,
    WithdrewTargeting,
}

/// The tags a page rendered for this request may load. The security middleware works it out
/// once per request from the visitor's consent; the Content-Security-Policy and the shell's
/// tag loaders both read this one value, so the page never loads what its policy refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageTags(pub TagSet);

/// Marks a page that runs tags and was opened from one of our pages with personal data (its
/// address may hold an order number, a key or a token): the page hides that address from its
/// tags, which read `document.referrer` (P14, P28). Set by the security middleware.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrivateReferrer;

/// What the banner does for this request.
pub fn banner_for(parts: &Parts, secret: &[u8], secure: bool, now: DateTime<Utc>) -> crate::domain::consent::BannerState {
    use crate::domain::consent::BannerState;
    if let Some(honoured) = parts.extensions.get::<GpcHonoured>() {
        match honoured {
            GpcHonoured::RefusedAll => BannerState::GpcHonoured,
            GpcHonoured::WithdrewTargeting => BannerState::GpcWithdrewTargeting,
        }
    } else if needs_decision(parts, secret, secure, now) {
        BannerState::Ask
    } else {
        BannerState::Hidden
    }
}

/// Whether the banner must ask this request's visitor: no decision, one that lapsed (B06), or
/// a cookie this store did not sign.
pub fn needs_decision(parts: &Parts, secret: &[u8], secure: bool, now: DateTime<Utc>) -> bool {
    consent_cookie::current_choices(parts, secret, secure, now).is_none()
}

/// "Chrome", "Firefox", "Safari"… from the User-Agent; never the full string.
pub fn browser_family(user_agent: Option<&str>) -> String {
    user_agent
        .and_then(|ua| woothee::parser::Parser::new().parse(ua))
        .map(|result| result.name.to_owned())
        .filter(|name| !name.is_empty() && name != "UNKNOWN")
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The network an address belongs to, not the address: IPv4 /24, IPv6 /48.
pub fn truncated_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// HMAC-SHA256 of the truncated address under the store's secret key: linkable by the store
/// for abuse checks, useless to anyone without the key, and never the raw address.
pub fn ip_hash(secret: &[u8], ip: Option<IpAddr>) -> String {
    let Some(ip) = ip else { return "unknown".to_owned() };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return "unknown".to_owned() };
    mac.update(truncated_ip(ip).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub fn text_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A fresh pseudonymous consent id: 16 random bytes, base64url.
pub fn new_consent_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A GPC signal is its own kind of event; otherwise grant when anything optional is allowed,
/// withdrawal when an earlier grant is taken back, denial else.
pub fn event_for(source: ConsentSource, previous: Option<ConsentChoices>, choices: ConsentChoices) -> ConsentEvent {
    if source == ConsentSource::Gpc {
        return ConsentEvent::Gpc;
    }
    match (previous.map(ConsentChoices::grants_any), choices.grants_any()) {
        (_, true) => ConsentEvent::Grant,
        (Some(true), false) => ConsentEvent::Withdraw,
        _ => ConsentEvent::Deny,
    }
}

/// Appends the decision to the log (committed before this returns) and gives the cookie to set.
pub async fn record(
    state: &AppState,
    parts: &Parts,
    choices: ConsentChoices,
    source: ConsentSource,
    shown_text: &str,
    now: DateTime<Utc>,
) -> Result<(ConsentCookie, consent_log::ChainLink), DbErr> {
    // Only a signed cookie carries its consent id over, so nobody can write into another
    // visitor's history.
    let previous = consent_cookie::from_request(parts, &state.keys.consent_cookie, state.secure_cookies);
    let consent_id = previous.as_ref().map(|c| c.consent_id.clone()).unwrap_or_else(new_consent_id);
    let client_ip = super::request::client_ip(parts);
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let row = state
        .consent_log
        .append(ConsentDecision {
            consent_id: consent_id.clone(),
            account_id: None,
            policy_version: POLICY_VERSION.to_owned(),
            choices,
            event: event_for(source, previous.map(|c| c.choices), choices),
            source,
            recorded_at: now,
            expires_at: now + Duration::days(DECISION_LIFETIME_DAYS),
            browser_family: browser_family(user_agent),
            text_hash: text_hash(shown_text),
            ip_hash: ip_hash(&state.keys.network, client_ip),
            purpose: ConsentPurpose::Cookies,
        })
        .await?;
    let cookie = ConsentCookie { consent_id, policy_version: POLICY_VERSION.to_owned(), decided_at: now.timestamp(), choices };
    Ok((cookie, consent_log::ChainLink { row_id: row.id, row_hash: row.row_hash }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_truncated_before_hashing() {
        assert_eq!(truncated_ip("203.0.113.77".parse().unwrap()), "203.0.113.0/24");
        assert_eq!(truncated_ip("2001:db8:abcd:12::1".parse().unwrap()), "2001:db8:abcd::/48");
        let secret = b"0123456789abcdef0123456789abcdef";
        let a = ip_hash(secret, Some("203.0.113.77".parse().unwrap()));
        assert_eq!(a, ip_hash(secret, Some("203.0.113.1".parse().unwrap())), "same network, same hash");
        assert_ne!(a, ip_hash(b"another secret key, 32 bytes long", Some("203.0.113.77".parse().unwrap())));
        assert!(!a.contains("203"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn browsers_are_reduced_to_their_family() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(browser_family(Some(chrome)), "Chrome");
        assert_eq!(browser_family(None), "unknown");
    }

    #[test]
    fn events_say_what_changed() {
        let analytics = ConsentChoices { analytics: true, ..ConsentChoices::REJECT_ALL };
        let banner = ConsentSource::Banner;
        assert_eq!(event_for(banner, None, ConsentChoices::REJECT_ALL), ConsentEvent::Deny);
        assert_eq!(event_for(banner, None, analytics), ConsentEvent::Grant);
        assert_eq!(event_for(ConsentSource::Preferences, Some(analytics), ConsentChoices::REJECT_ALL), ConsentEvent::Withdraw);
        assert_eq!(event_for(banner, Some(ConsentChoices::REJECT_ALL), ConsentChoices::REJECT_ALL), ConsentEvent::Deny);
        assert_eq!(event_for(ConsentSource::Gpc, None, ConsentChoices::REJECT_ALL), ConsentEvent::Gpc);
    }
}
