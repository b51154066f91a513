//! Which addresses of the store show personal data: accounts (sign-in, reset and confirmation
//! links included), the basket, the checkout, orders, staff pages, consent receipts, the
//! newsletter's pages (their links carry tokens) and every server function's answer. One rule, used by the server (no caching, no tags, no referrer) and
//! by the browser (no in-app navigation there from a page running tags), issue 21 S10 and
//! P14/P28.

/// Whether the page or answer at `path` (no query) can show personal data.
pub fn shows_personal_data(path: &str) -> bool {
    const PRIVATE: [&str; 7] = ["/account", "/checkout", "/orders/", "/admin", "/basket", "/cookies/receipt", "/newsletter"];
    path.starts_with("/api/")
        || PRIVATE.iter().any(|prefix| {
            path.strip_prefix(prefix).is_some_and(|rest| prefix.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '.', '?']))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s10_p14_personal_pages_are_told_apart_from_the_storefront() {
        for private in [
            "/account",
            "/account/orders",
            "/account/reset/new",
            "/account/confirm-email",
            "/checkout",
            "/orders/SOP-AAAA-BBBB",
            "/admin",
            "/admin/outbox/3",
            "/admin/consent-log.csv",
            "/basket",
            "/api/consent/decide",
            "/cookies/receipt.json",
            "/cookies/receipt/check",
            "/newsletter/confirm",
            "/newsletter/preferences",
        ] {
            assert!(shows_personal_data(private), "{private}");
        }
        for public in [
            "/",
            "/category/kitchen",
            "/product/copper-kettle",
            "/search",
            "/privacy",
            "/cookies",
            "/pkg/sop-store.wasm",
            "/accounting-tips",
            "/basketball",
            "/orders",
        ] {
            assert!(!shows_personal_data(public), "{public}");
        }
    }
}
