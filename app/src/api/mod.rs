//! Server functions, by capability. Each returns its capability's own typed error.

pub mod account;
pub mod account_error;
pub mod admin;
pub mod catalog;
pub mod consent;
pub mod site;

/// Sets this response's status: a server function's error reaches the hydrated page with
/// the right status, and a server-rendered page gets the status of its data.
#[cfg(feature = "ssr")]
pub fn set_response_status(status: u16) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
}
