//! Carries a form's outcome across the redirect that follows a plain (no-JavaScript) form post,
//! so the page shows the errors and what was typed. Kept in memory for a few minutes under a
//! random id: the URL then holds only that id, never what the shopper typed.

use crate::domain::forms::FormReply;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const KEEP_FOR: Duration = Duration::from_secs(600);
const MAX_ENTRIES: usize = 20_000;

#[derive(Debug, Default)]
pub struct FormFlash {
    entries: Mutex<HashMap<String, (Instant, FormReply)>>,
}

impl FormFlash {
    pub fn put(&self, reply: FormReply) -> String {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let id = URL_SAFE_NO_PAD.encode(bytes);
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        entries.retain(|_, (at, _)| now.duration_since(*at) < KEEP_FOR);
        if entries.len() >= MAX_ENTRIES {
            return id; // Under a flood the outcome is dropped; the form simply shows empty.
        }
        entries.insert(id.clone(), (now, reply));
        id
    }

    pub fn get(&self, id: &str) -> Option<FormReply> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(id).filter(|(at, _)| at.elapsed() < KEEP_FOR).map(|(_, reply)| reply.clone())
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
    fn the_id_replaces_any_earlier_one() {
        assert_eq!(with_flash("/account", "x"), "/account?form=x");
        assert_eq!(with_flash("/account?next=%2F&form=old", "x"), "/account?next=%2F&form=x");
    }
}
