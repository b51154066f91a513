//! Issue 21, "Correct answers to bad input", over real HTTP on SQLite and PostgreSQL: a call
//! with missing or malformed arguments is a 400 in plain words, NUL and over-long searches are
//! 400s, an address the mailer cannot send to is refused at checkout, signed-out visitors and
//! customers never see a staff or account page, and the header logo is named by its text.

mod support;

use app::api::shop::CheckoutPage;
use app::domain::forms::FormReply;
use sea_orm::{ConnectionTrait, Database, Statement};
use support::accounts::*;
use support::{spawn_app, Backend, TestApp};

/// What a refusal of unreadable arguments must never show: the decoder's or the framework's text.
const INTERNAL_TEXT: [&str; 3] = ["Unreachable", "deserializ", "error running server function"];

/// A server function as declared in app/src/api: its endpoint and its arguments, each with
/// whether it is optional.
struct ServerFunction {
    endpoint: String,
    arguments: Vec<(String, bool)>,
}

impl ServerFunction {
    /// A body this function cannot read: empty when an argument is required, else its first
    /// argument given a nested value where text or a number is expected. `None`: it takes no
    /// arguments, so every body is a complete call.
    fn unreadable_body(&self) -> Option<String> {
        let (first, _) = self.arguments.first()?;
        Some(if self.arguments.iter().any(|(_, optional)| !optional) { String::new() } else { format!("{first}[nested]=1") })
    }
}

/// Every `#[server(endpoint = "…")]` in app/src/api with its arguments, read from the source so
/// that a new server function is covered without anyone remembering to add it here.
fn server_functions() -> Vec<ServerFunction> {
    const MARKER: &str = "#[server(endpoint = \"";
    let api = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/api");
    let mut functions = Vec::new();
    for entry in std::fs::read_dir(&api).expect("app/src/api") {
        let source = std::fs::read_to_string(entry.expect("a file").path()).expect("readable source");
        for (at, _) in source.match_indices(MARKER) {
            let rest = &source[at + MARKER.len()..];
            let endpoint = rest.split('"').next().expect("a closing quote").to_owned();
            let signature = &rest[rest.find(" fn ").expect("the function")..];
            let open = signature.find('(').expect("its arguments");
            let (mut depth, mut close) = (0, open);
            for (i, c) in signature[open..].char_indices() {
                depth += match c {
                    '(' | '<' => 1,
                    ')' | '>' => -1,
                    _ => 0,
                };
                if depth == 0 {
                    close = open + i;
                    break;
                }
            }
            let (mut arguments, mut depth, mut current) = (Vec::new(), 0, String::new());
            for c in signature[open + 1..close].chars().chain([',']) {
                match c {
                    '(' | '<' => depth += 1,
                    ')' | '>' => depth -= 1,
                    _ => {}
                }
                if c == ',' && depth == 0 {
                    if let Some((name, ty)) = current.split_once(':') {
                        arguments.push((name.trim().to_owned(), ty.trim().starts_with("Option<")));
                    }
                    current.clear();
                } else {
                    current.push(c);
                }
            }
            functions.push(ServerFunction { endpoint, arguments });
        }
    }
    functions.sort_by(|a, b| a.endpoint.cmp(&b.endpoint));
    assert!(functions.len() > 30, "the server functions were found: {:?}", functions.iter().map(|f| &f.endpoint).collect::<Vec<_>>());
    let consent = functions.iter().find(|f| f.endpoint == "consent/decide").expect("consent/decide");
    assert_eq!(consent.arguments.len(), 4, "the arguments were read");
    functions
}

async fn post_raw(app: &TestApp, endpoint: &str, body: &str, accept: &str) -> (u16, String) {
    let response = app
        .client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("origin", &app.address)
        .header("referer", app.url("/"))
        .header("accept", accept)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .expect("the store answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

// issue 21: bad input. Every server function answers a call it cannot read with a 400 whose
// body is the capability's error in plain words (the hydrated forms show its message), never a
// 500 with the decoder's text.
async fn issue21_every_server_function_answers_an_unreadable_call_with_a_plain_400(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let mut checked = 0;
    for function in server_functions() {
        let endpoint = &function.endpoint;
        let Some(body) = function.unreadable_body() else {
            // No arguments: an empty body is a complete call; it must still not fail.
            let (status, answer) = post_raw(&app, endpoint, "", "*/*").await;
            assert!(status < 500, "/api/{endpoint} with no arguments answered {status}: {answer}");
            continue;
        };
        for accept in ["*/*", "application/json"] {
            let (status, answer) = post_raw(&app, endpoint, &body, accept).await;
            assert_eq!(status, 400, "/api/{endpoint} {body:?} (Accept: {accept}) answered {status}: {answer}");
            for internal in INTERNAL_TEXT {
                assert!(!answer.contains(internal), "/api/{endpoint} (Accept: {accept}) shows {internal:?}: {answer}");
            }
            let error: serde_json::Value = serde_json::from_str(&answer).unwrap_or_else(|e| panic!("/api/{endpoint}: {answer}: {e}"));
            let message = error["BadRequest"].as_str().unwrap_or_else(|| panic!("/api/{endpoint}: {answer}"));
            assert!(message.starts_with("The form was incomplete or malformed"), "/api/{endpoint}: {message}");
        }
        checked += 1;
    }
    assert!(checked > 30, "{checked} server functions were checked");

    // The hydrated forms read the body as the capability's error and show its message.
    let (_, answer) = post_raw(&app, "account/register", "name=Ann", "application/json").await;
    let error: app::api::account::AccountError = serde_json::from_str(&answer).expect("an AccountError");
    assert_eq!(error.to_string(), "The form was incomplete or malformed: the “email” field is missing. Reload the page and try again.");
    let (_, answer) = post_raw(&app, "basket/add", "", "application/json").await;
    let error: app::api::shop::ShopError = serde_json::from_str(&answer).expect("a ShopError");
    assert!(matches!(error, app::api::shop::ShopError::BadRequest(_)), "{error:?}");
    // The case from the review.
    let (status, answer) = post_raw(&app, "consent/decide", "", "*/*").await;
    assert_eq!((status, answer.contains("“decision” field is missing")), (400, true), "{answer}");
}

// issue 21: bad input. A plain HTML form post (JavaScript off) with a field missing is refused
// with a 400 in plain words too, not a 500.
async fn issue21_a_plain_form_post_with_a_missing_field_is_not_a_500(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let response = post_plain(&app, "/api/account/register", &[("name", "Ann Smith"), ("email", "ann@example.com")], None).await;
    let status = response.status().as_u16();
    let answer = response.text().await.expect("body");
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("the “password” field is missing"), "{answer}");
    for internal in INTERNAL_TEXT {
        assert!(!answer.contains(internal), "shows {internal:?}: {answer}");
    }
    let (status, answer) = post_raw(&app, "checkout/place", "name=Gus", "text/html,application/xhtml+xml").await;
    assert_eq!(status, 400, "{answer}");
}

// issue 21: bad input. NUL (which PostgreSQL refuses in text) and over-long searches are a 400
// on both databases; the page still says what was wrong, beside the field.
async fn issue21_nul_and_over_long_searches_are_a_400(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    for (query, message) in [
        ("q=tea%00", "Search using letters, numbers, spaces and punctuation only"),
        ("q=%00", "Search using letters, numbers, spaces and punctuation only"),
        (&*format!("q={}", "a".repeat(201)), "Search for 200 characters or fewer"),
    ] {
        let (status, body) = app.page(&format!("/search?{query}")).await;
        assert_eq!(status, 400, "/search?{query}");
        assert!(body.contains(message), "/search?{query} explains: {message}");
        assert!(body.contains("href=\"#search-q\""), "the summary links to the field");
        assert!(!body.contains("products found"), "/search?{query} ran no search");
    }
    // An ordinary mistake is still a normal answer, and the hydrated page's own call reads the
    // refusal as data (its client treats any 4xx as a failed call).
    assert_eq!(app.page("/search?q=oak&min=ten").await.0, 200);
    let (status, body) = post_raw(&app, "catalog/search", "params[q]=tea%00", "application/json").await;
    assert_eq!(status, 200, "{body}");
    let data: app::api::catalog::SearchPageData = serde_json::from_str(&body).unwrap();
    assert_eq!(data.outcome, Err(app::domain::search::SearchInputError::UnreadableCharacters));
    // A 200-character search is searched.
    assert_eq!(app.page(&format!("/search?q={}", "a".repeat(200))).await.0, 200);
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let db = Database::connect(app.db.url()).await.expect("test database");
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().expect("a row");
    let value: i64 = row.try_get_by_index(0).unwrap();
    db.close().await.ok();
    value
}

// issue 21: bad input. An address the mailer cannot send to is refused by the checkout form,
// beside the e-mail field, before any payment: no order, no stock taken.
async fn issue21_checkout_refuses_an_address_the_mailer_cannot_send_to(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let stock = "SELECT CAST(stock AS BIGINT) FROM product WHERE slug = 'oak-chopping-board'";
    let before = scalar(&app, stock).await;
    let response = post_json_response(&app, "/api/basket/add", &[("product", "oak-chopping-board"), ("quantity", "1")], None).await;
    assert_eq!(response.status().as_u16(), 200);
    let cookie = session_cookie(&response).expect("a session");
    let (status, body) = post_json(&app, "/api/checkout/load", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let page: CheckoutPage = serde_json::from_str(&body).unwrap();
    let fields = support::shop::guest_fields(&page, "a(b@example.com", "4242 4242 4242 4242");
    let reply: FormReply = form_reply(&app, "/api/checkout/place", &fields, Some(&cookie)).await;
    assert_eq!(reply.error_for("email"), Some("Enter an email address in the correct format, like name@example.com"), "{reply:?}");
    assert!(reply.redirect.as_deref().is_none_or(|to| !to.starts_with("/orders/")), "{reply:?}");
    assert_eq!(scalar(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM customer_order").await, 0, "no order");
    assert_eq!(scalar(&app, stock).await, before, "no stock taken");
    // Registering with it is refused the same way.
    let reply =
        form_reply(&app, "/api/account/register", &[("name", "Ann"), ("email", "a(b@example.com"), ("password", PASSWORD)], None).await;
    assert_eq!(reply.error_for("email"), Some("Enter an email address in the correct format, like name@example.com"), "{reply:?}");
}

/// Every page of the account holder's own area and of the staff area (the public account
/// pages, register, sign-in, reset and confirm, are left out).
const ACCOUNT_PAGES: [&str; 6] =
    ["/account", "/account/orders", "/account/password", "/account/email", "/account/addresses/new", "/account/addresses/1"];
const STAFF_PAGES: [&str; 11] = [
    "/admin",
    "/admin/marketing",
    "/admin/marketing/campaigns/new",
    "/admin/outbox",
    "/admin/outbox/1",
    "/admin/audit",
    "/admin/orders",
    "/admin/orders/SOP-000001",
    "/admin/consent-log",
    "/admin/consent-log.csv",
    "/admin/consent-log.json",
];

async fn get_page(app: &TestApp, path: &str, accept: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path)).header("accept", accept);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("the store answers")
}

// issue 21: bad input. A signed-out visitor opening any staff or account page is sent to sign
// in (coming back here afterwards) or refused; a customer in the staff area is refused. Never a
// 200 page, whether the request asks for HTML, as a browser does, or for anything (`*/*`).
async fn issue21_signed_out_visitors_and_customers_never_get_a_staff_or_account_page(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    for path in ACCOUNT_PAGES.iter().chain(STAFF_PAGES.iter()) {
        for accept in ["text/html,application/xhtml+xml", "*/*"] {
            let response = get_page(&app, path, accept, None).await;
            let status = response.status().as_u16();
            let to = location(&response);
            let body = response.text().await.unwrap_or_default();
            match status {
                302 | 303 => {
                    let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
                    assert_eq!(to, format!("/account/sign-in?next={next}"), "{path} (Accept: {accept})");
                }
                401 | 403 => {}
                _ => panic!("{path} (Accept: {accept}) signed out answered {status} (Location {to:?}): {body:.300}"),
            }
        }
    }
    let customer = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    for path in STAFF_PAGES {
        for accept in ["text/html,application/xhtml+xml", "*/*"] {
            let response = get_page(&app, path, accept, Some(&customer)).await;
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            assert!(status == 403 || status == 404, "{path} (Accept: {accept}) for a customer answered {status}: {body:.300}");
        }
    }
    // The customer's own pages do open.
    for path in ["/account", "/account/orders", "/account/password", "/account/email", "/account/addresses/new"] {
        assert_eq!(get_page(&app, path, "text/html", Some(&customer)).await.status().as_u16(), 200, "{path}");
    }
}

/// The text of an HTML fragment; with `skip_hidden`, without what is inside `aria-hidden` elements.
fn text_of(html: &str, skip_hidden: bool) -> String {
    let mut text = String::new();
    let mut rest = html;
    let mut hidden_depth = 0usize;
    loop {
        let open = rest.find('<').unwrap_or(rest.len());
        if hidden_depth == 0 {
            text.push_str(&rest[..open]);
        }
        if open == rest.len() {
            break;
        }
        let close = rest[open..].find('>').map_or(rest.len(), |at| open + at + 1);
        let tag = &rest[open..close];
        if tag.starts_with("<!") {
            // A comment (Leptos' hydration markers): no text.
        } else if tag.starts_with("</") {
            hidden_depth = hidden_depth.saturating_sub(1);
        } else if hidden_depth > 0 || (skip_hidden && tag.contains("aria-hidden=\"true\"")) {
            hidden_depth += 1;
        }
        rest = &rest[close..];
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// issue 21: bad input (WCAG 2.5.3, axe `label-content-name-mismatch`). The header logo link's
// accessible name contains the text it shows: an aria-label, if any, contains all of it;
// without one, the name is the link's own text, decoration left out.
async fn issue21_the_logo_link_is_named_by_the_text_it_shows(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, page) = app.page("/").await;
    assert_eq!(status, 200);
    let class = page.find("class=\"site-header__logo\"").expect("the logo link");
    let start = page[..class].rfind("<a").expect("the link's start");
    let end = start + page[start..].find("</a>").expect("the link's end");
    let link = &page[start..end];
    let open_tag = &link[..link.find('>').expect("the open tag") + 1];
    let inner = &link[open_tag.len()..];
    let visible = text_of(inner, false);
    assert!(visible.contains("SOP Store"), "{link}");
    match open_tag.split_once("aria-label=\"") {
        Some((_, rest)) => {
            let label = rest.split('"').next().unwrap_or_default();
            assert!(label.contains(&visible), "the aria-label {label:?} contains the visible text {visible:?}");
        }
        None => assert_eq!(text_of(inner, true), "SOP Store", "{link}"),
    }
}

on_both_databases!(
    issue21_every_server_function_answers_an_unreadable_call_with_a_plain_400,
    issue21_a_plain_form_post_with_a_missing_field_is_not_a_500,
    issue21_nul_and_over_long_searches_are_a_400,
    issue21_checkout_refuses_an_address_the_mailer_cannot_send_to,
    issue21_signed_out_visitors_and_customers_never_get_a_staff_or_account_page,
    issue21_the_logo_link_is_named_by_the_text_it_shows,
);
