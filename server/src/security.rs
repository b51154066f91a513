//! Security headers on every response, including a Content-Security-Policy whose script
//! nonce is fresh for each request and handed to Leptos for its own inline scripts.

use axum::{extract::Request, middleware::Next, response::Response};
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

/// Only our own origin, plus inline scripts carrying this response's nonce; wasm needs
/// 'wasm-unsafe-eval' to instantiate (see shared/LEPTOS-NOTES.md §2).
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let nonce = new_nonce();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
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
    // What follows "scheme://host" in a URL of this site, or None for any other site.
    let after_site = |url: &'_ str| -> Option<String> {
        ["http://", "https://"]
            .iter()
            .find_map(|scheme| url.strip_prefix(scheme)?.strip_prefix(host).map(str::to_owned))
    };
    match (origin, referer) {
        // An Origin is exactly scheme://host[:port]; "null" (sandboxed frames) is never this site.
        (Some(origin), _) => after_site(origin).is_some_and(|rest| rest.is_empty()),
        (None, Some(referer)) => after_site(referer).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
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
        assert!(!is_same_site_request(&post, host, Some("https://evil.example"), Some("http://127.0.0.1:3000/")), "Origin wins over Referer");
        assert!(!is_same_site_request(&post, host, Some("null"), None));
        assert!(!is_same_site_request(&post, host, Some("http://127.0.0.1:30000"), None), "another port is another site");
        assert!(!is_same_site_request(&post, host, Some("http://127.0.0.1:3000.evil.example"), None));
        assert!(!is_same_site_request(&post, host, None, Some("http://127.0.0.1:3000@evil.example/")));
        assert!(!is_same_site_request(&post, None, Some("http://127.0.0.1:3000"), None), "no Host to compare with");
    }

    #[test]
    fn nonces_are_fresh_and_header_safe() {
        let (a, b) = (new_nonce(), new_nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(HeaderValue::from_str(&content_security_policy(&a)).is_ok());
    }

    #[test]
    fn the_policy_allows_only_our_origin_and_the_nonce() {
        let csp = content_security_policy("abc");
        assert!(csp.contains("script-src 'nonce-abc' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("http"));
    }
}
