//! The accounts capability's one error type, shared by its server functions and pages.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AccountError {
    /// 401
    #[error("Sign in to see this page.")]
    NotSignedIn,
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

impl AccountError {
    pub fn status(&self) -> u16 {
        match self {
            Self::NotSignedIn => 401,
            Self::Forbidden | Self::FormExpired => 403,
            Self::NotFound => 404,
            Self::LinkInvalid | Self::BadRequest(_) => super::BAD_REQUEST,
            Self::Unavailable | Self::Unreachable(_) => 503,
        }
    }
}

impl super::FormFailure for AccountError {
    fn status(&self) -> u16 {
        AccountError::status(self)
    }

    fn needs_sign_in(&self) -> bool {
        *self == Self::NotSignedIn
    }
}

impl FromServerFnError for AccountError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        super::malformed_call(&value).map_or_else(|| Self::Unreachable(value.to_string()), Self::BadRequest)
    }
}

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
