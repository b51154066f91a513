//! Issue 21, S8: what anonymous traffic and time leave in the database is cleaned up: ended
//! sessions are deleted, and old e-mails lose their bodies and one-time links but stay on
//! record. The running store does it on start and every ten minutes.

mod support;

use app::domain::mail::{MailKind, MailStatus};
use app::server::accounts::sessions::SessionPolicy;
use app::server::entities::{mail_outbox, session};
use app::server::housekeeping::{purge_expired, PurgeReport, REMOVED_BODY};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use sop_server::{config::Config, database};
use support::{base_vars, start_server_with_state, Backend, TestDb};

struct Migrated {
    db: DatabaseConnection,
    config: Config,
    _test_db: TestDb,
    _dir: tempfile::TempDir,
}

async fn migrated(backend: Backend) -> Option<Migrated> {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::fresh(backend, &dir).await?;
    let mut vars = base_vars(test_db.url(), &dir);
    vars.insert("DEMO_DATA".into(), "false".into());
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let db = database::connect(&config.database).await.unwrap();
    database::migrate(&db).await.unwrap();
    Some(Migrated { db, config, _test_db: test_db, _dir: dir })
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap()
}

const POLICY: SessionPolicy = SessionPolicy { idle: Duration::hours(2), absolute: Duration::days(7) };

async fn add_session(db: &DatabaseConnection, id: &str, created_at: DateTime<Utc>, last_seen_at: DateTime<Utc>) {
    session::Entity::insert(session::ActiveModel {
        id: Set(id.to_owned()),
        account_id: Set(None),
        csrf_token: Set(format!("csrf-{id}")),
        created_at: Set(created_at),
        last_seen_at: Set(last_seen_at),
        expires_at: Set(created_at + POLICY.absolute),
        second_factor_at: Set(None),
        user_agent_family: Set(None),
    })
    .exec(db)
    .await
    .unwrap();
}

async fn add_mail(db: &DatabaseConnection, status: MailStatus, created_at: DateTime<Utc>) -> i64 {
    let row = mail_outbox::ActiveModel {
        kind: Set(MailKind::PasswordReset.as_str().to_owned()),
        to_address: Set("ann@example.com".to_owned()),
        subject: Set("Reset your password".to_owned()),
        text_body: Set("Dear Ann, follow the link".to_owned()),
        html_body: Set("<p>Dear Ann, follow the link</p>".to_owned()),
        created_at: Set(created_at),
        status: Set(status.as_str().to_owned()),
        attempts: Set(1),
        next_attempt_at: Set(created_at),
        last_error: Set(None),
        sent_at: Set((status == MailStatus::Sent).then_some(created_at)),
        secret_link: Set(Some("https://shop.example/account/reset/new?token=secret".to_owned())),
        ..Default::default()
    };
    mail_outbox::Entity::insert(row).exec(db).await.unwrap().last_insert_id
}

async fn session_ids(db: &DatabaseConnection) -> Vec<String> {
    let mut ids: Vec<String> = session::Entity::find().all(db).await.unwrap().into_iter().map(|s| s.id).collect();
    ids.sort();
    ids
}

async fn mail(db: &DatabaseConnection, id: i64) -> mail_outbox::Model {
    mail_outbox::Entity::find_by_id(id).one(db).await.unwrap().expect("the row stays")
}

// S8: sessions past their idle or absolute timeout are deleted; live ones stay.
async fn s8_expired_sessions_are_deleted_and_live_ones_kept(backend: Backend) {
    let Some(store) = migrated(backend).await else { return };
    let db = &store.db;
    add_session(db, "idle-too-long", now() - Duration::hours(5), now() - Duration::hours(3)).await;
    add_session(db, "past-absolute", now() - Duration::days(8), now() - Duration::minutes(1)).await;
    add_session(db, "live", now() - Duration::hours(1), now() - Duration::minutes(10)).await;
    add_session(db, "live-long", now() - Duration::days(6), now() - Duration::minutes(119)).await;

    let report = purge_expired(db, POLICY, now()).await.unwrap();
    assert_eq!(report.sessions_deleted, 2);
    assert_eq!(session_ids(db).await, ["live", "live-long"]);
}

// S8: an e-mail sent or given up on more than 30 days ago keeps only its record (kind,
// recipient, status); its bodies and one-time link go. Newer, held and pending mail is untouched.
async fn s8_old_sent_and_failed_mail_loses_its_bodies_but_stays_on_record(backend: Backend) {
    let Some(store) = migrated(backend).await else { return };
    let db = &store.db;
    let old = now() - Duration::days(31);
    let old_sent = add_mail(db, MailStatus::Sent, old).await;
    let old_failed = add_mail(db, MailStatus::Failed, old).await;
    let old_held = add_mail(db, MailStatus::Held, old).await;
    let old_pending = add_mail(db, MailStatus::Pending, old).await;
    let recent_sent = add_mail(db, MailStatus::Sent, now() - Duration::days(29)).await;

    let report = purge_expired(db, POLICY, now()).await.unwrap();
    assert_eq!(report, PurgeReport { sessions_deleted: 0, outbox_bodies_removed: 2 });
    for (id, status) in [(old_sent, MailStatus::Sent), (old_failed, MailStatus::Failed)] {
        let row = mail(db, id).await;
        assert_eq!((row.text_body.as_str(), row.html_body.as_str()), (REMOVED_BODY, REMOVED_BODY));
        assert_eq!(row.secret_link, None);
        assert_eq!(row.kind, MailKind::PasswordReset.as_str());
        assert_eq!(row.to_address, "ann@example.com");
        assert_eq!(row.status, status.as_str());
    }
    for id in [old_held, old_pending, recent_sent] {
        let row = mail(db, id).await;
        assert_eq!(row.text_body, "Dear Ann, follow the link", "row {id} untouched");
        assert!(row.secret_link.is_some(), "row {id} keeps its link");
    }
    assert_eq!(purge_expired(db, POLICY, now()).await.unwrap(), PurgeReport::default(), "nothing is cleaned twice");
}

// S8: the running store cleans up as it starts (and then every ten minutes), stopping with it.
async fn s8_the_store_cleans_up_when_it_starts(backend: Backend) {
    let Some(store) = migrated(backend).await else { return };
    let db = store.db.clone();
    let long_ago = Utc::now() - Duration::days(40);
    add_session(&db, "ended", long_ago, long_ago).await;
    add_session(&db, "live", Utc::now(), Utc::now()).await;
    let sent = add_mail(&db, MailStatus::Sent, long_ago).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (_address, _state, server) = start_server_with_state(store.config.clone(), async {
        let _ = stopped.await;
    })
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while session_ids(&db).await != ["live"] || mail(&db, sent).await.text_body != REMOVED_BODY {
        assert!(std::time::Instant::now() < deadline, "the store did not clean up on start");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

on_both_databases!(
    s8_expired_sessions_are_deleted_and_live_ones_kept,
    s8_old_sent_and_failed_mail_loses_its_bodies_but_stays_on_record,
    s8_the_store_cleans_up_when_it_starts,
);
