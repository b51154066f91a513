//! B03: the consent log is a hash chain that the app can only append to, and tampering behind
//! the app's back is caught by `server consent verify` (run here as the real binary).

mod support;

use app::domain::consent::{ConsentChoices, ConsentEvent, ConsentSource};
use app::server::consent_log::{self, ChainStatus, ConsentDecision};
use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sop_server::{config::Config, database};
use support::{base_vars, Backend, TestDb};

struct LogUnderTest {
    db: DatabaseConnection,
    url: String,
    _test_db: TestDb,
    _dir: tempfile::TempDir,
}

async fn migrated_log(backend: Backend) -> Option<LogUnderTest> {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::fresh(backend, &dir).await?;
    let vars = base_vars(test_db.url(), &dir);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let db = database::connect(&config.database).await.unwrap();
    database::migrate(&db).await.unwrap();
    Some(LogUnderTest { db, url: test_db.url().to_owned(), _test_db: test_db, _dir: dir })
}

fn decision(n: usize) -> ConsentDecision {
    let now = Utc::now();
    ConsentDecision {
        consent_id: format!("visitor-{n}"),
        account_id: None,
        policy_version: "1".into(),
        choices: if n % 2 == 0 { ConsentChoices::ACCEPT_ALL } else { ConsentChoices::REJECT_ALL },
        event: if n % 2 == 0 { ConsentEvent::Grant } else { ConsentEvent::Deny },
        source: ConsentSource::Banner,
        recorded_at: now,
        expires_at: now + Duration::days(365),
        browser_family: "Chrome".into(),
        text_hash: "a".repeat(64),
        ip_hash: "b".repeat(64),
    }
}

/// Runs the real `server consent verify` against the database; returns (success, output).
fn run_verify(url: &str) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["consent", "verify"])
        .env("DATABASE_URL", url)
        .env("DEMO_DATA", "false")
        .env_remove("RUST_LOG")
        .output()
        .expect("the server binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

// B03
async fn b03_appended_decisions_form_a_chain_that_verifies(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    assert_eq!(consent_log::verify(&log.db).await.unwrap(), ChainStatus::Intact { rows: 0 });
    let first = consent_log::append(&log.db, decision(0)).await.unwrap();
    assert_eq!(first.prev_hash, consent_log::GENESIS_HASH);
    let second = consent_log::append(&log.db, decision(1)).await.unwrap();
    assert_eq!(second.prev_hash, first.row_hash, "each row names the one before it");
    assert_eq!(consent_log::verify(&log.db).await.unwrap(), ChainStatus::Intact { rows: 2 });
    let (ok, output) = tokio::task::spawn_blocking(move || run_verify(&log.url)).await.unwrap();
    assert!(ok, "{output}");
    assert!(output.contains("intact: 2 rows"), "{output}");
}

// B03: the app's own database user cannot rewrite or remove a decision.
async fn b03_the_log_refuses_updates_and_deletes(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    consent_log::append(&log.db, decision(0)).await.unwrap();
    let update = log.db.execute_unprepared("UPDATE consent_log SET targeting = TRUE").await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = log.db.execute_unprepared("DELETE FROM consent_log").await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(consent_log::verify(&log.db).await.unwrap(), ChainStatus::Intact { rows: 1 });
}

/// Removes the append-only guard, as someone with the database owner's rights could.
async fn drop_guard(db: &DatabaseConnection, backend: Backend) {
    let statements: &[&str] = match backend {
        Backend::Sqlite => &["DROP TRIGGER consent_log_no_update", "DROP TRIGGER consent_log_no_delete"],
        Backend::Postgres => &["DROP TRIGGER consent_log_append_only ON consent_log"],
    };
    for statement in statements {
        db.execute_unprepared(statement).await.unwrap();
    }
}

// B03: a row edited behind the app's back is caught by `server consent verify`.
async fn b03_verify_catches_an_edited_row(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    for n in 0..3 {
        consent_log::append(&log.db, decision(n)).await.unwrap();
    }
    drop_guard(&log.db, backend).await;
    // Turn a "Reject all" into an acceptance of targeting.
    log.db.execute_unprepared("UPDATE consent_log SET targeting = TRUE WHERE id = 2").await.unwrap();
    let status = consent_log::verify(&log.db).await.unwrap();
    assert!(matches!(&status, ChainStatus::Broken { row_id: 2, problem } if problem.contains("changed")), "{status:?}");
    let url = log.url.clone();
    let (ok, output) = tokio::task::spawn_blocking(move || run_verify(&url)).await.unwrap();
    assert!(!ok, "verify fails");
    assert!(output.contains("broken at row 2"), "{output}");
}

// B03: removing a row breaks the link of the row after it.
async fn b03_verify_catches_a_removed_row(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    for n in 0..3 {
        consent_log::append(&log.db, decision(n)).await.unwrap();
    }
    drop_guard(&log.db, backend).await;
    log.db.execute_unprepared("DELETE FROM consent_log WHERE id = 2").await.unwrap();
    let status = consent_log::verify(&log.db).await.unwrap();
    assert!(matches!(&status, ChainStatus::Broken { row_id: 3, problem } if problem.contains("removed")), "{status:?}");
}

// B03: concurrent decisions never fork the chain and none is lost.
async fn b03_concurrent_decisions_keep_one_chain(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    let writers: Vec<_> = (0..40)
        .map(|n| {
            let db = log.db.clone();
            tokio::spawn(async move { consent_log::append(&db, decision(n)).await })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap().expect("every acknowledged decision was committed");
    }
    assert_eq!(consent_log::verify(&log.db).await.unwrap(), ChainStatus::Intact { rows: 40 });
}

on_both_databases!(
    b03_appended_decisions_form_a_chain_that_verifies,
    b03_the_log_refuses_updates_and_deletes,
    b03_verify_catches_an_edited_row,
    b03_verify_catches_a_removed_row,
    b03_concurrent_decisions_keep_one_chain,
);
