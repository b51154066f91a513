//! Carries a form's outcome across the redirect that follows a plain (no-JavaScript) form post,
//! so the page shows the errors and what was typed. Kept in memory for a few minutes under a
//! random id: the URL then holds only that id, never what the shopper typed.

use crate::domain::forms::FormReply;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The outcome is read by the page the redirect leads to, at once; a little slack covers a slow
/// network or a reload.
const KEEP_FOR: Duration = Duration::from_secs(120);
/// A cap on memory under a flood: then the oldest outcomes go first.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Default)]
pub struct FormFlash {
    entries: Mutex<Entries>,
}

/// The outcomes by id, and their ids in the order they were put, so expiry looks only at the
/// oldest few instead of scanning them all (every add to a basket puts one).
#[derive(Debug, Default)]
struct Entries {
    by_id: HashMap<String, (Instant, FormReply)>,
    oldest_first: VecDeque<(Instant, String)>,
}

impl FormFlash {
    pub fn put(&self, reply: FormReply) -> String {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let id = URL_SAFE_NO_PAD.encode(bytes);
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        while let Some((at, oldest)) = entries.oldest_first.front().cloned() {
            if now.duration_since(at) < KEEP_FOR && entries.by_id.len() < MAX_ENTRIES {
                break;
            }
            entries.oldest_first.pop_front();
            entries.by_id.remove(&oldest);
        }
        entries.by_id.insert(id.clone(), (now, reply));
        entries.oldest_first.push_back((now, id.clone()));
        id
    }

    pub fn get(&self, id: &str) -> Option<FormReply> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.by_id.get(id).filter(|(at, _)| at.elapsed() < KEEP_FOR).map(|(_, reply)| reply.clone())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().map(|e| e.by_id.len()).unwrap_or(0)
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

    #[test]
    fn outcomes_come_back_by_id() {
        let flash = FormFlash::default();
        let id = flash.put(FormReply::saved("details", "Saved"));
        assert_eq!(flash.get(&id).unwrap().notice.as_deref(), Some("Saved"));
        assert!(flash.get("nope").is_none());
    }

    #[test]
    fn a_flood_keeps_the_newest_outcomes_within_the_cap() {
        let flash = FormFlash::default();
        let first = flash.put(FormReply::saved("a", "first"));
        for _ in 0..MAX_ENTRIES {
            flash.put(FormReply::saved("a", "more"));
        }
        let newest = flash.put(FormReply::saved("a", "newest"));
        assert!(flash.len() <= MAX_ENTRIES);
        assert!(flash.get(&first).is_none(), "the oldest went first");
        assert_eq!(flash.get(&newest).unwrap().notice.as_deref(), Some("newest"));
    }

    #[test]
    fn the_id_replaces_any_earlier_one() {
        assert_eq!(with_flash("/account", "x"), "/account?form=x");
        assert_eq!(with_flash("/account?next=%2F&form=old", "x"), "/account?next=%2F&form=x");
    }
}
