//! Facts about the current request that several capabilities need: cookies, the client's
//! address, and whether a plain HTML form (no JavaScript) sent it.

use axum::extract::ConnectInfo;
use http::{header, request::Parts};
use std::net::{IpAddr, SocketAddr};

/// Every `name=value` pair in the request's `Cookie` headers.
pub fn cookies(parts: &Parts) -> impl Iterator<Item = (&str, &str)> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The value of the named cookie, if the request carries it.
pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookies(parts).find(|(key, _)| *key == name).map(|(_, value)| value)
}

/// The client's address: the one the store's middleware worked out ([`ClientAddress`]), else
/// the peer's. No forwarded-for header is believed unless it comes from a trusted proxy.
pub fn client_ip(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ClientAddress>()
        .map(|address| address.0)
        .or_else(|| parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip()))
}

/// The address of the client a request is from, put in its extensions by the server's
/// middleware (`server/src/client_address.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The reverse proxies the store sits behind (`TRUSTED_PROXIES`, issue 21 S7). Only a request
/// whose peer is one of them has its `X-Forwarded-For` read; otherwise every visitor behind a
/// proxy would be one client (one throttle, one network), and anyone could claim any address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// A comma-separated list of addresses and CIDR ranges (`10.0.0.0/8, 192.0.2.7`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<ipnet::IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("{item:?} is not an IP address or CIDR range such as 10.0.0.0/8"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Who the client is, given the peer and its `X-Forwarded-For` headers: walking the
    /// forwarded chain from the right (each proxy appends the address it saw), the first address
    /// that is not a trusted proxy. A chain of trusted proxies only, or an unreadable one, gives
    /// the last address known.
    pub fn client_address<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let chain: Vec<&str> = forwarded_for.flat_map(|value| value.split(',')).map(str::trim).collect();
        let mut client = peer;
        for hop in chain.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { return client };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// A browser's own form submission asks for HTML; the hydrated app's fetch asks for JSON.
pub fn is_plain_form_post(parts: &Parts) -> bool {
    parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

/// The path (and query) of the page that sent this request, when it is a page of this site.
pub fn referring_path(parts: &Parts) -> Option<String> {
    let referer = parts.headers.get(header::REFERER)?.to_str().ok()?;
    let after_scheme = referer.split_once("://")?.1;
    let path = &after_scheme[after_scheme.find('/')?..];
    crate::domain::forms::safe_local_path(path).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    // S7: X-Forwarded-For counts only from a trusted proxy, and only up to the first hop
    // that is not one of ours.
    #[test]
    fn s7_forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap();
        let chain = |values: &'static [&'static str]| values.iter().copied();
        assert_eq!(trusted.client_address(ip("10.1.2.3"), chain(&["203.0.113.9"])), ip("203.0.113.9"));
        assert_eq!(
            trusted.client_address(ip("192.0.2.7"), chain(&["198.51.100.1, 203.0.113.9, 10.0.0.5"])),
            ip("203.0.113.9"),
            "a spoofed left end is ignored"
        );
        assert_eq!(
            trusted.client_address(ip("10.1.2.3"), chain(&["198.51.100.1", "203.0.113.9"])),
            ip("203.0.113.9"),
            "several headers read as one chain"
        );
        assert_eq!(
            trusted.client_address(ip("203.0.113.50"), chain(&["198.51.100.1"])),
            ip("203.0.113.50"),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(trusted.client_address(ip("10.1.2.3"), chain(&[])), ip("10.1.2.3"));
        assert_eq!(
            trusted.client_address(ip("10.1.2.3"), chain(&["garbage, 10.0.0.9"])),
            ip("10.0.0.9"),
            "an unreadable hop ends the walk"
        );
        assert_eq!(
            TrustedProxies::default().client_address(ip("10.1.2.3"), chain(&["203.0.113.9"])),
            ip("10.1.2.3"),
            "no proxies configured: the peer"
        );
        assert!(TrustedProxies::parse("10.0.0.0/8, not-an-ip").unwrap_err().contains("not-an-ip"));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert_eq!(TrustedProxies::parse("::1, fd00::/8").unwrap().client_address(ip("::1"), chain(&["2001:db8::1"])), ip("2001:db8::1"));
    }

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut request = http::Request::builder();
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn cookies_are_found_by_name() {
        let p = parts(&[("cookie", "a=1; sop_session=xyz"), ("cookie", "b=2")]);
        assert_eq!(cookie_value(&p, "sop_session"), Some("xyz"));
        assert_eq!(cookie_value(&p, "b"), Some("2"));
        assert_eq!(cookie_value(&p, "c"), None);
    }

    #[test]
    fn plain_forms_and_referrers_are_recognised() {
        assert!(is_plain_form_post(&parts(&[("accept", "text/html,application/xhtml+xml")])));
        assert!(!is_plain_form_post(&parts(&[("accept", "application/json")])));
        assert_eq!(referring_path(&parts(&[("referer", "http://shop.example/account?x=1")])).as_deref(), Some("/account?x=1"));
        assert_eq!(referring_path(&parts(&[("referer", "http://shop.example")])), None);
    }
}
