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

/// The peer's address (the store is meant to be reached directly or through a proxy that
/// the operator configures; no forwarded-for header is trusted blindly).
pub fn client_ip(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

/// A browser's own form submission asks for HTML; the hydrated app's fetch asks for JSON.
pub fn is_plain_form_post(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
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
