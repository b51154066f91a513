//! What the server hands to every server function and page render.

use super::accounts::{sessions::SessionPolicy, throttle::SignInThrottle};
use super::consent_log::ConsentLog;
use super::shop::payments::PaymentProvider;
use super::{build_assets::BuildAssets, catalog_cache::CatalogCache, form_flash::FormFlash, mail::Mailer};
use crate::domain::{operator::Operator, tags::ConfiguredTags};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared state of the running store; cloned for every request, so it is one `Arc`.
#[derive(Clone, Debug)]
pub struct AppState(Arc<StoreState>);

impl AppState {
    pub fn new(state: StoreState) -> Self {
        Self(Arc::new(state))
    }
}

impl std::ops::Deref for AppState {
    type Target = StoreState;

    fn deref(&self) -> &StoreState {
        &self.0
    }
}

#[derive(Debug)]
pub struct StoreState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    /// Appends cookie decisions to the consent log of `db`.
    pub consent_log: ConsentLog,
    pub operator: Operator,
    pub catalog: Arc<CatalogCache>,
    pub assets: Arc<BuildAssets>,
    /// The keys that sign and salt (never shown), one per purpose, derived from `SECRET_KEY`.
    pub keys: super::keys::StoreKeys,
    /// Whether the store is served over https, so cookies get the `Secure` flag.
    pub secure_cookies: bool,
    /// The address shoppers use (no trailing slash), for links in e-mails.
    pub public_url: String,
    /// The `Host` every request must name when `PUBLIC_URL` is set (its host and port), so a
    /// request addressed to another name (DNS rebinding, a forged Host poisoning links) is
    /// refused (issue 21, S10). None: any Host, as on a developer's machine.
    pub expected_host: Option<String>,
    pub sessions: SessionPolicy,
    pub sign_in_throttle: SignInThrottle,
    pub form_flash: FormFlash,
    /// Queues e-mail in the outbox and wakes the delivery worker (held when SMTP is unset).
    pub mailer: Mailer,
    /// Wakes the background sender of marketing campaigns.
    pub campaign_sender: super::marketing::campaign_sender::CampaignSender,
    /// The optional tags with a configured id; each still needs the visitor's consent.
    pub tags: ConfiguredTags,
    /// Takes card payments at checkout (the built-in test gateway unless configured otherwise).
    pub payments: Arc<dyn PaymentProvider>,
    /// The reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: super::request::TrustedProxies,
    /// How long personal data is kept before the retention engine deletes it (`RETENTION_YEARS`).
    pub retention: crate::domain::retention::RetentionPeriods,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, as provided by the server for each request. Its absence is a wiring bug in the
/// server binary, found by the first integration test, so it is not a user-facing error.
pub fn app_state() -> AppState {
    expect_context::<AppState>()
}

/// Key material that never appears in logs or debug output.
#[derive(Clone)]
pub struct SecretBytes(Arc<[u8]>);

impl SecretBytes {
    pub fn new(bytes: &[u8]) -> Self {
        Self(Arc::from(bytes))
    }
}

impl std::ops::Deref for SecretBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBytes(<redacted>)")
    }
}
