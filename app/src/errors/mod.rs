//! What can go wrong, capability by capability: the error types the services in `server/`
//! return and the server functions in `api/` hand to the pages, in a module of their own so
//! neither side imports the other's. Each kind of failure has one HTTP status and one way of
//! being told, whichever capability reports it ([`FailureKind`]); each error type says only
//! which kind each of its variants is.

/// How a capability's error arrives from a failed server-function call: a call whose
/// arguments could not be read is its `BadRequest` (in plain words, [`malformed_call`]); any other
/// failure of the call itself is its `Unreachable`. One definition for every capability.
macro_rules! server_fn_error {
    ($error:ty) => {
        impl leptos::server_fn::error::FromServerFnError for $error {
            type Encoder = leptos::server_fn::codec::JsonEncoding;

            fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
                super::malformed_call(&value).map_or_else(|| Self::Unreachable(value.to_string()), Self::BadRequest)
            }
        }
    };
}
use server_fn_error;

pub mod account;
pub mod catalog;
pub mod consent;
pub mod marketing;
pub mod shop;
pub mod site;

/// The kinds of failure a shopper can meet, each with its one status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The request itself was wrong: a field missing or malformed, a link not ours.
    BadRequest,
    /// The visitor must sign in first (pages redirect there; API calls get a 401).
    NotSignedIn,
    /// Signed in, but staff must confirm their second factor first (pages redirect to it).
    SecondFactorRequired,
    /// Signed in, but not allowed; or a form that did not come from this session.
    Forbidden,
    /// Missing, or someone else's: the two are never told apart.
    NotFound,
    /// The store could not do it just now (its database, its mail or payment service); nothing
    /// was changed, details are in the server log.
    Unavailable,
    /// The browser could not reach the store, or read its answer.
    Unreachable,
}

impl FailureKind {
    pub const fn status(self) -> u16 {
        match self {
            Self::BadRequest => BAD_REQUEST,
            Self::NotSignedIn | Self::SecondFactorRequired => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Unavailable | Self::Unreachable => 503,
        }
    }
}

/// What every capability's error offers the shared page and form plumbing (`api::answer_form`,
/// `api::refuse_page_or_call`).
pub trait Failure: std::fmt::Display {
    fn kind(&self) -> FailureKind;

    fn status(&self) -> u16 {
        self.kind().status()
    }

    /// Where a page that meets this failure sends the visitor first, if anywhere.
    fn sign_in_page(&self) -> Option<&'static str> {
        match self.kind() {
            FailureKind::NotSignedIn => Some("/account/sign-in"),
            FailureKind::SecondFactorRequired => Some("/account/two-factor"),
            _ => None,
        }
    }
}

/// The status of a call whose arguments could not be read.
pub const BAD_REQUEST: u16 = 400;

/// Issue 21: a call to a server function whose arguments could not be read (a field missing,
/// a value of the wrong type, a body that is not a form) is the caller's mistake: a 400 with
/// plain words, never a 500 with the decoder's text. Every capability's `from_server_fn_error`
/// asks here first; `Some` is the message for its `BadRequest` variant, and on the server the
/// response's status is set to 400. Other errors (the network, the store's own answer) are `None`.
pub fn malformed_call(error: &leptos::server_fn::error::ServerFnErrorErr) -> Option<String> {
    use leptos::server_fn::error::ServerFnErrorErr as E;
    let detail = match error {
        E::Args(detail) | E::MissingArg(detail) => detail,
        // On the server, `Deserialization` is the request body; in the browser it is the
        // store's answer, which the visitor did nothing wrong to cause.
        E::Deserialization(detail) if cfg!(feature = "ssr") => detail,
        _ => return None,
    };
    let missing = missing_field(detail);
    #[cfg(feature = "ssr")]
    {
        // The decoder's text can quote what was sent, so only the missing field's name is logged.
        tracing::info!(
            missing_field = missing.as_deref().unwrap_or("-"),
            "refused a server-function call whose arguments could not be read"
        );
        crate::api::set_response_status(BAD_REQUEST);
    }
    Some(match missing {
        Some(field) => format!("The form was incomplete or malformed: the “{field}” field is missing. Reload the page and try again."),
        None => "The form was incomplete or malformed: a field could not be read. Reload the page and try again.".to_owned(),
    })
}

/// The field a decoder said was missing (serde's "missing field `name`"), if it looks like one
/// of our field names.
fn missing_field(detail: &str) -> Option<String> {
    let (_, rest) = detail.split_once("missing field `")?;
    let (name, _) = rest.split_once('`')?;
    let looks_like_ours = !name.is_empty() && name.len() <= 40 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    looks_like_ours.then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::server_fn::error::ServerFnErrorErr as E;

    // issue 21: bad input. Unreadable arguments become plain words; the decoder's text never
    // shows, and errors that are not about the call's input are left alone.
    #[test]
    fn issue21_unreadable_arguments_are_told_in_plain_words() {
        let missing = malformed_call(&E::Args("missing field `decision`".into())).expect("a bad request");
        assert_eq!(missing, "The form was incomplete or malformed: the “decision” field is missing. Reload the page and try again.");
        let wrong = malformed_call(&E::Args("invalid digit found in string \"x<script>\"".into())).expect("a bad request");
        assert!(!wrong.contains("digit") && !wrong.contains("script"), "{wrong}");
        assert!(malformed_call(&E::MissingArg("id".into())).is_some());
        assert_eq!(
            malformed_call(&E::Deserialization("expected value".into())).is_some(),
            cfg!(feature = "ssr"),
            "only the server reads a request body"
        );
        assert_eq!(malformed_call(&E::Request("offline".into())), None);
        assert_eq!(malformed_call(&E::ServerError("boom".into())), None);
        assert_eq!(missing_field("missing field `a b`"), None, "not one of our field names");
    }

    // issue 21: one mapping. The same words have the same status whichever capability says
    // them, and an account failure met while shopping keeps its meaning.
    #[test]
    fn issue21_each_kind_of_failure_has_one_status_whoever_reports_it() {
        use std::collections::HashMap;
        let said: Vec<(String, u16)> = [
            Box::new(account::AccountError::Unreachable("x".into())) as Box<dyn Failure>,
            Box::new(shop::ShopError::Unreachable("x".into())),
            Box::new(catalog::CatalogError::Unreachable("x".into())),
            Box::new(consent::ConsentError::Unreachable("x".into())),
            Box::new(site::SiteError::Unreachable("x".into())),
            Box::new(account::AccountError::Unavailable),
            Box::new(shop::ShopError::Unavailable),
            Box::new(account::AccountError::NotSignedIn),
            Box::new(shop::ShopError::NotSignedIn),
            Box::new(account::AccountError::Forbidden),
            Box::new(shop::ShopError::Forbidden),
            Box::new(account::AccountError::BadRequest("b".into())),
            Box::new(shop::ShopError::BadRequest("b".into())),
            Box::new(catalog::CatalogError::BadRequest("b".into())),
            Box::new(consent::ConsentError::BadRequest("b".into())),
            Box::new(site::SiteError::BadRequest("b".into())),
        ]
        .iter()
        .map(|failure| (failure.to_string(), failure.status()))
        .collect();
        let mut statuses: HashMap<&str, u16> = HashMap::new();
        for (words, status) in &said {
            let first = *statuses.entry(words).or_insert(*status);
            assert_eq!(first, *status, "“{words}” is {first} in one capability and {status} in another");
        }
        assert_eq!(catalog::CatalogError::Unreachable("x".into()).status(), 503);

        let missing = shop::ShopError::from(account::AccountError::NotFound);
        assert_ne!(missing, shop::ShopError::OrderNotFound, "a missing address is not a missing order");
        assert_eq!(missing.status(), 404);
        assert_eq!(shop::ShopError::from(account::AccountError::LinkInvalid).status(), 400);
        assert_eq!(account::AccountError::SecondFactorRequired.sign_in_page(), Some("/account/two-factor"));
        assert_eq!(shop::ShopError::NotSignedIn.sign_in_page(), Some("/account/sign-in"));
        assert_eq!(shop::ShopError::Forbidden.sign_in_page(), None);
    }
}
