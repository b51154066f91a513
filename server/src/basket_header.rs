//! The basket count in every page's header, worked out once per page request (only for a
//! visitor with a session: everyone else has an empty basket, at no cost).

use app::server::{
    shop::basket::{self, BasketCount},
    state::AppState,
};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::Method;

/// Whether a path is a page (not a server function, an asset or a well-known file).
fn is_page(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !["/api/", "/pkg/", "/media/", "/.well-known/", "/admin/consent-log."].iter().any(|prefix| path.starts_with(prefix))
        && !last.contains('.')
}

pub async fn count_for_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    if parts.method == Method::GET
        && is_page(parts.uri.path())
        && app::server::accounts::sessions::token_from(&parts, state.secure_cookies).is_some()
    {
        let count = basket::item_count_for(&state, &parts).await;
        parts.extensions.insert(BasketCount(count));
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::is_page;

    #[test]
    fn only_pages_count_the_basket() {
        assert!(is_page("/") && is_page("/product/oak-chopping-board") && is_page("/checkout"));
        assert!(!is_page("/api/basket/add") && !is_page("/pkg/sop-store.wasm") && !is_page("/favicon.svg"));
        assert!(!is_page("/media/products/x.svg") && !is_page("/cookies/receipt.json"));
    }
}
