//! Sign-in rate limits, per account and per client network, kept in memory: they protect
//! against guessing, need no durability, and must not cost a database write per attempt.
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

#[derive(Debug, Default)]
pub struct SignInThrottle {
    windows: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl SignInThrottle {
    /// `Err(wait)` when the key has used up its attempts in the window.
    pub fn check(&self, key: &str, limit: Limit, now: DateTime<Utc>) -> Result<(), Duration> {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(times) = windows.get_mut(key) else { return Ok(()) };
        times.retain(|t| now - *t < limit.window);
        if times.len() as u32 >= limit.attempts {
            let oldest = times.iter().min().copied().unwrap_or(now);
            return Err(limit.window - (now - oldest));
        }
        Ok(())
    }

    pub fn record(&self, key: &str, now: DateTime<Utc>) {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Bounded memory: forget windows that have long expired before growing further.
        if windows.len() > 100_000 {
            windows.retain(|_, times| times.iter().any(|t| now - *t < Duration::hours(1)));
        }
        windows.entry(key.to_owned()).or_default().push(now);
    }

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
            assert!(throttle.check("k", PER_ACCOUNT, start).is_ok(), "attempt {i}");
            throttle.record("k", start + Duration::seconds(i));
        }
        let wait = throttle.check("k", PER_ACCOUNT, start + Duration::minutes(1)).unwrap_err();
        assert_eq!(minutes_to_wait(wait), 14);
        assert!(throttle.check("other", PER_ACCOUNT, start).is_ok(), "keys are independent");
        assert!(throttle.check("k", PER_ACCOUNT, start + Duration::minutes(16)).is_ok(), "the window moved on");
        throttle.clear("k");
        assert!(throttle.check("k", PER_ACCOUNT, start).is_ok());
    }
}
