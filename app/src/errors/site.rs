//! Facts about the store itself: the one error type of their server functions.

use super::FailureKind;
use serde::{Deserialize, Serialize};

/// Reading the store's own configuration cannot fail; only the call to the store can.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SiteError {
    /// 400: the call's arguments could not be read (issue 21); in plain words.
    #[error("{0}")]
    BadRequest(String),
    #[error("We couldn't reach the store. Check your connection and try again.")]
    Unreachable(String),
}

impl super::Failure for SiteError {
    fn kind(&self) -> FailureKind {
        match self {
            Self::BadRequest(_) => FailureKind::BadRequest,
            Self::Unreachable(_) => FailureKind::Unreachable,
        }
    }
}

super::server_fn_error!(SiteError);
