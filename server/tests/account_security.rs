//! The accounts' security promises on SQLite and PostgreSQL: CSRF, one account never reaching
//! another's data, sessions that expire, and signing in with every optional cookie refused.

mod support;

use app::server::accounts::sessions::{self, SessionPolicy};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};
use support::accounts::*;
use support::{spawn_app, Backend};

async fn a_cross_site_post_is_refused_before_anything_runs(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let csrf = csrf_token(&app, &cookie).await;
    let response = app
        .client
        .post(app.url("/api/account/details"))
        .header("origin", "https://evil.example")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={csrf}&name=Mallory"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(overview(&app, &cookie).await.name, "Ann Smith");
}

async fn a_form_without_this_sessions_token_is_refused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    for token in ["", "guessed-token"] {
        let (status, body) = post_json(&app, "/api/account/details", &[("csrf_token", token), ("name", "Mallory")], Some(&cookie)).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("FormExpired"));
    }
    // Another session's token does not work either.
    let other = registered_and_signed_in(&app, "Bob Brown", "bob@example.com").await;
    let others_token = csrf_token(&app, &other).await;
    let (status, _) = post_json(&app, "/api/account/details", &[("csrf_token", &others_token), ("name", "Mallory")], Some(&cookie)).await;
    assert_eq!(status, 403);
    assert_eq!(overview(&app, &cookie).await.name, "Ann Smith");
}

/// Every server function that reads or changes account data, tried by Bob on Ann's records.
async fn nobody_can_read_or_change_another_accounts_data(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let ann = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let ann_csrf = csrf_token(&app, &ann).await;
    let saved = form_reply(
        &app,
        "/api/account/address-save",
        &[
            ("csrf_token", &ann_csrf),
            ("kind", "delivery"),
            ("full_name", "Ann Smith"),
            ("line1", "1 High Street"),
            ("city", "Leeds"),
            ("postcode", "LS1 1AA"),
        ],
        Some(&ann),
    )
    .await;
    assert!(saved.is_ok());
    let ann_address = overview(&app, &ann).await.addresses[0].id.to_string();

    let bob = registered_and_signed_in(&app, "Bob Brown", "bob@example.com").await;
    let bob_csrf = csrf_token(&app, &bob).await;
    let (status, body) = post_json(&app, "/api/account/address", &[("id", &ann_address)], Some(&bob)).await;
    assert_eq!(status, 404, "reading: {body}");
    assert!(!body.contains("High Street"));
    let (status, _) = post_json(
        &app,
        "/api/account/address-save",
        &[
            ("csrf_token", &bob_csrf),
            ("id", &ann_address),
            ("kind", "billing"),
            ("full_name", "Bob"),
            ("line1", "Taken"),
            ("city", "York"),
            ("postcode", "YO1 1AA"),
        ],
        Some(&bob),
    )
    .await;
    assert_eq!(status, 404, "changing");
    let (status, _) = post_json(&app, "/api/account/address-delete", &[("csrf_token", &bob_csrf), ("id", &ann_address)], Some(&bob)).await;
    assert_eq!(status, 404, "deleting");
    let (status, page) = {
        let response = app.client.get(app.url(&format!("/account/addresses/{ann_address}"))).header("cookie", &bob).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 404, "the page too");
    assert!(!page.contains("High Street"));

    // Bob's own overview and forms only ever touch Bob.
    let bobs = overview(&app, &bob).await;
    assert_eq!((bobs.email.as_str(), bobs.addresses.len()), ("bob@example.com", 0));
    let anns = overview(&app, &ann).await;
    assert_eq!(anns.addresses[0].address.line1, "1 High Street");
    assert_eq!(anns.addresses[0].address.kind, app::domain::address::AddressKind::Delivery);

    // Signed out, nothing at all.
    for endpoint in [
        "/api/account/overview",
        "/api/account/address",
        "/api/account/details",
        "/api/account/password",
        "/api/account/email",
        "/api/account/address-save",
        "/api/account/address-delete",
        "/api/account/sign-out",
    ] {
        let every_field = [
            ("id", ann_address.as_str()),
            ("csrf_token", ann_csrf.as_str()),
            ("name", "Mallory"),
            ("telephone", ""),
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
            ("new_email", "mallory@example.com"),
            ("password", PASSWORD),
            ("kind", "billing"),
            ("full_name", "Mallory"),
            ("line1", "1 Evil Street"),
            ("city", "York"),
            ("postcode", "YO1 1AA"),
        ];
        let (status, _) = post_json(&app, endpoint, &every_field, None).await;
        assert_eq!(status, 401, "{endpoint} answered {status} without a session");
    }
}

async fn sessions_end_after_the_idle_and_absolute_timeouts(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let db = Database::connect(app.db.url()).await.unwrap();
    let policy = SessionPolicy::default();
    let now = Utc::now();
    let (idle, _) = sessions::start(&db, None, policy, now - Duration::hours(3)).await.unwrap();
    assert!(sessions::find(&db, &idle, policy, now).await.unwrap().is_none(), "two idle hours end it");
    let (old, _) = sessions::start(&db, None, policy, now - Duration::days(8)).await.unwrap();
    assert!(sessions::find(&db, &old, policy, now - Duration::days(8) + Duration::minutes(5)).await.unwrap().is_some());
    assert!(sessions::find(&db, &old, policy, now).await.unwrap().is_none(), "seven days end it, however active");
    let (fresh, _) = sessions::start(&db, None, policy, now).await.unwrap();
    assert!(sessions::find(&db, &fresh, policy, now + Duration::minutes(90)).await.unwrap().is_some());
    let remaining = app::server::entities::session::Entity::find().all(&db).await.unwrap();
    assert_eq!(remaining.len(), 1, "expired sessions are deleted, not kept");
}

// P26: strictly necessary cookies let you sign in, whatever else you refused; and the consent
// id is linked to the account in the consent log (B03).
async fn p26_sign_in_works_with_every_optional_cookie_refused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let consent = consent_decision(&app, "reject").await;
    let response =
        post_json_response(&app, "/api/account/sign-in", &[("email", "ann@example.com"), ("password", PASSWORD)], Some(&consent)).await;
    let set_cookies: Vec<String> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(set_cookies.len(), 1, "{set_cookies:?}");
    assert!(set_cookies[0].starts_with("sop_session="), "only the strictly necessary session cookie");
    let session = session_cookie(&response).unwrap();
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&format!("{consent}; {session}"))).await.0, 200);

    let db = Database::connect(app.db.url()).await.unwrap();
    use app::server::entities::consent_log;
    let linked = consent_log::Entity::find().filter(consent_log::Column::EventKind.eq("link")).all(&db).await.unwrap();
    assert_eq!(linked.len(), 1);
    assert!(linked[0].account_id.is_some());
    assert!(!linked[0].analytics && !linked[0].targeting, "the refusal carries over");
    assert!(matches!(
        app::server::consent_log::verify(&db, &app.state.keys.consent_log_anchor).await.unwrap(),
        app::server::consent_log::ChainStatus::Intact { rows: 2 }
    ));
}

on_both_databases!(
    a_cross_site_post_is_refused_before_anything_runs,
    a_form_without_this_sessions_token_is_refused,
    nobody_can_read_or_change_another_accounts_data,
    sessions_end_after_the_idle_and_absolute_timeouts,
    p26_sign_in_works_with_every_optional_cookie_refused,
);
