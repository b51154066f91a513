//! What the server hands to every server function and page render.

use super::{build_assets::BuildAssets, catalog_cache::CatalogCache};
use crate::domain::operator::Operator;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared, cheaply cloned state of the running store.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub operator: Operator,
    pub catalog: Arc<CatalogCache>,
    pub assets: Arc<BuildAssets>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, as provided by the server for each request. Its absence is a wiring bug in the
/// server binary, found by the first integration test, so it is not a user-facing error.
pub fn app_state() -> AppState {
    expect_context::<AppState>()
}
