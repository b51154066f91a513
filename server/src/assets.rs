//! Static files (the wasm, JS and CSS cargo-leptos built, and `public/`), served from disk
//! with precompressed variants and cache headers; anything missing becomes the 404 page.

use axum::{body::Body, Router};
use http::{header, HeaderValue, Request, Response};
use std::{convert::Infallible, path::Path};
use tower::ServiceExt;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// Hashed names change with their content, so browsers may keep them for a year.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed build output must be revalidated (ServeDir answers with ETag/Last-Modified).
pub const REVALIDATE: &str = "no-cache";
/// `public/` files such as the favicon rarely change.
pub const PUBLIC_FILES: &str = "public, max-age=3600";

fn cache_header(value: &'static str) -> SetResponseHeaderLayer<impl Fn(&Response<tower_http::services::fs::ServeFileSystemResponseBody>) -> Option<HeaderValue> + Clone> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, move |response: &Response<_>| {
        (response.status().is_success() || response.status() == http::StatusCode::NOT_MODIFIED)
            .then(|| HeaderValue::from_static(value))
    })
}

/// Adds the static file services to `router`: `/{pkg_dir}/…` and everything else in the site
/// root; `not_found` answers for files that do not exist.
pub fn serve_static<S, F, Fut>(router: Router<S>, site_root: &Path, pkg_dir: &str, hashed: bool, not_found: F) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(Request<Body>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Response<Body>> + Send + 'static,
{
    let pkg = ServeDir::new(site_root.join(pkg_dir)).precompressed_br().precompressed_gzip();
    let pkg = tower::ServiceBuilder::new()
        .layer(cache_header(if hashed { IMMUTABLE } else { REVALIDATE }))
        .service(pkg);
    let not_found = tower::service_fn(move |request: Request<Body>| {
        let not_found = not_found.clone();
        async move { Ok::<_, Infallible>(not_found(request).await) }
    });
    let root = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .not_found_service(not_found);
    let root = tower::ServiceBuilder::new().layer(cache_header(PUBLIC_FILES)).service(root);
    router
        .nest_service(&format!("/{pkg_dir}"), ServiceExt::<Request<Body>>::map_response(pkg, |r| r.map(Body::new)))
        .fallback_service(ServiceExt::<Request<Body>>::map_response(root, |r| r.map(Body::new)))
}
