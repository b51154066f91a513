//! Start-up and shutdown: migrations, demo data, restarts and SIGTERM-style shutdown.

mod support;

use sop_server::{config::Config, startup::Application};
use support::{base_vars, Backend, TestDb};

async fn restarting_on_the_same_database_keeps_the_catalog_without_duplicates(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = TestDb::fresh(backend, &dir).await else { return };
    let vars = base_vars(db.url(), &dir);
    for _ in 0..2 {
        let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (address, server) = support::start_server(config, async {
            let _ = stopped.await;
        })
        .await;
        let body = reqwest::get(format!("http://{address}/search")).await.unwrap().text().await.unwrap();
        assert!(body.contains("48 products found"), "seeded exactly once");
        stop.send(()).unwrap();
        server.await.unwrap().expect("shuts down cleanly");
    }
}

async fn demo_data_can_be_turned_off(backend: Backend) {
    let Some(app) = support::spawn_app_with(backend, &[("DEMO_DATA", "false")]).await else { return };
    let (status, body) = app.page("/search").await;
    assert_eq!(status, 200);
    assert!(body.contains("No products match your search"));
}

async fn a_shutdown_lets_the_request_in_flight_finish(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = TestDb::fresh(backend, &dir).await else { return };
    let vars = base_vars(db.url(), &dir);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (address, server) = support::start_server(Config::from_lookup(|k| vars.get(k).cloned()).unwrap(), async {
        let _ = stopped.await;
    })
    .await;
    // One client, its connection already accepted, so a loaded machine cannot leave the second
    // request waiting in the listen queue when shutdown begins.
    let client = reqwest::Client::new();
    client.get(format!("http://{address}/robots.txt")).send().await.expect("the store answers");
    let in_flight = tokio::spawn(client.get(format!("http://{address}/category/garden-outdoor")).send());
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    stop.send(()).unwrap();
    let response = in_flight.await.unwrap().expect("the request is answered");
    assert_eq!(response.status().as_u16(), 200);
    server.await.unwrap().expect("the server stops");
    assert!(reqwest::get(format!("http://{address}/")).await.is_err(), "no longer listening");
}

#[tokio::test]
async fn an_unreachable_database_stops_start_up_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut vars = base_vars("postgres://nobody:secret@127.0.0.1:1/none", &dir);
    vars.insert("DATABASE_MAX_CONNECTIONS".into(), "1".into());
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let error = Application::build(config).await.err().expect("start-up fails").to_string();
    assert!(error.contains("could not connect to the database at postgres://nobody:***@127.0.0.1:1/none"), "{error}");
    assert!(!error.contains("secret"));
}

on_both_databases!(
    restarting_on_the_same_database_keeps_the_catalog_without_duplicates,
    demo_data_can_be_turned_off,
    a_shutdown_lets_the_request_in_flight_finish,
);
