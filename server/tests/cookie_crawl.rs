//! B10: a crawl of every public page, with all three optional tags configured, as a first-time
//! visitor, after "Reject all", after "Accept all", after a withdrawal and with GPC, compares
//! every Set-Cookie with the cookie registry and with the visitor's consent.

mod support;

use app::domain::consent::ConsentChoices;
use app::domain::cookies::find_declaration;
use std::collections::BTreeSet;
use support::{spawn_app_with, Backend, TestApp, ALL_TAG_IDS};

/// Crawls from `/` with the given request headers; returns the addresses seen and every Set-Cookie.
async fn crawl(app: &TestApp, headers: &[(&str, &str)]) -> (usize, Vec<(String, String)>) {
    let crawled = support::crawl::crawl(app, headers, &[]).await;
    (crawled.addresses, crawled.set_cookies)
}

/// Checks each Set-Cookie is declared, and allowed unless it only expires the cookie; returns
/// the consent cookie's `name=value` if one was set.
fn check_declared_and_allowed(set_cookies: &[(String, String)], consent: ConsentChoices) -> Option<String> {
    let mut consent_pair = None;
    for (path, set_cookie) in set_cookies {
        let pair = set_cookie.split(';').next().unwrap();
        let (name, _) = pair.split_once('=').unwrap();
        let declared = find_declaration(name).unwrap_or_else(|| panic!("{path} set an undeclared cookie {name}"));
        let expires_it = set_cookie.contains("; Max-Age=0");
        assert!(expires_it || consent.allows(declared.category), "{path} set {name} ({:?}) without consent", declared.category);
        assert!(declared.third_party.is_none(), "{path} touched {name}, which lives on another site");
        if name == app::domain::consent::CONSENT_COOKIE {
            assert!(!expires_it);
            consent_pair = Some(pair.to_owned());
        }
    }
    consent_pair
}

async fn decide(app: &TestApp, decision: &str, cookie: Option<&str>) -> Vec<(String, String)> {
    let mut request = app
        .client
        .post(app.url("/api/consent/decide"))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("decision={decision}"));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{decision}");
    response.headers().get_all("set-cookie").iter().map(|v| ("/api/consent/decide".to_owned(), v.to_str().unwrap().to_owned())).collect()
}

/// What the tags' scripts would have set in a browser after "Accept all".
const TAG_COOKIES: &str = "_ga=GA1.1.123.456; _ga_TEST12345=GS1.1.1; _fbp=fb.1.1.1; li_fat_id=abc";

// B10, B01, B04
async fn b10_every_cookie_any_page_sets_is_declared_and_consented(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };

    let (pages, first_visit) = crawl(&app, &[]).await;
    assert!(pages > 60, "the crawl reached the whole store ({pages} addresses)");
    assert!(first_visit.is_empty(), "a first visit sets no cookie at all: {first_visit:?}");

    for (decision, choices) in [("reject", ConsentChoices::REJECT_ALL), ("accept", ConsentChoices::ACCEPT_ALL)] {
        let set = decide(&app, decision, None).await;
        let cookie = check_declared_and_allowed(&set, choices).expect("the decision is remembered");
        assert_eq!(set.len(), 1, "a browser without tag cookies gets only the consent cookie");
        // The server never sets a tag's cookie itself: with consent, the tag's script does.
        let (_, later) = crawl(&app, &[("cookie", &format!("{cookie}; {TAG_COOKIES}"))]).await;
        check_declared_and_allowed(&later, choices);
        assert!(later.is_empty(), "after “{decision}” no page sets anything more: {later:?}");
    }

    // Withdrawing everything expires the tags' cookies the browser sent, and sets nothing else.
    let accepted = check_declared_and_allowed(&decide(&app, "accept", None).await, ConsentChoices::ACCEPT_ALL).unwrap();
    let withdrawal = decide(&app, "reject", Some(&format!("{accepted}; {TAG_COOKIES}"))).await;
    check_declared_and_allowed(&withdrawal, ConsentChoices::REJECT_ALL);
    let expired: BTreeSet<&str> =
        withdrawal.iter().filter(|(_, c)| c.contains("Max-Age=0")).map(|(_, c)| c.split('=').next().unwrap()).collect();
    assert_eq!(expired, BTreeSet::from(["_fbp", "_ga", "_ga_TEST12345", "li_fat_id"]));

    // As a browser sends it: page views ask for HTML (only those record a GPC decision, S8).
    let (_, with_gpc) = crawl(&app, &[("sec-gpc", "1"), ("accept", "text/html,application/xhtml+xml")]).await;
    let consent = check_declared_and_allowed(&with_gpc, ConsentChoices::REJECT_ALL);
    assert_eq!(app.bits(&consent.expect("GPC is recorded")), "000", "GPC is recorded as a refusal");
}

on_both_databases!(b10_every_cookie_any_page_sets_is_declared_and_consented);
