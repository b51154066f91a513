//! Tells browser tests (and anything else watching) that a form's handlers are attached.
//!
//! A page hydrates in pieces: the app shell first, then each lazy route's chunk and each
//! `<Suspense>` as its data resolves. A test that clicks a form's button in between gets the
//! browser's plain post and a full reload instead of the hydrated answer (the README's test
//! command once failed on a clean machine for exactly that reason, issue 21). So every form
//! with a hydrated submit handler carries `data-enhanced` from the server and gets
//! `data-hydrated` from an effect once it is live; a test waits until no `form[data-enhanced]`
//! lacks the mark (`end2end/tests/fixtures.ts`, `waitForHydration`).

use leptos::{html, prelude::*};

/// Marks the form behind `form` as hydrated once it is mounted and its handlers attached.
/// Effects run only in the browser, and only after the element they read is live.
pub fn mark_when_hydrated(form: NodeRef<html::Form>) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(form) = form.get() {
            let _ = form.set_attribute("data-hydrated", "true");
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = form;
}
