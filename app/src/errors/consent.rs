//! Cookie decisions: their one error type.

use super::FailureKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ConsentError {
    /// 400
    #[error("Choose “Accept all”, “Reject all” or your own settings.")]
    UnknownDecision,
    /// 400: the form's fields could not be read at all (issue 21); in plain words.
    #[error("{0}")]
    BadRequest(String),
    /// 503: the decision was not recorded, so it is not acknowledged either.
    #[error("Your choice could not be saved just now. Please try again.")]
    NotRecorded,
    #[error("We couldn't reach the store. Check your connection and try again.")]
    Unreachable(String),
}

impl super::Failure for ConsentError {
    fn kind(&self) -> FailureKind {
        match self {
            Self::UnknownDecision | Self::BadRequest(_) => FailureKind::BadRequest,
            Self::NotRecorded => FailureKind::Unavailable,
            Self::Unreachable(_) => FailureKind::Unreachable,
        }
    }
}

super::server_fn_error!(ConsentError);
