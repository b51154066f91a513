//! Carries a form's outcome across the redirect that follows a plain (no-JavaScript) form post,
//! so the page shows the errors and what was typed. Kept in memory for a few minutes under a
//! random id: the URL then holds only that id, never what the shopper typed. Each outcome is
//! bound to the visitor who made it (issue 21, S8), so an id that leaks (a shared link, a
//! referrer, a log) shows nothing to anyone else.

use crate::domain::consent::CONSENT_COOKIE;
use crate::domain::cookies::SESSION_COOKIE;
use crate::domain::forms::FormReply;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The outcome is read by the page the redirect leads to, at once; a little slack covers a slow
/// network or a reload.
const KEEP_FOR: Duration = Duration::from_secs(120);
/// A cap on memory under a flood: then the oldest outcomes go first.
const MAX_ENTRIES: usize = 100_000;
/// The same cap in bytes (S8): one visitor posting long values must not fill the memory either.
const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Above this an outcome keeps its errors but not what was typed: showing a very long value
/// again is not worth the memory.
const MAX_ENTRY_BYTES: usize = 64 * 1024;
/// What an entry costs besides its strings: the id (twice), the owner, the time, the headers
/// of the strings and vectors, the map's and the queue's slots.
const ENTRY_OVERHEAD: usize = 256;

/// Who an outcome belongs to: a hash of the visitor's session cookie, else of their consent
/// cookie, else of nothing (a visitor without either cookie). Hashed so the memory holds no
/// token that could be replayed as a cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorKey([u8; 32]);

impl VisitorKey {
    /// The visitor whose cookies these are (`name`, `value` pairs; the first of a name counts,
    /// as everywhere in the store, and an empty value is no cookie).
    fn from_cookies(cookies: &[(&str, &str)]) -> Self {
        let first = |name: &str| cookies.iter().find(|(key, _)| *key == name).map(|(_, value)| *value).filter(|value| !value.is_empty());
        let mut hasher = Sha256::new();
        match (first(SESSION_COOKIE), first(CONSENT_COOKIE)) {
            (Some(token), _) => hasher.update(format!("session\n{token}")),
            (None, Some(consent)) => hasher.update(format!("consent\n{consent}")),
            (None, None) => hasher.update("no cookie"),
        }
        Self(hasher.finalize().into())
    }

    /// The visitor who sent this request.
    pub fn of_request(parts: &http::request::Parts) -> Self {
        Self::from_cookies(&crate::server::request::cookies(parts).collect::<Vec<_>>())
    }

    /// The visitor as their next request will show them: this request's cookies, with those
    /// this response sets (`Set-Cookie` values) in their place. Signing in starts a session, a
    /// first basket add too, and signing out ends one, all in the response to the form that
    /// then redirects to its outcome.
    pub fn after_response<'a>(parts: &http::request::Parts, set_cookies: impl IntoIterator<Item = &'a str>) -> Self {
        let set: Vec<(&str, &str)> = set_cookies.into_iter().filter_map(|value| value.split(';').next()?.trim().split_once('=')).collect();
        // The last `Set-Cookie` of a name wins; the request's cookies count only where none was set.
        let mut cookies: Vec<(&str, &str)> = set.into_iter().rev().collect();
        let set_names: Vec<&str> = cookies.iter().map(|(name, _)| *name).collect();
        cookies.extend(crate::server::request::cookies(parts).filter(|(name, _)| !set_names.contains(name)));
        Self::from_cookies(&cookies)
    }

    /// The visitor of the request being answered (from Leptos' context).
    pub fn current() -> Self {
        Self::of_request(&leptos::prelude::expect_context::<http::request::Parts>())
    }

    /// The visitor of the request being answered, as the page after this response sees them
    /// (from Leptos' context, with the `Set-Cookie` headers given to this response so far).
    pub fn after_this_response() -> Self {
        let parts = leptos::prelude::expect_context::<http::request::Parts>();
        let set_cookies: Vec<String> = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            .map(|response| {
                let response = response.0.read().unwrap_or_else(std::sync::PoisonError::into_inner);
                response.headers.get_all(http::header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
            })
            .unwrap_or_default();
        Self::after_response(&parts, set_cookies.iter().map(String::as_str))
    }
}

#[derive(Debug, Default)]
pub struct FormFlash {
    entries: Mutex<Entries>,
}

/// The outcomes by id, and their ids in the order they were put, so expiry looks only at the
/// oldest few instead of scanning them all (every add to a basket puts one).
#[derive(Debug, Default)]
struct Entries {
    by_id: HashMap<String, Entry>,
    oldest_first: VecDeque<(Instant, String)>,
    /// The estimated size of everything in `by_id`.
    bytes: usize,
}

#[derive(Debug)]
struct Entry {
    at: Instant,
    owner: VisitorKey,
    reply: FormReply,
    bytes: usize,
}

/// What an outcome costs in memory, roughly: its strings and a fixed overhead.
fn estimated_bytes(reply: &FormReply) -> usize {
    let errors: usize = reply.errors.iter().map(|e| e.field.len() + e.message.len() + 48).sum();
    let values: usize = reply.values.iter().map(|(k, v)| k.len() + v.len() + 48).sum();
    ENTRY_OVERHEAD
        + reply.form.len()
        + errors
        + values
        + reply.notice.as_ref().map_or(0, String::len)
        + reply.redirect.as_ref().map_or(0, String::len)
}

impl Entries {
    /// Drops the oldest outcomes while they are expired or while there is no room for one of
    /// `incoming` bytes.
    fn make_room(&mut self, now: Instant, incoming: usize) {
        while let Some((at, oldest)) = self.oldest_first.front() {
            let full = self.by_id.len() >= MAX_ENTRIES || self.bytes + incoming > MAX_BYTES;
            if now.duration_since(*at) < KEEP_FOR && !full {
                break;
            }
            if let Some(entry) = self.by_id.remove(oldest) {
                self.bytes -= entry.bytes;
            }
            self.oldest_first.pop_front();
        }
    }
}

impl FormFlash {
    /// Keeps `reply` for `owner`'s next page; returns its id.
    pub fn put(&self, reply: FormReply, owner: &VisitorKey) -> String {
        self.put_at(reply, owner, Instant::now())
    }

    fn put_at(&self, mut reply: FormReply, owner: &VisitorKey, now: Instant) -> String {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let id = URL_SAFE_NO_PAD.encode(bytes);
        let mut size = estimated_bytes(&reply);
        if size > MAX_ENTRY_BYTES {
            reply.values.clear();
            size = estimated_bytes(&reply);
        }
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.make_room(now, size);
        entries.bytes += size;
        entries.by_id.insert(id.clone(), Entry { at: now, owner: owner.clone(), reply, bytes: size });
        entries.oldest_first.push_back((now, id.clone()));
        id
    }

    /// The outcome under `id`, if it is still fresh and `visitor` is the one who made it.
    pub fn get(&self, id: &str, visitor: &VisitorKey) -> Option<FormReply> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.by_id.get(id).filter(|entry| entry.at.elapsed() < KEEP_FOR && entry.owner == *visitor).map(|entry| entry.reply.clone())
    }

    /// Drops every expired outcome; the housekeeping task calls it, so memory is given back
    /// even when no new form is posted. Returns how many went.
    pub fn sweep_expired(&self) -> usize {
        self.sweep_expired_at(Instant::now())
    }

    fn sweep_expired_at(&self, now: Instant) -> usize {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let before = entries.by_id.len();
        entries.make_room(now, 0);
        before - entries.by_id.len()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().map(|e| e.by_id.len()).unwrap_or(0)
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.entries.lock().map(|e| e.bytes).unwrap_or(0)
    }
}

/// Adds `form=<id>` to a local path's query.
pub fn with_flash(path: &str, id: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("form=")).collect();
    let mut url = format!("{base}?");
    for pair in kept {
        url.push_str(pair);
        url.push('&');
    }
    url.push_str("form=");
    url.push_str(id);
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forms::FieldError;

    fn request(cookie: Option<&str>) -> http::request::Parts {
        let mut request = http::Request::builder();
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.body(()).unwrap().into_parts().0
    }

    fn visitor(cookie: &str) -> VisitorKey {
        VisitorKey::of_request(&request(Some(cookie)))
    }

    #[test]
    fn outcomes_come_back_by_id() {
        let flash = FormFlash::default();
        let me = visitor("sop_session=mine");
        let id = flash.put(FormReply::saved("details", "Saved"), &me);
        assert_eq!(flash.get(&id, &me).unwrap().notice.as_deref(), Some("Saved"));
        assert!(flash.get("nope", &me).is_none());
    }

    #[test]
    fn a_flood_keeps_the_newest_outcomes_within_the_cap() {
        let flash = FormFlash::default();
        let me = visitor("sop_session=mine");
        let first = flash.put(FormReply::saved("a", "first"), &me);
        for _ in 0..MAX_ENTRIES {
            flash.put(FormReply::saved("a", "more"), &me);
        }
        let newest = flash.put(FormReply::saved("a", "newest"), &me);
        assert!(flash.len() <= MAX_ENTRIES);
        assert!(flash.get(&first, &me).is_none(), "the oldest went first");
        assert_eq!(flash.get(&newest, &me).unwrap().notice.as_deref(), Some("newest"));
    }

    // S8: long values posted again and again cannot take more than MAX_BYTES; the oldest
    // outcomes go first.
    #[test]
    fn s8_the_outcomes_are_capped_in_bytes_oldest_first() {
        let flash = FormFlash::default();
        let me = visitor("sop_session=mine");
        let long = || FormReply::rejected("a", vec![FieldError::new("name", "Too long")], vec![("name".into(), "x".repeat(60 * 1024))]);
        let first = flash.put(long(), &me);
        for _ in 0..(MAX_BYTES / (60 * 1024)) * 2 {
            flash.put(long(), &me);
        }
        let newest = flash.put(long(), &me);
        assert!(flash.bytes() <= MAX_BYTES, "{} bytes kept", flash.bytes());
        assert!(flash.len() < 200, "far fewer than the count cap: {}", flash.len());
        assert!(flash.get(&first, &me).is_none(), "the oldest went first");
        assert_eq!(flash.get(&newest, &me).unwrap().values[0].1.len(), 60 * 1024, "the newest is whole");
    }

    // S8: one outcome alone cannot be huge: what was typed is dropped, the errors stay.
    #[test]
    fn s8_an_oversized_outcome_keeps_its_errors_not_what_was_typed() {
        let flash = FormFlash::default();
        let me = visitor("sop_session=mine");
        let huge = FormReply::rejected("a", vec![FieldError::new("name", "Too long")], vec![("name".into(), "x".repeat(MAX_ENTRY_BYTES))]);
        let id = flash.put(huge, &me);
        let kept = flash.get(&id, &me).unwrap();
        assert_eq!(kept.errors.len(), 1);
        assert!(kept.values.is_empty());
        assert!(flash.bytes() < MAX_ENTRY_BYTES);
    }

    // S8: an outcome is shown only to the visitor who made it, not to whoever learns its id.
    #[test]
    fn s8_another_visitor_cannot_read_an_outcome_by_its_id() {
        let flash = FormFlash::default();
        let me = visitor("sop_session=mine");
        let id = flash.put(FormReply::rejected("checkout", vec![], vec![("email".into(), "me@example.com".into())]), &me);
        assert!(flash.get(&id, &visitor("sop_session=someone-else")).is_none(), "another session");
        assert!(flash.get(&id, &VisitorKey::of_request(&request(None))).is_none(), "no cookie at all");
        assert!(flash.get(&id, &visitor("sop_consent=mine")).is_none(), "a consent cookie with the same value");
        assert!(flash.get(&id, &visitor("theme=dark; sop_session=mine")).is_some(), "the owner, whatever else they send");

        let consent_only = visitor("sop_consent=v2.abc");
        let id = flash.put(FormReply::saved("reset", "Sent"), &consent_only);
        assert!(flash.get(&id, &visitor("sop_consent=v2.xyz")).is_none());
        assert!(flash.get(&id, &consent_only).is_some());
    }

    // S8: the outcome is bound to the cookies the next page will carry: signing in (a new
    // session cookie) and signing out (the cookie cleared) lead to a page that still sees it.
    #[test]
    fn s8_the_owner_is_the_visitor_after_this_response() {
        let signing_in = request(Some("sop_consent=c1; sop_session=anonymous"));
        let after = VisitorKey::after_response(&signing_in, ["sop_session=fresh; Path=/; HttpOnly; SameSite=Lax"]);
        assert_eq!(after, visitor("sop_consent=c1; sop_session=fresh"));
        let signing_out = request(Some("sop_session=fresh; sop_consent=c1"));
        let after = VisitorKey::after_response(&signing_out, ["sop_session=; Path=/; Max-Age=0; HttpOnly"]);
        assert_eq!(after, visitor("sop_consent=c1"));
        let untouched = VisitorKey::after_response(&signing_out, ["_ga=; Max-Age=0"]);
        assert_eq!(untouched, VisitorKey::of_request(&signing_out));
        let twice = VisitorKey::after_response(&request(None), ["sop_session=a", "sop_session=b"]);
        assert_eq!(twice, visitor("sop_session=b"), "the last Set-Cookie wins");
    }

    // S8: expired outcomes are given back by the sweep, without waiting for the next post.
    #[test]
    fn s8_the_sweep_drops_expired_outcomes() {
        let flash = FormFlash::default();
        let me = visitor("sop_session=mine");
        let now = Instant::now();
        flash.put_at(FormReply::saved("a", "old"), &me, now);
        let fresh = flash.put_at(FormReply::saved("a", "new"), &me, now + Duration::from_secs(1));
        assert_eq!(flash.sweep_expired_at(now + KEEP_FOR), 1);
        assert_eq!(flash.len(), 1);
        assert!(flash.get(&fresh, &me).is_some());
        assert_eq!(flash.bytes(), estimated_bytes(&FormReply::saved("a", "new")));
    }

    #[test]
    fn the_id_replaces_any_earlier_one() {
        assert_eq!(with_flash("/account", "x"), "/account?form=x");
        assert_eq!(with_flash("/account?next=%2F&form=old", "x"), "/account?next=%2F&form=x");
    }
}
