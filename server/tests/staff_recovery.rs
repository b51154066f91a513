//! S11: a staff member who lost their authenticator app is recovered from the command line
//! (`server admin reset-second-factor`): the app is forgotten, every session of the account
//! ends, and its next sign-in sets up a new app as its first did. Customers, who have no second
//! factor, and addresses without an account are refused.

mod support;

use app::domain::account::SecondFactorStep;
use app::server::accounts::staff::{self, ResetOutcome, StaffError};
use app::server::entities::{account, audit_log, session};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::process::{Command, Output};
use support::accounts::*;
use support::{spawn_app, Backend, TestApp};

const ADMIN_EMAIL: &str = "boss@example.com";
const ADMIN_PASSWORD: &str = "staff only passphrase";
const RESET_ACTION: &str = "staff.reset_second_factor";

/// Runs the real binary's `server admin reset-second-factor` against the test's database.
fn reset_from_the_command_line(app: &TestApp, email: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["admin", "reset-second-factor", "--email", email])
        .env("DATABASE_URL", app.db.url())
        .env("DEMO_DATA", "false")
        .output()
        .expect("the server binary runs")
}

fn create_staff(app: &TestApp, email: &str, role: &str) {
    let output = admin_create(app, email, "Store administrator", role, ADMIN_PASSWORD);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

async fn account_by_email(app: &TestApp, email: &str) -> account::Model {
    account::Entity::find().filter(account::Column::Email.eq(email)).one(&app.state.db).await.unwrap().expect("the account")
}

async fn sessions_of(app: &TestApp, account_id: i32) -> u64 {
    session::Entity::find().filter(session::Column::AccountId.eq(account_id)).count(&app.state.db).await.unwrap()
}

async fn audit_rows(app: &TestApp, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find().filter(audit_log::Column::Action.eq(action)).all(&app.state.db).await.unwrap()
}

// S11: the operator resets an enrolled admin's second factor; the sessions confirmed with the
// old app end, the old app's codes stop working, and the next sign-in enrols a new app.
async fn s11_an_admin_who_lost_the_authenticator_is_reset_from_the_command_line(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    create_staff(&app, ADMIN_EMAIL, "admin");
    let confirmed = staff_signed_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let password_only = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.expect("the password is right");
    let old_secret = remembered_secret(&app, ADMIN_EMAIL).expect("the admin set up an authenticator app");
    let before = account_by_email(&app, ADMIN_EMAIL).await;
    assert!(before.totp_enabled_at.is_some(), "enrolled before the reset");
    assert_eq!(app.page_with_cookie("/admin", &confirmed).await.0, 200);

    let output = reset_from_the_command_line(&app, ADMIN_EMAIL);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains(&format!("Account {}'s authenticator app was removed", before.id)), "{printed}");
    assert!(printed.contains("2 session(s) ended"), "{printed}");
    assert!(
        printed.contains("sets up a new authenticator app") && printed.contains("as at their first sign-in"),
        "says what comes next: {printed}"
    );

    // The app is forgotten; the password is not.
    let after = account_by_email(&app, ADMIN_EMAIL).await;
    assert_eq!((after.totp_secret, after.totp_enabled_at, after.totp_last_step), (None, None, None));
    assert_eq!((after.password_hash, after.role), (before.password_hash, before.role));

    // No session of the account is left, the one confirmed with the old app included.
    assert_eq!(sessions_of(&app, before.id).await, 0);
    for cookie in [&confirmed, &password_only] {
        assert_eq!(post_json(&app, "/api/account/overview", &[], Some(cookie)).await.0, 401, "the session ended");
    }
    assert_eq!(post_json(&app, "/api/admin/outbox", &[], Some(&confirmed)).await.0, 401);
    assert_ne!(app.page_with_cookie("/admin", &confirmed).await.0, 200, "the old session no longer opens the staff area");

    // Written to the audit log, as the command line's doing.
    let rows = audit_rows(&app, RESET_ACTION).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].actor_account_id, rows[0].target.as_str(), rows[0].detail.as_str()),
        (None, format!("account:{}", before.id).as_str(), "(command line)")
    );

    // The next sign-in sets up a new app, with a new key, instead of asking for the old app's code.
    let half = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.expect("the password still works");
    assert_eq!(post_json(&app, "/api/admin/outbox", &[], Some(&half)).await.0, 401, "not without a second factor");
    let page = two_factor_view(&app, &half).await;
    let SecondFactorStep::Enrol { secret, .. } = page.step.clone() else { panic!("not asked to set up a new app: {page:?}") };
    assert_ne!(secret.replace(' ', ""), old_secret.replace(' ', ""), "a new key");
    let old_code = totp_code(&old_secret, unix_now());
    let now = unix_now();
    // (Unless, one time in about 300,000, the two keys happen to show the same code now.)
    if ![now - 30, now, now + 30].into_iter().any(|t| totp_code(&secret, t) == old_code) {
        let (renewed, reply) = submit_code(&app, &half, &page.csrf_token, &old_code, "/admin").await;
        assert_eq!(renewed, None);
        assert!(reply.error_for("code").is_some_and(|m| m.starts_with("The code is not right")), "the old app's code: {reply:?}");
    }
    let code = fresh_code(&app, ADMIN_EMAIL, &secret).await;
    let (renewed, reply) = submit_code(&app, &half, &page.csrf_token, &code, "/admin").await;
    assert!(reply.is_ok(), "{reply:?}");
    let admin = renewed.expect("a renewed session");
    assert_eq!(app.page_with_cookie("/admin", &admin).await.0, 200);
    assert!(account_by_email(&app, ADMIN_EMAIL).await.totp_enabled_at.is_some(), "the new app is confirmed");
    assert_eq!(audit_rows(&app, "account.totp.enable").await.len(), 2, "the first app, then the new one");
}

// S11: a staff account that never finished setting up its app is reset all the same (the
// unfinished setup is discarded, its sessions end), and the command line says it had no app.
async fn s11_a_reset_of_an_account_without_an_authenticator_says_so_and_still_ends_its_sessions(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    create_staff(&app, "sam@example.com", "staff");
    let half = sign_in(&app, "sam@example.com", ADMIN_PASSWORD).await.expect("the password is right");
    assert!(matches!(two_factor_view(&app, &half).await.step, SecondFactorStep::Enrol { .. }), "the setup starts");
    let started = account_by_email(&app, "sam@example.com").await;
    assert!(started.totp_secret.is_some() && started.totp_enabled_at.is_none());

    // The address is read as everywhere else: spaces and capitals do not matter.
    let outcome = staff::reset_second_factor(&app.state.db, " Sam@Example.com ", Utc::now()).await.expect("reset");
    assert_eq!(outcome, ResetOutcome { account_id: started.id, was_enrolled: false, ended_sessions: 1 });
    let after = account_by_email(&app, "sam@example.com").await;
    assert_eq!((after.totp_secret, after.totp_enabled_at, after.totp_last_step), (None, None, None));
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&half)).await.0, 401);

    let output = reset_from_the_command_line(&app, "sam@example.com");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains(&format!("Account {} had no authenticator app set up yet", started.id)), "{printed}");
    assert!(printed.contains("0 session(s) ended all the same") && printed.contains("sets up a new authenticator app"), "{printed}");
    assert_eq!(audit_rows(&app, RESET_ACTION).await.len(), 2, "each reset is audited");

    let half = sign_in(&app, "sam@example.com", ADMIN_PASSWORD).await.unwrap();
    assert!(matches!(two_factor_view(&app, &half).await.step, SecondFactorStep::Enrol { .. }));
}

// S11: a customer has no second factor, and an address without an account has nothing to
// reset: both are refused with a message that says so, and nothing changes.
async fn s11_a_customer_or_an_unknown_address_is_refused_a_second_factor_reset(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let customer = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let ann = account_by_email(&app, "ann@example.com").await;

    let refused = staff::reset_second_factor(&app.state.db, "ann@example.com", Utc::now()).await;
    assert!(matches!(refused, Err(StaffError::NotStaff { account_id }) if account_id == ann.id), "{refused:?}");
    let message = refused.unwrap_err().to_string();
    assert!(message.contains("is a customer account") && message.contains("no second factor to reset"), "{message}");
    let output = reset_from_the_command_line(&app, "ann@example.com");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("account {} is a customer account", ann.id)) && stderr.contains("Nothing was changed"), "{stderr}");
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&customer)).await.0, 200, "the customer stays signed in");

    let refused = staff::reset_second_factor(&app.state.db, "nobody@example.com", Utc::now()).await;
    assert!(matches!(refused, Err(StaffError::NotFound)), "{refused:?}");
    let output = reset_from_the_command_line(&app, "nobody@example.com");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no account has this e-mail address"), "{stderr}");

    let output = reset_from_the_command_line(&app, "not an address");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--email: Enter an email address in the correct format"));
    assert!(audit_rows(&app, RESET_ACTION).await.is_empty(), "nothing was done, so nothing is audited");
}

on_both_databases!(
    s11_an_admin_who_lost_the_authenticator_is_reset_from_the_command_line,
    s11_a_reset_of_an_account_without_an_authenticator_says_so_and_still_ends_its_sessions,
    s11_a_customer_or_an_unknown_address_is_refused_a_second_factor_reset,
);
