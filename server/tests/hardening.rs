//! Issue 21's review findings on headers, tags and cookies, over real HTTP on SQLite and
//! PostgreSQL: pages with personal data are never cached and run no tag (S10, P14, P28), an
//! https store sends HSTS and says when its payments are a test (S2, S10), and a shopper's
//! whole journey (basket, checkout, sign-in) sets only declared cookies (P25, B10).

mod support;

use app::api::shop::CheckoutPage;
use app::domain::consent::ConsentChoices;
use app::domain::cookies::find_declaration;
use support::accounts::*;
use support::{spawn_app_with, Backend, TestApp, ALL_TAG_IDS};

/// The pages of a signed-in shopper with personal data on them.
const PERSONAL_PAGES: [&str; 6] = ["/account", "/account/orders", "/basket", "/checkout", "/account/reset", "/account/sign-in"];

async fn get(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header("cookie", cookie).header("accept", "text/html").send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// Every Set-Cookie of a response, as (where, header).
fn set_cookies(path: &str, response: &reqwest::Response) -> Vec<(String, String)> {
    response.headers().get_all("set-cookie").iter().map(|v| (path.to_owned(), v.to_str().unwrap().to_owned())).collect()
}

// S10, P14, P28: with every tag consented, a page with personal data is never stored by a
// cache, gives other sites no referrer, and loads no tag (its policy opens no tag host); the storefront
// still runs the consented tags.
async fn s10_p14_personal_pages_are_not_cached_and_run_no_tag_even_with_every_tag_consented(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    let consent = consent_decision(&app, "accept").await;
    let session = registered_and_signed_in(&app, "Tia Tag", "tia@example.com").await;
    let cookie = format!("{consent}; {session}");

    let home = get(&app, "/", &cookie).await;
    assert!(header(&home, "content-security-policy").contains("facebook"), "the storefront runs the consented tags");
    assert_eq!(header(&home, "referrer-policy"), "strict-origin-when-cross-origin");
    assert!(!header(&home, "cache-control").contains("no-store"));
    assert!(header(&home, "strict-transport-security").is_empty(), "no HSTS over plain http");

    for path in PERSONAL_PAGES {
        let page = get(&app, path, &cookie).await;
        assert_eq!(header(&page, "cache-control"), "no-store", "{path}");
        assert_eq!(header(&page, "referrer-policy"), "same-origin", "{path}: nothing to other sites");
        let csp = header(&page, "content-security-policy");
        for host in ["google", "facebook", "licdn", "linkedin"] {
            assert!(!csp.contains(host), "{path} opens {host}: {csp}");
        }
        if page.status().as_u16() != 200 {
            continue; // a redirect (the sign-in page of a signed-in shopper): headers checked
        }
        let body = page.text().await.unwrap();
        assert!(!body.contains("data-sop-tag"), "{path} loads a tag");
        assert!(
            body.contains(r#"<meta name="sop-tags" content=""/>"#) || body.contains(r#"<meta name="sop-tags" content="">"#),
            "{path} says it runs no tag"
        );
    }
    // A storefront page opened from a personal page hides that page's address from its tags.
    let opened_from = |referer: String| {
        let request = app.client.get(app.url("/category/home-living")).header("cookie", &cookie).header("referer", referer);
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let hide = app::components::tag_loaders::HIDE_REFERRER;
    assert!(opened_from(app.url("/orders/SOP-AAAA-BBBB?key=abc&placed=1")).await.contains(hide), "from an order page");
    assert!(opened_from(app.url("/account/confirm-email?token=abc")).await.contains(hide), "from a confirmation link");
    assert!(!opened_from(app.url("/category/kitchen-dining")).await.contains(hide), "from the storefront: nothing to hide");
    let (status, body) = post_json(&app, "/api/account/overview", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let answer = post_json_response(&app, "/api/account/overview", &[], Some(&cookie)).await;
    assert_eq!(header(&answer, "cache-control"), "no-store", "a server function's answer holds personal data too");
}

// S10: served over https, every answer tells browsers to use https only from now on; and only
// the host of PUBLIC_URL is answered.
async fn s10_an_https_store_sends_hsts(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[("PUBLIC_URL", "https://shop.example"), ("PAYMENTS", "test")]).await else { return };
    for path in ["/", "/account/sign-in", "/no-such-page"] {
        let response = app.client.get(app.url(path)).header("host", "shop.example").send().await.unwrap();
        assert_ne!(response.status().as_u16(), 421, "{path}");
        assert_eq!(header(&response, "strict-transport-security"), "max-age=31536000; includeSubDomains", "{path}");
    }
    // S10: with PUBLIC_URL set, a request naming another host is refused before any page.
    let misdirected = app.client.get(app.url("/")).header("host", "evil.example").send().await.unwrap();
    assert_eq!(misdirected.status().as_u16(), 421);
    assert!(!misdirected.text().await.unwrap().contains("SOP Store"));
}

// S2: the test gateway says so on the checkout page, where the shopper types a card.
async fn s2_the_checkout_page_says_when_payments_are_in_test_mode(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[]).await else { return };
    let response = post_json_response(&app, "/api/basket/add", &[("product", "cast-iron-skillet"), ("quantity", "1")], None).await;
    let cookie = session_cookie(&response).expect("a session");
    let (status, body) = post_json(&app, "/api/checkout/load", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let page: CheckoutPage = serde_json::from_str(&body).unwrap();
    assert!(page.test_mode, "the built-in gateway takes no money");
    let (status, html) = app.page_with_cookie("/checkout", &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-test-mode") && html.contains("Test mode"), "the page says so");
}

// P25, B10: a shopper's journey past the pages a crawl reaches (add to basket, check out, sign
// in, sign out) sets only declared, strictly necessary cookies when they refused every optional
// category, and the session cookie arrives with the first "Add to basket", as the table says.
async fn p25_b10_basket_checkout_and_sign_in_set_only_declared_cookies(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    let consent = consent_decision(&app, "reject").await;
    let mut seen = Vec::new();

    let added = post_json_response(&app, "/api/basket/add", &[("product", "cast-iron-skillet"), ("quantity", "1")], Some(&consent)).await;
    assert_eq!(added.status().as_u16(), 200);
    seen.extend(set_cookies("/api/basket/add", &added));
    let session = session_cookie(&added).expect("the first add starts the session (P25)");
    let declaration = find_declaration("sop_session").expect("declared");
    assert!(declaration.purpose.contains("add something to your basket"), "{}", declaration.purpose);
    let cookie = format!("{consent}; {session}");

    for path in ["/basket", "/checkout", "/account/sign-in", "/account/register"] {
        let page = get(&app, path, &cookie).await;
        assert_eq!(page.status().as_u16(), 200, "{path}");
        seen.extend(set_cookies(path, &page));
    }
    let (status, body) = post_json(&app, "/api/checkout/load", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let page: CheckoutPage = serde_json::from_str(&body).unwrap();
    let fields = support::shop::guest_fields(&page, "cara@example.com", "4242 4242 4242 4242");
    let placed = post_json_response(&app, "/api/checkout/place", &fields, Some(&cookie)).await;
    assert_eq!(placed.status().as_u16(), 200);
    seen.extend(set_cookies("/api/checkout/place", &placed));

    registered_and_signed_in(&app, "Cara Crawl", "cara.account@example.com").await;
    let signed_in =
        post_json_response(&app, "/api/account/sign-in", &[("email", "cara.account@example.com"), ("password", PASSWORD)], Some(&cookie))
            .await;
    seen.extend(set_cookies("/api/account/sign-in", &signed_in));
    let account_session = session_cookie(&signed_in).expect("signing in starts a new session");
    let signed_out =
        post_plain(&app, "/api/account/sign-out", &[("csrf_token", &csrf_token(&app, &account_session).await)], Some(&account_session))
            .await;
    seen.extend(set_cookies("/api/account/sign-out", &signed_out));

    assert!(seen.iter().any(|(_, c)| c.starts_with("sop_session=")), "the journey set the session cookie");
    for (path, set_cookie) in &seen {
        let name = set_cookie.split('=').next().unwrap();
        let declared = find_declaration(name).unwrap_or_else(|| panic!("{path} set an undeclared cookie {name}"));
        let expires_it = set_cookie.contains("Max-Age=0");
        assert!(
            expires_it || ConsentChoices::REJECT_ALL.allows(declared.category),
            "{path} set {name} ({:?}) after Reject all",
            declared.category
        );
        assert!(set_cookie.contains("HttpOnly"), "{path}: {set_cookie}");
    }
}

/// The network hash the consent log recorded for a decision sent with this X-Forwarded-For.
async fn logged_network(app: &TestApp, forwarded_for: &str) -> String {
    use sea_orm::{EntityTrait, QueryOrder};
    let response = app
        .client
        .post(app.url("/api/consent/decide"))
        .header("origin", &app.address)
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=reject")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let newest = app::server::entities::consent_log::Entity::find()
        .order_by_desc(app::server::entities::consent_log::Column::Id)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a logged decision");
    newest.ip_hash
}

// S7: behind a proxy listed in TRUSTED_PROXIES the forwarded address is the client's; without
// the setting the header is ignored, so nobody can pose as another network.
async fn s7_forwarded_for_counts_only_from_a_trusted_proxy(backend: Backend) {
    use app::server::consent_service::ip_hash;
    let visitor: std::net::IpAddr = "203.0.113.9".parse().unwrap();
    let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();

    let Some(direct) = spawn_app_with(backend, &[]).await else { return };
    assert_eq!(
        logged_network(&direct, "203.0.113.9").await,
        ip_hash(&direct.state.keys.network, Some(loopback)),
        "no proxy trusted: the header is ignored"
    );

    let Some(proxied) = spawn_app_with(backend, &[("TRUSTED_PROXIES", "127.0.0.1/32")]).await else { return };
    assert_eq!(logged_network(&proxied, "203.0.113.9").await, ip_hash(&proxied.state.keys.network, Some(visitor)));
    assert_eq!(
        logged_network(&proxied, "198.51.100.1, 203.0.113.9").await,
        ip_hash(&proxied.state.keys.network, Some(visitor)),
        "only the hop our proxy saw"
    );
}

on_both_databases!(
    s7_forwarded_for_counts_only_from_a_trusted_proxy,
    s10_p14_personal_pages_are_not_cached_and_run_no_tag_even_with_every_tag_consented,
    s10_an_https_store_sends_hsts,
    s2_the_checkout_page_says_when_payments_are_in_test_mode,
    p25_b10_basket_checkout_and_sign_in_set_only_declared_cookies,
);
