//! Marketing preferences, the newsletter and unsubscribing: their one error type.

use super::FailureKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MarketingError {
    /// 401: the account's switches need the account.
    #[error("Sign in to change your marketing choices.")]
    NotSignedIn,
    /// Staff signed in with their password, but have not confirmed their second factor yet.
    #[error("Enter the code from your authenticator app to open this page.")]
    SecondFactorRequired,
    /// 403: signed in, but not staff (the staff area's marketing pages).
    #[error("Your account cannot open this page.")]
    Forbidden,
    /// 403: a form that did not come from this session's pages (CSRF).
    #[error("This form has expired. Reload the page and try again.")]
    FormExpired,
    /// 400: a link whose signature is not ours (changed, cut short, or made up).
    #[error("This link is not valid: it may have been cut short or changed. Use the link from the e-mail, or ask for a new one below.")]
    LinkInvalid,
    /// 400: a newsletter confirmation link older than its week.
    #[error("This confirmation link has expired. Sign up again and we will send you a new one.")]
    LinkExpired,
    /// 400: a topic this store does not have.
    #[error("Choose one of the topics shown.")]
    UnknownTopic,
    /// 400: the call's arguments could not be read; in plain words.
    #[error("{0}")]
    BadRequest(String),
    /// 503: nothing was changed; details are in the server log.
    #[error("Your choice could not be saved just now, so nothing was changed. Please try again.")]
    Unavailable,
    #[error("We couldn't reach the store. Check your connection and try again.")]
    Unreachable(String),
}

impl super::Failure for MarketingError {
    fn kind(&self) -> FailureKind {
        match self {
            Self::NotSignedIn => FailureKind::NotSignedIn,
            Self::SecondFactorRequired => FailureKind::SecondFactorRequired,
            Self::Forbidden | Self::FormExpired => FailureKind::Forbidden,
            Self::LinkInvalid | Self::LinkExpired | Self::UnknownTopic | Self::BadRequest(_) => FailureKind::BadRequest,
            Self::Unavailable => FailureKind::Unavailable,
            Self::Unreachable(_) => FailureKind::Unreachable,
        }
    }
}

super::server_fn_error!(MarketingError);

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for MarketingError {
    fn from(error: sea_orm::DbErr) -> Self {
        tracing::error!(%error, "marketing: database error");
        Self::Unavailable
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::mail::MailError> for MarketingError {
    fn from(error: crate::server::mail::MailError) -> Self {
        tracing::error!(%error, "marketing: queueing an e-mail failed");
        Self::Unavailable
    }
}

#[cfg(feature = "ssr")]
impl From<crate::errors::account::AccountError> for MarketingError {
    fn from(error: crate::errors::account::AccountError) -> Self {
        use crate::errors::account::AccountError;
        match error {
            AccountError::NotSignedIn => Self::NotSignedIn,
            AccountError::SecondFactorRequired => Self::SecondFactorRequired,
            AccountError::Forbidden => Self::Forbidden,
            AccountError::FormExpired => Self::FormExpired,
            AccountError::BadRequest(message) => Self::BadRequest(message),
            AccountError::Unreachable(message) => Self::Unreachable(message),
            _ => Self::Unavailable,
        }
    }
}
