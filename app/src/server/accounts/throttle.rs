//! Rate limits for sign-in (per account and per client network) and for the forms that send
//! e-mail (per client network), kept in memory: they protect against guessing and flooding,
//! need no durability, and must not cost a database write per attempt.
//! Keys are HMACs of the e-mail address and the truncated client address, never the values.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub attempts: u32,
    pub window: Duration,
}

/// Five wrong passwords per account, and a hundred per client network (a /24 or /48 may be a
/// whole office behind one address), each per 15 minutes. Only failures count, so a busy
/// network of people who know their passwords is never locked out.
pub const PER_ACCOUNT: Limit = Limit { attempts: 5, window: Duration::minutes(15) };
pub const PER_NETWORK: Limit = Limit { attempts: 100, window: Duration::minutes(15) };

/// S4: registrations, new confirmation links and reset links, each per client network per 15
/// minutes. Every one sends an e-mail (and a registration costs an argon2 hash), so a flood
/// could bury an inbox or the store; twenty is far more than one household or office needs.
pub const MAIL_REQUESTS_PER_NETWORK: Limit = Limit { attempts: 20, window: Duration::minutes(15) };

/// S4: sign-in links for a locked account, per account per 15 minutes. Each needs the right
/// password, so this only keeps a stuck "Sign in" button from filling the owner's inbox.
pub const SIGN_IN_LINKS_PER_ACCOUNT: Limit = Limit { attempts: 3, window: Duration::minutes(15) };

/// Attempts per key within a sliding window. (Named for sign-in, its first use; the keys say
/// which limit they belong to.)
#[derive(Debug, Default)]
pub struct SignInThrottle {
    windows: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

/// An attempt that `admit` let through and counted: it stays counted (as a failure) unless
/// `forget` is called for it.
#[derive(Debug)]
#[must_use = "an admitted attempt stays counted unless forgotten"]
pub struct Attempt {
    keys: Vec<String>,
    at: DateTime<Utc>,
}

impl SignInThrottle {
    /// S4: checks every key against its limit and, if all have room, counts the attempt on each,
    /// under one lock: attempts made in parallel cannot all pass a check before any is counted.
    /// `Err(wait)` when a key has used up its attempts in the window (nothing is counted then).
    pub fn admit(&self, limits: &[(&str, Limit)], now: DateTime<Utc>) -> Result<Attempt, Duration> {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut longest_wait = None;
        for (key, limit) in limits {
            let Some(times) = windows.get_mut(*key) else { continue };
            times.retain(|t| now - *t < limit.window);
            if times.len() as u32 >= limit.attempts {
                let oldest = times.iter().min().copied().unwrap_or(now);
                let wait = limit.window - (now - oldest);
                longest_wait = Some(longest_wait.map_or(wait, |w: Duration| w.max(wait)));
            }
        }
        if let Some(wait) = longest_wait {
            return Err(wait);
        }
        // Bounded memory: forget windows that have long expired before growing further.
        if windows.len() > 100_000 {
            windows.retain(|_, times| times.iter().any(|t| now - *t < Duration::hours(1)));
        }
        for (key, _) in limits {
            windows.entry((*key).to_owned()).or_default().push(now);
        }
        Ok(Attempt { keys: limits.iter().map(|(key, _)| (*key).to_owned()).collect(), at: now })
    }

    /// Uncounts an admitted attempt that turned out not to be a failure (a right password).
    pub fn forget(&self, attempt: Attempt) {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for key in &attempt.keys {
            if let Some(times) = windows.get_mut(key) {
                if let Some(position) = times.iter().position(|t| *t == attempt.at) {
                    times.swap_remove(position);
                }
            }
        }
    }

    /// Forgets every attempt on a key (an account whose owner proved who they are).
    pub fn clear(&self, key: &str) {
        self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }
}

/// "Try again in 12 minutes", rounded up so the wait is never understated.
pub fn minutes_to_wait(wait: Duration) -> i64 {
    ((wait.num_seconds() + 59) / 60).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_within_the_window_only() {
        let throttle = SignInThrottle::default();
        let start = Utc::now();
        for i in 0..5 {
            assert!(throttle.admit(&[("k", PER_ACCOUNT)], start + Duration::seconds(i)).is_ok(), "attempt {i}");
        }
        let wait = throttle.admit(&[("k", PER_ACCOUNT)], start + Duration::minutes(1)).unwrap_err();
        assert_eq!(minutes_to_wait(wait), 14);
        assert!(throttle.admit(&[("other", PER_ACCOUNT)], start).is_ok(), "keys are independent");
        assert!(throttle.admit(&[("k", PER_ACCOUNT)], start + Duration::minutes(16)).is_ok(), "the window moved on");
        throttle.clear("k");
        assert!(throttle.admit(&[("k", PER_ACCOUNT)], start).is_ok());
    }

    // S4: admitting is the count; with no separate "record" step, the sixth of six attempts
    // still running at once is refused.
    #[test]
    fn s4_attempts_in_flight_count_before_they_finish() {
        let throttle = SignInThrottle::default();
        let now = Utc::now();
        let in_flight: Vec<Attempt> =
            (0..5).map(|_| throttle.admit(&[("net", PER_NETWORK), ("acct", PER_ACCOUNT)], now).unwrap()).collect();
        assert!(throttle.admit(&[("net", PER_NETWORK), ("acct", PER_ACCOUNT)], now).is_err());
        assert!(throttle.admit(&[("net", PER_NETWORK)], now).is_ok(), "a refusal counted nothing on the network");
        // One of them was a right password: forgetting it frees one place.
        let mut in_flight = in_flight.into_iter();
        throttle.forget(in_flight.next().unwrap());
        assert!(throttle.admit(&[("acct", PER_ACCOUNT)], now).is_ok());
        assert!(throttle.admit(&[("acct", PER_ACCOUNT)], now).is_err());
    }

    // S4: many threads at once never get more than the limit through.
    #[test]
    fn s4_parallel_attempts_never_exceed_the_limit() {
        let throttle = std::sync::Arc::new(SignInThrottle::default());
        let now = Utc::now();
        let admitted: usize = (0..32)
            .map(|_| {
                let throttle = throttle.clone();
                std::thread::spawn(move || throttle.admit(&[("acct", PER_ACCOUNT)], now).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|thread| usize::from(thread.join().unwrap()))
            .sum();
        assert_eq!(admitted, PER_ACCOUNT.attempts as usize);
    }

    #[test]
    fn a_refusal_names_the_longest_wait() {
        let throttle = SignInThrottle::default();
        let start = Utc::now();
        let limit = Limit { attempts: 1, window: Duration::minutes(15) };
        let _ = throttle.admit(&[("a", limit)], start).unwrap();
        let _ = throttle.admit(&[("b", limit)], start + Duration::minutes(10)).unwrap();
        let wait = throttle.admit(&[("a", limit), ("b", limit)], start + Duration::minutes(11)).unwrap_err();
        assert_eq!(minutes_to_wait(wait), 14);
    }
}
