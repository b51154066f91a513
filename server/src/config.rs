//! The store's configuration: one typed struct, read once from the environment (and an
//! optional `.env` file) at start-up. Invalid values stop start-up with the variable's name.

use app::domain::operator::{DataProtectionContact, Operator};
use app::domain::tags::{ConfiguredTags, Tag};
use app::server::mail::{MailFrom, SmtpUrl};
use app::server::request::TrustedProxies;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sop-store.db";
pub const DEFAULT_SECRET_KEY_FILE: &str = "data/secret.key";
pub const DEFAULT_MAIL_FROM: &str = "SOP Store <no-reply@sop-store.example>";
/// Bytes of a secret key; shorter keys are refused.
pub const SECRET_KEY_BYTES: usize = 32;

#[derive(Clone, Debug)]
pub struct Config {
    pub listen_addr: SocketAddr,
    pub database: DatabaseConfig,
    pub site: SiteConfig,
    pub operator: Operator,
    pub secret_key: SecretSource,
    pub mail: MailConfig,
    /// Load the demo catalog into an empty database on start.
    pub demo_data: bool,
    /// Cookies get the `Secure` flag: the store is reached over https (`PUBLIC_URL`).
    pub secure_cookies: bool,
    /// The address shoppers use, for links in e-mails; None means `http://LISTEN_ADDR`.
    pub public_url: Option<String>,
    /// Sessions end after this long without a request, and after `session_max` regardless.
    pub session_idle: chrono::Duration,
    pub session_max: chrono::Duration,
    /// Optional tags (P11, P29): each is off unless its id is set.
    pub tags: ConfiguredTags,
    /// Who takes card payments at checkout (`PAYMENTS`).
    pub payments: PaymentsConfig,
    /// The reverse proxies whose `X-Forwarded-For` is read (`TRUSTED_PROXIES`); none by default.
    pub trusted_proxies: TrustedProxies,
    /// How long and how many visitors' connections may stay open (issue 21, S9).
    pub connections: ConnectionLimits,
    /// How long personal data is kept (`RETENTION_YEARS`, 7 by default: P16–P18).
    pub retention: app::domain::retention::RetentionPeriods,
    pub log_filter: String,
}

/// Limits that keep slow or idle clients from tying up the server (issue 21, S9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's head must arrive within this long (`HEADER_READ_TIMEOUT_SECS`); it is also
    /// how long a kept-alive connection may wait for its next request.
    pub header_read_timeout: std::time::Duration,
    /// Connections served at once (`MAX_CONNECTIONS`); further ones wait in the OS backlog.
    pub max_connections: usize,
    /// A connection whose client takes nothing of its response for this long is closed
    /// (`WRITE_STALL_TIMEOUT_SECS`): per pause, so a slow download that keeps moving is not.
    pub write_stall_timeout: std::time::Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: std::time::Duration::from_secs(10),
            max_connections: 1024,
            write_stall_timeout: std::time::Duration::from_secs(30),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseConfig {
    pub url: String,
    pub kind: DatabaseKind,
    pub max_connections: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// E-mail: sent over SMTP when `SMTP_URL` is set, otherwise held in the outbox for staff.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub smtp_url: Option<SmtpUrl>,
    pub from: MailFrom,
}

/// The payment provider (`PAYMENTS`). The test gateway is the only one built in: it takes no
/// real money, so a store served over https must ask for it by name (issue 21, S2), and its
/// checkout page says it is in test mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentsConfig {
    TestGateway,
}

impl PaymentsConfig {
    /// `PAYMENTS` as given, and whether the store is public (an https `PUBLIC_URL`).
    pub fn parse(raw: Option<&str>, served_over_https: bool) -> Result<Self, String> {
        match raw.map(|r| r.trim().to_ascii_lowercase()) {
            Some(value) if value == "test" => Ok(Self::TestGateway),
            Some(_) => Err("expected test (the test gateway is the only payment provider built in)".to_owned()),
            None if served_over_https => Err("PAYMENTS is not set and PUBLIC_URL is https: the only payment provider built in is the \
                 test gateway, which takes no real money. Set PAYMENTS=test to run this store in test mode"
                .to_owned()),
            None => Ok(Self::TestGateway),
        }
    }
}

/// Where cargo-leptos put the built wasm, JS, CSS and public files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteConfig {
    pub root: PathBuf,
    pub pkg_dir: String,
    pub output_name: String,
}

/// The key that signs tokens and salts hashes: given inline, or kept in a file that is
/// created with a fresh random key on first run.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    Inline(SecretKey),
    File(PathBuf),
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Inline(_) => f.write_str("Inline(<redacted>)"),
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    pub fn parse(encoded: &str) -> Result<Self, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded.trim().trim_end_matches('='))
            .map_err(|_| "must be base64url text (letters, digits, - and _)".to_owned())?;
        if bytes.len() < SECRET_KEY_BYTES {
            return Err(format!("must decode to at least {SECRET_KEY_BYTES} bytes, found {}", bytes.len()));
        }
        Ok(Self(bytes))
    }

    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_KEY_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.0)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{var} is invalid: {problem} (found {value:?})")]
    Invalid { var: &'static str, value: String, problem: String },
    #[error("the secret key file {path} could not be used: {problem}")]
    SecretFile { path: PathBuf, problem: String },
}

fn invalid(var: &'static str, value: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { var, value: value.to_owned(), problem: problem.into() }
}

impl Config {
    /// Reads `.env` (if present) and then the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is reported by name.
        if let Err(error) = dotenvy::dotenv() {
            if !error.not_found() {
                return Err(invalid(".env", "", error.to_string()));
            }
        }
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// Builds the configuration from any variable lookup, so tests need no process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |var: &str| lookup(var).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let text = |var: &str, default: &str| get(var).unwrap_or_else(|| default.to_owned());

        // cargo-leptos passes the address from Cargo.toml as LEPTOS_SITE_ADDR.
        let (addr_var, addr) = match (get("LISTEN_ADDR"), get("LEPTOS_SITE_ADDR")) {
            (Some(addr), _) => ("LISTEN_ADDR", addr),
            (None, Some(addr)) => ("LEPTOS_SITE_ADDR", addr),
            (None, None) => ("LISTEN_ADDR", "127.0.0.1:3000".to_owned()),
        };
        let listen_addr = addr.parse().map_err(|_| invalid(addr_var, &addr, "expected an address and port such as 127.0.0.1:3000"))?;

        let url = text("DATABASE_URL", DEFAULT_DATABASE_URL);
        let kind = if url.starts_with("sqlite:") {
            DatabaseKind::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            DatabaseKind::Postgres
        } else {
            return Err(invalid("DATABASE_URL", &url, "expected sqlite://PATH or postgres://USER@HOST/DATABASE"));
        };
        let max_connections = match get("DATABASE_MAX_CONNECTIONS") {
            None => 8,
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=200).contains(n))
                .ok_or_else(|| invalid("DATABASE_MAX_CONNECTIONS", &raw, "expected a whole number from 1 to 200"))?,
        };

        let demo_data = match get("DEMO_DATA").as_deref() {
            None => true,
            Some(raw) => parse_bool(raw).ok_or_else(|| invalid("DEMO_DATA", raw, "expected true or false"))?,
        };

        let public_url = get("PUBLIC_URL").map(|url| url.trim_end_matches('/').to_owned());
        let secure_cookies = match public_url.as_deref() {
            None => false,
            Some(url) if url.starts_with("https://") && url.len() > 8 => true,
            Some(url) if url.starts_with("http://") && url.len() > 7 => false,
            Some(url) => return Err(invalid("PUBLIC_URL", url, "expected the address shoppers use, such as https://shop.example")),
        };
        let minutes = |name: &'static str, default: i64, max: i64| -> Result<chrono::Duration, ConfigError> {
            match get(name) {
                None => Ok(chrono::Duration::minutes(default)),
                Some(raw) => raw
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .map(chrono::Duration::minutes)
                    .ok_or_else(|| invalid(name, &raw, format!("expected a whole number of minutes from 1 to {max}"))),
            }
        };
        let session_idle = minutes("SESSION_IDLE_MINUTES", 120, 24 * 60)?;
        let session_max = minutes("SESSION_MAX_MINUTES", 7 * 24 * 60, 90 * 24 * 60)?;
        let secret_key = match get("SECRET_KEY") {
            Some(raw) => SecretSource::Inline(SecretKey::parse(&raw).map_err(|problem| invalid("SECRET_KEY", "<hidden>", problem))?),
            None => SecretSource::File(PathBuf::from(text("SECRET_KEY_FILE", DEFAULT_SECRET_KEY_FILE))),
        };

        let mail = MailConfig {
            // The URL may hold a password, so the error never repeats it.
            smtp_url: get("SMTP_URL")
                .map(|raw| SmtpUrl::parse(&raw).map_err(|error| invalid("SMTP_URL", "<hidden>", error.to_string())))
                .transpose()?,
            from: {
                let raw = text("MAIL_FROM", DEFAULT_MAIL_FROM);
                MailFrom::parse(&raw).map_err(|error| invalid("MAIL_FROM", &raw, error.to_string()))?
            },
        };

        let defaults = Operator::sop_international();
        let dpc = defaults.data_protection.clone();
        let operator = Operator {
            store_name: text("OPERATOR_STORE_NAME", &defaults.store_name),
            company_name: text("OPERATOR_COMPANY_NAME", &defaults.company_name),
            company_number: text("OPERATOR_COMPANY_NUMBER", &defaults.company_number),
            registered_office: text("OPERATOR_REGISTERED_OFFICE", &defaults.registered_office),
            website: text("OPERATOR_WEBSITE", &defaults.website),
            data_protection: DataProtectionContact {
                postal_address: text("DPC_POSTAL_ADDRESS", &dpc.postal_address),
                phone: text("DPC_PHONE", &dpc.phone),
                email: text("DPC_EMAIL", &dpc.email),
            },
        };
        if !operator.data_protection.email.contains('@') {
            return Err(invalid("DPC_EMAIL", &operator.data_protection.email, "expected an e-mail address"));
        }

        let trusted_proxies = match get("TRUSTED_PROXIES") {
            None => TrustedProxies::default(),
            Some(raw) => TrustedProxies::parse(&raw).map_err(|problem| invalid("TRUSTED_PROXIES", &raw, problem))?,
        };
        // A whole number from 1 to `max`, or `default` when unset.
        let whole_number = |name: &'static str, default: u64, max: u64, unit: &str| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(raw) => raw
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| invalid(name, &raw, format!("expected a whole number{unit} from 1 to {max}"))),
            }
        };
        let default_limits = ConnectionLimits::default();
        let connections = ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(whole_number(
                "HEADER_READ_TIMEOUT_SECS",
                default_limits.header_read_timeout.as_secs(),
                120,
                " of seconds",
            )?),
            max_connections: whole_number("MAX_CONNECTIONS", default_limits.max_connections as u64, 100_000, "")? as usize,
            write_stall_timeout: std::time::Duration::from_secs(whole_number(
                "WRITE_STALL_TIMEOUT_SECS",
                default_limits.write_stall_timeout.as_secs(),
                600,
                " of seconds",
            )?),
        };
        let retention = match get("RETENTION_YEARS") {
            None => app::domain::retention::RetentionPeriods::default(),
            Some(raw) => {
                app::domain::retention::RetentionPeriods::parse_years(&raw).map_err(|problem| invalid("RETENTION_YEARS", &raw, problem))?
            }
        };
        let payments = PaymentsConfig::parse(get("PAYMENTS").as_deref(), secure_cookies)
            .map_err(|problem| invalid("PAYMENTS", get("PAYMENTS").as_deref().unwrap_or("<unset>"), problem))?;

        // Each tag is off when its variable is unset; a set but malformed id stops start-up
        // rather than silently running without (or with a broken) tag.
        let mut tag_ids = Vec::new();
        for (var, tag) in TAG_ID_VARS {
            if let Some(raw) = get(var) {
                tag_ids.push(tag.parse_id(&raw).map_err(|problem| invalid(var, &raw, problem.to_string()))?);
            }
        }

        Ok(Self {
            listen_addr,
            database: DatabaseConfig { url, kind, max_connections },
            site: SiteConfig {
                root: PathBuf::from(text("LEPTOS_SITE_ROOT", "target/site")),
                pkg_dir: text("LEPTOS_SITE_PKG_DIR", "pkg"),
                output_name: text("LEPTOS_OUTPUT_NAME", "sop-store"),
            },
            operator,
            secret_key,
            mail,
            demo_data,
            secure_cookies,
            public_url,
            session_idle,
            session_max,
            tags: ConfiguredTags::new(tag_ids),
            payments,
            trusted_proxies,
            connections,
            retention,
            log_filter: text("RUST_LOG", "info,sqlx=warn,sea_orm=warn"),
        })
    }
}

/// The variable holding each optional tag's id.
pub const TAG_ID_VARS: [(&str, Tag); 3] = [
    ("GOOGLE_ANALYTICS_ID", Tag::GoogleAnalytics),
    ("FACEBOOK_PIXEL_ID", Tag::FacebookPixel),
    ("LINKEDIN_PARTNER_ID", Tag::LinkedInInsight),
];

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Returns the configured key, or reads the key file, creating it with a fresh key
/// (readable by the owner only) when it does not exist yet.
pub fn load_or_create_secret(source: &SecretSource) -> Result<SecretKey, ConfigError> {
    let path = match source {
        SecretSource::Inline(key) => return Ok(key.clone()),
        SecretSource::File(path) => path,
    };
    let fail = |problem: String| ConfigError::SecretFile { path: path.clone(), problem };
    match std::fs::read_to_string(path) {
        Ok(text) => SecretKey::parse(&text).map_err(fail),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::generate();
            write_new_secret(path, &key).map_err(|e| fail(e.to_string()))?;
            Ok(key)
        }
        Err(error) => Err(fail(error.to_string())),
    }
}

fn write_new_secret(path: &Path, key: &SecretKey) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private_files::create_private_folder(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(key.encode().as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| vars.get(k).cloned())
    }

    #[test]
    fn defaults_just_work() {
        let config = config(&[]).unwrap();
        assert_eq!(config.listen_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database.url, DEFAULT_DATABASE_URL);
        assert_eq!(config.database.kind, DatabaseKind::Sqlite);
        assert!(config.demo_data);
        assert_eq!(config.operator, Operator::sop_international());
        assert_eq!(config.secret_key, SecretSource::File(DEFAULT_SECRET_KEY_FILE.into()));
        assert!(config.mail.smtp_url.is_none(), "mail is held in the outbox by default");
        assert_eq!(config.mail.from.to_string(), DEFAULT_MAIL_FROM);
    }

    #[test]
    fn mail_settings_are_checked_and_the_smtp_password_never_echoed() {
        let c = config(&[("SMTP_URL", "smtp://127.0.0.1:2525"), ("MAIL_FROM", "Shop <shop@example.com>")]).unwrap();
        assert!(c.mail.smtp_url.is_some());
        assert_eq!(c.mail.from.to_string(), "Shop <shop@example.com>");
        let error = config(&[("SMTP_URL", "smtpx://user:s3cret@mail.example")]).unwrap_err();
        assert!(error.to_string().starts_with("SMTP_URL is invalid"), "{error}");
        assert!(!error.to_string().contains("s3cret"), "{error}");
        assert!(!format!("{c:?}").contains("2525"), "Debug hides the SMTP URL");
        let error = config(&[("MAIL_FROM", "no address here")]).unwrap_err();
        assert!(error.to_string().starts_with("MAIL_FROM is invalid"), "{error}");
    }

    // S2: the test gateway takes no money, so a public (https) store must ask for it by name.
    #[test]
    fn s2_an_https_store_refuses_to_start_with_the_test_gateway_unless_asked_for() {
        assert_eq!(config(&[]).unwrap().payments, PaymentsConfig::TestGateway, "local http: test mode by default");
        assert_eq!(config(&[("PUBLIC_URL", "http://127.0.0.1:3000")]).unwrap().payments, PaymentsConfig::TestGateway);
        let error = config(&[("PUBLIC_URL", "https://shop.example")]).unwrap_err().to_string();
        assert!(error.starts_with("PAYMENTS is invalid") && error.contains("Set PAYMENTS=test"), "{error}");
        let c = config(&[("PUBLIC_URL", "https://shop.example"), ("PAYMENTS", "test")]).unwrap();
        assert_eq!(c.payments, PaymentsConfig::TestGateway);
        let error = config(&[("PAYMENTS", "stripe")]).unwrap_err().to_string();
        assert!(error.contains("expected test"), "{error}");
    }

    // S7: proxies are trusted only when listed, and a bad list stops start-up by name.
    #[test]
    fn s7_trusted_proxies_are_none_unless_listed() {
        assert!(config(&[]).unwrap().trusted_proxies.is_empty());
        assert!(!config(&[("TRUSTED_PROXIES", "10.0.0.0/8,127.0.0.1")]).unwrap().trusted_proxies.is_empty());
        let error = config(&[("TRUSTED_PROXIES", "10.0.0.0/33")]).unwrap_err().to_string();
        assert!(error.starts_with("TRUSTED_PROXIES is invalid"), "{error}");
    }

    // S9: slow clients meet a header deadline, a cap on open connections and a limit on how long
    // a response may wait for them to read it, all configurable.
    #[test]
    fn s9_connection_limits_default_to_ten_seconds_1024_connections_and_a_thirty_second_write_stall() {
        let limits = config(&[]).unwrap().connections;
        assert_eq!(limits.header_read_timeout, std::time::Duration::from_secs(10));
        assert_eq!(limits.max_connections, 1024);
        assert_eq!(limits.write_stall_timeout, std::time::Duration::from_secs(30));
        let limits = config(&[("HEADER_READ_TIMEOUT_SECS", "1"), ("MAX_CONNECTIONS", "100000"), ("WRITE_STALL_TIMEOUT_SECS", "1")])
            .unwrap()
            .connections;
        assert_eq!(
            limits,
            ConnectionLimits {
                header_read_timeout: std::time::Duration::from_secs(1),
                max_connections: 100_000,
                write_stall_timeout: std::time::Duration::from_secs(1),
            }
        );
        assert_eq!(config(&[("HEADER_READ_TIMEOUT_SECS", "120")]).unwrap().connections.header_read_timeout.as_secs(), 120);
        assert_eq!(config(&[("WRITE_STALL_TIMEOUT_SECS", "600")]).unwrap().connections.write_stall_timeout.as_secs(), 600);
    }

    #[test]
    fn s9_connection_limits_out_of_range_stop_start_up_by_name() {
        for (var, value) in [
            ("HEADER_READ_TIMEOUT_SECS", "0"),
            ("HEADER_READ_TIMEOUT_SECS", "121"),
            ("HEADER_READ_TIMEOUT_SECS", "ten"),
            ("MAX_CONNECTIONS", "0"),
            ("MAX_CONNECTIONS", "100001"),
            ("MAX_CONNECTIONS", "-1"),
            ("WRITE_STALL_TIMEOUT_SECS", "0"),
            ("WRITE_STALL_TIMEOUT_SECS", "601"),
        ] {
            let error = config(&[(var, value)]).unwrap_err().to_string();
            assert!(error.starts_with(&format!("{var} is invalid: expected a whole number")), "{error}");
        }
    }

    #[test]
    fn listen_addr_wins_over_the_cargo_leptos_address() {
        let c = config(&[("LEPTOS_SITE_ADDR", "127.0.0.1:4000"), ("LISTEN_ADDR", "0.0.0.0:8080")]).unwrap();
        assert_eq!(c.listen_addr.to_string(), "0.0.0.0:8080");
        let c = config(&[("LEPTOS_SITE_ADDR", "127.0.0.1:4000")]).unwrap();
        assert_eq!(c.listen_addr.to_string(), "127.0.0.1:4000");
    }

    #[test]
    fn sessions_default_to_two_idle_hours_and_seven_days() {
        let config = config(&[]).unwrap();
        assert_eq!(config.session_idle, chrono::Duration::hours(2));
        assert_eq!(config.session_max, chrono::Duration::days(7));
        assert_eq!(config.public_url, None);
        let config =
            self::config(&[("SESSION_IDLE_MINUTES", "30"), ("PUBLIC_URL", "https://shop.example/"), ("PAYMENTS", "test")]).unwrap();
        assert_eq!(config.session_idle, chrono::Duration::minutes(30));
        assert_eq!(config.public_url.as_deref(), Some("https://shop.example"));
        assert!(config.secure_cookies);
        let error = self::config(&[("SESSION_MAX_MINUTES", "0")]).unwrap_err();
        assert!(error.to_string().starts_with("SESSION_MAX_MINUTES is invalid"), "{error}");
    }

    #[test]
    fn invalid_values_name_the_variable() {
        let error = config(&[("LISTEN_ADDR", "localhost")]).unwrap_err();
        assert!(error.to_string().starts_with("LISTEN_ADDR is invalid"), "{error}");
        let error = config(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(error.to_string().starts_with("DATABASE_URL is invalid"), "{error}");
        let error = config(&[("DATABASE_MAX_CONNECTIONS", "0")]).unwrap_err();
        assert!(error.to_string().starts_with("DATABASE_MAX_CONNECTIONS is invalid"), "{error}");
        let error = config(&[("DEMO_DATA", "maybe")]).unwrap_err();
        assert!(error.to_string().starts_with("DEMO_DATA is invalid"), "{error}");
        let error = config(&[("DPC_EMAIL", "nobody")]).unwrap_err();
        assert!(error.to_string().starts_with("DPC_EMAIL is invalid"), "{error}");
    }

    #[test]
    fn a_short_or_garbled_secret_is_refused_without_echoing_it() {
        let error = config(&[("SECRET_KEY", "c2hvcnQ")]).unwrap_err();
        assert!(error.to_string().contains("at least 32 bytes"), "{error}");
        assert!(!error.to_string().contains("c2hvcnQ"));
        let error = config(&[("SECRET_KEY", "not base64 !!")]).unwrap_err();
        assert!(error.to_string().starts_with("SECRET_KEY is invalid"));
    }

    #[test]
    fn postgres_urls_are_recognised() {
        let c = config(&[("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")]).unwrap();
        assert_eq!(c.database.kind, DatabaseKind::Postgres);
    }

    #[test]
    fn operator_details_can_be_configured() {
        let c = config(&[("OPERATOR_COMPANY_NAME", "Example Ltd"), ("DPC_PHONE", "0100 000 000")]).unwrap();
        assert_eq!(c.operator.company_name, "Example Ltd");
        assert_eq!(c.operator.data_protection.phone, "0100 000 000");
        assert_eq!(c.operator.company_number, "1865316");
    }

    #[test]
    fn p11_p29_tags_are_off_unless_their_id_is_set() {
        use app::domain::{consent::ConsentChoices, tags::TagSet};
        assert_eq!(config(&[]).unwrap().tags.enabled(), TagSet::EMPTY);
        let c = config(&[("GOOGLE_ANALYTICS_ID", "G-ABC123XYZ"), ("FACEBOOK_PIXEL_ID", " "), ("LINKEDIN_PARTNER_ID", "1234567")]).unwrap();
        assert_eq!(c.tags.enabled().marker(), "google-analytics linkedin-insight", "a blank id is unset");
        assert_eq!(c.tags.ids().next().unwrap().as_str(), "G-ABC123XYZ");
        assert_eq!(c.tags.allowed(ConsentChoices::REJECT_ALL), TagSet::EMPTY);
        let all = config(&[("GOOGLE_ANALYTICS_ID", "G-ABC123XYZ"), ("FACEBOOK_PIXEL_ID", "1234567890"), ("LINKEDIN_PARTNER_ID", "123456")])
            .unwrap();
        assert_eq!(all.tags.enabled().marker(), "google-analytics facebook-pixel linkedin-insight");
    }

    #[test]
    fn malformed_tag_ids_stop_start_up_with_the_variable_and_the_expected_form() {
        let error = config(&[("GOOGLE_ANALYTICS_ID", "UA-12345-1")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "GOOGLE_ANALYTICS_ID is invalid: expected a Google Analytics 4 measurement ID such as G-ABC123XYZ (found \"UA-12345-1\")"
        );
        let error = config(&[("FACEBOOK_PIXEL_ID", "12ab45")]).unwrap_err();
        assert!(error.to_string().starts_with("FACEBOOK_PIXEL_ID is invalid: expected a Facebook Pixel ID"), "{error}");
        let error = config(&[("LINKEDIN_PARTNER_ID", "1'; alert(1)")]).unwrap_err();
        assert!(error.to_string().starts_with("LINKEDIN_PARTNER_ID is invalid"), "{error}");
    }

    #[test]
    fn a_secret_file_is_created_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/secret.key");
        let source = SecretSource::File(path.clone());
        let first = load_or_create_secret(&source).unwrap();
        let second = load_or_create_secret(&source).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.as_bytes().len(), SECRET_KEY_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "garbage").unwrap();
        assert!(matches!(load_or_create_secret(&source), Err(ConfigError::SecretFile { .. })));
    }
}
