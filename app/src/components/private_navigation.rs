//! A page running optional tags never turns into a page with personal data in place (P14, P28).
//!
//! The server sends no tag with an account, basket, checkout, order or staff page. But hydrated,
//! the router would show such a page without loading a new document, and the tags of the page
//! before would still be running there, free to report its address (a reset token, an order
//! key) as analytics tools do on every history change. So on a page whose tags run, a link to
//! a page with personal data is followed by the browser itself: the new document comes from the
//! server, with no tags and no referrer.

/// Call once, in the browser, after hydration.
#[cfg(feature = "hydrate")]
pub fn load_personal_pages_afresh() {
    use crate::domain::private_pages::shows_personal_data;
    use leptos::prelude::{document, window};
    use wasm_bindgen::{closure::Closure, JsCast};

    let tags_running = document()
        .query_selector("meta[name=sop-tags]")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .is_some_and(|tags| !tags.trim().is_empty());
    if !tags_running {
        return;
    }
    // In the capture phase, so it runs before the router's own click handler, which leaves a
    // link marked rel="external" to the browser.
    let on_click = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        let anchor = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        let Some(anchor) = anchor else { return };
        let same_site = window().location().origin().is_ok_and(|origin| origin == anchor.origin());
        if same_site && shows_personal_data(&anchor.pathname()) {
            let rel = anchor.rel();
            if !rel.split_ascii_whitespace().any(|word| word == "external") {
                anchor.set_rel(&format!("{rel} external"));
            }
        }
    });
    let _ = document().add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    // Lives as long as the page.
    on_click.forget();
}
