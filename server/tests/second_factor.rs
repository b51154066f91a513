//! S11 (issue 21): staff and admins sign in with a second factor, a code from an authenticator
//! app (TOTP), set up at their first sign-in; customers never are asked. Every account holder
//! sees where they are signed in and can sign out everywhere else.

mod support;

use app::domain::account::SecondFactorStep;
use app::domain::forms::FormReply;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use support::accounts::*;
use support::{spawn_app, Backend, TestApp};

const STAFF_EMAIL: &str = "sam@example.com";
const STAFF_PASSWORD: &str = "a staff member's passphrase";
const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// Runs the real binary's `admin create` for a staff account; returns what it printed.
fn create_staff(app: &TestApp) -> String {
    let output = support::accounts::admin_create(app, STAFF_EMAIL, "Sam Staff", "staff", STAFF_PASSWORD);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The password step as the hydrated sign-in form makes it, with `next`: the session cookie and
/// where the reply sends the browser.
async fn password_step(app: &TestApp, email: &str, password: &str, next: &str, user_agent: Option<&str>) -> (String, FormReply) {
    let body: String =
        form_urlencoded::Serializer::new(String::new()).extend_pairs([("email", email), ("password", password), ("next", next)]).finish();
    let mut request = app
        .client
        .post(app.url("/api/account/sign-in"))
        .header("origin", &app.address)
        .header("referer", app.url("/account/sign-in"))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(user_agent) = user_agent {
        request = request.header("user-agent", user_agent);
    }
    let response = request.send().await.unwrap();
    let cookie = session_cookie(&response).expect("a session starts");
    (cookie, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

/// GETs a page as a browser does; its status and where it redirects to.
async fn open(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).header("cookie", cookie).header("accept", "text/html").send().await.unwrap();
    (response.status().as_u16(), location(&response))
}

/// A code that is none of the three the store accepts now.
fn wrong_code(secret: &str) -> String {
    let now = unix_now();
    let right: Vec<String> = [now - 30, now, now + 30].into_iter().map(|t| totp_code(secret, t)).collect();
    (0..).map(|n| format!("{n:06}")).find(|code| !right.contains(code)).unwrap()
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app::server::entities::audit_log::Entity::find().all(&app.state.db).await.unwrap().into_iter().map(|row| row.action).collect()
}

async fn staff_account(app: &TestApp) -> app::server::entities::account::Model {
    use app::server::entities::account;
    account::Entity::find().filter(account::Column::Email.eq(STAFF_EMAIL)).one(&app.state.db).await.unwrap().expect("the staff account")
}

// S11: a new staff account sets up its authenticator at its first sign-in; until a right code
// confirms it, neither the staff pages nor the staff server functions open.
async fn s11_staff_cannot_open_the_staff_area_before_setting_up_a_second_factor(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let printed = create_staff(&app);
    assert!(printed.starts_with("Created staff account") && printed.contains("must set up an authenticator app"), "{printed}");

    let (half, reply) = password_step(&app, STAFF_EMAIL, STAFF_PASSWORD, "/admin", None).await;
    assert_eq!(reply.redirect.as_deref(), Some("/account/two-factor?next=%2Fadmin"), "the password step leads to the code");
    // The staff area sends the visitor straight to the code page, which comes back here; the
    // sign-in page, too, sends a session that owes its code on to it.
    assert_eq!(open(&app, "/admin", &half).await, (302, "/account/two-factor?next=%2Fadmin".to_owned()));
    assert_eq!(open(&app, "/account/sign-in?next=%2Fadmin", &half).await, (302, "/account/two-factor?next=%2Fadmin".to_owned()));
    assert_eq!(open(&app, "/admin/orders", &half).await.0, 302);
    for endpoint in ["/api/admin/outbox", "/api/admin/audit", "/api/admin/orders", "/api/admin/check"] {
        assert_eq!(post_json(&app, endpoint, &[], Some(&half)).await.0, 401, "{endpoint} before the second factor");
    }
    assert_eq!(post_json(&app, "/api/account/two-factor-pending", &[], Some(&half)).await.1, "true");

    // The enrolment page shows the setup key, grouped for typing, and the otpauth link, as text.
    let page = two_factor_view(&app, &half).await;
    let SecondFactorStep::Enrol { secret, otpauth_uri } = page.step.clone() else { panic!("not enrolling: {page:?}") };
    assert_eq!(secret.split(' ').count(), 8, "32 base32 characters in groups of 4: {secret}");
    assert!(
        otpauth_uri.starts_with("otpauth://totp/SOP%20Store:sam%40example.com?secret=") && otpauth_uri.contains(&secret.replace(' ', "")),
        "{otpauth_uri}"
    );
    let (status, html) = app.page_with_cookie("/account/two-factor?next=%2Fadmin", &half).await;
    assert_eq!(status, 200);
    assert!(html.contains("Set up your authenticator app") && html.contains(&secret) && html.contains("data-totp-secret"), "{html:.2000}");
    assert_eq!(two_factor_view(&app, &half).await.step, page.step, "a second look shows the same key");
    // Stored sealed: the database never holds the key itself.
    let stored = staff_account(&app).await.totp_secret.expect("the key is stored");
    assert!(!stored.contains(&secret.replace(' ', "")), "{stored}");

    // A wrong code is refused and changes nothing.
    let (renewed, reply) = submit_code(&app, &half, &page.csrf_token, &wrong_code(&secret), "/admin").await;
    assert_eq!(renewed, None);
    assert!(reply.error_for("code").is_some_and(|m| m.starts_with("The code is not right")), "{reply:?}");
    let (_, reply) = submit_code(&app, &half, &page.csrf_token, "12345", "/admin").await;
    assert_eq!(reply.error_for("code"), Some("Enter the code as 6 digits, like 123456"));
    assert_eq!(post_json(&app, "/api/admin/outbox", &[], Some(&half)).await.0, 401);
    assert!(staff_account(&app).await.totp_enabled_at.is_none());

    // The right code confirms the app, renews the session and goes on to `next`.
    let code = fresh_code(&app, STAFF_EMAIL, &secret).await;
    let (renewed, reply) = submit_code(&app, &half, &page.csrf_token, &code, "/admin").await;
    assert!(reply.is_ok(), "{reply:?}");
    assert_eq!(reply.redirect.as_deref(), Some("/admin"));
    let staff = renewed.expect("a new session id on the privilege change");
    assert_ne!(staff, half);
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&half)).await.0, 401, "the old session id ended");
    let (status, html) = app.page_with_cookie("/admin", &staff).await;
    assert_eq!(status, 200);
    assert!(html.contains("Staff area") && html.contains("/admin/outbox"), "{html:.2000}");
    assert_eq!(post_json(&app, "/api/admin/outbox", &[], Some(&staff)).await.0, 200);
    assert_eq!(two_factor_view(&app, &staff).await.step, SecondFactorStep::Confirmed);
    assert!(staff_account(&app).await.totp_enabled_at.is_some());
    assert!(audit_actions(&app).await.contains(&"account.totp.enable".to_owned()));
}

// S11: after enrolment, every sign-in needs a code; no setup key is shown again, a code is
// accepted once only, and wrong codes are throttled as wrong passwords are.
async fn s11_a_later_sign_in_needs_a_fresh_code(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    create_staff(&app);
    staff_signed_in(&app, STAFF_EMAIL, STAFF_PASSWORD).await;
    let secret = remembered_secret(&app, STAFF_EMAIL).unwrap();
    let used = totp_code(&secret, staff_account(&app).await.totp_last_step.unwrap() as u64 * 30);

    let (half, reply) = password_step(&app, STAFF_EMAIL, STAFF_PASSWORD, "", None).await;
    assert_eq!(reply.redirect.as_deref(), Some("/account/two-factor?next=%2Faccount"));
    assert_eq!(post_json(&app, "/api/admin/outbox", &[], Some(&half)).await.0, 401);
    let page = two_factor_view(&app, &half).await;
    assert_eq!(page.step, SecondFactorStep::Code, "the setup key is never shown again");
    let (status, html) = app.page_with_cookie("/account/two-factor", &half).await;
    assert_eq!(status, 200);
    assert!(html.contains("Enter your security code") && !html.contains("data-totp-secret"), "{html:.2000}");

    // The code used a moment ago is refused: a replay.
    let (renewed, reply) = submit_code(&app, &half, &page.csrf_token, &used, "/admin").await;
    assert_eq!(renewed, None);
    assert!(reply.error_for("code").is_some_and(|m| m.contains("already been used")), "{reply:?}");

    // A fresh one works, posted as a plain form (no JavaScript): a redirect to `next`.
    let code = fresh_code(&app, STAFF_EMAIL, &secret).await;
    let response = post_plain(
        &app,
        "/api/account/two-factor-confirm",
        &[("csrf_token", &page.csrf_token), ("code", &code), ("next", "/admin")],
        Some(&half),
    )
    .await;
    assert_eq!((response.status().as_u16(), location(&response)), (302, "/admin".to_owned()));
    let staff = session_cookie(&response).expect("a renewed session");
    assert_eq!(post_json(&app, "/api/admin/outbox", &[], Some(&staff)).await.0, 200);
    assert!(audit_actions(&app).await.contains(&"account.totp.verify".to_owned()));

    // Five wrong codes, and then any code waits, even the one the app shows now.
    let (half, _) = password_step(&app, STAFF_EMAIL, STAFF_PASSWORD, "/admin", None).await;
    let page = two_factor_view(&app, &half).await;
    for _ in 0..5 {
        let (_, reply) = submit_code(&app, &half, &page.csrf_token, &wrong_code(&secret), "/admin").await;
        assert!(reply.error_for("code").is_some_and(|m| m.starts_with("The code is not right")), "{reply:?}");
    }
    let (renewed, reply) = submit_code(&app, &half, &page.csrf_token, &totp_code(&secret, unix_now()), "/admin").await;
    assert_eq!(renewed, None);
    assert!(reply.error_for("code").is_some_and(|m| m.starts_with("Too many wrong codes")), "{reply:?}");
}

// S11: customers sign in with their password alone.
async fn s11_customers_are_never_asked_for_a_code(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let (cookie, reply) = password_step(&app, "ann@example.com", PASSWORD, "/account/orders", None).await;
    assert_eq!(reply.redirect.as_deref(), Some("/account/orders"));
    assert_eq!(post_json(&app, "/api/account/two-factor-pending", &[], Some(&cookie)).await.1, "false");
    assert_eq!(two_factor_view(&app, &cookie).await.step, SecondFactorStep::NotNeeded);
    assert_eq!(open(&app, "/account/sign-in", &cookie).await.0, 200, "no detour to a code page");
    assert_eq!(open(&app, "/account", &cookie).await.0, 200);
    let account = app::server::entities::account::Entity::find().all(&app.state.db).await.unwrap();
    assert!(account.iter().all(|a| a.totp_secret.is_none()), "no key is ever made for a customer");
}

// S11: the account holder sees each of their sessions; "Sign out everywhere else" ends all but
// the one asking, as a hydrated call and as a plain form post.
async fn s11_sessions_are_listed_and_sign_out_everywhere_else_keeps_only_this_one(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let first = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let (second, _) = password_step(&app, "ann@example.com", PASSWORD, "", Some(CHROME)).await;

    let (status, body) = post_json(&app, "/api/account/sessions", &[], Some(&second)).await;
    assert_eq!(status, 200, "{body}");
    let view: app::api::account::SessionsView = serde_json::from_str(&body).unwrap();
    assert_eq!(view.sessions.len(), 2, "{view:?}");
    let here: Vec<_> = view.sessions.iter().filter(|s| s.this_browser).collect();
    assert_eq!(here.len(), 1);
    assert_eq!(here[0].browser, "Chrome");
    let (status, html) = app.page_with_cookie("/account/sessions", &second).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Where you are signed in") && html.contains("(this browser)") && html.contains("Sign out everywhere else"),
        "{html:.2000}"
    );
    assert_eq!(html.matches("data-session=").count(), 2);
    let (_, account_page) = app.page_with_cookie("/account", &second).await;
    assert!(account_page.contains("href=\"/account/sessions\""), "linked from the account page");

    assert_eq!(post_json(&app, "/api/account/sessions-end-others", &[("csrf_token", "forged")], Some(&second)).await.0, 403);
    let reply = form_reply(&app, "/api/account/sessions-end-others", &[("csrf_token", &view.csrf_token)], Some(&second)).await;
    assert!(reply.notice.as_deref().is_some_and(|n| n.contains("1 other session ended")), "{reply:?}");
    assert!(reply.redirect.as_deref().is_some_and(|r| r.starts_with("/account/sessions?form=")), "{reply:?}");
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&first)).await.0, 401, "the other session ended");
    let (_, body) = post_json(&app, "/api/account/sessions", &[], Some(&second)).await;
    let view: app::api::account::SessionsView = serde_json::from_str(&body).unwrap();
    assert_eq!(view.sessions.len(), 1);
    assert!(view.sessions[0].this_browser);

    // Without JavaScript: a redirect back to the list, which shows the outcome.
    let third = sign_in(&app, "ann@example.com", PASSWORD).await.unwrap();
    let response = post_plain(&app, "/api/account/sessions-end-others", &[("csrf_token", &view.csrf_token)], Some(&second)).await;
    assert_eq!(response.status().as_u16(), 302);
    let back = location(&response);
    assert!(back.starts_with("/account/sessions?form="), "{back}");
    let (status, html) = app.page_with_cookie(&back, &second).await;
    assert_eq!(status, 200);
    assert!(html.contains("1 other session ended"), "{html:.2000}");
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&third)).await.0, 401);
}

on_both_databases!(
    s11_staff_cannot_open_the_staff_area_before_setting_up_a_second_factor,
    s11_a_later_sign_in_needs_a_fresh_code,
    s11_customers_are_never_asked_for_a_code,
    s11_sessions_are_listed_and_sign_out_everywhere_else_keeps_only_this_one,
);
