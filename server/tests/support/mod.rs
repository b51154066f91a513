//! Test helpers: each test gets the real application on a random port with its own fresh
//! database (SQLite in a temporary folder, or a new PostgreSQL database) and site folder.
#![allow(dead_code)]

pub mod accounts;
pub mod crawl;
pub mod logs;
pub mod shop;
pub mod smtp;

use app::server::state::AppState;
use sea_orm::{ConnectionTrait, Database};
use sop_server::{config::Config, startup::Application};
use std::{
    collections::HashMap,
    future::Future,
    path::PathBuf,
    sync::{
        atomic::{AtomicU32, Ordering},
        OnceLock,
    },
};

/// One runtime, for the whole test process, runs every server under test, on one thread like
/// the real binary (see server/src/main.rs: Leptos' SSR can lose a wake-up across worker
/// threads), and outlives every test so no server is cut off when its test's runtime ends.
fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("store-under-test")
            .enable_all()
            .build()
            .expect("the servers' runtime starts")
    })
}

/// Builds and runs the store on the shared server runtime; returns its address once it listens.
pub async fn start_server(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> (std::net::SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let (address, _state, server) = start_server_with_state(config, shutdown).await;
    (address, server)
}

/// As `start_server`, also returning the store's state (its database pool and mailer).
pub async fn start_server_with_state(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> (std::net::SocketAddr, AppState, tokio::task::JoinHandle<std::io::Result<()>>) {
    let (ready, started) = tokio::sync::oneshot::channel();
    let server = server_runtime().spawn(async move {
        let app = Application::build(config).await.expect("the store starts");
        let _ = ready.send((app.local_addr(), app.state().clone()));
        app.run_until(shutdown).await
    });
    let (address, state) = started.await.expect("the store reports its address");
    (address, state, server)
}

/// The PostgreSQL server the test command found reachable, as an admin URL (for example
/// `postgres://postgres@127.0.0.1:5432/test`). Unset: the PostgreSQL variants are skipped.
pub const POSTGRES_ADMIN_URL_VAR: &str = "SOP_TEST_POSTGRES_URL";

pub enum TestDb {
    Sqlite { url: String },
    Postgres { url: String, admin_url: String, name: String },
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub fn sqlite(dir: &tempfile::TempDir) -> Self {
        Self::Sqlite { url: format!("sqlite://{}/store.db", dir.path().display()) }
    }

    /// A fresh, empty PostgreSQL database, or None (with a notice) when none is configured.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var(POSTGRES_ADMIN_URL_VAR) else {
            eprintln!("SKIPPED (PostgreSQL): {POSTGRES_ADMIN_URL_VAR} is not set; the test command sets it when PostgreSQL is reachable");
            return None;
        };
        let name = format!(
            "sop_test_{}_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
        );
        let admin = Database::connect(&admin_url).await.expect("PostgreSQL was announced reachable");
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
        admin.close().await.ok();
        let base = admin_url.rsplit_once('/').map(|(base, _)| base.to_owned()).unwrap_or(admin_url.clone());
        Some(Self::Postgres { url: format!("{base}/{name}"), admin_url, name })
    }

    /// A fresh database on `backend`; None (with a notice) for PostgreSQL when none is configured.
    pub async fn fresh(backend: Backend, dir: &tempfile::TempDir) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite(dir)),
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url } | Self::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name, .. } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async; a short-lived runtime on its own thread removes the database.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                runtime.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    }
                });
                Ok::<_, std::io::Error>(())
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// The running store's own state: its database pool, mailer, configuration.
    pub state: AppState,
    pub client: reqwest::Client,
    pub db: TestDb,
    pub site_root: PathBuf,
    _dir: tempfile::TempDir,
}

/// Fake tag ids in the configured form, for tests that run with every optional tag on.
pub const ALL_TAG_IDS: [(&str, &str); 3] =
    [("GOOGLE_ANALYTICS_ID", "G-TEST12345"), ("FACEBOOK_PIXEL_ID", "1234567890"), ("LINKEDIN_PARTNER_ID", "123456")];

pub fn base_vars(db_url: &str, dir: &tempfile::TempDir) -> HashMap<String, String> {
    let site_root = dir.path().join("site");
    [
        ("LISTEN_ADDR", "127.0.0.1:0".to_owned()),
        ("DATABASE_URL", db_url.to_owned()),
        ("DATABASE_MAX_CONNECTIONS", "4".to_owned()),
        ("SECRET_KEY_FILE", dir.path().join("secret.key").display().to_string()),
        ("LEPTOS_SITE_ROOT", site_root.display().to_string()),
        ("DEMO_DATA", "true".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Which database a test runs against.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Starts the store; None when the backend is PostgreSQL and none is configured.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

pub async fn spawn_app_with(backend: Backend, overrides: &[(&str, &str)]) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = TestDb::fresh(backend, &dir).await?;
    let mut vars = base_vars(db.url(), &dir);
    for (key, value) in overrides {
        vars.insert((*key).to_owned(), (*value).to_owned());
    }
    let site_root = PathBuf::from(&vars["LEPTOS_SITE_ROOT"]);
    write_site_files(&site_root);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("test configuration is valid");
    let (address, state, _server) = start_server_with_state(config, std::future::pending()).await;
    let address = format!("http://{address}");
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http client");
    Some(TestApp { address, state, client, db, site_root, _dir: dir })
}

/// A stand-in for cargo-leptos' output: a JS file with a precompressed twin, and a public file.
fn write_site_files(site_root: &std::path::Path) {
    let pkg = site_root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site folder");
    std::fs::write(pkg.join("sop-store.js"), "export default function(){}\n".repeat(40)).expect("js");
    std::fs::write(pkg.join("sop-store.js.br"), b"brotli-bytes").expect("js.br");
    std::fs::write(site_root.join("robots.txt"), "User-agent: *\nAllow: /\n").expect("robots");
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request reaches the store")
    }

    /// GETs a page as a signed-in browser and returns its status and body.
    pub async fn page_with_cookie(&self, path: &str, cookie: &str) -> (u16, String) {
        let response = self
            .client
            .get(self.url(path))
            .header("cookie", cookie)
            .header("accept", "text/html")
            .send()
            .await
            .expect("request reaches the store");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// `sop_consent=…` for `cookie`, signed with this store's key.
    pub fn consent_pair(&self, cookie: &app::domain::consent::ConsentCookie) -> String {
        app::server::consent_cookie::pair(cookie, &self.state.keys.consent_cookie, false)
    }

    /// The choices in a `sop_consent=…` pair as bits (`"101"`: analytics and targeting), after
    /// checking the store signed it.
    pub fn bits(&self, pair: &str) -> String {
        let value = pair.strip_prefix("sop_consent=").expect("a consent cookie");
        let choices = app::server::consent_cookie::verify(value, &self.state.keys.consent_cookie).expect("signed by the store").choices;
        [choices.analytics, choices.functionality, choices.targeting].map(|on| if on { '1' } else { '0' }).into_iter().collect()
    }

    /// GETs a page and returns its status and body.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// Generates one test per backend from an `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::support::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::support::Backend::Postgres).await
                }
            )*
        }
    };
}
