//! Issue 16: the retention engine (P16–P19). Rows are seeded on a day in 2027, the clock is
//! moved 7 years and a day on, and each rule must remove exactly what its period has ended
//! for, deleting rows (P19) and leaving everything younger untouched; the consent log loses
//! only its oldest rows and still verifies from the signed anchor.

mod support;

use app::domain::consent::{ConsentChoices, ConsentEvent, ConsentPurpose, ConsentSource};
use app::domain::retention::{RetentionPeriods, RetentionRule, RunMode, RunTrigger};
use app::server::consent_audit;
use app::server::consent_log::{self, ChainStatus, ConsentDecision, ConsentLog};
use app::server::entities::{
    account, account_address, audit_log, campaign, campaign_delivery, consent_log as log_rows, consent_log_purge_anchor, customer_order,
    mail_outbox, marketing_consent, marketing_subscriber, order_line, retention_run,
};
use app::server::privacy::retention::{run, RetentionContext, RetentionReport};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Statement,
};
use sop_server::{config::Config, database};
use support::{base_vars, Backend, TestDb};

const KEY: &[u8] = b"retention tests' consent anchor key";
/// A base64url `SECRET_KEY` for the command-line runs.
const SECRET_KEY: &str = "c29wLXN0b3JlIHRlc3Qga2V5IGZvciB2ZXJpZnkgcnVucyEh";

struct Store {
    db: DatabaseConnection,
    log: ConsentLog,
    url: String,
    _test_db: TestDb,
    dir: tempfile::TempDir,
}

async fn store(backend: Backend) -> Option<Store> {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::fresh(backend, &dir).await?;
    let mut vars = base_vars(test_db.url(), &dir);
    vars.insert("DEMO_DATA".into(), "false".into());
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let db = database::connect(&config.database).await.unwrap();
    database::migrate(&db).await.unwrap();
    Some(Store { log: ConsentLog::new(db.clone()), db, url: test_db.url().to_owned(), _test_db: test_db, dir })
}

/// The day the old rows were written.
fn then() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap()
}

/// Seven years and a day later: the old rows are due, the younger ones are not.
fn seven_years_on() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2034, 3, 2, 12, 0, 0).unwrap()
}

/// Younger rows: written a year after the old ones, so still inside their period.
fn a_year_later() -> DateTime<Utc> {
    then() + Duration::days(365)
}

async fn retention(store: &Store, now: DateTime<Utc>, mode: RunMode) -> RetentionReport {
    let context = RetentionContext { db: &store.db, consent_log: &store.log, anchor_key: KEY, periods: RetentionPeriods::default() };
    run(&context, now, mode, RunTrigger::Command).await.expect("the run completes")
}

async fn add_order(db: &DatabaseConnection, number: &str, placed_at: DateTime<Utc>, address: &str) -> i32 {
    let order = customer_order::ActiveModel {
        number: Set(number.to_owned()),
        checkout_key: Set(format!("key-{number}")),
        account_id: Set(None),
        status: Set("paid".to_owned()),
        name: Set("Ann Example".to_owned()),
        email: Set("ann@example.com".to_owned()),
        telephone: Set("01234 567890".to_owned()),
        billing_address: Set(address.to_owned()),
        delivery_address: Set(address.to_owned()),
        delivery_method: Set("standard".to_owned()),
        delivery_pence: Set(395),
        subtotal_pence: Set(1000),
        vat_pence: Set(200),
        total_pence: Set(1395),
        card_brand: Set("Visa".to_owned()),
        card_last4: Set("4242".to_owned()),
        card_exp_month: Set(12),
        card_exp_year: Set(2030),
        payment_token: Set("tok_test".to_owned()),
        legal_basis: Set("contract".to_owned()),
        retain_until: Set(RetentionPeriods::default().kept_until(RetentionRule::Orders, placed_at)),
        placed_at: Set(placed_at),
        updated_at: Set(placed_at),
        dispatched_at: Set(None),
        delivered_at: Set(None),
        cancelled_at: Set(None),
        ..Default::default()
    };
    let id = customer_order::Entity::insert(order).exec(db).await.unwrap().last_insert_id;
    for n in 0..2 {
        let line = order_line::ActiveModel {
            order_id: Set(id),
            product_id: Set(None),
            product_slug: Set(format!("thing-{n}")),
            product_name: Set(format!("Thing {n}")),
            unit_price_pence: Set(500),
            quantity: Set(1),
            line_total_pence: Set(500),
            ..Default::default()
        };
        order_line::Entity::insert(line).exec(db).await.unwrap();
    }
    id
}

async fn add_account(db: &DatabaseConnection, email: &str, deleted_at: Option<DateTime<Utc>>) -> i32 {
    let row = account::ActiveModel {
        email: Set(email.to_owned()),
        email_verified_at: Set(None),
        name: Set("Deleted account".to_owned()),
        telephone: Set(None),
        password_hash: Set("!".to_owned()),
        role: Set("customer".to_owned()),
        created_at: Set(then() - Duration::days(30)),
        updated_at: Set(then()),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        deleted_at: Set(deleted_at),
        ..Default::default()
    };
    let id = account::Entity::insert(row).exec(db).await.unwrap().last_insert_id;
    let address = account_address::ActiveModel {
        account_id: Set(id),
        kind: Set("delivery".to_owned()),
        is_default: Set(true),
        full_name: Set("Ann Example".to_owned()),
        line1: Set("1 High Street".to_owned()),
        line2: Set(None),
        city: Set("Harlow".to_owned()),
        postcode: Set("CM19 5AW".to_owned()),
        country: Set("GB".to_owned()),
        created_at: Set(then()),
        updated_at: Set(then()),
        ..Default::default()
    };
    account_address::Entity::insert(address).exec(db).await.unwrap();
    id
}

/// A subscriber with one topic in the given state, last changed at `changed_at`, its proof
/// being consent log row `log_row_id`.
async fn add_subscriber(db: &DatabaseConnection, email: &str, granted: bool, changed_at: DateTime<Utc>, log_row_id: i32) -> i32 {
    let row = marketing_subscriber::ActiveModel {
        email: Set(email.to_owned()),
        subject_id: Set(format!("subject-{email}")),
        confirmed_at: Set(Some(then())),
        created_at: Set(then()),
        ..Default::default()
    };
    let id = marketing_subscriber::Entity::insert(row).exec(db).await.unwrap().last_insert_id;
    let consent = marketing_consent::ActiveModel {
        subscriber_id: Set(id),
        topic: Set("newsletter".to_owned()),
        granted: Set(granted),
        wording_version: Set("1".to_owned()),
        changed_at: Set(changed_at),
        log_row_id: Set(log_row_id),
    };
    marketing_consent::Entity::insert(consent).exec(db).await.unwrap();
    id
}

async fn add_campaign_delivery(db: &DatabaseConnection, subscriber_id: i32, prepared_at: DateTime<Utc>) {
    let campaign = campaign::ActiveModel {
        subject: Set("Spring news".to_owned()),
        text_body: Set("News".to_owned()),
        html_body: Set("<p>News</p>".to_owned()),
        topic: Set("newsletter".to_owned()),
        status: Set("finished".to_owned()),
        created_by: Set(None),
        created_at: Set(prepared_at),
        updated_at: Set(prepared_at),
        started_at: Set(Some(prepared_at)),
        prepared_at: Set(Some(prepared_at)),
        finished_at: Set(Some(prepared_at)),
        ..Default::default()
    };
    let campaign_id = campaign::Entity::insert(campaign).exec(db).await.unwrap().last_insert_id;
    let delivery = campaign_delivery::ActiveModel {
        campaign_id: Set(campaign_id),
        subscriber_id: Set(subscriber_id),
        status: Set("sent".to_owned()),
        prepared_at: Set(prepared_at),
        sent_at: Set(Some(prepared_at)),
        outbox_id: Set(None),
        ..Default::default()
    };
    campaign_delivery::Entity::insert(delivery).exec(db).await.unwrap();
}

async fn add_mail(db: &DatabaseConnection, to: &str, created_at: DateTime<Utc>) {
    let row = mail_outbox::ActiveModel {
        kind: Set("order_confirmation".to_owned()),
        to_address: Set(to.to_owned()),
        subject: Set("Your order".to_owned()),
        text_body: Set("Thank you".to_owned()),
        html_body: Set("<p>Thank you</p>".to_owned()),
        created_at: Set(created_at),
        status: Set("sent".to_owned()),
        attempts: Set(1),
        next_attempt_at: Set(created_at),
        last_error: Set(None),
        sent_at: Set(Some(created_at)),
        secret_link: Set(None),
        list_unsubscribe: Set(None),
        ..Default::default()
    };
    mail_outbox::Entity::insert(row).exec(db).await.unwrap();
}

async fn add_audit(db: &DatabaseConnection, target: &str, recorded_at: DateTime<Utc>) {
    let row = audit_log::ActiveModel {
        actor_account_id: Set(None),
        action: Set("order.dispatched".to_owned()),
        target: Set(target.to_owned()),
        detail: Set(String::new()),
        recorded_at: Set(recorded_at),
        ..Default::default()
    };
    audit_log::Entity::insert(row).exec(db).await.unwrap();
}

fn decision(visitor: &str, at: DateTime<Utc>) -> ConsentDecision {
    ConsentDecision {
        consent_id: visitor.to_owned(),
        account_id: None,
        policy_version: "1".into(),
        choices: ConsentChoices::REJECT_ALL,
        event: ConsentEvent::Deny,
        source: ConsentSource::Banner,
        recorded_at: at,
        expires_at: at + Duration::days(365),
        browser_family: "Firefox".into(),
        text_hash: "a".repeat(64),
        ip_hash: "b".repeat(64),
        purpose: ConsentPurpose::Cookies,
    }
}

async fn decide(store: &Store, visitor: &str, at: DateTime<Utc>) -> i32 {
    store.log.append(decision(visitor, at)).await.unwrap().id
}

async fn count<E>(db: &DatabaseConnection, _entity: E) -> u64
where
    E: EntityTrait,
    E::Model: Sync,
{
    E::find().count(db).await.unwrap()
}

async fn log_ids(db: &DatabaseConnection) -> Vec<i32> {
    log_rows::Entity::find().order_by_asc(log_rows::Column::Id).all(db).await.unwrap().into_iter().map(|r| r.id).collect()
}

// P16, P17, P19: every rule removes the rows whose 7 years are over, with what hangs on them,
// and nothing younger; a dry run first counts exactly that and removes nothing; every run is
// recorded; a second run finds nothing more.
async fn p16_p17_each_rule_deletes_what_is_due_and_nothing_younger(backend: Backend) {
    let Some(store) = store(backend).await else { return };
    let db = &store.db;
    // The consent log: three old decisions, then a younger one that proves a current choice.
    for n in 0..3 {
        decide(&store, &format!("old-visitor-{n}"), then()).await;
    }
    let young_row = decide(&store, "young-visitor", a_year_later()).await;
    add_order(db, "SOP-OLD1-0001", then(), "1 Old Road").await;
    add_order(db, "SOP-NEW1-0001", a_year_later(), "2 New Road").await;
    add_account(db, "gone-long-ago@example.com", Some(then())).await;
    let recently_deleted = add_account(db, "gone-lately@example.com", Some(a_year_later())).await;
    let live = add_account(db, "still-here@example.com", None).await;
    add_subscriber(db, "stopped-long-ago@example.com", false, then(), young_row).await;
    let subscribed = add_subscriber(db, "still-subscribed@example.com", true, then(), young_row).await;
    add_subscriber(db, "stopped-lately@example.com", false, a_year_later(), young_row).await;
    add_campaign_delivery(db, subscribed, then()).await;
    add_campaign_delivery(db, subscribed, a_year_later()).await;
    add_mail(db, "ann@example.com", then()).await;
    add_mail(db, "ann@example.com", a_year_later()).await;
    add_audit(db, "order SOP-OLD1-0001", then()).await;
    add_audit(db, "order SOP-NEW1-0001", a_year_later()).await;

    let dry = retention(&store, seven_years_on(), RunMode::DryRun).await;
    let expected = [
        (RetentionRule::Orders, 1, 2),
        (RetentionRule::DeletedAccounts, 1, 1),
        (RetentionRule::FormerSubscribers, 1, 1),
        (RetentionRule::CampaignDeliveries, 1, 0),
        (RetentionRule::MailRecords, 1, 0),
        (RetentionRule::AuditLog, 1, 0),
        (RetentionRule::ConsentLog, 3, 0),
    ];
    let found: Vec<_> = dry.outcomes.iter().map(|o| (o.rule, o.rows, o.dependent_rows)).collect();
    assert_eq!(found, expected, "the dry run counts what is due");
    assert_eq!(count(db, customer_order::Entity).await, 2, "a dry run deletes nothing");
    assert_eq!(log_ids(db).await.len(), 4, "a dry run deletes nothing");

    let done = retention(&store, seven_years_on(), RunMode::Delete).await;
    let found: Vec<_> = done.outcomes.iter().map(|o| (o.rule, o.rows, o.dependent_rows)).collect();
    assert_eq!(found, expected, "the run deletes what the dry run counted");

    let numbers: Vec<String> = customer_order::Entity::find().all(db).await.unwrap().into_iter().map(|o| o.number).collect();
    assert_eq!(numbers, ["SOP-NEW1-0001"]);
    assert_eq!(count(db, order_line::Entity).await, 2, "only the younger order's lines remain");
    let accounts: Vec<i32> =
        account::Entity::find().order_by_asc(account::Column::Id).all(db).await.unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(accounts, [recently_deleted, live], "the long-deleted account is gone; a live one is never due");
    assert_eq!(count(db, account_address::Entity).await, 2, "the removed account's address went with it");
    let emails: Vec<String> = marketing_subscriber::Entity::find()
        .order_by_asc(marketing_subscriber::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.email)
        .collect();
    assert_eq!(emails, ["still-subscribed@example.com", "stopped-lately@example.com"]);
    assert_eq!(count(db, campaign_delivery::Entity).await, 1);
    assert_eq!(count(db, mail_outbox::Entity).await, 1);
    let targets: Vec<String> = audit_log::Entity::find().all(db).await.unwrap().into_iter().map(|a| a.target).collect();
    assert_eq!(targets, ["order SOP-NEW1-0001"]);
    assert_eq!(log_ids(db).await, [young_row], "the consent log lost its three old rows");

    // The chain that is left verifies, in full and on the staff page, and keeps growing.
    assert_eq!(consent_log::verify(db, KEY).await.unwrap(), ChainStatus::Intact { rows: 1 });
    decide(&store, "after-the-purge", seven_years_on()).await;
    assert_eq!(consent_log::verify(db, KEY).await.unwrap(), ChainStatus::Intact { rows: 2 });
    assert_eq!(consent_audit::verify_since_checkpoint(db, KEY, seven_years_on()).await.unwrap().status, ChainStatus::Intact { rows: 2 });

    let again = retention(&store, seven_years_on(), RunMode::Delete).await;
    assert!(again.outcomes.iter().all(|o| o.rows == 0), "nothing is due twice: {again:?}");
    let runs = retention_run::Entity::find().order_by_asc(retention_run::Column::Id).all(db).await.unwrap();
    let recorded: Vec<_> = runs.iter().map(|r| (r.dry_run, r.outcome.as_str(), r.trigger.as_str(), r.finished_at.is_some())).collect();
    assert_eq!(
        recorded,
        [(true, "completed", "command", true), (false, "completed", "command", true), (false, "completed", "command", true)]
    );
    assert!(runs[1].report.contains("\"rows\":3"), "the record says what each rule removed: {}", runs[1].report);
}

// P16: a row one second inside its period is not touched; one second past it is.
async fn p16_the_period_ends_exactly_seven_years_on(backend: Backend) {
    let Some(store) = store(backend).await else { return };
    let db = &store.db;
    add_order(db, "SOP-EDGE-0001", then(), "3 Edge Road").await;
    let exactly = Utc.with_ymd_and_hms(2034, 3, 1, 12, 0, 0).unwrap();
    let report = retention(&store, exactly - Duration::seconds(1), RunMode::Delete).await;
    assert_eq!(report.rows(RetentionRule::Orders), 0, "6 years, 364 days and 23:59:59 later it is still kept");
    assert_eq!(count(db, customer_order::Entity).await, 1);
    let report = retention(&store, exactly, RunMode::Delete).await;
    assert_eq!(report.rows(RetentionRule::Orders), 1, "7 years to the second later it goes");
}

// B03 with P16: a consent row that still proves someone's current marketing choice is kept,
// and with it every row after it, so the chain stays one unbroken run from the anchor.
async fn b03_retention_keeps_the_proof_of_a_current_choice(backend: Backend) {
    let Some(store) = store(backend).await else { return };
    let db = &store.db;
    let first = decide(&store, "visitor-1", then()).await;
    let proof = decide(&store, "subscriber", then()).await;
    let third = decide(&store, "visitor-3", then()).await;
    add_subscriber(db, "reader@example.com", true, then(), proof).await;
    let report = retention(&store, seven_years_on(), RunMode::Delete).await;
    assert_eq!(report.rows(RetentionRule::ConsentLog), 1);
    assert_eq!(log_ids(db).await, [proof, third], "row {first} went, the proof and what follows it stay");
    assert_eq!(consent_log::verify(db, KEY).await.unwrap(), ChainStatus::Intact { rows: 2 });
}

// B03: rows can leave the log only through retention's signed anchor. Deleting a row by hand
// is refused by the database; moving the anchor back is refused; an anchor forged to cover a
// row removed by hand is detected by verify, and so is an anchor verified under another key.
async fn b03_only_the_signed_anchor_lets_rows_go(backend: Backend) {
    let Some(store) = store(backend).await else { return };
    let db = &store.db;
    for n in 0..2 {
        decide(&store, &format!("old-{n}"), then()).await;
    }
    let kept = decide(&store, "young", a_year_later()).await;
    let after = decide(&store, "younger", a_year_later()).await;
    let refused = db.execute_unprepared(&format!("DELETE FROM consent_log WHERE id = {kept}")).await;
    assert!(refused.is_err(), "a row the anchor does not cover cannot be deleted");
    retention(&store, seven_years_on(), RunMode::Delete).await;
    assert_eq!(log_ids(db).await, [kept, after]);
    let anchor = consent_log_purge_anchor::Entity::find_by_id(1).one(db).await.unwrap().expect("the purge left its anchor");
    assert_eq!(anchor.rows_removed, 2);
    let back = db.execute_unprepared("UPDATE consent_log_purge_anchor SET purged_up_to_id = 0").await;
    assert!(back.is_err(), "the anchor only moves forward");
    assert!(db.execute_unprepared("DELETE FROM consent_log_purge_anchor").await.is_err(), "the anchor cannot be removed");
    assert_eq!(
        consent_log::verify(db, b"another store's key, 32 bytes...").await.unwrap(),
        ChainStatus::Broken {
            row_id: anchor.purged_up_to_id,
            problem: "the record of rows removed by retention is not signed by this store (rows were removed by hand)".into(),
        }
    );

    // Someone with the database but not the key moves the anchor over a row and deletes it.
    let kept_hash = log_rows::Entity::find_by_id(kept).one(db).await.unwrap().unwrap().row_hash;
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                "UPDATE consent_log_purge_anchor SET purged_up_to_id = $1, last_removed_hash = $2, rows_removed = 3"
            }
            _ => "UPDATE consent_log_purge_anchor SET purged_up_to_id = ?, last_removed_hash = ?, rows_removed = 3",
        },
        [kept.into(), kept_hash.into()],
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!("DELETE FROM consent_log WHERE id = {kept}")).await.unwrap();
    assert!(
        matches!(consent_log::verify(db, KEY).await.unwrap(), ChainStatus::Broken { problem, .. } if problem.contains("not signed by this store")),
        "the forged anchor is found"
    );
}

// P19: a deleted order's address survives neither in the SQLite file's free pages nor in its
// write-ahead log (`secure_delete` on, and the log emptied after a run that deleted).
async fn p19_deleted_data_leaves_no_trace_in_the_database_files(backend: Backend) {
    let Some(store) = store(backend).await else { return };
    if !store.url.starts_with("sqlite") {
        return;
    }
    let db = &store.db;
    const ADDRESS: &str = "17 Quillfeather Mews, Zebedee-on-Sea";
    add_order(db, "SOP-GONE-0001", then(), ADDRESS).await;
    add_order(db, "SOP-KEPT-0001", a_year_later(), "2 New Road").await;
    add_mail(db, "quillfeather.mews@example.com", then()).await;
    // Into the database file itself, as the running store's checkpoints would put it.
    db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.unwrap();
    let files = || {
        let file = store.dir.path().join("store.db");
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend(std::fs::read(file.with_extension("db-wal")).unwrap_or_default());
        bytes
    };
    let contains = |haystack: &[u8], needle: &str| haystack.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(contains(&files(), ADDRESS), "the address is in the file before (the check can see it)");

    retention(&store, seven_years_on(), RunMode::Delete).await;
    let bytes = files();
    assert!(!contains(&bytes, ADDRESS), "the deleted address is still readable in the database files");
    assert!(!contains(&bytes, "quillfeather.mews@example.com"), "the deleted e-mail record is still readable");
    assert!(contains(&bytes, "2 New Road"), "the kept order is still there");
}

/// Runs the real `server` binary with `args` against the database; returns (success, output).
fn server_command(url: &str, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("DEMO_DATA", "false")
        .env("SECRET_KEY", SECRET_KEY)
        .env_remove("RUST_LOG")
        .env_remove("RETENTION_YEARS")
        .output()
        .expect("the server binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

// P16, P17: `server retention run --dry-run` prints per rule what it would delete, `--as-of`
// shows what a later day will remove, and `server retention run` deletes it; the consent log
// still verifies afterwards, from the anchor the command signed.
async fn p17_the_retention_command_prints_each_rule(backend: Backend) {
    let Some(store) = store(backend).await else { return };
    let db = &store.db;
    let eight_years_ago = Utc::now() - Duration::days(8 * 366);
    add_order(db, "SOP-AGED-0001", eight_years_ago, "4 Aged Road").await;
    add_order(db, "SOP-RCNT-0001", Utc::now() - Duration::days(10), "5 Recent Road").await;
    decide(&store, "aged-visitor", eight_years_ago).await;
    decide(&store, "recent-visitor", Utc::now()).await;
    let url = store.url.clone();

    let (ok, output) = server_command(&url, &["retention", "run", "--dry-run"]);
    assert!(ok, "{output}");
    assert!(output.contains("nothing was deleted"), "{output}");
    assert!(output.contains("orders") && output.contains("would delete 1 rows"), "{output}");
    assert_eq!(count(db, customer_order::Entity).await, 2);

    let in_ten_years = (Utc::now() + Duration::days(3653)).format("%Y-%m-%d").to_string();
    let (ok, output) = server_command(&url, &["retention", "run", "--dry-run", "--as-of", &in_ten_years]);
    assert!(ok, "{output}");
    assert!(output.contains("would delete 2 rows"), "both orders are due in ten years: {output}");
    let (ok, output) = server_command(&url, &["retention", "run", "--as-of", &in_ten_years]);
    assert!(!ok, "--as-of without --dry-run is refused: {output}");

    let (ok, output) = server_command(&url, &["retention", "run"]);
    assert!(ok, "{output}");
    assert!(output.contains("deleted 1 rows"), "{output}");
    let numbers: Vec<String> = customer_order::Entity::find().all(db).await.unwrap().into_iter().map(|o| o.number).collect();
    assert_eq!(numbers, ["SOP-RCNT-0001"]);
    let (ok, output) = server_command(&url, &["consent", "verify"]);
    assert!(ok, "{output}");
    assert!(output.contains("1 rows") && output.contains("1 oldest rows removed by retention"), "{output}");
    let recorded = retention_run::Entity::find().filter(retention_run::Column::DryRun.eq(false)).count(db).await.unwrap();
    assert_eq!(recorded, 1, "the command's run is recorded");
}

on_both_databases!(
    p16_p17_each_rule_deletes_what_is_due_and_nothing_younger,
    p16_the_period_ends_exactly_seven_years_on,
    b03_retention_keeps_the_proof_of_a_current_choice,
    b03_only_the_signed_anchor_lets_rows_go,
    p19_deleted_data_leaves_no_trace_in_the_database_files,
    p17_the_retention_command_prints_each_rule,
);
