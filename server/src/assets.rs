//! Static files (the wasm, JS and CSS cargo-leptos built, and `public/`), served from disk
//! with precompressed variants and cache headers; anything missing becomes the 404 page.

use axum::{body::Body, Router};
use http::{header, HeaderValue, Request, Response};
use std::{convert::Infallible, path::Path};
use tower::ServiceExt;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// A stylesheet's hashed name changes with its content, so browsers may keep it for a year.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else in the build is revalidated (ServeDir answers 304 from Last-Modified).
/// The wasm is split (`--split`): the main JS, the main wasm, the chunk loader and the lazy
/// pages' chunks name one another, and cargo-leptos writes those names into them after it has
/// hashed their contents, so a file can keep its name while its content changes. Cached for a
/// year, an old main file would ask for a loader or chunk the next build deleted.
pub const REVALIDATE: &str = "no-cache";
/// `public/` files such as the favicon rarely change.
pub const PUBLIC_FILES: &str = "public, max-age=3600";

fn cache_header(
    choose: impl Fn(&http::HeaderMap) -> &'static str + Clone,
) -> SetResponseHeaderLayer<impl Fn(&Response<tower_http::services::fs::ServeFileSystemResponseBody>) -> Option<HeaderValue> + Clone> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, move |response: &Response<_>| {
        (response.status().is_success() || response.status() == http::StatusCode::NOT_MODIFIED)
            .then(|| HeaderValue::from_static(choose(response.headers())))
    })
}

/// How long a file of the build may be cached, by its type (also what a precompressed copy
/// is served as): only a hashed stylesheet is immutable.
pub fn build_file_caching(hashed: bool, headers: &http::HeaderMap) -> &'static str {
    let stylesheet = headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/css"));
    if hashed && stylesheet {
        IMMUTABLE
    } else {
        REVALIDATE
    }
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
    let pkg = tower::ServiceBuilder::new().layer(cache_header(move |headers| build_file_caching(hashed, headers))).service(pkg);
    let not_found = tower::service_fn(move |request: Request<Body>| {
        let not_found = not_found.clone();
        async move { Ok::<_, Infallible>(not_found(request).await) }
    });
    let root = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .not_found_service(not_found);
    let root = tower::ServiceBuilder::new().layer(cache_header(|_| PUBLIC_FILES)).service(root);
    router
        .nest_service(&format!("/{pkg_dir}"), ServiceExt::<Request<Body>>::map_response(pkg, |r| r.map(Body::new)))
        .fallback_service(ServiceExt::<Request<Body>>::map_response(root, |r| r.map(Body::new)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(content_type: &'static str) -> http::HeaderMap {
        http::HeaderMap::from_iter([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))])
    }

    #[test]
    fn only_a_hashed_stylesheet_is_cached_for_good() {
        assert_eq!(build_file_caching(true, &typed("text/css")), IMMUTABLE);
        assert_eq!(build_file_caching(true, &typed("text/javascript")), REVALIDATE);
        assert_eq!(build_file_caching(true, &typed("application/wasm")), REVALIDATE);
        assert_eq!(build_file_caching(false, &typed("text/css")), REVALIDATE);
    }
}
