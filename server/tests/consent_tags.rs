//! The optional tags over real HTTP, with all three configured: no loader and no tag host in
//! the Content-Security-Policy before a choice or after "Reject all"; exactly the consented
//! tags, with the response's nonce, after a grant; gone again, with their cookies expired,
//! after a withdrawal; and the policy page's partners and opt-out links.

mod support;

use support::{spawn_app, spawn_app_with, Backend, TestApp, ALL_TAG_IDS};

const TAG_HOSTS: [&str; 5] = ["googletagmanager", "google-analytics", "facebook", "licdn", "linkedin.com"];
const TAG_COOKIES: &str = "_ga=GA1.1.123.456; _ga_TEST12345=GS1.1.1; _fbp=fb.1.1.1; li_fat_id=abc";

struct Page {
    csp: String,
    body: String,
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> Page {
    let mut request = app.client.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    Page { csp, body: response.text().await.unwrap() }
}

/// Posts a decision as the hydrated banner does; returns every Set-Cookie and the answer.
async fn decide(app: &TestApp, form: &str, cookie: Option<&str>) -> (Vec<String>, String) {
    let mut request = app
        .client
        .post(app.url("/api/consent/decide"))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{form}");
    let set_cookies = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    (set_cookies, response.text().await.unwrap())
}

fn consent_pair(set_cookies: &[String]) -> String {
    set_cookies.iter().find(|c| c.starts_with("sop_consent=")).expect("consent cookie").split(';').next().unwrap().to_owned()
}

fn loaders(body: &str) -> Vec<&str> {
    body.split("<script").skip(1).filter(|tag| tag.contains("data-sop-tag")).collect()
}

fn assert_no_tags(page: &Page, when: &str) {
    assert!(loaders(&page.body).is_empty(), "{when}: no loader");
    assert!(page.body.contains(r#"<meta name="sop-tags" content="""#), "{when}: the page says it runs no tag");
    assert!(!page.body.contains(r#"src="https://"#), "{when}: no script or image from another site");
    for snippet in ["gtag(", "fbq(", "_linkedin_partner_id"] {
        assert!(!page.body.contains(snippet), "{when}: no {snippet}");
    }
    for host in TAG_HOSTS {
        assert!(!page.csp.contains(host), "{when}: the policy does not open {host}: {}", page.csp);
    }
}

// B01, P11, P14, P29: before a choice, and after "Reject all", no tag can load.
async fn b01_p29_no_tag_before_a_choice_or_after_reject_all(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    for path in ["/", "/category/tea-coffee", "/cookies"] {
        assert_no_tags(&get(&app, path, None).await, &format!("first visit to {path}"));
    }
    let (set_cookies, answer) = decide(&app, "decision=reject", None).await;
    assert!(answer.contains(r#""page_tags":"""#), "{answer}");
    let rejected = consent_pair(&set_cookies);
    for path in ["/", "/product/copper-kettle"] {
        assert_no_tags(&get(&app, path, Some(&rejected)).await, &format!("{path} after Reject all"));
    }
}

// P11, P29: after a grant, exactly the consented tags load, with this response's nonce, under a
// policy that opens exactly their hosts.
async fn p11_p29_consented_tags_load_with_the_nonce_under_a_matching_policy(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    let (set_cookies, answer) = decide(&app, "decision=accept", None).await;
    assert!(answer.contains(r#""page_tags":"google-analytics facebook-pixel linkedin-insight""#), "{answer}");
    let page = get(&app, "/", Some(&consent_pair(&set_cookies))).await;
    let nonce = page.csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    let scripts = loaders(&page.body);
    assert_eq!(scripts.len(), 6, "an inline part and a library for each tag");
    assert!(scripts.iter().all(|tag| tag.contains(&format!(r#"nonce="{nonce}""#))), "every loader carries this response's nonce");
    assert!(page.body.contains(r#"src="https://www.googletagmanager.com/gtag/js?id=G-TEST12345""#));
    assert!(page.body.contains("fbq('init','1234567890')") && page.body.contains("_linkedin_partner_id='123456'"));
    // Browsers without JavaScript get the pixels' documented <noscript> images, in the body.
    let body_part = &page.body[page.body.find("<body").unwrap()..];
    assert!(
        body_part.contains(r#"<noscript><img src="https://www.facebook.com/tr?id=1234567890&amp;ev=PageView&amp;noscript=1""#),
        "{body_part}"
    );
    assert!(body_part.contains(r#"<noscript><img src="https://px.ads.linkedin.com/collect/?pid=123456&amp;fmt=gif""#));
    for host in ["https://*.googletagmanager.com", "https://connect.facebook.net", "https://snap.licdn.com"] {
        assert!(page.csp.split("; ").any(|d| d.starts_with("script-src") && d.contains(host)), "{host}: {}", page.csp);
    }

    let (set_cookies, answer) = decide(&app, "decision=custom&analytics=on", None).await;
    assert!(answer.contains(r#""page_tags":"google-analytics""#), "{answer}");
    let page = get(&app, "/", Some(&consent_pair(&set_cookies))).await;
    assert_eq!(loaders(&page.body).len(), 2, "analytics consent runs Google Analytics only");
    assert!(!page.body.contains("<noscript><img"), "and no targeting pixel");
    assert!(page.csp.contains("googletagmanager") && !page.csp.contains("facebook") && !page.csp.contains("licdn"));
}

// B04: withdrawing stops the tags on the next page and expires the cookies they set here.
async fn b04_withdrawal_stops_the_tags_and_expires_their_cookies(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    let (accepted, _) = decide(&app, "decision=accept", None).await;
    let with_tag_cookies = format!("{}; {TAG_COOKIES}", consent_pair(&accepted));
    assert_eq!(loaders(&get(&app, "/", Some(&with_tag_cookies)).await.body).len(), 6);

    // Keeping analytics: only the targeting tags' cookies go.
    let (kept_analytics, _) = decide(&app, "decision=custom&analytics=on", Some(&with_tag_cookies)).await;
    let expired: Vec<&str> = kept_analytics.iter().filter(|c| c.contains("Max-Age=0")).map(|c| c.split('=').next().unwrap()).collect();
    assert_eq!(expired, ["_fbp", "li_fat_id"]);

    let (withdrawn, answer) = decide(&app, "decision=custom", Some(&with_tag_cookies)).await;
    assert!(answer.contains(r#""page_tags":"""#));
    for name in ["_ga", "_ga_TEST12345", "_fbp", "li_fat_id"] {
        assert!(withdrawn.contains(&format!("{name}=; Max-Age=0; Path=/")), "{name} is expired: {withdrawn:?}");
    }
    assert_eq!(withdrawn.len(), 5, "the consent cookie and four expiries (no Domain for an IP address)");
    let after = format!("{}; {TAG_COOKIES}", consent_pair(&withdrawn));
    assert_no_tags(&get(&app, "/", Some(&after)).await, "after withdrawal");
}

// B04: on a domain name, each expiry is repeated for the domains Google Analytics may use.
async fn b04_withdrawal_expires_tag_cookies_on_the_registrable_domain_too(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    let response = app
        .client
        .post(app.url("/api/consent/decide"))
        .header("host", "www.shop.example")
        .header("origin", "http://www.shop.example")
        .header("cookie", "_ga=GA1.1.1.1")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=reject")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let set: Vec<&str> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(set.contains(&"_ga=; Max-Age=0; Path=/"), "{set:?}");
    assert!(set.contains(&"_ga=; Max-Age=0; Path=/; Domain=www.shop.example"), "{set:?}");
    assert!(set.contains(&"_ga=; Max-Age=0; Path=/; Domain=shop.example"), "{set:?}");
}

// P24, P29, P30: the policy page lists each configured tag's cookies, category and opt-out link,
// marked as leading to another website.
async fn p29_the_policy_lists_each_configured_tag_with_its_opt_out_link(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    let (_, policy) = app.page("/privacy").await;
    // Leptos marks the joins of text pieces with comments; read the text without them.
    let policy = policy.replace("<!-- -->", "").replace("<!>", "");
    for tag in app::domain::tags::TAGS {
        assert!(policy.contains(&format!(r#"data-tag="{}""#, tag.key)), "{}", tag.name);
        let link = format!(r#"href="{}" rel="external noopener noreferrer""#, tag.opt_out_url);
        assert!(policy.contains(&link), "{} opt-out link", tag.name);
        for cookie in tag.tag.cookies() {
            let fixed_part = cookie.name.split('<').next().unwrap();
            assert!(policy.contains(&format!(r#"data-cookie="{fixed_part}"#)), "{}", cookie.name);
        }
    }
    assert!(policy.contains("(external site)"));
    assert!(policy.contains("Facebook Pixel</strong> (Targeting cookies)"));
    assert!(policy.contains("LinkedIn Insight Tag</strong> (Targeting cookies)"));
    assert!(policy.contains("Google Analytics</strong> (Analytical / performance cookies)"));
    assert_no_tags_loaded(&policy);
}

fn assert_no_tags_loaded(body: &str) {
    assert!(loaders(body).is_empty(), "listing partners loads none of them");
}

// P24: with no tag configured, the policy names no partner and no tag cookie, and even "Accept
// all" loads nothing.
async fn p24_without_ids_no_tag_is_listed_or_loaded(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (_, policy) = app.page("/privacy").await;
    assert!(policy.contains("We use no analytics or advertising partners at present."));
    assert!(!policy.contains(r#"data-cookie="_ga""#));
    let (set_cookies, answer) = decide(&app, "decision=accept", None).await;
    assert!(answer.contains(r#""page_tags":"""#));
    assert_no_tags(&get(&app, "/", Some(&consent_pair(&set_cookies))).await, "accepted, nothing configured");
}

/// Each link to another website on `page` (at `path`), checked to say "(external site)"; returns how many.
fn check_external_links(path: &str, page: &str) -> usize {
    let page = page.replace("<!-- -->", "").replace("<!>", "");
    let mut external_links = 0;
    for anchor in page.split("<a ").skip(1) {
        let href = anchor.split("href=\"").nth(1).and_then(|h| h.split('"').next()).unwrap_or_default();
        if href.starts_with("http") || href.starts_with("//") {
            external_links += 1;
            let text = &anchor[..anchor.find("</a>").expect("a closed anchor")];
            assert!(text.contains("(external site)"), "{path}: the link to {href} is not marked: {text}");
        }
    }
    external_links
}

// P30: every link to another website, on every page a visitor or an account holder can reach
// by following links (a crawl from the home page, and from the account pages), says so.
async fn p30_every_link_to_another_site_is_marked_external(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    let session = support::accounts::registered_and_signed_in(&app, "Pat Links", "pat@example.com").await;
    let consent = support::accounts::consent_decision(&app, "accept").await;
    let mut external_links = 0;
    let mut pages = 0;
    for cookie in [None, Some(format!("{consent}; {session}"))] {
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("cookie", c.as_str())).collect();
        let start_also = ["/account", "/account/orders", "/basket", "/checkout", "/account/sign-in", "/account/register", "/account/reset"];
        let crawled = support::crawl::crawl(&app, &headers, &start_also).await;
        for (path, _, body) in &crawled.pages {
            external_links += check_external_links(path, body);
        }
        pages += crawled.pages.len();
    }
    assert!(pages > 100, "the crawls reached the whole store ({pages} pages)");
    assert!(external_links >= 4, "the operator's website and the tags' links were checked ({external_links})");
}

// B02, B03: the banner names the configured partners, and a banner decision's log row holds
// the hash of exactly those words.
async fn b03_the_banner_names_its_partners_and_the_log_hashes_those_words(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &ALL_TAG_IDS).await else { return };
    let (_, page) = app.page("/").await;
    let page = page.replace("<!-- -->", "").replace("<!>", "");
    let explanation = app::domain::consent::banner_explanation(app.state.tags.enabled());
    assert!(explanation.contains("(Facebook Pixel and LinkedIn Insight Tag)"), "{explanation}");
    assert!(page.contains(&explanation.replace('&', "&amp;")), "the banner shows the partners");
    support::accounts::consent_decision(&app, "reject").await;
    use sea_orm::{EntityTrait, QueryOrder};
    let row = app::server::entities::consent_log::Entity::find()
        .order_by_desc(app::server::entities::consent_log::Column::Id)
        .one(&app.state.db)
        .await
        .expect("the log")
        .expect("a row");
    let expected = app::server::consent_service::text_hash(&app::domain::consent::banner_text(app.state.tags.enabled()));
    assert_eq!(row.text_hash, expected);
}

on_both_databases!(
    p30_every_link_to_another_site_is_marked_external,
    b03_the_banner_names_its_partners_and_the_log_hashes_those_words,
    b01_p29_no_tag_before_a_choice_or_after_reject_all,
    p11_p29_consented_tags_load_with_the_nonce_under_a_matching_policy,
    b04_withdrawal_stops_the_tags_and_expires_their_cookies,
    b04_withdrawal_expires_tag_cookies_on_the_registrable_domain_too,
    p29_the_policy_lists_each_configured_tag_with_its_opt_out_link,
    p24_without_ids_no_tag_is_listed_or_loaded,
);
