//! Server functions, by capability. Each returns its capability's own typed error.

pub mod account;
pub mod account_error;
pub mod admin;
pub mod catalog;
pub mod consent;
pub mod shop;
pub mod shop_error;
pub mod site;

/// What a server function needs of the request it answers, shared by every capability.
#[cfg(feature = "ssr")]
pub mod request {
    /// The request's head (cookies, headers, path), as leptos_axum provides it.
    pub fn parts() -> http::request::Parts {
        leptos::prelude::expect_context::<http::request::Parts>()
    }

    pub fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }

    /// Adds a `Set-Cookie` header to this response.
    pub fn set_cookie(cookie: &str) {
        use crate::server::accounts::sessions;
        if let (Some(response), Some(value)) =
            (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), sessions::header_value(cookie))
        {
            response.append_header(sessions::SET_COOKIE, value);
        }
    }
}

/// Sets this response's status: a server function's error reaches the hydrated page with
/// the right status, and a server-rendered page gets the status of its data.
#[cfg(feature = "ssr")]
pub fn set_response_status(status: u16) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
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
        set_response_status(BAD_REQUEST);
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

/// What every capability's error offers the shared form and page plumbing below.
pub trait FormFailure: std::fmt::Display {
    fn status(&self) -> u16;
    /// The visitor must sign in first (pages redirect; API calls get a 401).
    fn needs_sign_in(&self) -> bool;
}

/// A failure while loading a page's data: rendering a page, "sign in first" becomes a redirect
/// to sign in that comes back here afterwards; called as an API, the response gets the status.
#[cfg(feature = "ssr")]
pub fn refuse_page_or_call<E: FormFailure>(error: E) -> E {
    let parts = request::parts();
    if parts.uri.path().starts_with("/api/") || !error.needs_sign_in() {
        set_response_status(error.status());
    } else {
        let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        let next: String = form_urlencoded::byte_serialize(path_and_query.as_bytes()).collect();
        leptos_axum::redirect(&format!("/account/sign-in?next={next}"));
        // leptos_axum sets the 302 only when the request asks for HTML; a page fetched with
        // `Accept: */*` would otherwise be a 200 with an empty page (issue 21).
        set_response_status(302);
    }
    error
}

/// Hands a form's outcome back in the way the form was sent: as JSON to the hydrated page, or
/// to a plain form post as a redirect, with the outcome kept under an id for the next page.
/// A reply that names where to go next (after a success, or when the page must be reloaded to
/// show the error, as when a basket changed) carries the outcome there.
#[cfg(feature = "ssr")]
pub fn answer_form<E: FormFailure>(
    form: &str,
    outcome: Result<crate::domain::forms::FormReply, E>,
) -> Result<crate::domain::forms::FormReply, E> {
    use crate::domain::forms::{FieldError, FormReply};
    use crate::server::form_flash::with_flash;
    let parts = request::parts();
    let state = crate::server::state::app_state();
    let status = outcome.as_ref().err().map(FormFailure::status);
    let outcome = outcome.map(|mut reply| {
        if let (Some(target), true) = (reply.redirect.clone(), reply.notice.is_some() || !reply.is_ok()) {
            let (path, fragment) = target.split_once('#').map(|(p, f)| (p.to_owned(), format!("#{f}"))).unwrap_or((target, String::new()));
            let id = state.form_flash.put(reply.clone(), &crate::server::form_flash::VisitorKey::after_this_response());
            reply.redirect = Some(format!("{}{fragment}", with_flash(&path, &id)));
        }
        reply
    });
    if !crate::server::request::is_plain_form_post(&parts) {
        if let Some(status) = status {
            set_response_status(status);
        }
        return outcome;
    }
    let back = crate::server::request::referring_path(&parts).unwrap_or_else(|| "/".to_owned());
    let reply = match outcome {
        Err(error) if error.needs_sign_in() => {
            leptos_axum::redirect("/account/sign-in");
            return Err(error);
        }
        Err(error) => FormReply::rejected(form, vec![FieldError::new("form", error.to_string())], vec![]),
        Ok(reply) => reply,
    };
    match &reply.redirect {
        Some(target) => leptos_axum::redirect(target),
        None => leptos_axum::redirect(&with_flash(
            &back,
            &state.form_flash.put(reply.clone(), &crate::server::form_flash::VisitorKey::after_this_response()),
        )),
    }
    Ok(reply)
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
}
