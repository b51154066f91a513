//! Marketing e-mail (issue 15), on SQLite and PostgreSQL: the account's switches (P23), the
//! newsletter's double opt-in (P07, B07), the e-mailed links that unsubscribe or choose topics
//! without signing in (P21, P22), one set of choices per address, and one consent log for
//! cookie and marketing decisions alike.

mod support;

use app::domain::forms::FormReply;
use app::domain::marketing::{MarketingTopic, TopicChoice};
use app::server::consent_log::{self, ChainStatus};
use app::server::entities::{consent_log as log_row, marketing_subscriber};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use support::accounts::*;
use support::{spawn_app, Backend, TestApp};

/// The consent log's marketing rows, oldest first.
async fn marketing_rows(app: &TestApp) -> Vec<log_row::Model> {
    log_row::Entity::find()
        .filter(log_row::Column::Purpose.starts_with("marketing:"))
        .order_by_asc(log_row::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn chain_is_intact(app: &TestApp) {
    assert!(
        matches!(consent_log::verify(&app.state.db, &app.state.keys.consent_log_anchor).await.unwrap(), ChainStatus::Intact { .. }),
        "the chain verifies"
    );
}

fn subscribed(choices: &[TopicChoice]) -> Vec<MarketingTopic> {
    choices.iter().filter(|c| c.subscribed).map(|c| c.topic).collect()
}

/// Signs `email` up through the footer form (a plain post) and returns the confirmation token.
async fn sign_up(app: &TestApp, email: &str) -> String {
    let response = post_plain(app, "/api/newsletter/subscribe", &[("email", email)], None).await;
    assert_eq!(response.status().as_u16(), 302, "a plain post is answered with a redirect");
    assert!(location(&response).starts_with("/newsletter?form="), "{}", location(&response));
    token_of(&link_in_mail(app, email, "/newsletter/confirm").await)
}

/// Confirms a sign-up as the hydrated page does; returns the reply (a notice, and the way on
/// to the address's choices page).
async fn confirm(app: &TestApp, token: &str) -> FormReply {
    form_reply(app, "/api/newsletter/confirm", &[("token", token)], None).await
}

/// The preferences token in a reply's way on (after confirming).
fn preferences_token_of(reply: &FormReply) -> String {
    token_of(reply.redirect.as_deref().expect("the reply leads to the choices page")).split('&').next().unwrap().to_owned()
}

async fn linked_choices(app: &TestApp, token: &str) -> Vec<TopicChoice> {
    let (status, body) = post_json(app, "/api/newsletter/choices", &[("token", token)], None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<app::api::marketing::LinkedChoicesView>(&body).unwrap().choices
}

// P23, B09: the account's switches are off until turned on; the plain form saves them, and
// each change is one consent-log row with the wording's version and the hash of its words.
async fn p23_b09_account_switches_save_without_javascript_and_are_logged_with_their_words(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let before = overview(&app, &cookie).await.marketing;
    assert_eq!(before.len(), MarketingTopic::ALL.len());
    assert!(subscribed(&before).is_empty(), "P23: nothing is on by default");
    assert!(before.iter().all(|c| c.wording == c.topic.wording()), "each switch shows the words it agrees to");

    let csrf = csrf_token(&app, &cookie).await;
    let response = post_plain(&app, "/api/marketing/settings", &[("csrf_token", &csrf), ("newsletter", "on")], Some(&cookie)).await;
    assert_eq!(response.status().as_u16(), 302);
    assert!(location(&response).starts_with("/account?form="), "{}", location(&response));
    assert_eq!(subscribed(&overview(&app, &cookie).await.marketing), [MarketingTopic::Newsletter]);

    let rows = marketing_rows(&app).await;
    assert_eq!(rows.len(), 1, "one change, one row");
    let ann = app::server::accounts::find_by_email(&app.state.db, &app::domain::account::EmailAddress::parse("ann@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let row = &rows[0];
    assert_eq!((row.purpose.as_str(), row.event_kind.as_str(), row.source.as_str()), ("marketing:newsletter", "grant", "settings"));
    assert_eq!(row.policy_version, MarketingTopic::Newsletter.wording_version());
    assert_eq!(row.text_hash, app::server::consent_service::text_hash(MarketingTopic::Newsletter.wording()));
    assert_eq!(row.account_id, Some(ann.id));
    assert!(!row.consent_id.contains('@'), "the log holds no address: {}", row.consent_id);

    // The same form again changes nothing and logs nothing; unticking withdraws.
    post_plain(&app, "/api/marketing/settings", &[("csrf_token", &csrf), ("newsletter", "on")], Some(&cookie)).await;
    assert_eq!(marketing_rows(&app).await.len(), 1);
    post_plain(&app, "/api/marketing/settings", &[("csrf_token", &csrf)], Some(&cookie)).await;
    let rows = marketing_rows(&app).await;
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[1].event_kind.as_str(), rows[1].source.as_str()), ("withdraw", "settings"));
    assert!(subscribed(&overview(&app, &cookie).await.marketing).is_empty());
    chain_is_intact(&app).await;
}

// P23: a hydrated switch saves one topic and gets the stored choice back; a form from another
// session, or an unknown topic, is refused and changes nothing.
async fn p23_a_hydrated_switch_saves_one_topic(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let csrf = csrf_token(&app, &cookie).await;
    let (status, body) =
        post_json(&app, "/api/marketing/topic", &[("csrf_token", &csrf), ("topic", "offers"), ("subscribe", "true")], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let stored: TopicChoice = serde_json::from_str(&body).unwrap();
    assert_eq!((stored.topic, stored.subscribed), (MarketingTopic::Offers, true));
    assert_eq!(subscribed(&overview(&app, &cookie).await.marketing), [MarketingTopic::Offers]);

    let (status, body) = post_json(
        &app,
        "/api/marketing/topic",
        &[("csrf_token", "not this session's"), ("topic", "offers"), ("subscribe", "false")],
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) =
        post_json(&app, "/api/marketing/topic", &[("csrf_token", &csrf), ("topic", "everything"), ("subscribe", "true")], Some(&cookie))
            .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("UnknownTopic"), "{body}");
    let (status, _) =
        post_json(&app, "/api/marketing/topic", &[("csrf_token", &csrf), ("topic", "offers"), ("subscribe", "false")], None).await;
    assert_eq!(status, 401, "signed out");
    assert_eq!(subscribed(&overview(&app, &cookie).await.marketing), [MarketingTopic::Offers], "none of those changed anything");
    assert_eq!(marketing_rows(&app).await.len(), 1);
}

// B07, P07: a newsletter sign-up gets a confirmation e-mail and nothing else: no consent and
// no log row until its owner follows the link. Following it again is a friendly no-op.
async fn b07_a_newsletter_sign_up_counts_only_once_confirmed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let token = sign_up(&app, "reader@example.com").await;
    let mails = outbox(&app).await;
    assert_eq!(mails.len(), 1, "only the confirmation: {mails:?}");
    assert!(mails[0].2.contains("one e-mail a month"), "P33: it says what subscribers receive");
    assert!(marketing_rows(&app).await.is_empty(), "nothing is recorded before the confirmation");
    assert_eq!(marketing_subscriber::Entity::find().count(&app.state.db).await.unwrap(), 0, "not even the address");

    let reply = confirm(&app, &token).await;
    assert!(reply.notice.as_deref().unwrap().contains("your subscription is confirmed"), "{reply:?}");
    let rows = marketing_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].purpose.as_str(), rows[0].event_kind.as_str(), rows[0].source.as_str()),
        ("marketing:newsletter", "grant", "newsletter")
    );
    let preferences = preferences_token_of(&reply);
    assert_eq!(subscribed(&linked_choices(&app, &preferences).await), [MarketingTopic::Newsletter]);

    // Issue 15: a second click on the link shows a friendly page, never an error.
    let again = confirm(&app, &token).await;
    assert!(again.notice.as_deref().unwrap().contains("already confirmed"), "{again:?}");
    assert_eq!(marketing_rows(&app).await.len(), 1, "and records nothing more");
    let page = post_plain(&app, "/api/newsletter/confirm", &[("token", &token)], None).await;
    assert_eq!(page.status().as_u16(), 302, "without JavaScript too");

    // A changed link is refused in plain words.
    let (status, body) = post_json(&app, "/api/newsletter/confirm", &[("token", &format!("{token}x"))], None).await;
    assert_eq!(status, 400, "{body}");
    chain_is_intact(&app).await;
}

// P07: the sign-up answers alike for a new address, a subscribed one and an account's, and
// each gets the same confirmation e-mail, so the form tells nobody who is subscribed.
async fn p07_signing_up_reveals_nothing_about_an_address(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let token = sign_up(&app, "reader@example.com").await;
    confirm(&app, &token).await;
    let mut answers = Vec::new();
    for email in ["new@example.com", "reader@example.com", "ann@example.com"] {
        let mut reply = form_reply(&app, "/api/newsletter/subscribe", &[("email", email)], None).await;
        // Only the flash id in the way on differs: it is new for every answer.
        assert!(reply.redirect.take().unwrap().starts_with("/newsletter?form="));
        reply.values.clear();
        answers.push(reply);
    }
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    assert!(answers[0].notice.as_deref().unwrap().starts_with("Thank you. Check your inbox"));
    let subjects: Vec<String> = outbox(&app).await.into_iter().map(|(_, subject, _)| subject).collect();
    let confirmations = subjects.iter().filter(|s| s.contains("newsletter subscription")).count();
    assert_eq!(confirmations, 4, "every sign-up got a confirmation e-mail: {subjects:?}");

    let bad = form_reply(&app, "/api/newsletter/subscribe", &[("email", "not an address")], None).await;
    assert!(bad.error_for("email").is_some(), "{bad:?}");
}

// P22: the e-mailed link unsubscribes without signing in, in one post; a second post is
// harmless and logs nothing; the change is logged with source email_link.
async fn p22_an_emailed_link_unsubscribes_without_signing_in(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let reply = confirm(&app, &sign_up(&app, "reader@example.com").await).await;
    let token = preferences_token_of(&reply);
    let (status, page) = app.page(&format!("/newsletter/preferences?token={token}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("r•••@example.com") && page.contains("Unsubscribe from everything"), "{page}");
    assert!(!page.contains("reader@example.com"), "the page masks the address");

    let response = post_plain(&app, "/api/newsletter/unsubscribe", &[("token", &token)], None).await;
    assert_eq!(response.status().as_u16(), 302);
    assert!(location(&response).starts_with(&format!("/newsletter/preferences?token={token}&form=")), "{}", location(&response));
    assert!(subscribed(&linked_choices(&app, &token).await).is_empty());
    let rows = marketing_rows(&app).await;
    assert_eq!((rows.len(), rows[1].event_kind.as_str(), rows[1].source.as_str()), (2, "withdraw", "email_link"));

    let again = form_reply(&app, "/api/newsletter/unsubscribe", &[("token", &token)], None).await;
    assert!(again.notice.as_deref().unwrap().contains("not subscribed to anything"), "{again:?}");
    assert_eq!(marketing_rows(&app).await.len(), 2, "idempotent: nothing more logged");

    // A tampered link gets a clear error, as a page and as a call.
    let tampered = format!("{}A", token);
    let (status, body) = post_json(&app, "/api/newsletter/unsubscribe", &[("token", &tampered)], None).await;
    assert_eq!(status, 400, "{body}");
    let (_, page) = app.page(&format!("/newsletter/preferences?token={tampered}")).await;
    assert!(page.contains("This link is not valid"), "{page}");
    chain_is_intact(&app).await;
}

// B08, P22: RFC 8058's one-click unsubscribe: the mail program POSTs
// `List-Unsubscribe=One-Click` from its own servers, with no cookie and no Origin, and the
// address is unsubscribed; again is harmless; a GET changes nothing; only this path is let
// past the same-origin check, and only with the address's own token.
async fn b08_a_one_click_post_unsubscribes_without_a_cookie_or_an_origin(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let token = preferences_token_of(&confirm(&app, &sign_up(&app, "reader@example.com").await).await);
    let one_click = |token: &str, body: &'static str| {
        app.client
            .post(app.url(&format!("{}?token={token}", app::domain::marketing::ONE_CLICK_PATH)))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    // A GET (a link scanner) changes nothing and shows the choices page.
    let get = app.client.get(app.url(&format!("/newsletter/one-click?token={token}"))).send().await.unwrap();
    assert_eq!(get.status().as_u16(), 303);
    assert_eq!(subscribed(&linked_choices(&app, &token).await), [MarketingTopic::Newsletter]);
    assert_eq!(one_click(&token, "something=else").await.unwrap().status().as_u16(), 400, "not a one-click body");
    assert_eq!(one_click(&format!("{token}A"), "List-Unsubscribe=One-Click").await.unwrap().status().as_u16(), 400, "not our token");

    let response = one_click(&token, "List-Unsubscribe=One-Click").await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("You are unsubscribed"));
    assert!(subscribed(&linked_choices(&app, &token).await).is_empty());
    let rows = marketing_rows(&app).await;
    assert_eq!((rows.len(), rows[1].event_kind.as_str(), rows[1].source.as_str()), (2, "withdraw", "email_link"));
    assert_eq!(one_click(&token, "List-Unsubscribe=One-Click").await.unwrap().status().as_u16(), 200, "again: fine");
    assert_eq!(marketing_rows(&app).await.len(), 2, "and nothing more is logged");

    // Every other POST without an Origin is still refused (the exemption is this path only).
    let other = app
        .client
        .post(app.url(&format!("/api/newsletter/unsubscribe?token={token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 403);
}

// P21: a subscriber chooses topics instead of leaving, and anyone can ask for a fresh link by
// e-mail: an address the store knows gets one, any other gets nothing, and both see the same.
async fn p21_a_subscriber_chooses_topics_and_can_ask_for_a_fresh_link(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let token = preferences_token_of(&confirm(&app, &sign_up(&app, "reader@example.com").await).await);
    let reply = form_reply(&app, "/api/newsletter/save", &[("token", &token), ("offers", "on")], None).await;
    assert!(reply.is_ok(), "{reply:?}");
    assert_eq!(subscribed(&linked_choices(&app, &token).await), [MarketingTopic::Offers]);

    let known = form_reply(&app, "/api/newsletter/link", &[("email", "reader@example.com")], None).await;
    let unknown = form_reply(&app, "/api/newsletter/link", &[("email", "stranger@example.com")], None).await;
    assert_eq!((known.notice.clone(), known.errors.clone()), (unknown.notice, unknown.errors));
    let fresh = token_of(&link_in_mail(&app, "reader@example.com", "/newsletter/preferences").await);
    assert_eq!(subscribed(&linked_choices(&app, &fresh).await), [MarketingTopic::Offers]);
    assert!(!outbox(&app).await.iter().any(|(to, _, _)| to == "stranger@example.com"));
}

// P21: a withdrawal received by telephone is recorded by staff: every topic stops, the log
// row has source `staff` and names the staff member and the channel, and the audit log keeps
// the note. Customers cannot, staff can only withdraw, and bad input is refused in words.
async fn p21_staff_record_a_withdrawal_received_by_telephone(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let token = preferences_token_of(&confirm(&app, &sign_up(&app, "reader@example.com").await).await);
    let output = admin_create(&app, "boss@example.com", "Boss", "admin", "the admin's own passphrase");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let staff = staff_signed_in(&app, "boss@example.com", "the admin's own passphrase").await;
    let (status, body) = post_json(&app, "/api/admin/campaigns", &[], Some(&staff)).await;
    assert_eq!(status, 200, "{body}");
    let view: app::api::marketing_staff::CampaignsView = serde_json::from_str(&body).unwrap();

    let refused = form_reply(
        &app,
        "/api/admin/opt-out",
        &[("csrf_token", &view.csrf_token), ("email", "reader@example.com"), ("channel", "pigeon")],
        Some(&staff),
    )
    .await;
    assert_eq!(refused.error_for("channel"), Some("Choose how the request reached us"), "{refused:?}");
    let reply = form_reply(
        &app,
        "/api/admin/opt-out",
        &[("csrf_token", &view.csrf_token), ("email", "reader@example.com"), ("channel", "phone"), ("note", "Called on 4 December")],
        Some(&staff),
    )
    .await;
    assert!(reply.notice.as_deref().unwrap().starts_with("Recorded: r•••@example.com gets no more marketing e-mails"), "{reply:?}");
    assert!(subscribed(&linked_choices(&app, &token).await).is_empty());
    let rows = marketing_rows(&app).await;
    let boss = app::server::accounts::find_by_email(&app.state.db, &app::domain::account::EmailAddress::parse("boss@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let last = rows.last().unwrap();
    assert_eq!((last.event_kind.as_str(), last.source.as_str()), ("withdraw", "staff"));
    assert_eq!(last.browser_family, format!("staff {} (phone)", boss.id), "the row names who recorded it and how it came");
    let audit = app::server::entities::audit_log::Entity::find().all(&app.state.db).await.unwrap();
    let entry = audit.iter().find(|row| row.action == "marketing.opt_out").expect("an audit row");
    assert_eq!(entry.actor_account_id, Some(boss.id));
    assert!(entry.detail.contains("By telephone: Called on 4 December"), "{entry:?}");

    let again = form_reply(
        &app,
        "/api/admin/opt-out",
        &[("csrf_token", &view.csrf_token), ("email", "reader@example.com"), ("channel", "email")],
        Some(&staff),
    )
    .await;
    assert!(again.notice.as_deref().unwrap().contains("was not subscribed to anything"), "{again:?}");
    chain_is_intact(&app).await;

    let customer = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    assert_eq!(post_json(&app, "/api/admin/campaigns", &[], Some(&customer)).await.0, 403);
    assert_eq!(post_json(&app, "/api/admin/campaigns", &[], None).await.0, 401);
    let refused =
        post_json(&app, "/api/admin/opt-out", &[("csrf_token", "x"), ("email", "a@example.com"), ("channel", "phone")], Some(&customer))
            .await;
    assert_eq!(refused.0, 403, "{refused:?}");
}

// Issue 15: consent is per address, so an account holder and a newsletter subscriber with the
// same address see and change one set of choices.
async fn p23_an_account_and_a_subscriber_with_one_address_share_their_choices(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let token = preferences_token_of(&confirm(&app, &sign_up(&app, "ann@example.com").await).await);
    assert_eq!(subscribed(&overview(&app, &cookie).await.marketing), [MarketingTopic::Newsletter]);
    let csrf = csrf_token(&app, &cookie).await;
    form_reply(&app, "/api/marketing/settings", &[("csrf_token", &csrf), ("offers", "on")], Some(&cookie)).await;
    assert_eq!(subscribed(&linked_choices(&app, &token).await), [MarketingTopic::Offers], "the link sees the settings' change");
}

// Issue 15: a password reset or a registration never changes marketing consent.
async fn issue15_a_password_reset_or_a_registration_never_changes_marketing_consent(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let token = preferences_token_of(&confirm(&app, &sign_up(&app, "ann@example.com").await).await);
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    assert_eq!(subscribed(&overview(&app, &cookie).await.marketing), [MarketingTopic::Newsletter], "registering kept it as it was");
    assert!(form_reply(&app, "/api/account/reset", &[("email", "ann@example.com")], None).await.is_ok());
    let reset = link_in_mail(&app, "ann@example.com", "/account/reset/new").await;
    let reply =
        form_reply(&app, "/api/account/reset-new", &[("token", &token_of(&reset)), ("password", "a brand new passphrase")], None).await;
    assert!(reply.is_ok(), "{reply:?}");
    assert_eq!(subscribed(&linked_choices(&app, &token).await), [MarketingTopic::Newsletter], "the reset kept it as it was");
    assert_eq!(marketing_rows(&app).await.len(), 1, "neither wrote a marketing row");
    let fresh = registered_and_signed_in(&app, "Bob Brown", "bob@example.com").await;
    assert!(subscribed(&overview(&app, &fresh).await.marketing).is_empty(), "a new account starts with nothing on");
}

// Issue 15: changing an account's address does not carry consent over: the new address starts
// with nothing on, and its owner turns on what they want there.
async fn issue15_a_new_account_address_starts_without_the_old_addresss_consent(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let csrf = csrf_token(&app, &cookie).await;
    form_reply(&app, "/api/marketing/settings", &[("csrf_token", &csrf), ("newsletter", "on")], Some(&cookie)).await;
    let reply = form_reply(
        &app,
        "/api/account/email",
        &[("csrf_token", &csrf), ("new_email", "ann@new.example"), ("password", PASSWORD)],
        Some(&cookie),
    )
    .await;
    assert!(reply.is_ok(), "{reply:?}");
    let link = link_in_mail(&app, "ann@new.example", "/account/confirm-email-change").await;
    assert!(form_reply(&app, "/api/account/confirm-email-change", &[("token", &token_of(&link))], None).await.is_ok());
    let after = overview(&app, &cookie).await;
    assert_eq!(after.email, "ann@new.example");
    assert!(subscribed(&after.marketing).is_empty(), "the new address has not agreed to anything");
}

on_both_databases!(
    p23_b09_account_switches_save_without_javascript_and_are_logged_with_their_words,
    p23_a_hydrated_switch_saves_one_topic,
    b07_a_newsletter_sign_up_counts_only_once_confirmed,
    p07_signing_up_reveals_nothing_about_an_address,
    p22_an_emailed_link_unsubscribes_without_signing_in,
    b08_a_one_click_post_unsubscribes_without_a_cookie_or_an_origin,
    p21_a_subscriber_chooses_topics_and_can_ask_for_a_fresh_link,
    p23_an_account_and_a_subscriber_with_one_address_share_their_choices,
    p21_staff_record_a_withdrawal_received_by_telephone,
    issue15_a_password_reset_or_a_registration_never_changes_marketing_consent,
    issue15_a_new_account_address_starts_without_the_old_addresss_consent,
);
