//! Product pictures, drawn on request from the catalog (see `app::domain::product_art`).

use app::domain::slug::Slug;
use app::server::{catalog_service, state::AppState};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use http::{header, StatusCode};

pub async fn product_image(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(slug) = file.strip_suffix(".svg").and_then(|s| Slug::parse(s).ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let catalog = match catalog_service::snapshot(&state).await {
        Ok(catalog) => catalog,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    match catalog_service::product_image_svg(&catalog, &slug) {
        Some(svg) => ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], svg).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
