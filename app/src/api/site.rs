//! Facts about the store itself that every page shows.

use crate::domain::operator::Operator;
pub use crate::errors::site::SiteError;
use leptos::prelude::*;

/// The operator's identity for the footer and the policy page (P01).
#[server(endpoint = "site/operator")]
pub async fn load_operator() -> Result<Operator, SiteError> {
    Ok(crate::server::state::app_state().operator.clone())
}
