//! The staff area and its command line: `server admin create`, role checks on every staff
//! server function and page, the audit log, and no personal data in the logs of a full
//! register / sign-in / reset flow.

mod support;

use sea_orm::{Database, EntityTrait};
use std::process::Command;
use support::accounts::*;
use support::{spawn_app, Backend, TestApp};

const ADMIN_PASSWORD: &str = "staff only passphrase";

/// `server admin create` with this test's admin password.
fn admin_create(app: &TestApp, email: &str, role: &str) -> std::process::Output {
    support::accounts::admin_create(app, email, "Store administrator", role, ADMIN_PASSWORD)
}

/// Runs the real binary's `mail show` against the test's database.
fn mail_show(app: &TestApp, to: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["mail", "show", "--to", to])
        .env("DATABASE_URL", app.db.url())
        .env("DEMO_DATA", "false")
        .output()
        .expect("the server binary runs")
}

async fn the_first_admin_comes_from_the_command_line_and_can_read_the_outbox(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let output = admin_create(&app, "boss@example.com", "admin");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("Created admin account"));

    let customer = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let admin = staff_signed_in(&app, "boss@example.com", ADMIN_PASSWORD).await;
    assert!(overview(&app, &admin).await.is_staff);

    // Customers and visitors are refused by every staff server function.
    for (endpoint, fields) in
        [("/api/admin/outbox", vec![]), ("/api/admin/outbox-message", vec![("id", "1")]), ("/api/admin/audit", vec![])]
    {
        assert_eq!(post_json(&app, endpoint, &fields, Some(&customer)).await.0, 403, "{endpoint} for a customer");
        assert_eq!(post_json(&app, endpoint, &fields, None).await.0, 401, "{endpoint} signed out");
    }
    let response = app.client.get(app.url("/admin/outbox")).header("cookie", &customer).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert!(!response.text().await.unwrap().contains("ann@example.com"));

    let response = app.client.get(app.url("/admin/outbox")).header("cookie", &admin).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("ann@example.com") && page.contains("Please confirm your e-mail address"), "the verification mail is listed");
    let id = page.split("data-mail-id=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned();
    let (status, message) = app.page_with_cookie(&format!("/admin/outbox/{id}"), &admin).await;
    assert_eq!(status, 200);
    // S1: staff never read a live confirmation link (else they could take over any account by
    // asking for its reset); the operator at the machine reads held mail with `server mail show`.
    assert!(!message.contains("token="), "no live link for staff");
    assert!(message.contains("one-time link: withheld from the outbox"), "the placeholder says why");
    let output = mail_show(&app, "ann@example.com");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("/account/confirm-email?token="), "{printed}");
    assert!(printed.contains("Please confirm your e-mail address"), "{printed}");
    let output = mail_show(&app, "nobody@example.com");
    assert!(!output.status.success() && String::from_utf8_lossy(&output.stderr).contains("no message to nobody@example.com"));

    let db = Database::connect(app.db.url()).await.unwrap();
    let audit: Vec<String> =
        app::server::entities::audit_log::Entity::find().all(&db).await.unwrap().into_iter().map(|row| row.action).collect();
    assert_eq!(audit, ["staff.create", "account.totp.enable", "outbox.list", "outbox.read"], "every staff action is audited");
    let (status, page) = app.page_with_cookie("/admin/audit", &admin).await;
    assert_eq!(status, 200);
    assert!(page.contains("staff.create") && page.contains("command line"));
}

async fn promoting_an_account_ends_its_sessions(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let before = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let output = admin_create(&app, "ann@example.com", "staff");
    assert!(String::from_utf8_lossy(&output.stdout).contains("is now staff"), "{}", String::from_utf8_lossy(&output.stdout));
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&before)).await.0, 401, "a privilege change needs a fresh session");
    let after = staff_signed_in(&app, "ann@example.com", PASSWORD).await;
    assert_eq!(post_json(&app, "/api/admin/outbox", &[], Some(&after)).await.0, 200);
    let output = admin_create(&app, "not an address", "admin");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--email"));
}

// B03: staff can show what a visitor agreed to: search, export for an auditor, chain check.
async fn b03_staff_search_and_export_the_consent_log_and_see_the_chain_check(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    assert!(admin_create(&app, "boss@example.com", "admin").status.success());
    let admin = staff_signed_in(&app, "boss@example.com", ADMIN_PASSWORD).await;
    let customer = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let mut consent_ids = Vec::new();
    for decision in ["accept", "reject"] {
        let cookie = consent_decision(&app, decision).await;
        consent_ids.push(cookie.split('.').nth(1).unwrap().to_owned());
    }
    let (status, page) = app.page_with_cookie(&format!("/admin/consent-log?consent_id={}", consent_ids[1]), &admin).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-chain=\"intact\"") && page.contains("all 2 rows are intact"), "the chain check is shown");
    assert!(page.contains(&consent_ids[1]) && !page.contains(&consent_ids[0]), "the search filters by consent id");
    assert!(page.contains("1 matching row(s)"));

    let csv = app
        .client
        .get(app.url(&format!("/admin/consent-log.csv?consent_id={}", consent_ids[0])))
        .header("cookie", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 200);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("id,consent_id,account_id,policy_version,analytics"));
    assert!(lines[1].contains(&format!(",{},,", consent_ids[0])) && lines[1].contains(",true,true,true,grant,banner,"), "{csv}");
    let json = app
        .client
        .get(app.url("/admin/consent-log.json?from=2000-01-01"))
        .header("cookie", &admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let json: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(json.len(), 2);
    assert_eq!(json[1]["event"], "deny");
    assert_eq!(json[1]["prev_hash"], json[0]["row_hash"], "the export carries the chain");

    for path in ["/admin/consent-log.csv", "/admin/consent-log.json"] {
        assert_eq!(app.client.get(app.url(path)).header("cookie", &customer).send().await.unwrap().status().as_u16(), 403);
        assert_eq!(app.get(path).await.status().as_u16(), 401);
    }
    assert_eq!(
        app.client.get(app.url("/admin/consent-log.csv?from=yesterday")).header("cookie", &admin).send().await.unwrap().status().as_u16(),
        400
    );
    let db = Database::connect(app.db.url()).await.unwrap();
    let actions: Vec<String> =
        app::server::entities::audit_log::Entity::find().all(&db).await.unwrap().into_iter().map(|r| r.action).collect();
    assert!(
        actions.contains(&"consent_log.search".to_owned())
            && actions.contains(&"consent_log.export_csv".to_owned())
            && actions.contains(&"consent_log.export_json".to_owned()),
        "{actions:?}"
    );
}

// "No personal data (e-mail, name, address, password, token) in logs."
async fn a_full_account_flow_logs_no_personal_data(backend: Backend) {
    let logs = support::logs::captured_logs();
    let Some(app) = spawn_app(backend).await else { return };
    let unique = format!("{backend:?}{}", std::process::id()).to_lowercase();
    let email = format!("private.person.{unique}@example.com");
    let name = format!("Privatename {unique}");
    let cookie = registered_and_signed_in(&app, &name, &email).await;
    let csrf = csrf_token(&app, &cookie).await;
    let street = format!("{unique} Secret Street");
    let saved = form_reply(
        &app,
        "/api/account/address-save",
        &[
            ("csrf_token", &csrf),
            ("kind", "delivery"),
            ("full_name", &name),
            ("line1", &street),
            ("city", "Leeds"),
            ("postcode", "LS1 1AA"),
        ],
        Some(&cookie),
    )
    .await;
    assert!(saved.is_ok());
    let _ = sign_in(&app, &email, "a wrong password for the log").await;
    form_reply(&app, "/api/account/reset", &[("email", &email)], None).await;
    let link = link_in_mail(&app, &email, "/account/reset/new").await;
    let token = token_of(&link);
    let reply = form_reply(&app, "/api/account/reset-new", &[("token", &token), ("password", "a new private passphrase")], None).await;
    assert!(reply.is_ok());

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(text.contains("account registered") && text.contains("password reset"), "the capture works:\n{text}");
    let session = cookie.trim_start_matches("sop_session=").to_owned();
    for private in [
        email.as_str(),
        name.as_str(),
        street.as_str(),
        PASSWORD,
        "a wrong password for the log",
        "a new private passphrase",
        token.as_str(),
        session.as_str(),
        csrf.as_str(),
        "private.person",
    ] {
        assert!(!text.contains(private), "{private:?} reached the log");
    }
}

on_both_databases!(
    the_first_admin_comes_from_the_command_line_and_can_read_the_outbox,
    promoting_an_account_ends_its_sessions,
    b03_staff_search_and_export_the_consent_log_and_see_the_chain_check,
    a_full_account_flow_logs_no_personal_data,
);
