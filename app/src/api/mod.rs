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
        if let (Some(response), Some(value)) = (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), sessions::header_value(cookie)) {
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
    }
    error
}

/// Hands a form's outcome back in the way the form was sent: as JSON to the hydrated page, or
/// to a plain form post as a redirect, with the outcome kept under an id for the next page.
/// A reply that names where to go next (after a success, or when the page must be reloaded to
/// show the error, as when a basket changed) carries the outcome there.
#[cfg(feature = "ssr")]
pub fn answer_form<E: FormFailure>(form: &str, outcome: Result<crate::domain::forms::FormReply, E>) -> Result<crate::domain::forms::FormReply, E> {
    use crate::domain::forms::{FieldError, FormReply};
    use crate::server::form_flash::with_flash;
    let parts = request::parts();
    let state = crate::server::state::app_state();
    let status = outcome.as_ref().err().map(FormFailure::status);
    let outcome = outcome.map(|mut reply| {
        if let (Some(target), true) = (reply.redirect.clone(), reply.notice.is_some() || !reply.is_ok()) {
            let (path, fragment) = target.split_once('#').map(|(p, f)| (p.to_owned(), format!("#{f}"))).unwrap_or((target, String::new()));
            let id = state.form_flash.put(reply.clone());
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
        None => leptos_axum::redirect(&with_flash(&back, &state.form_flash.put(reply.clone()))),
    }
    Ok(reply)
}
