//! E-mail: queued in the caller's transaction, sent over a real (local) SMTP server as text +
//! HTML, held for staff when no SMTP server is configured, retried and then given up when the
//! server is down or refuses, and never logged with an address, subject or link.

mod support;

use app::domain::paging::PageNumber;
use app::server::mail::{self, outbox, templates, MailStatus, OutboxMessage, OutgoingMail};
use chrono::{Duration as TimeDelta, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};
use sop_server::config::Config;
use std::time::{Duration, Instant};
use support::smtp::{free_port, SmtpStandIn};
use support::{base_vars, spawn_app, spawn_app_with, start_server_with_state, Backend, TestApp, TestDb};

const LINK: &str = "https://shop.example/account/verify?token=tok-4f2a9c";

fn verification_mail(to: &str) -> OutgoingMail {
    templates::email_verification(to, "Jane", LINK, Duration::from_secs(24 * 3600))
}

/// Queues `mail` the way an action does: in its own transaction, waking the mailer after commit.
async fn queue_and_wake(app: &TestApp, mail: &OutgoingMail) -> i64 {
    let txn = app.state.db.begin().await.expect("transaction");
    let id = app.state.mailer.queue(&txn, mail, Utc::now()).await.expect("queued");
    txn.commit().await.expect("commit");
    app.state.mailer.wake();
    id
}

async fn stored(app: &TestApp, id: i64) -> OutboxMessage {
    stored_in(&app.state.db, id).await
}

async fn stored_in(db: &DatabaseConnection, id: i64) -> OutboxMessage {
    outbox::find(db, id).await.expect("outbox readable").expect("the message is in the outbox")
}

/// Waits until the message satisfies `done` (the delivery worker runs on its own).
async fn wait_for(app: &TestApp, id: i64, done: impl Fn(&OutboxMessage) -> bool) -> OutboxMessage {
    wait_for_in(&app.state.db, id, done).await
}

async fn wait_for_in(db: &DatabaseConnection, id: i64, done: impl Fn(&OutboxMessage) -> bool) -> OutboxMessage {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let message = stored_in(db, id).await;
        if done(&message) {
            return message;
        }
        assert!(
            Instant::now() < deadline,
            "timed out; last seen: {:?} after {} attempts, {:?}",
            message.summary.status,
            message.summary.attempts,
            message.last_error
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn mail_is_sent_over_smtp_as_text_and_html(backend: Backend) {
    let smtp = SmtpStandIn::start();
    let url = smtp.url();
    let Some(app) = spawn_app_with(backend, &[("SMTP_URL", &url), ("MAIL_FROM", "SOP Store <no-reply@sop-store.example>")]).await else {
        return;
    };
    let mail = verification_mail("jane.doe@example.com");
    let id = queue_and_wake(&app, &mail).await;

    let message = wait_for(&app, id, |m| m.summary.status != MailStatus::Pending).await;
    assert_eq!(message.summary.status, MailStatus::Sent, "{:?}", message.last_error);
    assert_eq!(message.summary.attempts, 1);
    assert!(message.summary.sent_at.is_some());
    assert_eq!(message.last_error, None);

    let received = smtp.received();
    assert_eq!(received.len(), 1, "{received:#?}");
    let got = &received[0];
    assert_eq!(got["to"], "jane.doe@example.com");
    let from = got["from"].as_str().unwrap_or_default();
    assert!(from.contains("SOP Store") && from.ends_with("<no-reply@sop-store.example>"), "{from}");
    assert_eq!(got["subject"], mail.subject.as_str());
    assert!(got["message_id"].as_str().is_some_and(|id| id.ends_with("@sop-store.example>")), "{got}");
    assert_eq!(got["content_type"], "multipart/alternative");
    let text = got["parts"]["text/plain"].as_str().expect("a plain-text part");
    let html = got["parts"]["text/html"].as_str().expect("an HTML part");
    assert!(text.contains(LINK) && text.contains("Hello Jane,"), "{text}");
    assert!(html.contains(&format!("href=\"{LINK}\"")), "{html}");
    // S1: staff see the placeholder, and once sent the row no longer holds the link at all.
    assert!(!message.text_body.contains(LINK) && !message.html_body.contains(LINK), "{}", message.text_body);
    assert_eq!(secret_link_of(&app, id).await, None, "erased once sent");
}

/// The one-time link a row still holds (None once sent or given up on).
async fn secret_link_of(app: &TestApp, id: i64) -> Option<String> {
    use sea_orm::EntityTrait;
    app::server::entities::mail_outbox::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap().secret_link
}

async fn without_smtp_mail_is_held_for_staff_to_read(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    assert!(!app.state.mailer.sends_mail());
    let first = queue_and_wake(&app, &verification_mail("first@example.com")).await;
    let second = queue_and_wake(&app, &templates::password_changed_notice("second@example.com", "Sam")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let message = stored(&app, first).await;
    assert_eq!(message.summary.status, MailStatus::Held);
    assert_eq!(message.summary.attempts, 0, "held mail is never tried");
    assert_eq!(message.summary.to_address, "first@example.com");
    // S1: what staff read holds no live link; the link waits apart for the operator's
    // `server mail show` (the offline default) or for sending.
    assert!(!message.text_body.contains(LINK) && !message.html_body.contains(LINK), "{}", message.text_body);
    assert!(message.text_body.contains(mail::message::SECRET_LINK_PLACEHOLDER));
    assert_eq!(secret_link_of(&app, first).await.as_deref(), Some(LINK));
    let (_, for_operator) = outbox::newest_for_recipient(&app.state.db, "first@example.com").await.unwrap().unwrap();
    assert!(for_operator.contains(LINK), "{for_operator}");

    let page = outbox::list(&app.state.db, PageNumber::FIRST).await.unwrap();
    assert_eq!(page.total, 2);
    let ids: Vec<i64> = page.items.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![second, first], "newest first");
    assert!(outbox::find(&app.state.db, second + 100).await.unwrap().is_none());
}

async fn a_rolled_back_action_leaves_no_mail(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let txn = app.state.db.begin().await.unwrap();
    app.state.mailer.queue(&txn, &verification_mail("jane@example.com"), Utc::now()).await.unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(outbox::list(&app.state.db, PageNumber::FIRST).await.unwrap().total, 0);
    let refused = app.state.mailer.queue(&app.state.db, &verification_mail("not an address"), Utc::now()).await;
    assert!(matches!(refused, Err(mail::MailError::InvalidRecipient)), "{refused:?}");
}

async fn an_unreachable_smtp_server_is_retried_then_given_up_and_the_store_keeps_serving(backend: Backend) {
    let url = format!("smtp://127.0.0.1:{}", free_port());
    let Some(app) = spawn_app_with(backend, &[("SMTP_URL", &url)]).await else { return };
    let id = queue_and_wake(&app, &verification_mail("jane@example.com")).await;

    let message = wait_for(&app, id, |m| m.summary.attempts >= 1 && m.last_error.is_some()).await;
    assert_eq!(message.summary.status, MailStatus::Pending, "a connection failure is retried");
    let error = message.last_error.unwrap_or_default();
    assert!(error.contains("SMTP server") && !error.contains("jane"), "{error}");
    assert_eq!(app.page("/").await.0, 200, "the store keeps serving");

    // Step through the retries with a clock an hour and more ahead each time.
    let mut now = Utc::now();
    for _ in 0..mail::delivery::MAX_ATTEMPTS {
        now += TimeDelta::hours(2);
        mail::deliver_due(&app.state.db, &app.state.mailer, now).await.unwrap();
    }
    let message = stored(&app, id).await;
    assert_eq!(message.summary.status, MailStatus::Failed);
    assert_eq!(message.summary.attempts, mail::delivery::MAX_ATTEMPTS);
    assert_eq!(app.page("/").await.0, 200);
}

/// An SMTP server that greets every client with a permanent refusal.
async fn refusing_smtp_server() -> u16 {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.write_all(b"554 5.3.2 No mail accepted here\r\n").await;
            let _ = socket.shutdown().await;
        }
    });
    port
}

async fn a_refusing_smtp_server_fails_the_mail_at_once(backend: Backend) {
    let url = format!("smtp://127.0.0.1:{}", refusing_smtp_server().await);
    let Some(app) = spawn_app_with(backend, &[("SMTP_URL", &url)]).await else { return };
    let id = queue_and_wake(&app, &verification_mail("jane@example.com")).await;
    let message = wait_for(&app, id, |m| m.summary.status == MailStatus::Failed).await;
    assert_eq!(message.summary.attempts, 1, "a permanent refusal is not retried");
    assert_eq!(message.last_error.as_deref(), Some("refused by the SMTP server (554)"));
}

async fn the_worker_stops_with_the_store_and_mail_left_behind_is_sent_after_a_restart(backend: Backend) {
    let smtp = SmtpStandIn::start();
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = TestDb::fresh(backend, &dir).await else { return };
    let mut vars = base_vars(db.url(), &dir);
    vars.insert("SMTP_URL".into(), smtp.url());
    let config = || Config::from_lookup(|k| vars.get(k).cloned()).unwrap();

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (_, first_run, server) = start_server_with_state(config(), async {
        let _ = stopped.await;
    })
    .await;
    stop.send(()).unwrap();
    let stopped = tokio::time::timeout(Duration::from_secs(10), server).await.expect("the delivery worker does not hold up shutdown");
    stopped.unwrap().expect("the store stops cleanly");

    // Committed just as the store went down, before any worker could send it.
    let id = first_run.mailer.queue(&first_run.db, &verification_mail("jane@example.com"), Utc::now()).await.unwrap();
    assert_eq!(stored_in(&first_run.db, id).await.summary.status, MailStatus::Pending);

    let (_, second_run, _server) = start_server_with_state(config(), std::future::pending()).await;
    let message = wait_for_in(&second_run.db, id, |m| m.summary.status == MailStatus::Sent).await;
    assert_eq!(message.summary.attempts, 1);
    assert_eq!(smtp.received().len(), 1);
}

// "No personal data (e-mail, name, address, password, token) in logs."
async fn delivery_logs_name_no_address_subject_or_link(backend: Backend) {
    let logs = support::logs::captured_logs();
    let smtp = SmtpStandIn::start();
    let url = smtp.url();
    let Some(app) = spawn_app_with(backend, &[("SMTP_URL", &url)]).await else { return };
    let down = format!("smtp://127.0.0.1:{}", free_port());
    let Some(app_without_server) = spawn_app_with(backend, &[("SMTP_URL", &down)]).await else { return };

    let unique = format!("{:?}{}", backend, std::process::id()).to_lowercase();
    let address = format!("private.person.{unique}@example.com");
    let name = format!("Privatename{unique}");
    let link = format!("https://shop.example/reset?token=secret-token-{unique}");
    let mail = templates::password_reset(&address, &name, &link, Duration::from_secs(3600));

    let sent = queue_and_wake(&app, &mail).await;
    wait_for(&app, sent, |m| m.summary.status == MailStatus::Sent).await;
    let deferred = queue_and_wake(&app_without_server, &mail).await;
    wait_for(&app_without_server, deferred, |m| m.last_error.is_some()).await;

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(text.contains(&format!("outbox_id={sent}")) && text.contains("e-mail sent"), "the capture works:\n{text}");
    assert!(text.contains("will retry"), "the failure was logged:\n{text}");
    for private in [address.as_str(), name.as_str(), link.as_str(), mail.subject.as_str(), "secret-token", "private.person"] {
        assert!(!text.contains(private), "{private:?} reached the log:\n{text}");
    }
}

on_both_databases!(
    mail_is_sent_over_smtp_as_text_and_html,
    without_smtp_mail_is_held_for_staff_to_read,
    a_rolled_back_action_leaves_no_mail,
    an_unreachable_smtp_server_is_retried_then_given_up_and_the_store_keeps_serving,
    a_refusing_smtp_server_fails_the_mail_at_once,
    the_worker_stops_with_the_store_and_mail_left_behind_is_sent_after_a_restart,
    delivery_logs_name_no_address_subject_or_link,
);
