//! B10: a crawl of every public page, as a first-time visitor, after "Reject all", after
//! "Accept all" and with GPC, compares every Set-Cookie with the cookie registry and with the
//! visitor's consent.

mod support;

use app::domain::consent::{ConsentChoices, ConsentCookie};
use app::domain::cookies::DECLARED_COOKIES;
use std::collections::{BTreeSet, VecDeque};
use support::{spawn_app, Backend, TestApp};

/// Every `href="/…"` on a page: this site's own links.
fn internal_links(body: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or_default().replace("&amp;", "&"))
        .filter(|href| !href.is_empty())
        .collect()
}

/// Crawls from `/` with the given request headers; returns the pages seen and every Set-Cookie.
async fn crawl(app: &TestApp, headers: &[(&str, &str)]) -> (usize, Vec<(String, String)>) {
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut seen = BTreeSet::from(["/".to_owned()]);
    let mut set_cookies = Vec::new();
    while let Some(path) = queue.pop_front() {
        let mut request = app.client.get(app.url(&path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        for value in response.headers().get_all("set-cookie") {
            set_cookies.push((path.clone(), value.to_str().unwrap().to_owned()));
        }
        let is_html = response.headers().get("content-type").is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
        if !is_html {
            continue;
        }
        for link in internal_links(&response.text().await.unwrap()) {
            if seen.len() < 400 && seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    (seen.len(), set_cookies)
}

/// Checks each Set-Cookie is declared and allowed; returns the consent cookie's value if set.
fn check_declared_and_allowed(set_cookies: &[(String, String)], consent: ConsentChoices) -> Option<String> {
    let mut consent_value = None;
    for (path, set_cookie) in set_cookies {
        let (name, value) = set_cookie.split(';').next().unwrap().split_once('=').unwrap();
        let declared = DECLARED_COOKIES.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{path} set an undeclared cookie {name}"));
        assert!(consent.allows(declared.category), "{path} set {name} ({:?}) without consent", declared.category);
        if name == app::domain::consent::CONSENT_COOKIE {
            consent_value = Some(value.to_owned());
        }
    }
    consent_value
}

// B10, B01
async fn b10_every_cookie_any_page_sets_is_declared_and_consented(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };

    let (pages, first_visit) = crawl(&app, &[]).await;
    assert!(pages > 60, "the crawl reached the whole store ({pages} addresses)");
    assert!(first_visit.is_empty(), "a first visit sets no cookie at all: {first_visit:?}");

    for decision in ["reject", "accept"] {
        let response = app
            .client
            .post(app.url("/api/consent/decide"))
            .header("origin", &app.address)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("decision={decision}"))
            .send()
            .await
            .unwrap();
        let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let choices = ConsentCookie::parse(cookie.split_once('=').unwrap().1).unwrap().choices;
        check_declared_and_allowed(&[("/api/consent/decide".into(), set_cookie)], choices);
        let (_, later) = crawl(&app, &[("cookie", &cookie)]).await;
        check_declared_and_allowed(&later, choices);
        assert!(later.is_empty(), "after “{decision}” no page sets anything more: {later:?}");
    }

    let (_, with_gpc) = crawl(&app, &[("sec-gpc", "1")]).await;
    let consent = check_declared_and_allowed(&with_gpc, ConsentChoices::REJECT_ALL);
    assert!(consent.is_some_and(|v| v.ends_with(".000")), "GPC is recorded as a refusal");
}

on_both_databases!(b10_every_cookie_any_page_sets_is_declared_and_consented);
