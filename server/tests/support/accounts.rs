//! Helpers for the account tests: form posts as a browser makes them, the outbox, sessions.
#![allow(dead_code)]

use super::TestApp;
use app::domain::forms::FormReply;
use sea_orm::{Database, EntityTrait, QueryOrder};

pub const PASSWORD: &str = "correct horse battery staple";

/// A hydrated form post that returns the whole response (for its cookies).
pub async fn post_json_response(app: &TestApp, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    post(app, endpoint, fields, cookie, "application/json").await
}

/// Records a banner decision (`accept` or `reject`) and returns the consent cookie's `name=value`.
pub async fn consent_decision(app: &TestApp, decision: &str) -> String {
    let response = post_json_response(app, "/api/consent/decide", &[("decision", decision)], None).await;
    let set_cookie = response.headers().get("set-cookie").expect("a consent cookie").to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

/// A form post as the hydrated page makes it (JSON answer), from a page of this store.
pub async fn post_json(app: &TestApp, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> (u16, String) {
    let response = post(app, endpoint, fields, cookie, "application/json").await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// The reply of a hydrated form post that the store accepted for processing.
pub async fn form_reply(app: &TestApp, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> FormReply {
    let (status, body) = post_json(app, endpoint, fields, cookie).await;
    assert_eq!(status, 200, "{endpoint} answered {status}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{endpoint} answered {body}: {e}"))
}

/// A plain HTML form post (JavaScript off): the answer is a redirect.
pub async fn post_plain(app: &TestApp, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    post(app, endpoint, fields, cookie, "text/html,application/xhtml+xml").await
}

async fn post(app: &TestApp, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>, accept: &str) -> reqwest::Response {
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let mut request = app
        .client
        .post(app.url(endpoint))
        .header("origin", &app.address)
        .header("referer", app.url("/account"))
        .header("accept", accept)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("the store answers")
}

/// The `name=value` of the session cookie a response sets.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sop_session=") && !v.contains("Max-Age=0"))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// Every message in the outbox, oldest first: (to, subject, text body as sent).
pub async fn outbox(app: &TestApp) -> Vec<(String, String, String)> {
    let db = Database::connect(app.db.url()).await.expect("test database");
    let rows = app::server::entities::mail_outbox::Entity::find()
        .order_by_asc(app::server::entities::mail_outbox::Column::Id)
        .all(&db)
        .await
        .expect("outbox rows");
    db.close().await.ok();
    // As the recipient gets them: with a security mail's one-time link (S1 keeps it apart).
    rows.into_iter()
        .map(|m| {
            let (text_body, _) = app::server::mail::outbox::bodies_for_recipient(&m);
            (m.to_address, m.subject, text_body)
        })
        .collect()
}

/// The first link whose path starts with `path` in the newest message to `to` that has one
/// (another message may have landed since, as a sign-in link queued apart from its answer).
pub async fn link_in_mail(app: &TestApp, to: &str, path: &str) -> String {
    let wanted = format!("{}{path}", app.address);
    let mails: Vec<_> = outbox(app).await.into_iter().filter(|(address, _, _)| address == to).collect();
    assert!(!mails.is_empty(), "no mail to {to}");
    let body = mails.iter().rev().map(|(_, _, body)| body).find(|body| body.contains(&wanted));
    let body = body.unwrap_or_else(|| panic!("no {path} link in any mail to {to}: {mails:?}"));
    let start = body.find(&wanted).unwrap_or_default();
    let link: String = body[start..].chars().take_while(|c| !c.is_whitespace() && *c != '<' && *c != '"').collect();
    link.trim_start_matches(&app.address).to_owned()
}

pub fn token_of(link: &str) -> String {
    link.split_once("token=").map(|(_, t)| t.to_owned()).expect("the link carries a token")
}

/// Registers, confirms the address and signs in; returns the session cookie.
pub async fn registered_and_signed_in(app: &TestApp, name: &str, email: &str) -> String {
    let reply = form_reply(app, "/api/account/register", &[("name", name), ("email", email), ("password", PASSWORD)], None).await;
    assert!(reply.is_ok(), "{reply:?}");
    let link = link_in_mail(app, email, "/account/confirm-email").await;
    let reply = form_reply(app, "/api/account/confirm-email", &[("token", &token_of(&link))], None).await;
    assert!(reply.is_ok(), "{reply:?}");
    sign_in(app, email, PASSWORD).await.expect("signs in")
}

pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> Result<String, FormReply> {
    let response = post(app, "/api/account/sign-in", &[("email", email), ("password", password)], None, "application/json").await;
    let cookie = session_cookie(&response);
    let reply: FormReply = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    match cookie {
        Some(cookie) if reply.is_ok() => Ok(cookie),
        _ => Err(reply),
    }
}

/// The CSRF token the account page's forms carry for this session.
pub async fn csrf_token(app: &TestApp, cookie: &str) -> String {
    let (status, body) = post_json(app, "/api/account/overview", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    let overview: app::api::account::AccountOverview = serde_json::from_str(&body).unwrap();
    overview.csrf_token
}

pub async fn overview(app: &TestApp, cookie: &str) -> app::api::account::AccountOverview {
    let (status, body) = post_json(app, "/api/account/overview", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// S11: the seconds since the Unix epoch, as the store's clock and an authenticator app see them.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs()
}

/// S11: the code an authenticator app shows for `secret` (base32, spaces allowed) at `time`,
/// worked out with the TOTP library (RFC 6238: SHA-1, 30-second steps, 6 digits).
pub fn totp_code(secret: &str, time: u64) -> String {
    use app::server::accounts::second_factor::totp_rs::{Builder, Secret};
    let secret = Secret::try_from_base32(secret.replace(' ', "")).expect("a base32 setup key");
    Builder::new().with_secret(secret).build().expect("a valid TOTP").generate(time).to_string()
}

/// S11: the two-factor page's data for this session.
pub async fn two_factor_view(app: &TestApp, cookie: &str) -> app::api::account::TwoFactorView {
    let (status, body) = post_json(app, "/api/account/two-factor", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{body}: {e}"))
}

/// S11: posts a code from the two-factor page (as the hydrated page does); the renewed
/// session's cookie when the code was right, and the reply.
pub async fn submit_code(app: &TestApp, cookie: &str, csrf: &str, code: &str, next: &str) -> (Option<String>, FormReply) {
    let response =
        post_json_response(app, "/api/account/two-factor-confirm", &[("csrf_token", csrf), ("code", code), ("next", next)], Some(cookie))
            .await;
    let renewed = session_cookie(&response);
    let body = response.text().await.expect("body");
    (renewed, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{body}: {e}")))
}

/// S11: each staff account's setup key and the last time step a code was used for, per store,
/// as the test's authenticator app remembers them.
fn authenticators() -> &'static std::sync::Mutex<std::collections::HashMap<String, (String, u64)>> {
    static APPS: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, (String, u64)>>> = std::sync::OnceLock::new();
    APPS.get_or_init(Default::default)
}

/// S11: a code for a time step after the last one used for this key (the store accepts a code
/// once, and the step either side of now): waits for the next step when both are used.
pub async fn fresh_code(app: &TestApp, email: &str, secret: &str) -> String {
    let key = format!("{} {email}", app.address);
    let last = authenticators().lock().unwrap().get(&key).map(|(_, step)| *step);
    let now_step = unix_now() / 30;
    let step = last.map_or(now_step, |last| now_step.max(last + 1));
    if step > now_step + 1 {
        let wait = ((step - 1) * 30).saturating_sub(unix_now());
        tokio::time::sleep(std::time::Duration::from_secs(wait + 1)).await;
    }
    authenticators().lock().unwrap().insert(key, (secret.to_owned(), step));
    totp_code(secret, step * 30)
}

/// S11: the setup key this test's authenticator app holds for a staff account, if it set one up.
pub fn remembered_secret(app: &TestApp, email: &str) -> Option<String> {
    authenticators().lock().unwrap().get(&format!("{} {email}", app.address)).map(|(secret, _)| secret.clone())
}

/// S11: signs a staff account in as staff do: the password, then, the first time, setting up
/// the authenticator app from the enrolment page's key, then a code. Returns the session cookie
/// that opens the staff area.
pub async fn staff_signed_in(app: &TestApp, email: &str, password: &str) -> String {
    use app::domain::account::SecondFactorStep;
    let half = sign_in(app, email, password).await.expect("the staff password is right");
    let page = two_factor_view(app, &half).await;
    let secret = match page.step {
        SecondFactorStep::Enrol { secret, .. } => secret,
        SecondFactorStep::Code => remembered_secret(app, email).expect("this test set up the account's authenticator"),
        other => panic!("{email} is not asked for a code: {other:?}"),
    };
    let code = fresh_code(app, email, &secret).await;
    let (cookie, reply) = submit_code(app, &half, &page.csrf_token, &code, "/account").await;
    assert!(reply.is_ok(), "the code was refused: {reply:?}");
    cookie.expect("a renewed session")
}

/// Runs the real binary's `server admin create` against the test's database, the password on
/// standard input as an operator would pipe it.
pub fn admin_create(app: &TestApp, email: &str, name: &str, role: &str, password: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["admin", "create", "--email", email, "--name", name, "--role", role, "--password-stdin"])
        .env("DATABASE_URL", app.db.url())
        .env("DEMO_DATA", "false")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary runs");
    child.stdin.take().expect("its standard input").write_all(format!("{password}\n").as_bytes()).expect("the password is written");
    child.wait_with_output().expect("the command finishes")
}
