//! The cookie banner and preferences over real HTTP: nothing optional before a choice,
//! "Reject all" as easy as "Accept all", decisions logged before they are acknowledged, and
//! everything working as plain form posts without JavaScript.

mod support;

use app::domain::consent::ConsentCookie;
use app::server::consent_log::{self, ChainStatus};
use sea_orm::{Database, EntityTrait};
use support::{spawn_app, spawn_app_with, Backend, TestApp};

const BANNER: &str = "data-consent-banner";

/// Posts the consent form as a browser without JavaScript does; returns the response.
async fn post_decision(app: &TestApp, from_path: &str, form: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/consent/decide"))
        .header("origin", &app.address)
        .header("referer", app.url(from_path))
        .header("accept", "text/html,application/xhtml+xml")
        .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("the store answers")
}

fn consent_cookie(response: &reqwest::Response) -> String {
    let set_cookie = response.headers().get("set-cookie").expect("a consent cookie is set").to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

async fn log_rows(app: &TestApp) -> Vec<app::server::entities::consent_log::Model> {
    let db = Database::connect(app.db.url()).await.unwrap();
    app::server::entities::consent_log::Entity::find().all(&db).await.unwrap()
}

// B01: a first visit gets no cookie at all, and the banner asks.
async fn b01_first_visit_sets_no_cookie_and_shows_the_banner(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    for path in ["/", "/category/tea-coffee", "/product/copper-kettle", "/search?q=tea", "/privacy", "/cookies"] {
        let response = app.get(path).await;
        assert!(response.headers().get("set-cookie").is_none(), "{path} sets no cookie before a choice");
        assert!(response.text().await.unwrap().contains(BANNER), "{path} shows the banner");
    }
}

// B02: "Reject all" is the same element, in the same kind of form, as "Accept all"; nothing is pre-ticked.
async fn b02_reject_all_is_as_prominent_as_accept_all(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (_, body) = app.page("/").await;
    let accept = body.find(">Accept all").expect("an Accept all button");
    let reject = body.find(">Reject all").expect("a Reject all button");
    let button_before = |end: usize| body[..end].rsplit_once("<button").unwrap().1.to_owned();
    assert_eq!(button_before(accept), button_before(reject), "same element, same class, same weight");
    assert!(body[accept..].starts_with(">Accept all<!></button>") || body[accept..].starts_with(">Accept all</button>"));
    assert!(body.contains(">Choose</a>"));
    let (_, preferences) = app.page("/cookies").await;
    let checkboxes: Vec<&str> = preferences
        .split("<input")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap())
        .filter(|tag| tag.contains("type=\"checkbox\""))
        .collect();
    assert!(checkboxes.iter().all(|tag| !tag.contains("checked")), "nothing is pre-ticked: {checkboxes:?}");
    assert_eq!(preferences.matches("type=\"checkbox\"").count(), 3, "one switch per optional category");
}

// B03, B09: without JavaScript, "Reject all" is logged, remembered, and returns to the same page without the banner.
async fn b09_reject_all_without_javascript_is_logged_and_returns_to_the_same_page(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let response = post_decision(&app, "/category/tea-coffee", "decision=reject", None).await;
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert_eq!(location.trim_end_matches('?'), app.url("/category/tea-coffee"), "back to the page it came from");
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set_cookie.contains("Max-Age=31536000") && set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let cookie = consent_cookie(&response);
    assert_eq!(app.bits(&cookie), "000", "nothing optional allowed: {cookie}");

    let rows = log_rows(&app).await;
    assert_eq!(rows.len(), 1, "logged before it was acknowledged");
    let row = &rows[0];
    assert_eq!((row.event_kind.as_str(), row.source.as_str()), ("deny", "banner"));
    assert!(!row.analytics && !row.functionality && !row.targeting);
    assert_eq!(row.browser_family, "Chrome");
    assert_eq!(row.ip_hash.len(), 64, "a salted hash, never the address");
    assert!(!row.ip_hash.contains("127.0.0"));
    assert!(cookie.contains(&row.consent_id), "the cookie carries the pseudonymous id of the row");

    let page = app.client.get(app.url("/category/tea-coffee")).header("cookie", &cookie).send().await.unwrap();
    assert!(page.headers().get("set-cookie").is_none());
    assert!(!page.text().await.unwrap().contains(BANNER), "decided: no banner");
}

// B03, B04: accepting, then withdrawing on the preferences page, is two chained rows under one consent id.
async fn b04_withdrawing_is_one_form_and_is_logged_as_a_withdrawal(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let accepted = post_decision(&app, "/", "decision=accept", None).await;
    let cookie = consent_cookie(&accepted);
    assert_eq!(app.bits(&cookie), "111");
    let custom = post_decision(&app, "/cookies", "decision=custom&analytics=on", Some(&cookie)).await;
    assert_eq!(custom.status().as_u16(), 302);
    let cookie = consent_cookie(&custom);
    assert_eq!(app.bits(&cookie), "100", "only analytics: {cookie}");
    let withdrawn = post_decision(&app, "/cookies", "decision=custom", Some(&cookie)).await;
    assert_eq!(app.bits(&consent_cookie(&withdrawn)), "000");

    let rows = log_rows(&app).await;
    let kinds: Vec<(&str, &str)> = rows.iter().map(|r| (r.event_kind.as_str(), r.source.as_str())).collect();
    assert_eq!(kinds, [("grant", "banner"), ("grant", "preferences"), ("withdraw", "preferences")]);
    assert!(rows.iter().all(|r| r.consent_id == rows[0].consent_id), "one visitor, one pseudonymous id");
    assert_ne!(rows[0].text_hash, rows[1].text_hash, "the log proves which text was shown");
    let db = Database::connect(app.db.url()).await.unwrap();
    assert_eq!(consent_log::verify(&db, &app.state.keys.consent_log_anchor).await.unwrap(), ChainStatus::Intact { rows: 3 });
}

fn decided(policy_version: &str, decided_at: i64) -> ConsentCookie {
    ConsentCookie {
        consent_id: "someone".into(),
        policy_version: policy_version.into(),
        decided_at,
        choices: app::domain::consent::ConsentChoices::REJECT_ALL,
    }
}

async fn shows_banner(app: &TestApp, cookie: &str) -> bool {
    let page = app.client.get(app.url("/")).header("cookie", cookie).send().await.unwrap();
    page.text().await.unwrap().contains(BANNER)
}

// B06: a decision on an older policy version, or a year old, brings the banner back.
async fn b06_a_decision_on_an_old_policy_version_asks_again(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let now = chrono::Utc::now().timestamp();
    let current = app::domain::consent::POLICY_VERSION;
    assert!(!shows_banner(&app, &app.consent_pair(&decided(current, now))).await, "a current decision stands");
    assert!(shows_banner(&app, &app.consent_pair(&decided("2020-01-01", now))).await, "an old policy version");
    assert!(shows_banner(&app, &app.consent_pair(&decided(current, now - 366 * 86_400))).await, "a year-old decision");
}

// B01: only a cookie the store signed is a decision; a forged or unsigned one asks again.
async fn b01_a_consent_cookie_with_a_bad_or_missing_signature_is_no_decision(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let now = chrono::Utc::now().timestamp();
    let genuine = app.consent_pair(&decided(app::domain::consent::POLICY_VERSION, now));
    assert!(!shows_banner(&app, &genuine).await);
    let unsigned = format!("sop_consent={}", decided(app::domain::consent::POLICY_VERSION, now).encode());
    assert!(shows_banner(&app, &unsigned).await, "unsigned");
    let forged = genuine.replacen(".000.", ".111.", 1);
    assert!(shows_banner(&app, &forged).await, "choices changed after signing");
    let other_key =
        app::server::consent_cookie::pair(&decided(app::domain::consent::POLICY_VERSION, now), b"another store's key, 32 bytes...", false);
    assert!(shows_banner(&app, &other_key).await, "signed by another key");

    // Deciding again with a forged cookie starts a new pseudonymous id: nobody can write into
    // another visitor's history.
    let response = post_decision(&app, "/", "decision=accept", Some(&forged)).await;
    assert!(!consent_cookie(&response).contains("someone"));
    assert_ne!(log_rows(&app).await[0].consent_id, "someone");
}

async fn an_unknown_decision_is_refused_and_not_logged(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let response = app
        .client
        .post(app.url("/api/consent/decide"))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=everything")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert!(response.headers().get("set-cookie").is_none());
    assert!(log_rows(&app).await.is_empty());
}

// B05: Sec-GPC: 1 with no decision yet is recorded as a refusal (source gpc) before the first page renders.
async fn b05_a_gpc_signal_is_recorded_as_a_refusal_before_the_first_page(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    // S8: requests that are no page view (a picture, a script) record nothing.
    let picture =
        app.client.get(app.url("/favicon.svg")).header("sec-gpc", "1").header("accept", "image/avif,image/webp,*/*").send().await.unwrap();
    assert!(picture.headers().get("set-cookie").is_none());
    assert!(log_rows(&app).await.is_empty(), "a static file records no GPC decision");

    let first = page_with_gpc(&app, "/category/garden-outdoor", None).await;
    assert_eq!(first.status().as_u16(), 200);
    let cookie = consent_cookie(&first);
    assert_eq!(app.bits(&cookie), "000", "{cookie}");
    let body = first.text().await.unwrap();
    assert!(body.contains("data-gpc-notice"), "the page says the signal was honoured");
    assert!(!body.contains(BANNER), "and does not ask");
    let rows = log_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].event_kind.as_str(), rows[0].source.as_str()), ("gpc", "gpc"));

    // The decision stands: the next page neither records nor tells again.
    let next = page_with_gpc(&app, "/", Some(&cookie)).await;
    assert!(next.headers().get("set-cookie").is_none());
    assert!(!next.text().await.unwrap().contains("data-gpc-notice"));
    assert_eq!(log_rows(&app).await.len(), 1);
}

/// A browser's page view with Global Privacy Control on.
async fn page_with_gpc(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path)).header("sec-gpc", "1").header("accept", "text/html,application/xhtml+xml");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

// B05: GPC always wins. After an earlier "Accept all", a page view with GPC withdraws targeting
// (logged once, source gpc), keeps the other choices, loads no targeting tag and says so.
async fn b05_gpc_wins_over_an_earlier_accept_all(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[("FACEBOOK_PIXEL_ID", "1234567890"), ("GOOGLE_ANALYTICS_ID", "G-ABC123XYZ")]).await else {
        return;
    };
    let accepted = post_decision(&app, "/", "decision=accept", None).await;
    let cookie = consent_cookie(&accepted);
    assert_eq!(app.bits(&cookie), "111");

    let page = page_with_gpc(&app, "/", Some(&cookie)).await;
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(!csp.contains("facebook"), "no targeting host in the policy: {csp}");
    assert!(csp.contains("googletagmanager"), "analytics stays as chosen: {csp}");
    let withdrawn = consent_cookie(&page);
    assert_eq!(app.bits(&withdrawn), "110", "targeting withdrawn, the rest kept");
    let body = page.text().await.unwrap();
    assert!(body.contains("data-gpc-notice") && body.contains("refusing targeting cookies"), "the page says so");
    assert!(!body.contains("connect.facebook.net"), "and loads no targeting tag");
    let rows = log_rows(&app).await;
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[1].event_kind.as_str(), rows[1].source.as_str()), ("gpc", "gpc"));

    // Logged once: the next page with the signal records nothing more.
    let next = page_with_gpc(&app, "/", Some(&withdrawn)).await;
    assert!(next.headers().get("set-cookie").is_none());
    assert_eq!(log_rows(&app).await.len(), 2);
    // Even a request that records nothing (a server-function call) never opens targeting while
    // the signal is sent, whatever cookie it carries.
    let api = app.client.get(app.url("/api/consent/decide")).header("sec-gpc", "1").header("cookie", &cookie).send().await.unwrap();
    assert!(!api.headers()["content-security-policy"].to_str().unwrap().contains("facebook"));

    let manifest = app.get("/.well-known/gpc.json").await;
    assert_eq!(manifest.headers()["content-type"], "application/json");
    assert!(manifest.text().await.unwrap().contains("\"gpc\": true"));
}

// B03: after a decision the visitor can download a receipt and check it against the store.
async fn b03_a_decision_comes_with_a_receipt_that_the_store_confirms(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    assert_eq!(app.get("/cookies/receipt.json").await.status().as_u16(), 404, "no decision, no receipt");
    let cookie = consent_cookie(&post_decision(&app, "/", "decision=reject", None).await);
    let response = app.client.get(app.url("/cookies/receipt.json")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let receipt: app::domain::consent::ConsentReceipt = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let row = &log_rows(&app).await[0];
    assert_eq!(receipt.row_hash, row.row_hash);
    assert_eq!(receipt.consent_id, row.consent_id);
    assert_eq!((receipt.event.as_str(), receipt.policy_version.as_str()), ("deny", app::domain::consent::POLICY_VERSION));
    assert!(!receipt.choices.analytics && !receipt.choices.targeting);

    let check = |hash: String| {
        let request = app.client.get(app.url(&format!("/cookies/receipt/check?hash={hash}")));
        async move { request.send().await.unwrap() }
    };
    let genuine: app::domain::consent::ReceiptCheck =
        serde_json::from_str(&check(receipt.row_hash.clone()).await.text().await.unwrap()).unwrap();
    assert!(genuine.genuine, "{genuine:?}");
    assert_eq!(genuine.receipt.as_ref(), Some(&receipt));
    let forged: app::domain::consent::ReceiptCheck = serde_json::from_str(&check("f".repeat(64)).await.text().await.unwrap()).unwrap();
    assert!(!forged.genuine);
    assert_eq!(check("not-a-hash".into()).await.status().as_u16(), 400);
}

// P24, P25: the policy page's cookie table comes from the same registry as the preferences page;
// with every tag configured, every declared cookie is in it with its lifetime.
async fn p24_p25_the_policy_page_declares_each_cookie_with_its_category_and_lifetime(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &support::ALL_TAG_IDS).await else { return };
    let (_, policy) = app.page("/privacy").await;
    for category in app::domain::consent::CookieCategory::ALL {
        assert!(policy.contains(category.label()), "{category:?}");
    }
    for cookie in app::domain::cookies::DECLARED_COOKIES {
        let fixed_part = cookie.name.split('<').next().unwrap();
        assert!(policy.contains(&format!("data-cookie=\"{fixed_part}")), "{} is in the table", cookie.name);
        assert!(policy.contains(&cookie.lifetime.describe()), "{} says how long it lives", cookie.name);
        assert!(policy.contains(cookie.party()), "{} says whose it is", cookie.name);
    }
    assert!(policy.contains("id=\"cookies\""));
}

on_both_databases!(
    p24_p25_the_policy_page_declares_each_cookie_with_its_category_and_lifetime,
    b03_a_decision_comes_with_a_receipt_that_the_store_confirms,
    b05_a_gpc_signal_is_recorded_as_a_refusal_before_the_first_page,
    b05_gpc_wins_over_an_earlier_accept_all,
    b01_first_visit_sets_no_cookie_and_shows_the_banner,
    b02_reject_all_is_as_prominent_as_accept_all,
    b09_reject_all_without_javascript_is_logged_and_returns_to_the_same_page,
    b04_withdrawing_is_one_form_and_is_logged_as_a_withdrawal,
    b06_a_decision_on_an_old_policy_version_asks_again,
    b01_a_consent_cookie_with_a_bad_or_missing_signature_is_no_decision,
    an_unknown_decision_is_refused_and_not_logged,
);
