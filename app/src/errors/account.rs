//! The accounts capability's one error type, returned by its services and server functions.

use super::FailureKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AccountError {
    #[error("Sign in to see this page.")]
    NotSignedIn,
    /// Staff signed in with their password, but have not confirmed their second factor yet.
    #[error("Enter the code from your authenticator app to open this page.")]
    SecondFactorRequired,
    /// 403: signed in, but not allowed (a customer in the staff area).
    #[error("Your account cannot open this page.")]
    Forbidden,
    /// 403: a form that did not come from this session's pages (CSRF).
    #[error("This form has expired. Reload the page and try again.")]
    FormExpired,
    /// 404: missing, or someone else's; the two are never told apart.
    #[error("We could not find that.")]
    NotFound,
    /// 400: the call's arguments could not be read (a field missing or malformed); the
    /// message is in plain words, never the decoder's (issue 21).
    #[error("{0}")]
    BadRequest(String),
    /// 400: a link that is not ours, has expired or was already used.
    #[error("This link has expired or has already been used. Ask for a new one.")]
    LinkInvalid,
    /// 503: the store could not do it just now; details are in the server log.
    #[error("Something went wrong on our side and nothing was changed. Please try again.")]
    Unavailable,
    #[error("We couldn't reach the store. Check your connection and try again.")]
    Unreachable(String),
}

impl super::Failure for AccountError {
    fn kind(&self) -> FailureKind {
        match self {
            Self::NotSignedIn => FailureKind::NotSignedIn,
            Self::SecondFactorRequired => FailureKind::SecondFactorRequired,
            Self::Forbidden | Self::FormExpired => FailureKind::Forbidden,
            Self::NotFound => FailureKind::NotFound,
            Self::LinkInvalid | Self::BadRequest(_) => FailureKind::BadRequest,
            Self::Unavailable => FailureKind::Unavailable,
            Self::Unreachable(_) => FailureKind::Unreachable,
        }
    }
}

super::server_fn_error!(AccountError);

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AccountError {
    fn from(error: sea_orm::DbErr) -> Self {
        tracing::error!(%error, "accounts: database error");
        Self::Unavailable
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::accounts::passwords::PasswordError> for AccountError {
    fn from(error: crate::server::accounts::passwords::PasswordError) -> Self {
        tracing::error!(%error, "accounts: password hashing failed");
        Self::Unavailable
    }
}
