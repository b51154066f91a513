//! Builds the running store from its configuration: database, state, routes, listener.

use crate::{
    consent_export,
    assets, basket_header, config::{self, Config, ConfigError}, database::{self, DatabaseError}, gpc, media, receipts, security,
};
use app::server::accounts::sessions::SessionPolicy;
use app::server::{
    build_assets::BuildAssets,
    demo_data,
    mail::{self, MailError, Mailer},
    state::{AppState, SecretBytes, StoreState},
};
use app::{shell, App};
use axum::{middleware, routing::get, serve::ListenerExt, Router};
use leptos::{config::Env, nonce::Nonce, prelude::*};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::{future::Future, net::SocketAddr, sync::Arc};
use tokio::net::TcpListener;
use tower_http::{compression::CompressionLayer, timeout::TimeoutLayer};

/// The longest any request may take before the store gives up on it.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// How long shutdown waits for the mail delivery round in progress. A message cut off is not
/// lost: it stays in the outbox and is sent after the next start.
const MAIL_SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error("could not load the demo catalog: {0}")]
    DemoData(sea_orm::DbErr),
    #[error("SMTP_URL or MAIL_FROM cannot be used: {0}")]
    Mail(MailError),
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// A store that is ready to serve: migrated, seeded if asked, and bound to its address.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        // Created on first run if absent.
        let secret_key = config::load_or_create_secret(&config.secret_key)?;
        let db = database::connect(&config.database).await?;
        database::migrate(&db).await?;
        if config.demo_data {
            let outcome = demo_data::seed_demo_catalog(&db).await.map_err(StartupError::DemoData)?;
            tracing::info!(?outcome, "demo catalog");
        }
        let mailer = match &config.mail.smtp_url {
            Some(url) => Mailer::smtp(url, &config.mail.from).map_err(StartupError::Mail)?,
            None => Mailer::outbox_only(),
        };
        if mailer.sends_mail() {
            tracing::info!("e-mail is sent over SMTP (SMTP_URL)");
        } else {
            tracing::info!("e-mail is held in the outbox for staff to read: SMTP_URL is not set");
        }
        let listener = TcpListener::bind(config.listen_addr)
            .await
            .map_err(|source| StartupError::Bind { addr: config.listen_addr, source })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind { addr: config.listen_addr, source })?;
        let build_assets = BuildAssets::for_running_binary(&config.site.pkg_dir, &config.site.output_name);
        let leptos_options = LeptosOptions::builder()
            .output_name(config.site.output_name.clone())
            .site_root(config.site.root.display().to_string())
            .site_pkg_dir(config.site.pkg_dir.clone())
            .site_addr(local_addr)
            .env(Env::PROD)
            .hash_files(build_assets.hashed)
            .build();
        let state = AppState::new(StoreState {
            leptos_options,
            consent_log: app::server::consent_log::ConsentLog::new(db.clone()),
            db,
            operator: config.operator.clone(),
            catalog: Default::default(),
            assets: Arc::new(build_assets),
            secret_key: SecretBytes::new(secret_key.as_bytes()),
            secure_cookies: config.secure_cookies,
            public_url: config.public_url.clone().unwrap_or_else(|| format!("http://{local_addr}")),
            sessions: SessionPolicy { idle: config.session_idle, absolute: config.session_max },
            sign_in_throttle: Default::default(),
            form_flash: Default::default(),
            mailer,
            tags: config.tags.clone(),
            payments: Arc::new(app::server::shop::payments::TestGateway::default()),
        });
        Ok(Self { listener, router: build_router(state.clone()), state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| self.state.leptos_options.site_addr)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves (and sends e-mail, when SMTP is configured) until `shutdown` completes, then lets
    /// requests in flight and the mail delivery round in progress finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        // The worker stops with the server: when shutdown begins, or if serving fails.
        let (stop_mail, mail_stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = mail::spawn_delivery_worker(self.state.db.clone(), self.state.mailer.clone(), async {
            let _ = mail_stopped.await;
        });
        let shutdown = async move {
            shutdown.await;
            let _ = stop_mail.send(());
        };
        // Without TCP_NODELAY a response written in several pieces (streamed HTML, a file after
        // its headers) waits ~40 ms for the client's delayed ACK (Nagle's algorithm).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::warn!(%error, "could not set TCP_NODELAY");
            }
        });
        // The client address feeds only the consent log's salted, truncated IP hash.
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let checkpoints = (self.state.db.get_database_backend() == sea_orm::DbBackend::Sqlite)
            .then(|| tokio::spawn(database::checkpoint_periodically(self.state.db.clone(), self.state.consent_log.clone())));
        let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        if let Some(checkpoints) = checkpoints {
            checkpoints.abort();
        }
        if let Some(worker) = worker {
            if tokio::time::timeout(MAIL_SHUTDOWN_GRACE, worker).await.is_err() {
                tracing::warn!("mail delivery did not stop in time; unsent mail stays in the outbox");
            }
        }
        served
    }
}

/// Gives every render and server function the state and this request's CSP nonce.
fn leptos_context(state: AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(state.clone());
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(security::CspNonce(nonce)) = parts.extensions.get::<security::CspNonce>() {
                provide_context(Nonce::from_value(nonce.clone()));
            }
        }
    }
}

pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let context = leptos_context(state.clone());
    let shell_options = options.clone();
    let not_found = leptos_axum::render_app_to_stream_with_context(context.clone(), move || shell(shell_options.clone()));
    let router = Router::new()
        .route("/media/products/{file}", get(media::product_image))
        .route("/.well-known/gpc.json", get(gpc::well_known))
        .route("/cookies/receipt.json", get(receipts::download))
        .route("/cookies/receipt/check", get(receipts::check))
        .route("/admin/consent-log.csv", get(consent_export::csv))
        .route("/admin/consent-log.json", get(consent_export::json))
        .leptos_routes_with_context(&state, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        });
    let router = assets::serve_static(
        router,
        std::path::Path::new(&*options.site_root),
        &options.site_pkg_dir,
        options.hash_files,
        not_found,
    );
    router
        .layer(middleware::from_fn_with_state(state.clone(), basket_header::count_for_pages))
        .layer(middleware::from_fn_with_state(state.clone(), gpc::honour_gpc))
        .with_state(state.clone())
        // A request that cannot be answered in time gets a 503 instead of holding its
        // connection open forever.
        .layer(TimeoutLayer::with_status_code(http::StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(CompressionLayer::new())
        // Outermost but one: a cross-site POST is refused before any server function runs.
        .layer(middleware::from_fn(security::refuse_cross_site_requests))
        // Outermost: every response, refusals included, gets its headers and a policy that
        // matches the visitor's consent.
        .layer(middleware::from_fn_with_state(state, security::security_headers))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
