//! Baskets, checkout and orders over real HTTP on SQLite and PostgreSQL: a guest and an
//! account holder check out, cards are declined or refused, baskets change under the shopper,
//! parallel checkouts never oversell, orders are seen only by their owners, and staff move
//! them on. The card number is looked for everywhere afterwards (P05).

mod support;

use app::api::shop::{CheckoutPage, StaffOrderView};
use app::domain::basket::BasketView;
use app::domain::forms::FormReply;
use app::domain::orders::OrderDetail;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use support::accounts::*;
use support::shop::guest_fields;
use support::{spawn_app, Backend, TestApp};

const CARD: &str = "4242 4242 4242 4242";
const DECLINED: &str = "4000 0000 0000 0002";

async fn db(app: &TestApp) -> DatabaseConnection {
    Database::connect(app.db.url()).await.expect("test database")
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let db = db(app).await;
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().expect("a row");
    let value: i64 = row.try_get_by_index(0).unwrap();
    db.close().await.ok();
    value
}

async fn execute(app: &TestApp, sql: &str) {
    let db = db(app).await;
    db.execute_unprepared(sql).await.unwrap();
    db.close().await.ok();
}

async fn stock(app: &TestApp, slug: &str) -> i64 {
    scalar(app, &format!("SELECT CAST(stock AS BIGINT) FROM product WHERE slug = '{slug}'")).await
}

/// Adds to the basket (as the hydrated page does); returns the session cookie, new or given.
async fn add(app: &TestApp, slug: &str, quantity: &str, cookie: Option<&str>) -> (String, FormReply) {
    let response = post_json_response(app, "/api/basket/add", &[("product", slug), ("quantity", quantity)], cookie).await;
    assert_eq!(response.status().as_u16(), 200);
    let cookie = session_cookie(&response).or(cookie.map(str::to_owned)).expect("a session");
    let reply: FormReply = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    (cookie, reply)
}

async fn basket(app: &TestApp, cookie: &str) -> BasketView {
    let (status, body) = post_json(app, "/api/basket/load", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn checkout_page(app: &TestApp, cookie: &str) -> CheckoutPage {
    let (status, body) = post_json(app, "/api/checkout/load", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn place(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> FormReply {
    form_reply(app, "/api/checkout/place", fields, Some(cookie)).await
}

fn order_path(reply: &FormReply) -> String {
    let target = reply.redirect.clone().unwrap_or_else(|| panic!("no order: {reply:?}"));
    assert!(target.starts_with("/orders/SOP-") && target.ends_with("&placed=1"), "{target}");
    target
}

fn number_and_key(path: &str) -> (String, String) {
    let rest = path.trim_start_matches("/orders/");
    let (number, query) = rest.split_once('?').unwrap();
    let key = query.split('&').find_map(|p| p.strip_prefix("key=")).unwrap();
    (number.to_owned(), key.to_owned())
}

async fn view_order(app: &TestApp, number: &str, key: Option<&str>, cookie: Option<&str>) -> (u16, String) {
    let mut fields = vec![("number", number)];
    if let Some(key) = key {
        fields.push(("key", key));
    }
    post_json(app, "/api/orders/view", &fields, cookie).await
}

// P05, P17, P27: a guest with only the session cookie checks out without JavaScript; the order
// records its legal basis and retention date; the card number is nowhere afterwards.
async fn p05_p17_p27_a_guest_checks_out_and_the_card_number_is_kept_nowhere(backend: Backend) {
    let logs = support::logs::captured_logs();
    let Some(app) = spawn_app(backend).await else { return };
    let before = stock(&app, "oak-chopping-board").await;
    // Without JavaScript: plain posts, answered by redirects.
    let response = post_plain(&app, "/api/basket/add", &[("product", "oak-chopping-board"), ("quantity", "2")], None).await;
    assert_eq!(response.status().as_u16(), 302);
    assert!(location(&response).starts_with("/product/oak-chopping-board?form="), "{}", location(&response));
    let set_cookies: Vec<String> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(set_cookies.len(), 1, "only the session cookie: {set_cookies:?}");
    let cookie = session_cookie(&response).expect("a strictly necessary session cookie");
    let (status, page) = app.page_with_cookie("/product/oak-chopping-board", &cookie).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-basket-count=\"2\""), "the header counts the basket");

    let page = checkout_page(&app, &cookie).await;
    assert_eq!(page.basket.item_count, 2);
    assert_eq!(page.basket.subtotal.pence(), 6900);
    let fields = guest_fields(&page, "gus@example.com", CARD);
    let response = post_plain(&app, "/api/checkout/place", &fields, Some(&cookie)).await;
    assert_eq!(response.status().as_u16(), 302);
    let path = location(&response);
    assert!(path.starts_with("/orders/SOP-"), "{path}");
    let (number, key) = number_and_key(&path);

    let (status, body) = view_order(&app, &number, Some(&key), None).await;
    assert_eq!(status, 200, "the key opens the order without any cookie: {body}");
    let order: OrderDetail = serde_json::from_str(&body).unwrap();
    assert_eq!(order.summary.email, "gus@example.com");
    assert_eq!(order.totals.total.pence(), 6900, "standard delivery is free from £40");
    assert_eq!(order.totals.vat.pence(), 1150);
    assert_eq!(order.payment, "Visa ending 4242, expires 12/30");
    assert_eq!(order.legal_basis, "contract");
    assert_eq!(stock(&app, "oak-chopping-board").await, before - 2);
    assert_eq!(basket(&app, &cookie).await.item_count, 0, "the basket is emptied");
    // P17: kept for 7 years from the order.
    let years = scalar(
        &app,
        &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM customer_order WHERE number = '{number}' AND legal_basis = 'contract'"),
    )
    .await;
    assert_eq!(years, 1);
    assert!(order.retain_until.starts_with(&(chrono::Utc::now().year_ce().1 + 7).to_string()), "{}", order.retain_until);

    let mail = outbox(&app).await.into_iter().find(|(to, _, _)| to == "gus@example.com").expect("a confirmation");
    assert_eq!(mail.1, format!("Your SOP Store order {number}"));
    assert!(mail.2.contains(&format!("/orders/{number}?key={key}")), "the mail links to the order: {}", mail.2);

    // P05: nowhere in the database: on SQLite every byte of the database file and its
    // write-ahead log (rows, indexes and free pages alike); on PostgreSQL every row of every
    // table, as text.
    let needles = ["4242424242424242", "4242 4242 4242 4242"];
    let found_in_database = database_contains(&app, &needles).await;
    assert!(!found_in_database.contains(&true), "the card number is in the database");
    assert_eq!(database_contains(&app, &["gus@example.com"]).await, vec![true], "the search can find what is there");
    for (_, _, body) in outbox(&app).await {
        assert!(!body.contains("4242424242424242") && !body.contains("4242 4242 4242 4242"));
    }
    let logged = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(logged.contains("order placed"), "the logs were captured");
    assert!(!logged.contains("4242424242424242") && !logged.contains("4242 4242 4242 4242"), "the card number is in the logs");
}

/// Whether each needle appears anywhere in the store's database.
async fn database_contains(app: &TestApp, needles: &[&str]) -> Vec<bool> {
    match &app.db {
        support::TestDb::Sqlite { url } => {
            let path = url.trim_start_matches("sqlite://");
            let mut bytes = std::fs::read(path).expect("the database file");
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            needles.iter().map(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes())).collect()
        }
        support::TestDb::Postgres { .. } => {
            let db = db(app).await;
            let backend = db.get_database_backend();
            let tables: Vec<String> = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
                ))
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.try_get_by_index::<String>(0).unwrap())
                .collect();
            let mut text = String::new();
            for table in tables {
                for row in
                    db.query_all_raw(Statement::from_string(backend, format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t"))).await.unwrap()
                {
                    text.push_str(&row.try_get_by_index::<String>(0).unwrap());
                    text.push('\n');
                }
            }
            db.close().await.ok();
            needles.iter().map(|n| text.contains(n)).collect()
        }
    }
}

// P05: a declined card places nothing and takes nothing; a mistyped number never reaches the
// payment provider; what was typed is kept, but never the card number.
async fn p05_a_declined_or_mistyped_card_places_no_order(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let before = stock(&app, "cast-iron-skillet").await;
    let (cookie, _) = add(&app, "cast-iron-skillet", "1", None).await;
    let page = checkout_page(&app, &cookie).await;
    let reply = place(&app, &cookie, &guest_fields(&page, "dee@example.com", DECLINED)).await;
    assert_eq!(reply.error_for("card_number"), Some("Your card was declined. No money was taken. Try another card."));
    assert_eq!(reply.value_of("email"), Some("dee@example.com"), "what was typed is kept");
    assert!(reply.values.iter().all(|(k, v)| k != "card_number" && k != "card_cvc" && !v.contains("0002")), "{:?}", reply.values);
    let reply = place(&app, &cookie, &guest_fields(&page, "dee@example.com", "4242 4242 4242 4241")).await;
    assert_eq!(reply.error_for("card_number"), Some("Enter a valid card number"));
    assert_eq!(scalar(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM customer_order").await, 0);
    assert_eq!(stock(&app, "cast-iron-skillet").await, before);
    assert_eq!(basket(&app, &cookie).await.item_count, 1, "the basket is still there");
    // The same page, with a good card, then places the order.
    let reply = place(&app, &cookie, &guest_fields(&page, "dee@example.com", CARD)).await;
    order_path(&reply);
}

// A price or stock change between looking and ordering is shown, never silently applied.
async fn a_changed_basket_is_shown_before_anything_is_charged(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (cookie, _) = add(&app, "glass-storage-jars", "3", None).await;
    let page = checkout_page(&app, &cookie).await;
    execute(&app, "UPDATE product SET price_pence = 1900 WHERE slug = 'glass-storage-jars'").await;
    let reply = place(&app, &cookie, &guest_fields(&page, "pat@example.com", CARD)).await;
    assert_eq!(reply.error_for("basket"), Some("The price of Glass Storage Jars has changed from £18.00 to £19.00."));
    assert_eq!(reply.redirect.as_deref().map(|r| r.starts_with("/checkout")), Some(true), "the page reloads to show the basket as it is");
    execute(&app, "UPDATE product SET stock = 2 WHERE slug = 'glass-storage-jars'").await;
    let page = checkout_page(&app, &cookie).await;
    execute(&app, "UPDATE product SET stock = 1 WHERE slug = 'glass-storage-jars'").await;
    let reply = place(&app, &cookie, &guest_fields(&page, "pat@example.com", CARD)).await;
    assert_eq!(reply.error_for("basket"), Some("Only 1 of Glass Storage Jars is left: your basket now has 1."));
    assert_eq!(scalar(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM customer_order").await, 0);
    // Having seen the change, the shopper orders what is left.
    let page = checkout_page(&app, &cookie).await;
    assert_eq!((page.basket.item_count, page.basket.subtotal.pence()), (1, 1900));
    order_path(&place(&app, &cookie, &guest_fields(&page, "pat@example.com", CARD)).await);
    assert_eq!(stock(&app, "glass-storage-jars").await, 0);
}

// Parallel checkouts can never sell more than there is.
async fn parallel_checkouts_never_oversell(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    execute(&app, "UPDATE product SET stock = 5 WHERE slug = 'copper-kettle'").await;
    let mut shoppers = Vec::new();
    for n in 0..12 {
        let (cookie, reply) = add(&app, "copper-kettle", "1", None).await;
        assert!(reply.is_ok(), "{reply:?}");
        let page = checkout_page(&app, &cookie).await;
        shoppers.push((n, cookie, page));
    }
    let app = std::sync::Arc::new(app);
    let attempts = shoppers.into_iter().map(|(n, cookie, page)| {
        let app = app.clone();
        tokio::spawn(async move {
            let email = format!("shopper{n}@example.com");
            let reply = place(&app, &cookie, &guest_fields(&page, &email, CARD)).await;
            reply.is_ok()
        })
    });
    let mut placed = 0;
    for attempt in attempts.collect::<Vec<_>>() {
        if attempt.await.unwrap() {
            placed += 1;
        }
    }
    assert_eq!(placed, 5, "exactly the stock was sold");
    assert_eq!(stock(&app, "copper-kettle").await, 0);
    assert_eq!(scalar(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM customer_order").await, 5);
    assert_eq!(scalar(&app, "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_line").await, 5);
}

// A repeated post of the same checkout page (a double click, a retry) places one order.
async fn a_repeated_checkout_post_places_one_order(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (cookie, _) = add(&app, "scented-soy-candle", "1", None).await;
    let page = checkout_page(&app, &cookie).await;
    let fields = guest_fields(&page, "rita@example.com", CARD);
    let first = order_path(&place(&app, &cookie, &fields).await);
    let again = order_path(&place(&app, &cookie, &fields).await);
    assert_eq!(first, again);
    assert_eq!(scalar(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM customer_order").await, 1);
}

// Nobody can see anyone else's order: not another account, not a guest without the key, not
// with a wrong key; the answer is the same as for no order at all.
async fn nobody_sees_anyone_elses_order(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let ann = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let bob = registered_and_signed_in(&app, "Bob Brown", "bob@example.com").await;
    add(&app, "scented-soy-candle", "1", Some(&ann)).await;
    let page = checkout_page(&app, &ann).await;
    assert!(page.signed_in);
    assert_eq!((page.name.as_str(), page.email.as_str()), ("Ann Smith", "ann@example.com"), "prefilled from the account");
    let (number, key) = number_and_key(&order_path(&place(&app, &ann, &guest_fields(&page, "ann@example.com", CARD)).await));

    assert_eq!(view_order(&app, &number, None, Some(&ann)).await.0, 200, "the owner needs no key");
    let (status, body) = post_json(&app, "/api/orders/mine", &[], Some(&ann)).await;
    assert_eq!(status, 200);
    assert!(body.contains(&number));
    let (status, body) = post_json(&app, "/api/orders/mine", &[], Some(&bob)).await;
    assert_eq!(status, 200);
    assert!(!body.contains(&number), "Bob's history does not list Ann's order");
    let wrong_key = "0".repeat(32);
    for (key, cookie) in
        [(None, Some(bob.as_str())), (None, None), (Some(wrong_key.as_str()), None), (Some(wrong_key.as_str()), Some(bob.as_str()))]
    {
        let (status, body) = view_order(&app, &number, key, cookie).await;
        assert_eq!(status, 404, "{key:?} {cookie:?}: {body}");
    }
    // The key from the confirmation e-mail is what opens it, whoever holds it.
    assert_eq!(view_order(&app, &number, Some(&key), None).await.0, 200);
    let (status, body) = view_order(&app, "SOP-AAAA-AAAA", None, Some(&bob)).await;
    assert_eq!(status, 404, "no such order looks the same: {body}");
    let (status, page) = app.page_with_cookie(&format!("/orders/{number}"), &bob).await;
    assert_eq!(status, 404);
    assert!(page.contains("We could not find that order."));
    // Customers cannot open the staff area's orders.
    let (status, _) = post_json(&app, "/api/admin/orders", &[], Some(&bob)).await;
    assert_eq!(status, 403);
    let (status, _) = post_json(&app, "/api/admin/order", &[("number", &number)], Some(&bob)).await;
    assert_eq!(status, 403);
}

// The basket merge rule: at sign-in, the guest basket joins the account's; quantities of the
// same product add up, capped by stock.
async fn a_guest_basket_joins_the_account_basket_at_sign_in(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let ann = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    execute(&app, "UPDATE product SET stock = 4 WHERE slug = 'copper-kettle'").await;
    add(&app, "copper-kettle", "2", Some(&ann)).await;
    let (guest, _) = add(&app, "copper-kettle", "3", None).await;
    add(&app, "scented-soy-candle", "1", Some(&guest)).await;
    let response =
        post_json_response(&app, "/api/account/sign-in", &[("email", "ann@example.com"), ("password", PASSWORD)], Some(&guest)).await;
    let signed_in = session_cookie(&response).expect("signed in");
    let merged = basket(&app, &signed_in).await;
    let quantity = |slug: &str| merged.lines.iter().find(|l| l.slug == slug).map(|l| l.quantity);
    assert_eq!(quantity("copper-kettle"), Some(4), "2 + 3, capped by the 4 in stock");
    assert_eq!(quantity("scented-soy-candle"), Some(1));
    assert_eq!(basket(&app, &guest).await.item_count, 0, "the guest session ended with its basket");
}

// Staff move orders on: dispatch e-mails the shopper, delivery closes it, a cancellation
// returns the stock; moves the flow does not allow are refused.
async fn staff_dispatch_deliver_and_cancel_orders(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    support::accounts::registered_and_signed_in(&app, "Sam Staff", "sam@sop-store.test").await;
    execute(&app, "UPDATE account SET role = 'staff' WHERE email = 'sam@sop-store.test'").await;
    let staff = support::accounts::staff_signed_in(&app, "sam@sop-store.test", support::accounts::PASSWORD).await;
    let mut numbers = Vec::new();
    for email in ["one@example.com", "two@example.com"] {
        let (cookie, _) = add(&app, "cast-iron-skillet", "2", None).await;
        let page = checkout_page(&app, &cookie).await;
        numbers.push(number_and_key(&order_path(&place(&app, &cookie, &guest_fields(&page, email, CARD)).await)).0);
    }
    let before = stock(&app, "cast-iron-skillet").await;
    let (status, body) = post_json(&app, "/api/admin/orders", &[("status", "paid")], Some(&staff)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&numbers[0]) && body.contains(&numbers[1]));
    let (_, body) = post_json(&app, "/api/admin/orders", &[("q", "two@")], Some(&staff)).await;
    assert!(body.contains(&numbers[1]) && !body.contains(&numbers[0]), "filtered by e-mail");

    let (status, body) = post_json(&app, "/api/admin/order", &[("number", &numbers[0])], Some(&staff)).await;
    assert_eq!(status, 200, "{body}");
    let view: StaffOrderView = serde_json::from_str(&body).unwrap();
    let csrf = view.csrf_token.clone();
    let change = |number: String, status: &'static str| {
        let (app, staff, csrf) = (&app, staff.clone(), csrf.clone());
        async move {
            form_reply(app, "/api/admin/order-status", &[("csrf_token", &csrf), ("number", &number), ("status", status)], Some(&staff))
                .await
        }
    };
    let reply = change(numbers[0].clone(), "delivered").await;
    assert!(reply.error_for("status").unwrap().contains("cannot be marked as delivered"), "{reply:?}");
    let reply = change(numbers[0].clone(), "dispatched").await;
    assert!(reply.is_ok(), "{reply:?}");
    let mail = outbox(&app).await.into_iter().rev().find(|(to, _, _)| to == "one@example.com").unwrap();
    assert_eq!(mail.1, format!("Your SOP Store order {} is on its way", numbers[0]));
    assert!(change(numbers[0].clone(), "delivered").await.is_ok());
    assert!(change(numbers[0].clone(), "cancelled").await.error_for("status").is_some(), "a delivered order cannot be cancelled");

    assert!(change(numbers[1].clone(), "cancelled").await.is_ok());
    assert_eq!(stock(&app, "cast-iron-skillet").await, before + 2, "the stock is back on sale");
    let audit = scalar(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action LIKE 'order %'").await;
    assert!(audit >= 4, "staff actions are audited ({audit})");
    // A forged form (wrong token) changes nothing.
    let (status, _) = post_json(
        &app,
        "/api/admin/order-status",
        &[("csrf_token", "forged"), ("number", &numbers[0]), ("status", "cancelled")],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 403);
}

// A basket form of a live session needs that session's token.
async fn basket_forms_need_the_session_token(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (cookie, _) = add(&app, "scented-soy-candle", "2", None).await;
    let (status, _) = post_json(
        &app,
        "/api/basket/quantity",
        &[("csrf_token", "forged"), ("product", "scented-soy-candle"), ("quantity", "0")],
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 403);
    let token = basket(&app, &cookie).await.csrf_token.unwrap();
    let reply = form_reply(
        &app,
        "/api/basket/quantity",
        &[("csrf_token", &token), ("product", "scented-soy-candle"), ("quantity", "500")],
        Some(&cookie),
    )
    .await;
    assert!(reply.errors[0].message.contains("up to 99"), "{reply:?}");
    let reply = form_reply(
        &app,
        "/api/basket/quantity",
        &[("csrf_token", &token), ("product", "scented-soy-candle"), ("quantity", "5")],
        Some(&cookie),
    )
    .await;
    assert_eq!(reply.notice.as_deref(), Some("Your basket has been updated."));
    let reply = form_reply(&app, "/api/basket/remove", &[("csrf_token", &token), ("product", "scented-soy-candle")], Some(&cookie)).await;
    assert!(reply.is_ok());
    assert_eq!(basket(&app, &cookie).await.item_count, 0);
    let (_, reply) = add(&app, "enamel-mixing-bowls", "1", Some(&cookie)).await;
    assert_eq!(reply.error_for("quantity"), Some("Sorry, Enamel Mixing Bowls is out of stock."));
}

on_both_databases!(
    p05_p17_p27_a_guest_checks_out_and_the_card_number_is_kept_nowhere,
    p05_a_declined_or_mistyped_card_places_no_order,
    a_changed_basket_is_shown_before_anything_is_charged,
    parallel_checkouts_never_oversell,
    a_repeated_checkout_post_places_one_order,
    nobody_sees_anyone_elses_order,
    a_guest_basket_joins_the_account_basket_at_sign_in,
    staff_dispatch_deliver_and_cancel_orders,
    basket_forms_need_the_session_token,
);

use chrono::Datelike;
