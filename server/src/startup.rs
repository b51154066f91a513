//! Builds the running store from its configuration: database, state, routes, listener.

use crate::{
    assets, basket_header, client_address,
    config::{self, Config, ConfigError},
    consent_export,
    database::{self, DatabaseError},
    gpc, media, one_click, receipts, security,
};
use app::server::accounts::sessions::SessionPolicy;
use app::server::{
    build_assets::BuildAssets,
    demo_data,
    mail::{self, MailError, Mailer},
    state::{AppState, StoreState},
};
use app::{shell, App};
use axum::{extract::ConnectInfo, middleware, routing::get, Router};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use leptos::{config::Env, nonce::Nonce, prelude::*};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::{
    future::Future,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::{net::TcpListener, sync::Semaphore};
use tower_http::{
    compression::CompressionLayer,
    timeout::{ResponseBodyTimeoutLayer, TimeoutLayer},
};

/// The longest any request may take before the store gives up on it.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// How long shutdown waits for the mail delivery round in progress. A message cut off is not
/// lost: it stays in the outbox and is sent after the next start.
const MAIL_SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);
/// How long the server waits before accepting again after an error such as "too many open
/// files", so the error is not retried in a tight loop.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_secs(1);
/// The warning that the connection cap is reached is repeated at most this often.
const CONNECTION_CAP_WARNING_INTERVAL: Duration = Duration::from_secs(60);

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
    connections: config::ConnectionLimits,
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
        let listener =
            TcpListener::bind(config.listen_addr).await.map_err(|source| StartupError::Bind { addr: config.listen_addr, source })?;
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
            keys: app::server::keys::StoreKeys::derive(secret_key.as_bytes()),
            secure_cookies: config.secure_cookies,
            public_url: config.public_url.clone().unwrap_or_else(|| format!("http://{local_addr}")),
            expected_host: config.public_url.as_deref().and_then(security::host_of_url),
            sessions: SessionPolicy { idle: config.session_idle, absolute: config.session_max },
            sign_in_throttle: Default::default(),
            form_flash: Default::default(),
            mailer,
            campaign_sender: Default::default(),
            tags: config.tags.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            retention: config.retention,
            payments: match config.payments {
                config::PaymentsConfig::TestGateway => {
                    tracing::warn!("payments: the test gateway (PAYMENTS=test): no real money is taken");
                    Arc::new(app::server::shop::payments::TestGateway::default())
                }
            },
        });
        Ok(Self { listener, router: build_router(state.clone()), state, connections: config.connections })
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
        // The worker stops with the server, when shutdown begins.
        let (stop_mail, mail_stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = mail::spawn_delivery_worker(self.state.db.clone(), self.state.mailer.clone(), async {
            let _ = mail_stopped.await;
        });
        // Campaigns are queued into the outbox in the background too (held or sent, as all mail).
        let (stop_campaigns, campaigns_stopped) = tokio::sync::oneshot::channel::<()>();
        let campaigns = app::server::marketing::campaign_sender::spawn_campaign_sender(self.state.clone(), async {
            let _ = campaigns_stopped.await;
        });
        let shutdown = async move {
            shutdown.await;
            let _ = stop_mail.send(());
            let _ = stop_campaigns.send(());
        };
        let checkpoints = (self.state.db.get_database_backend() == sea_orm::DbBackend::Sqlite)
            .then(|| tokio::spawn(database::checkpoint_periodically(self.state.db.clone(), self.state.consent_log.clone())));
        // Ended sessions, old mail bodies, stale form outcomes (issue 21, S8).
        let housekeeping = tokio::spawn(app::server::housekeeping::purge_periodically(self.state.clone()));
        // What has reached the end of its period is deleted (P16–P19): daily, first a minute in.
        let retention = tokio::spawn(app::server::privacy::retention::run_daily(self.state.clone()));
        serve_connections(self.listener, self.router, self.connections, shutdown).await;
        housekeeping.abort();
        retention.abort();
        if let Some(checkpoints) = checkpoints {
            checkpoints.abort();
        }
        // A batch cut off here is not lost: it rolls back and is queued after the next start.
        if tokio::time::timeout(MAIL_SHUTDOWN_GRACE, campaigns).await.is_err() {
            tracing::warn!("campaign sending did not stop in time; it resumes after the next start");
        }
        if let Some(worker) = worker {
            if tokio::time::timeout(MAIL_SHUTDOWN_GRACE, worker).await.is_err() {
                tracing::warn!("mail delivery did not stop in time; unsent mail stays in the outbox");
            }
        }
        Ok(())
    }
}

/// Serves HTTP/1.1 on `listener` until `shutdown`, then stops accepting and lets the requests in
/// flight finish. Slow clients (issue 21, S9) cannot hold the server: a request head must arrive
/// within `limits.header_read_timeout`, a response the client stops reading is given up after
/// `limits.write_stall_timeout`, and at most `limits.max_connections` are served at once.
///
/// This replaces `axum::serve`, which can set none of these. HTTP/1.1 only, as before: browsers speak
/// HTTP/2 only over TLS, which a proxy in front of the store terminates, and hyper's HTTP/2 has
/// no deadline for a connection that sends nothing.
async fn serve_connections(listener: TcpListener, router: Router, limits: config::ConnectionLimits, shutdown: impl Future<Output = ()>) {
    let mut http = hyper::server::conn::http1::Builder::new();
    // hyper restarts the head deadline whenever a connection is idle, so it also closes
    // kept-alive connections that send no further request, and ones that send nothing at all.
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let open_connections = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut last_cap_warning: Option<Instant> = None;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At the cap, stop accepting: new connections wait in the OS backlog until one closes.
        let permit = match open_connections.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if last_cap_warning.is_none_or(|at| at.elapsed() >= CONNECTION_CAP_WARNING_INTERVAL) {
                    tracing::warn!(
                        max_connections = limits.max_connections,
                        "connection cap reached (MAX_CONNECTIONS): new connections wait until one closes"
                    );
                    last_cap_warning = Some(Instant::now());
                }
                tokio::select! {
                    () = &mut shutdown => break,
                    permit = open_connections.clone().acquire_owned() => {
                        // The semaphore is never closed.
                        let Ok(permit) = permit else { break };
                        permit
                    }
                }
            }
        };
        let (tcp, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // The client went away before its connection was accepted: nothing to retry.
                Err(error) if is_connection_error(&error) => continue,
                Err(error) => {
                    tracing::error!(%error, "could not accept a connection; trying again shortly");
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => continue,
                    }
                }
            },
        };
        // Without TCP_NODELAY a response written in several pieces (streamed HTML, a file after
        // its headers) waits ~40 ms for the client's delayed ACK (Nagle's algorithm).
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "could not set TCP_NODELAY");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: http::Request<hyper::body::Incoming>| {
            // Read by `client_address` (the consent log's salted IP hash, sign-in throttling).
            request.extensions_mut().insert(ConnectInfo(peer));
            tower::ServiceExt::oneshot(router.clone(), request)
        });
        let socket = crate::write_stall::WriteStallLimit::new(tcp, limits.write_stall_timeout);
        let connection = graceful.watch(http.serve_connection(TokioIo::new(socket), service));
        tokio::spawn(async move {
            // Timeouts and clients that hang up are routine; the peer's address is not logged.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    // Stop listening first, so new clients are refused rather than left waiting.
    drop(listener);
    graceful.shutdown().await;
}

/// Errors that concern one client's connection, not the listener.
fn is_connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
    )
}

/// Gives every render and server function the state, this request's CSP nonce and what its
/// cookie banner shows.
fn leptos_context(state: AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(state.clone());
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(security::CspNonce(nonce)) = parts.extensions.get::<security::CspNonce>() {
                provide_context(Nonce::from_value(nonce.clone()));
            }
            // What the cookie banner shows on this page (the banner component reads only this).
            provide_context(app::server::consent_service::banner_for(
                &parts,
                &state.keys.consent_cookie,
                state.secure_cookies,
                chrono::Utc::now(),
            ));
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
        .route(app::domain::marketing::ONE_CLICK_PATH, get(one_click::show_choices).post(one_click::unsubscribe))
        .leptos_routes_with_context(&state, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        });
    let router =
        assets::serve_static(router, std::path::Path::new(&*options.site_root), &options.site_pkg_dir, options.hash_files, not_found);
    router
        .layer(middleware::from_fn_with_state(state.clone(), basket_header::count_for_pages))
        .layer(middleware::from_fn_with_state(state.clone(), gpc::honour_gpc))
        // Before anything that reads the client's address (GPC's log row, sign-in throttling).
        .layer(middleware::from_fn_with_state(state.clone(), client_address::resolve_client_address))
        .with_state(state.clone())
        .layer(request_time_limits(REQUEST_TIMEOUT))
        .layer(CompressionLayer::new())
        // Outermost but one: a cross-site POST is refused before any server function runs.
        .layer(middleware::from_fn(security::refuse_cross_site_requests))
        // A request for another host name is refused before anything else reads it.
        .layer(middleware::from_fn_with_state(state.clone(), security::refuse_unknown_hosts))
        // Outermost: every response, refusals included, gets its headers and a policy that
        // matches the visitor's consent.
        .layer(middleware::from_fn_with_state(state, security::security_headers))
}

/// A request that cannot be answered within `limit` gets a 503 instead of holding its connection
/// open forever, and a body (a streamed page) that then waits longer than `limit` for its next
/// piece is cut off (issue 21, S9). The body's limit is per pause, not in total, and counts only
/// while the store itself is producing: a large file sent to a slow connection is not cut off.
pub fn request_time_limits(limit: Duration) -> (ResponseBodyTimeoutLayer, TimeoutLayer) {
    // The head's limit sits inside: its 503 needs a body type with a default, which the
    // body-limited one is not.
    (ResponseBodyTimeoutLayer::new(limit), TimeoutLayer::with_status_code(http::StatusCode::SERVICE_UNAVAILABLE, limit))
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
