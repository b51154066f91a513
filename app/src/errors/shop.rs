//! The shop capability's one error type (basket, checkout, orders, staff order handling).
//! Expected outcomes (a field in error, a declined card, a basket that changed) are not
//! errors: they come back as a `FormReply`.

use super::FailureKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ShopError {
    /// 401
    #[error("Sign in to see this page.")]
    NotSignedIn,
    /// 401: staff who have not confirmed their second factor yet (pages redirect to it).
    #[error("Enter the code from your authenticator app to open this page.")]
    SecondFactorRequired,
    /// 403: signed in, but not staff.
    #[error("Your account cannot open this page.")]
    Forbidden,
    /// 403: a form that did not come from this session's pages (CSRF), or whose session ended.
    #[error("This form has expired. Reload the page and try again.")]
    FormExpired,
    /// 400: the call's arguments could not be read (a field missing or malformed); the
    /// message is in plain words, never the decoder's (issue 21).
    #[error("{0}")]
    BadRequest(String),
    /// 404: missing, or someone else's; the two are never told apart.
    #[error("We could not find that order.")]
    OrderNotFound,
    /// 404: something else that is missing (an address of the shopper's, say).
    #[error("We could not find that.")]
    NotFound,
    /// 404
    #[error("We could not find that product. It may have been removed.")]
    ProductNotFound,
    /// 503: the payment service did not answer; nothing was charged and nothing was ordered.
    #[error("We could not reach our payment service, so nothing was charged and no order was placed. Please try again in a few minutes.")]
    PaymentUnavailable,
    /// 503: the store could not do it just now; details are in the server log.
    #[error("Something went wrong on our side and nothing was changed. Please try again.")]
    Unavailable,
    #[error("We couldn't reach the store. Check your connection and try again.")]
    Unreachable(String),
}

impl super::Failure for ShopError {
    fn kind(&self) -> FailureKind {
        match self {
            Self::NotSignedIn => FailureKind::NotSignedIn,
            Self::SecondFactorRequired => FailureKind::SecondFactorRequired,
            Self::BadRequest(_) => FailureKind::BadRequest,
            Self::Forbidden | Self::FormExpired => FailureKind::Forbidden,
            Self::NotFound | Self::OrderNotFound | Self::ProductNotFound => FailureKind::NotFound,
            Self::PaymentUnavailable | Self::Unavailable => FailureKind::Unavailable,
            Self::Unreachable(_) => FailureKind::Unreachable,
        }
    }
}

super::server_fn_error!(ShopError);

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for ShopError {
    fn from(error: sea_orm::DbErr) -> Self {
        tracing::error!(%error, "shop: database error");
        Self::Unavailable
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::mail::MailError> for ShopError {
    fn from(error: crate::server::mail::MailError) -> Self {
        tracing::error!(%error, "shop: queueing an e-mail failed");
        Self::Unavailable
    }
}

/// An account failure met while shopping keeps its kind and its words: a missing address is
/// not a missing order (issue 21).
impl From<super::account::AccountError> for ShopError {
    fn from(error: super::account::AccountError) -> Self {
        use super::account::AccountError as A;
        match error {
            A::NotSignedIn => Self::NotSignedIn,
            A::SecondFactorRequired => Self::SecondFactorRequired,
            A::Forbidden => Self::Forbidden,
            A::FormExpired => Self::FormExpired,
            A::NotFound => Self::NotFound,
            A::BadRequest(message) => Self::BadRequest(message),
            A::LinkInvalid => Self::BadRequest(A::LinkInvalid.to_string()),
            A::Unavailable => Self::Unavailable,
            A::Unreachable(message) => Self::Unreachable(message),
        }
    }
}
