//! Server functions, by capability. Each returns its capability's own typed error (`crate::errors`).

pub mod account;
pub mod admin;
pub mod catalog;
pub mod consent;
pub mod marketing;
pub mod marketing_staff;
pub mod shop;
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

#[cfg(feature = "ssr")]
use crate::errors::Failure;

/// A failure while loading a page's data: rendering a page, "sign in first" becomes a redirect
/// to sign in that comes back here afterwards; called as an API, the response gets the status.
#[cfg(feature = "ssr")]
pub fn refuse_page_or_call<E: Failure>(error: E) -> E {
    let parts = request::parts();
    match error.sign_in_page().filter(|_| !parts.uri.path().starts_with("/api/")) {
        None => set_response_status(error.status()),
        Some(sign_in_page) => {
            let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
            let next: String = form_urlencoded::byte_serialize(path_and_query.as_bytes()).collect();
            leptos_axum::redirect(&format!("{sign_in_page}?next={next}"));
            // leptos_axum sets the 302 only when the request asks for HTML; a page fetched with
            // `Accept: */*` would otherwise be a 200 with an empty page (issue 21).
            set_response_status(302);
        }
    }
    error
}

/// The answer to a plain form post that redirected back to a page (`?form=<id>`), if it is
/// still kept for this visitor.
#[cfg(feature = "ssr")]
pub fn flashed_outcome(form: Option<String>) -> Option<crate::domain::forms::FormReply> {
    use crate::server::form_flash::VisitorKey;
    form.and_then(|id| crate::server::state::app_state().form_flash.get(&id, &VisitorKey::current()))
}

/// Hands a form's outcome back in the way the form was sent: as JSON to the hydrated page, or
/// to a plain form post as a redirect, with the outcome kept under an id for the next page.
/// A reply that names where to go next (after a success, or when the page must be reloaded to
/// show the error, as when a basket changed) carries the outcome there.
#[cfg(feature = "ssr")]
pub fn answer_form<E: Failure>(
    form: &str,
    outcome: Result<crate::domain::forms::FormReply, E>,
) -> Result<crate::domain::forms::FormReply, E> {
    use crate::domain::forms::{FieldError, FormReply};
    use crate::server::form_flash::with_flash;
    let parts = request::parts();
    let state = crate::server::state::app_state();
    let status = outcome.as_ref().err().map(Failure::status);
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
        Err(error) => match error.sign_in_page() {
            Some(sign_in_page) => {
                leptos_axum::redirect(sign_in_page);
                return Err(error);
            }
            None => FormReply::rejected(form, vec![FieldError::new("form", error.to_string())], vec![]),
        },
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
