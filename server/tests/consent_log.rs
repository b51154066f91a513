//! B03: the consent log is a hash chain that the app can only append to, and tampering behind
//! the app's back is caught by `server consent verify` (run here as the real binary).

mod support;

use app::domain::consent::{ConsentChoices, ConsentEvent, ConsentPurpose, ConsentSource};
use app::server::consent_audit::{self, IncrementalCheck};
use app::server::consent_log::{self, ChainStatus, ConsentDecision, ConsentLog};
use app::server::entities::consent_log as consent_log_entity;
use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};
use sop_server::{config::Config, database};
use support::{base_vars, Backend, TestDb};

struct LogUnderTest {
    db: DatabaseConnection,
    consent_log: ConsentLog,
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
    Some(LogUnderTest { consent_log: ConsentLog::new(db.clone()), db, url: test_db.url().to_owned(), _test_db: test_db, _dir: dir })
}

/// These logs are never purged, so no retention anchor needs checking: any key will do.
const NO_PURGE_KEY: &[u8] = b"no rows purged, no anchor to sign";

fn decision(n: usize) -> ConsentDecision {
    let now = Utc::now();
    ConsentDecision {
        consent_id: format!("visitor-{n}"),
        account_id: None,
        policy_version: "1".into(),
        choices: if n.is_multiple_of(2) { ConsentChoices::ACCEPT_ALL } else { ConsentChoices::REJECT_ALL },
        event: if n.is_multiple_of(2) { ConsentEvent::Grant } else { ConsentEvent::Deny },
        source: ConsentSource::Banner,
        recorded_at: now,
        expires_at: now + Duration::days(365),
        browser_family: "Chrome".into(),
        text_hash: "a".repeat(64),
        ip_hash: "b".repeat(64),
        purpose: ConsentPurpose::Cookies,
    }
}

/// Runs the real `server consent verify` against the database; returns (success, output).
fn run_verify(url: &str) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["consent", "verify"])
        .env("DATABASE_URL", url)
        .env("DEMO_DATA", "false")
        // The command reads the store's key (for the retention anchor): never the default file.
        .env("SECRET_KEY", "c29wLXN0b3JlIHRlc3Qga2V5IGZvciB2ZXJpZnkgcnVucyEh")
        .env_remove("RUST_LOG")
        .output()
        .expect("the server binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

// B03
async fn b03_appended_decisions_form_a_chain_that_verifies(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    assert_eq!(consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap(), ChainStatus::Intact { rows: 0 });
    let first = log.consent_log.append(decision(0)).await.unwrap();
    assert_eq!(first.prev_hash, consent_log::GENESIS_HASH);
    let second = log.consent_log.append(decision(1)).await.unwrap();
    assert_eq!(second.prev_hash, first.row_hash, "each row names the one before it");
    assert_eq!(consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap(), ChainStatus::Intact { rows: 2 });
    let (ok, output) = tokio::task::spawn_blocking(move || run_verify(&log.url)).await.unwrap();
    assert!(ok, "{output}");
    assert!(output.contains("intact: 2 rows"), "{output}");
}

// B03: the app's own database user cannot rewrite or remove a decision.
async fn b03_the_log_refuses_updates_and_deletes(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    log.consent_log.append(decision(0)).await.unwrap();
    let update = log.db.execute_unprepared("UPDATE consent_log SET targeting = TRUE").await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = log.db.execute_unprepared("DELETE FROM consent_log").await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap(), ChainStatus::Intact { rows: 1 });
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
        log.consent_log.append(decision(n)).await.unwrap();
    }
    drop_guard(&log.db, backend).await;
    // Turn a "Reject all" into an acceptance of targeting.
    log.db.execute_unprepared("UPDATE consent_log SET targeting = TRUE WHERE id = 2").await.unwrap();
    let status = consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap();
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
        log.consent_log.append(decision(n)).await.unwrap();
    }
    drop_guard(&log.db, backend).await;
    log.db.execute_unprepared("DELETE FROM consent_log WHERE id = 2").await.unwrap();
    let status = consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap();
    assert!(matches!(&status, ChainStatus::Broken { row_id: 3, problem } if problem.contains("removed")), "{status:?}");
}

// B03: concurrent decisions never fork the chain and none is lost.
async fn b03_concurrent_decisions_keep_one_chain(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    let writers: Vec<_> = (0..40)
        .map(|n| {
            let consent_log = log.consent_log.clone();
            tokio::spawn(async move { consent_log.append(decision(n)).await })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap().expect("every acknowledged decision was committed");
    }
    assert_eq!(consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap(), ChainStatus::Intact { rows: 40 });
}

/// Makes the database refuse one consent id, as a constraint would refuse a bad row.
async fn refuse_consent_id(db: &DatabaseConnection, backend: Backend, consent_id: &str) {
    let statements = match backend {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON consent_log WHEN NEW.consent_id = '{consent_id}' \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )],
        Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF NEW.consent_id = '{consent_id}' THEN RAISE EXCEPTION 'refused by the test'; END IF; \
                 RETURN NEW; END $$"
            ),
            "CREATE TRIGGER refuse_one BEFORE INSERT ON consent_log FOR EACH ROW EXECUTE FUNCTION refuse_one()".into(),
        ],
    };
    for statement in statements {
        db.execute_unprepared(&statement).await.unwrap();
    }
}

type Append = tokio::task::JoinHandle<Result<consent_log_entity::Model, sea_orm::DbErr>>;

/// Starts `count` appends while the log is busy, so they all wait and are written as one batch
/// when `between_appends` lets go.
async fn queued_appends(log: &ConsentLog, count: usize) -> Vec<Append> {
    log.between_appends(async {
        let appends: Vec<_> = (0..count)
            .map(|n| {
                let log = log.clone();
                tokio::spawn(async move { log.append(decision(n)).await })
            })
            .collect();
        // Every append has queued its decision before the log is free again.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        appends
    })
    .await
}

// B03: decisions that arrive together are written together (group commit) and still form one
// chain; a decision the database refuses fails alone, and the others in its batch are stored
// and acknowledged.
async fn b03_a_refused_decision_fails_alone_in_its_batch(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    refuse_consent_id(&log.db, backend, "visitor-7").await;
    let appends = queued_appends(&log.consent_log, 30).await;
    let mut stored = Vec::new();
    for (n, append) in appends.into_iter().enumerate() {
        match append.await.unwrap() {
            Ok(row) => stored.push(row),
            Err(error) => assert_eq!(n, 7, "only the refused decision fails: {error}"),
        }
    }
    assert_eq!(stored.len(), 29);
    assert_eq!(consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap(), ChainStatus::Intact { rows: 29 });
    for row in &stored {
        let found = consent_log_entity::Entity::find_by_id(row.id).one(&log.db).await.unwrap();
        assert_eq!(found.as_ref(), Some(row), "every acknowledged decision is stored as acknowledged");
    }
}

// B03: a visitor who gives up while their decision waits (a closed connection drops the
// request) does not cost anyone else theirs: every decision acknowledged is stored.
async fn b03_abandoned_appends_do_not_cut_a_batch_short(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    let appends = queued_appends(&log.consent_log, 20).await;
    let mut kept = Vec::new();
    for (n, append) in appends.into_iter().enumerate() {
        if n % 2 == 0 {
            append.abort();
        } else {
            kept.push(append);
        }
    }
    for append in kept {
        let row = append.await.unwrap().expect("acknowledged");
        assert!(consent_log_entity::Entity::find_by_id(row.id).one(&log.db).await.unwrap().is_some());
    }
    // A decision afterwards still finds the end of the chain.
    log.consent_log.append(decision(99)).await.unwrap();
    let status = consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap();
    assert!(matches!(status, ChainStatus::Intact { rows } if (11..=21).contains(&rows)), "{status:?}");
}

// B03: a writer in another process appending in between (here a second appender, with its own
// memory of where the chain ends) cannot fork the chain: the stale end is refused by the unique
// `prev_hash`, and the append is retried after the real end.
async fn b03_another_writer_in_between_cannot_fork_the_chain(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    let other_process = ConsentLog::new(log.db.clone());
    log.consent_log.append(decision(0)).await.unwrap();
    let between = other_process.append(decision(1)).await.unwrap();
    let after = log.consent_log.append(decision(2)).await.unwrap();
    assert_eq!(after.prev_hash, between.row_hash, "chained after the other writer's row");
    assert_eq!(consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap(), ChainStatus::Intact { rows: 3 });
}

// S8: the staff page's check hashes only the rows added since its checkpoint, and still counts
// the whole log.
async fn s8_the_staff_check_walks_only_the_rows_added_since_its_checkpoint(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    let check = || async { consent_audit::verify_since_checkpoint(&log.db, NO_PURGE_KEY, Utc::now()).await.unwrap() };
    assert_eq!(check().await, IncrementalCheck { status: ChainStatus::Intact { rows: 0 }, rows_checked: 0 });
    for n in 0..3 {
        log.consent_log.append(decision(n)).await.unwrap();
    }
    assert_eq!(check().await, IncrementalCheck { status: ChainStatus::Intact { rows: 3 }, rows_checked: 3 });
    assert_eq!(check().await, IncrementalCheck { status: ChainStatus::Intact { rows: 3 }, rows_checked: 0 }, "nothing new, nothing hashed");
    for n in 3..5 {
        log.consent_log.append(decision(n)).await.unwrap();
    }
    assert_eq!(check().await, IncrementalCheck { status: ChainStatus::Intact { rows: 5 }, rows_checked: 2 }, "only the two new rows");
    assert_eq!(consent_audit::chain_report(&log.db, NO_PURGE_KEY).await.unwrap(), app::domain::staff::ChainReport::Intact { rows: 5 });
}

// S8: a row changed or removed after the checkpoint, or the checkpoint's own row changed, is
// still caught by the staff page's check.
async fn s8_the_staff_check_catches_tampering_after_its_checkpoint(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    let check = || async { consent_audit::verify_since_checkpoint(&log.db, NO_PURGE_KEY, Utc::now()).await.unwrap().status };
    for n in 0..3 {
        log.consent_log.append(decision(n)).await.unwrap();
    }
    assert_eq!(check().await, ChainStatus::Intact { rows: 3 });
    for n in 3..6 {
        log.consent_log.append(decision(n)).await.unwrap();
    }
    drop_guard(&log.db, backend).await;
    log.db.execute_unprepared("UPDATE consent_log SET targeting = NOT targeting WHERE id = 5").await.unwrap();
    let status = check().await;
    assert!(matches!(&status, ChainStatus::Broken { row_id: 5, problem } if problem.contains("changed")), "{status:?}");
    log.db.execute_unprepared("DELETE FROM consent_log WHERE id = 4").await.unwrap();
    let status = check().await;
    assert!(matches!(&status, ChainStatus::Broken { row_id: 5, problem } if problem.contains("removed")), "{status:?}");
    assert!(matches!(check().await, ChainStatus::Broken { .. }), "a broken chain does not move the checkpoint past it");
    log.db.execute_unprepared("UPDATE consent_log SET analytics = NOT analytics WHERE id = 3").await.unwrap();
    let status = check().await;
    assert!(
        matches!(&status, ChainStatus::Broken { row_id: 3, problem } if problem.contains("changed")),
        "the checkpoint's own row: {status:?}"
    );
}

// S8: a row changed before the checkpoint is not re-hashed by the staff page, so the full walk
// of `server consent verify` (what auditors run) must still find it.
async fn s8_a_row_changed_before_the_checkpoint_is_caught_by_the_full_walk(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    for n in 0..3 {
        log.consent_log.append(decision(n)).await.unwrap();
    }
    assert_eq!(
        consent_audit::verify_since_checkpoint(&log.db, NO_PURGE_KEY, Utc::now()).await.unwrap().status,
        ChainStatus::Intact { rows: 3 }
    );
    drop_guard(&log.db, backend).await;
    log.db.execute_unprepared("UPDATE consent_log SET targeting = NOT targeting WHERE id = 1").await.unwrap();
    let status = consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap();
    assert!(matches!(&status, ChainStatus::Broken { row_id: 1, problem } if problem.contains("changed")), "{status:?}");
    let url = log.url.clone();
    let (ok, output) = tokio::task::spawn_blocking(move || run_verify(&url)).await.unwrap();
    assert!(!ok, "verify fails");
    assert!(output.contains("broken at row 1"), "{output}");
}

// Issue 15: marketing decisions join the same chain, appended inside the transaction of the
// choice they prove. A transaction that rolls back leaves no row, and the chain goes on from
// its real end; `verify` covers cookie and marketing rows alike.
async fn b03_marketing_rows_in_a_transaction_join_the_one_chain(backend: Backend) {
    let Some(log) = migrated_log(backend).await else { return };
    let marketing = |n: usize| ConsentDecision {
        purpose: ConsentPurpose::Marketing(app::domain::marketing::MarketingTopic::Newsletter),
        source: ConsentSource::Settings,
        choices: ConsentChoices::REJECT_ALL,
        event: ConsentEvent::Grant,
        ..decision(n)
    };
    log.consent_log.append(decision(1)).await.unwrap();
    let mut appender = log.consent_log.for_transaction().await;
    let txn = log.db.begin().await.unwrap();
    appender.append(&txn, marketing(2)).await.unwrap();
    txn.rollback().await.unwrap();
    drop(appender);
    assert_eq!(consent_log_entity::Entity::find().all(&log.db).await.unwrap().len(), 1, "rolled back: no row");

    let mut appender = log.consent_log.for_transaction().await;
    let txn = log.db.begin().await.unwrap();
    let row = appender.append(&txn, marketing(3)).await.unwrap();
    txn.commit().await.unwrap();
    appender.committed();
    assert_eq!(row.purpose, "marketing:newsletter");
    log.consent_log.append(decision(4)).await.unwrap();
    assert_eq!(consent_log::verify(&log.db, NO_PURGE_KEY).await.unwrap(), ChainStatus::Intact { rows: 3 });
}

on_both_databases!(
    b03_marketing_rows_in_a_transaction_join_the_one_chain,
    b03_appended_decisions_form_a_chain_that_verifies,
    b03_the_log_refuses_updates_and_deletes,
    b03_verify_catches_an_edited_row,
    b03_verify_catches_a_removed_row,
    b03_concurrent_decisions_keep_one_chain,
    b03_a_refused_decision_fails_alone_in_its_batch,
    b03_abandoned_appends_do_not_cut_a_batch_short,
    b03_another_writer_in_between_cannot_fork_the_chain,
    s8_the_staff_check_walks_only_the_rows_added_since_its_checkpoint,
    s8_the_staff_check_catches_tampering_after_its_checkpoint,
    s8_a_row_changed_before_the_checkpoint_is_caught_by_the_full_walk,
);
