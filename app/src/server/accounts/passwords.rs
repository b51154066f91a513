//! Password hashing with argon2id at OWASP's parameters, off the async workers: a hash takes
//! tens of milliseconds of CPU, which would stall every other request on the runtime.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB of memory, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task stopped: {0}")]
    Task(String),
}

/// S4: lets at most `permits` argon2 computations run at once. Each takes 19 MiB, so a burst of
/// sign-ins or registrations waits here instead of taking gigabytes of memory; more than one
/// per core would not finish any sooner.
#[derive(Debug)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    counts: Arc<GateCounts>,
}

#[derive(Debug, Default)]
struct GateCounts {
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl HashGate {
    pub fn new(permits: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(permits.max(1))), counts: Arc::default() }
    }

    /// Runs `work` on the blocking pool once a permit is free. The permit travels with the work,
    /// so a caller that gives up waiting cannot let more than `permits` run at once.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, PasswordError> {
        let permit = self.permits.clone().acquire_owned().await.map_err(|e| PasswordError::Task(e.to_string()))?;
        let counts = self.counts.clone();
        tokio::task::spawn_blocking(move || {
            let running = counts.running.fetch_add(1, Ordering::SeqCst) + 1;
            counts.peak.fetch_max(running, Ordering::SeqCst);
            let result = work();
            counts.running.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            result
        })
        .await
        .map_err(|e| PasswordError::Task(e.to_string()))
    }

    /// The most computations that have ever run at once through this gate.
    pub fn peak(&self) -> usize {
        self.counts.peak.load(Ordering::SeqCst)
    }
}

/// The one gate every hash and verification of this process goes through: one permit per core.
pub fn gate() -> &'static HashGate {
    static GATE: OnceLock<HashGate> = OnceLock::new();
    GATE.get_or_init(|| HashGate::new(std::thread::available_parallelism().map(usize::from).unwrap_or(1)))
}

tokio::task_local! {
    static HASHES_IN_TASK: std::cell::Cell<u32>;
}

/// Runs `work` and counts the password hashes it computed (this task only), so a test can show
/// that a code path pays for a hash, for example that registering a taken address costs as
/// much as a free one (S5).
pub async fn counting_hashes<F: Future>(work: F) -> (F::Output, u32) {
    HASHES_IN_TASK
        .scope(std::cell::Cell::new(0), async move {
            let output = work.await;
            (output, HASHES_IN_TASK.with(|count| count.get()))
        })
        .await
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) to store.
pub async fn hash_password(password: String) -> Result<String, PasswordError> {
    let _ = HASHES_IN_TASK.try_with(|count| count.set(count.get() + 1));
    gate().run(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string()).map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches `stored`. With no account to check against, pass `None`: a
/// dummy hash is verified instead, so the answer takes as long either way and the timing does
/// not tell whether an e-mail address is registered.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    gate()
        .run(move || {
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
            let matches = PasswordHash::new(&stored).is_ok_and(|hash| hasher().verify_password(password.as_bytes(), &hash).is_ok());
            known && matches
        })
        .await
        .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("a password nobody has, to spend the same time").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id_at_owasp_parameters() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong horse battery".into(), Some(hash.clone())).await);
        assert_ne!(hash, hash_password("correct horse battery".into()).await.unwrap(), "salted");
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches() {
        assert!(!verify_password("a password nobody has, to spend the same time".into(), None).await);
        assert!(!verify_password("x".into(), Some("not a hash".into())).await);
    }

    // S4: a burst of hashes never runs more than the gate's permits at once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn s4_concurrent_hashes_never_exceed_the_permits() {
        let gate = Arc::new(HashGate::new(2));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move { gate.run(|| std::thread::sleep(std::time::Duration::from_millis(20))).await.is_ok() })
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap());
        }
        assert!((1..=2).contains(&gate.peak()), "peak {}", gate.peak());
    }

    // S4: the real hashes go through the process's gate, one permit per core.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn s4_password_hashing_goes_through_the_process_gate() {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        let hashes: Vec<_> = (0..cores + 2).map(|i| tokio::spawn(hash_password(format!("password number {i}")))).collect();
        for hash in hashes {
            assert!(hash.await.unwrap().is_ok());
        }
        assert!((1..=cores).contains(&gate().peak()), "peak {} with {cores} cores", gate().peak());
    }

    #[tokio::test]
    async fn hashes_are_counted_per_task() {
        let ((), none) = counting_hashes(async {}).await;
        let (_, two) = counting_hashes(async {
            let _ = hash_password("one passphrase here".into()).await;
            let _ = verify_password("not counted: verifying".into(), None).await;
            let _ = hash_password("two passphrase here".into()).await;
        })
        .await;
        assert_eq!((none, two), (0, 2));
    }
}
