//! The account pages: signing up and in (public), the staff sign-in's second step
//! (two_factor), and the account holder's own area.

pub mod public;
pub mod signed_in;
pub mod two_factor;

use crate::api::account::form_outcome;
use crate::domain::forms::FormReply;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_query_map};

/// The answer to a plain form post that redirected back here (`?form=<id>`), if any.
pub fn use_form_outcome() -> Resource<Option<FormReply>> {
    let query = use_query_map();
    Resource::new(
        move || query.with(|q| q.get("form")),
        |id| async move {
            match id {
                Some(id) => form_outcome(id).await.ok().flatten(),
                None => None,
            }
        },
    )
}

/// A query parameter of this page, e.g. `token` of an e-mailed link.
pub fn use_query_value(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(name)))
}

/// Sends a signed-out visitor to sign in, coming back to this page afterwards (what a page
/// shows when its data says "sign in first").
pub fn redirect_to_sign_in() -> AnyView {
    let here = use_location().pathname.get_untracked();
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    view! { <Redirect path=format!("/account/sign-in?next={next}")/> }.into_any()
}
