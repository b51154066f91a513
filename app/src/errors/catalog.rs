//! Browsing and searching the catalog: its one error type.

use super::FailureKind;
use crate::domain::search::SearchInputError;
use serde::{Deserialize, Serialize};

/// Everything that can go wrong while browsing; each variant's doc names its HTTP status.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum CatalogError {
    /// 404
    #[error("We couldn't find that product. It may have been removed or the address may be mistyped.")]
    ProductNotFound,
    /// 404
    #[error("We couldn't find that category. It may have been renamed or the address may be mistyped.")]
    CategoryNotFound,
    /// 400; the search page shows it beside the field in error instead of failing.
    #[error("{0}")]
    InvalidSearch(SearchInputError),
    /// 400: the call's arguments could not be read (issue 21); in plain words.
    #[error("{0}")]
    BadRequest(String),
    /// 503: the database failed; details go to the log, not to the shopper.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Unavailable,
    /// The request never reached the store (network down, or a malformed call).
    #[error("We couldn't reach the store. Check your connection and try again.")]
    Unreachable(String),
}

impl super::Failure for CatalogError {
    fn kind(&self) -> FailureKind {
        match self {
            Self::ProductNotFound | Self::CategoryNotFound => FailureKind::NotFound,
            Self::InvalidSearch(_) | Self::BadRequest(_) => FailureKind::BadRequest,
            Self::Unavailable => FailureKind::Unavailable,
            Self::Unreachable(_) => FailureKind::Unreachable,
        }
    }
}

super::server_fn_error!(CatalogError);
