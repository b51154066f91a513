//! Security headers on every response, including a Content-Security-Policy whose script
//! nonce is fresh for each request (handed to Leptos for its own inline scripts) and whose
//! third-party hosts are exactly those of the tags the visitor's consent allows.

use app::domain::private_pages::shows_personal_data;
use app::domain::tags::{TagHosts, TagSet};
use app::server::{
    consent_cookie,
    consent_service::{PageTags, PrivateReferrer},
    state::AppState,
};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::{header, HeaderValue};
use rand::RngCore;

/// This request's CSP nonce, stored in the request's extensions for the Leptos renderer.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Our own origin, inline scripts carrying this response's nonce, and the hosts of the tags in
/// `tags` (those the visitor's consent allows): the browser itself refuses any other tag host
/// (B01, P11, P14, P29). wasm needs 'wasm-unsafe-eval' to instantiate (shared/LEPTOS-NOTES.md §2).
///
/// No 'strict-dynamic': with it, browsers ignore host lists in script-src and trust whatever
/// a nonce'd script loads, so a consented tag could pull in scripts from any host, and the
/// per-consent host list would mean nothing. Instead 'self' admits our own module and wasm
/// glue (imported by the nonce'd hydration script) and each tag's script hosts are listed.
pub fn content_security_policy(nonce: &str, tags: TagSet) -> String {
    let hosts = |directive: fn(&TagHosts) -> &'static [&'static str]| -> String {
        tags.iter().flat_map(|tag| directive(&tag.hosts())).map(|host| format!(" {host}")).collect()
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{}; \
         style-src 'self'; img-src 'self' data:{}; font-src 'self'; connect-src 'self'{}; frame-src 'self'{}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        hosts(|h| h.script),
        hosts(|h| h.img),
        hosts(|h| h.connect),
        hosts(|h| h.frame),
    )
}

/// Whether the request was sent from a page of this store that shows personal data, as its
/// `Referer` (the full address, under our same-origin policy) says: a page opened from an order
/// page, say, whose address holds the order number and its key.
fn comes_from_a_personal_page(parts: &http::request::Parts) -> bool {
    let (Some(referer), Some(host)) = (parts.headers.get(header::REFERER), parts.headers.get(header::HOST)) else { return false };
    let (Ok(referer), Ok(host)) = (referer.to_str(), host.to_str()) else { return false };
    path_on_this_site(referer, host).is_some_and(|path| shows_personal_data(path.split(['?', '#']).next().unwrap_or_default()))
}

/// What follows `scheme://host` in `url` when it is an address on this site, `host` being the
/// Host the browser addressed: empty for the bare origin, otherwise the path (with any query and
/// fragment). None for any other site, including one whose name merely begins with `host`
/// (`host.evil.example`, `host:30000`, `host@evil.example`).
fn path_on_this_site<'a>(url: &'a str, host: &str) -> Option<&'a str> {
    ["http://", "https://"]
        .iter()
        .find_map(|scheme| url.strip_prefix(scheme)?.strip_prefix(host))
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// A year of HSTS for a store served over https: once a browser has seen it, it never talks to
/// the store over plain http again, so a network attacker cannot strip TLS (S10).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// Works out, once per request, which tags its page may load ([`PageTags`], read by the shell)
/// and sends the matching policy with the other security headers.
pub async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let nonce = new_nonce();
    let (mut parts, body) = request.into_parts();
    // B05: while the browser sends GPC, no targeting tag loads, whatever the cookie says.
    let choices = consent_cookie::current_choices(&parts, &state.keys.consent_cookie, state.secure_cookies, chrono::Utc::now())
        .unwrap_or_default()
        .under_gpc(crate::gpc::sends_gpc(&parts.headers));
    // A page with personal data runs no optional tag, whatever the consent (P14, P28): no tag
    // can read a token, key or order number from its address or its content.
    let private = shows_personal_data(parts.uri.path());
    let tags = if private { TagSet::EMPTY } else { state.tags.allowed(choices) };
    if !tags.is_empty() && comes_from_a_personal_page(&parts) {
        parts.extensions.insert(PrivateReferrer);
    }
    parts.extensions.insert(CspNonce(nonce.clone()));
    parts.extensions.insert(PageTags(tags));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let headers = response.headers_mut();
    if private {
        // S10: never kept by a browser or proxy cache, for the next person at a shared computer.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.secure_cookies {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(STRICT_TRANSPORT_SECURITY));
    }
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce, tags)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Other sites learn at most our origin, and from a page with personal data (whose address
    // may hold a token, key or order number) nothing at all (P14, P28). Our own pages still get
    // its full address: a plain form post is answered by a redirect back to it, and a same-origin
    // POST must carry its Origin (under "no-referrer" a browser sends `Origin: null`). The next
    // page's tags are kept from reading it in document.referrer instead ([`PrivateReferrer`]).
    let referrer_policy = if private { "same-origin" } else { "strict-origin-when-cross-origin" };
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer_policy));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert(header::HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    response
}

/// The `host[:port]` of a URL such as `https://shop.example:8443/`, lower-cased.
pub fn host_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    (!authority.is_empty()).then(|| authority.to_ascii_lowercase())
}

/// Whether a request naming `host` is for this store, which answers only to `expected` (the
/// host of `PUBLIC_URL`, with its port if it has one; a default port may be written or not).
pub fn is_expected_host(host: Option<&str>, expected: &str) -> bool {
    let Some(host) = host.map(str::to_ascii_lowercase) else { return false };
    let without_default_port = |h: &str| h.strip_suffix(":443").or_else(|| h.strip_suffix(":80")).unwrap_or(h).to_owned();
    host == expected || without_default_port(&host) == without_default_port(expected)
}

/// Refuses a request whose `Host` is not the store's own (S10) when `PUBLIC_URL` names it: the
/// links the store writes into pages and e-mails come from `PUBLIC_URL`, and a request for
/// another name is a misdirected or forged one (DNS rebinding, Host header injection).
pub async fn refuse_unknown_hosts(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(expected) = state.expected_host.as_deref() else { return next.run(request).await };
    let host = request.headers().get(header::HOST).and_then(|v| v.to_str().ok()).or_else(|| request.uri().authority().map(|a| a.as_str()));
    if is_expected_host(host, expected) {
        return next.run(request).await;
    }
    tracing::warn!(path = request.uri().path(), "refused a request for another host");
    let mut response = Response::new(axum::body::Body::from("This server does not answer for that host name."));
    *response.status_mut() = http::StatusCode::MISDIRECTED_REQUEST;
    response
}

/// Whether a request may change state: reads always may; anything else must come from a page
/// of this site, as its `Origin` (or, failing that, its `Referer`) shows. `host` is the Host
/// the browser addressed, which a cross-site page cannot choose (OWASP's same-origin check).
pub fn is_same_site_request(method: &http::Method, host: Option<&str>, origin: Option<&str>, referer: Option<&str>) -> bool {
    if matches!(*method, http::Method::GET | http::Method::HEAD | http::Method::OPTIONS) {
        return true;
    }
    let Some(host) = host.filter(|h| !h.is_empty()) else { return false };
    match (origin, referer) {
        // An Origin is exactly scheme://host[:port]; "null" (sandboxed frames) is never this site.
        (Some(origin), _) => path_on_this_site(origin, host) == Some(""),
        (None, Some(referer)) => path_on_this_site(referer, host).is_some(),
        (None, None) => false,
    }
}

/// Refuses state-changing requests from other sites (CSRF), before any handler or server
/// function runs. Browsers send `Origin` on every cross-site POST, form or fetch.
pub async fn refuse_cross_site_requests(request: Request, next: Next) -> Response {
    let allowed = {
        let headers = request.headers();
        let header = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        is_same_site_request(request.method(), header(header::HOST), header(header::ORIGIN), header(header::REFERER))
            // RFC 8058: a mail program's one-click unsubscribe comes from no page of ours; its
            // signed token is its authority (see `one_click`).
            || crate::one_click::is_one_click(request.method(), request.uri().path())
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = request.uri().path(), "refused a cross-site request");
        let mut response = Response::new(axum::body::Body::from(
            "This request did not come from a page of this store, so it was refused. Go back to the store and try again.",
        ));
        *response.status_mut() = http::StatusCode::FORBIDDEN;
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::consent::ConsentChoices;
    use app::domain::tags::{ConfiguredTags, Tag};

    #[test]
    fn reads_are_always_allowed() {
        assert!(is_same_site_request(&http::Method::GET, None, None, None));
        assert!(is_same_site_request(&http::Method::HEAD, Some("shop"), Some("https://evil.example"), None));
    }

    #[test]
    fn writes_must_come_from_this_site() {
        let post = http::Method::POST;
        let host = Some("127.0.0.1:3000");
        assert!(is_same_site_request(&post, host, Some("http://127.0.0.1:3000"), None));
        assert!(is_same_site_request(&post, host, None, Some("http://127.0.0.1:3000/search?q=x")));
        assert!(!is_same_site_request(&post, host, None, None), "no evidence of where it came from");
        assert!(
            !is_same_site_request(&post, host, Some("https://evil.example"), Some("http://127.0.0.1:3000/")),
            "Origin wins over Referer"
        );
        assert!(!is_same_site_request(&post, host, Some("null"), None));
        assert!(!is_same_site_request(&post, host, Some("http://127.0.0.1:30000"), None), "another port is another site");
        assert!(!is_same_site_request(&post, host, Some("http://127.0.0.1:3000.evil.example"), None));
        assert!(!is_same_site_request(&post, host, None, Some("http://127.0.0.1:3000@evil.example/")));
        assert!(!is_same_site_request(&post, None, Some("http://127.0.0.1:3000"), None), "no Host to compare with");
    }

    #[test]
    fn only_an_address_on_this_site_has_a_path_on_it() {
        let host = "shop.example:8443";
        assert_eq!(path_on_this_site("https://shop.example:8443", host), Some(""));
        assert_eq!(path_on_this_site("http://shop.example:8443/orders/1?key=k#top", host), Some("/orders/1?key=k#top"));
        assert_eq!(path_on_this_site("https://shop.example:8443/", host), Some("/"));
        assert_eq!(path_on_this_site("https://shop.example:84430/", host), None, "another port");
        assert_eq!(path_on_this_site("https://shop.example:8443.evil.example/", host), None, "another host");
        assert_eq!(path_on_this_site("https://shop.example:8443@evil.example/", host), None, "credentials for another host");
        assert_eq!(path_on_this_site("https://other.example/", host), None);
        assert_eq!(path_on_this_site("ftp://shop.example:8443/", host), None, "neither http nor https");
        assert_eq!(path_on_this_site("shop.example:8443/", host), None, "no scheme");
        assert_eq!(path_on_this_site("null", host), None);
    }

    // P14, P28: a page opened from a personal page of ours keeps that address from its tags.
    #[test]
    fn p14_a_page_opened_from_a_personal_page_is_told_so() {
        let from = |referer: &str| {
            let request = http::Request::builder().header("host", "shop.example").header("referer", referer).body(()).unwrap();
            comes_from_a_personal_page(&request.into_parts().0)
        };
        assert!(from("https://shop.example/orders/SOP-AAAA-BBBB?key=abc&placed=1"));
        assert!(from("https://shop.example/account/confirm-email?token=x"));
        assert!(!from("https://shop.example/category/kitchen"));
        assert!(!from("https://shop.example/"));
        assert!(!from("https://shop.example"), "the bare origin is the home page");
        assert!(!from("https://other.example/orders/SOP-AAAA-BBBB"), "another site's page is not ours");
        assert!(!from("https://shop.example.evil.example/account"));
    }

    // S10: only the host of PUBLIC_URL is answered.
    #[test]
    fn s10_only_the_public_host_is_answered() {
        assert_eq!(host_of_url("https://Shop.Example/").as_deref(), Some("shop.example"));
        assert_eq!(host_of_url("http://127.0.0.1:3000").as_deref(), Some("127.0.0.1:3000"));
        assert_eq!(host_of_url("https://user@shop.example:8443/x?y").as_deref(), Some("shop.example:8443"));
        assert_eq!(host_of_url("shop.example"), None);
        assert!(is_expected_host(Some("shop.example"), "shop.example"));
        assert!(is_expected_host(Some("SHOP.example:443"), "shop.example"), "a default port may be written");
        assert!(is_expected_host(Some("127.0.0.1:3000"), "127.0.0.1:3000"));
        assert!(!is_expected_host(Some("evil.example"), "shop.example"));
        assert!(!is_expected_host(Some("shop.example.evil.example"), "shop.example"));
        assert!(!is_expected_host(Some("127.0.0.1:3001"), "127.0.0.1:3000"), "another port is another site");
        assert!(!is_expected_host(None, "shop.example"));
    }

    #[test]
    fn nonces_are_fresh_and_header_safe() {
        let (a, b) = (new_nonce(), new_nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(HeaderValue::from_str(&content_security_policy(&a, all_tags().enabled())).is_ok());
    }

    fn all_tags() -> ConfiguredTags {
        ConfiguredTags::new([
            Tag::GoogleAnalytics.parse_id("G-ABC123XYZ").unwrap(),
            Tag::FacebookPixel.parse_id("1234567890").unwrap(),
            Tag::LinkedInInsight.parse_id("123456").unwrap(),
        ])
    }

    fn directive<'a>(csp: &'a str, name: &str) -> &'a str {
        csp.split("; ").find(|d| d.starts_with(&format!("{name} "))).unwrap_or_else(|| panic!("{name} in {csp}"))
    }

    // B01, P14: before a choice and after "Reject all", our origin and the nonce only.
    #[test]
    fn b01_without_consent_the_policy_allows_only_our_origin_and_the_nonce() {
        let csp = content_security_policy("abc", all_tags().allowed(ConsentChoices::REJECT_ALL));
        assert_eq!(directive(&csp, "script-src"), "script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'");
        assert_eq!(directive(&csp, "connect-src"), "connect-src 'self'");
        assert_eq!(directive(&csp, "img-src"), "img-src 'self' data:");
        assert_eq!(directive(&csp, "frame-src"), "frame-src 'self'");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("strict-dynamic"), "host lists must count");
        assert!(!csp.contains("http"));
    }

    // P11, P29: each category opens exactly its own tags' hosts.
    #[test]
    fn p11_p29_consent_opens_exactly_the_allowed_tags_hosts() {
        let analytics = ConsentChoices { analytics: true, ..ConsentChoices::REJECT_ALL };
        let csp = content_security_policy("abc", all_tags().allowed(analytics));
        assert!(directive(&csp, "script-src").ends_with("'wasm-unsafe-eval' https://*.googletagmanager.com"));
        assert!(directive(&csp, "connect-src").contains("https://*.google-analytics.com"));
        assert!(!csp.contains("facebook") && !csp.contains("licdn") && !csp.contains("linkedin"));

        let targeting = ConsentChoices { targeting: true, ..ConsentChoices::REJECT_ALL };
        let csp = content_security_policy("abc", all_tags().allowed(targeting));
        assert!(directive(&csp, "script-src").contains("https://connect.facebook.net https://snap.licdn.com"));
        assert!(
            directive(&csp, "img-src").contains("https://www.facebook.com")
                && directive(&csp, "img-src").contains("https://px.ads.linkedin.com")
        );
        assert!(!csp.contains("google"));

        let unconfigured = content_security_policy("abc", ConfiguredTags::default().allowed(ConsentChoices::ACCEPT_ALL));
        assert!(!unconfigured.contains("http"), "no id, no host, whatever the consent");
    }
}
