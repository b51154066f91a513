//! Marketing campaigns (issue 15), on SQLite and PostgreSQL: recipients chosen from consent at
//! send time (P20), a withdrawal honoured by a campaign still being sent, sending that resumes
//! after a restart without a duplicate, and a campaign e-mail read back from a real SMTP server
//! with its unsubscribe link and one-click headers (P22, B08).

mod support;

use app::domain::account::EmailAddress;
use app::domain::campaign::{CampaignDraft, CampaignStatus, CampaignSummary};
use app::domain::consent::ConsentSource;
use app::domain::marketing::MarketingTopic;
use app::server::entities::{account, campaign, campaign_delivery, mail_outbox, marketing_consent, marketing_subscriber};
use app::server::mail::{outbox, MailKind};
use app::server::marketing::preferences::{self, ChangeContext, Proof};
use app::server::marketing::{campaign_sender, campaigns, newsletter};
use app::server::state::AppState;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use sop_server::config::Config;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::smtp::SmtpStandIn;
use support::{base_vars, start_server_with_state, Backend, TestDb};

/// A store that has started (migrated its database) and stopped again: no background task
/// sends anything, so a test steps through a campaign itself with `send_round`.
struct StoppedStore {
    state: AppState,
    vars: HashMap<String, String>,
    /// Kept for the test's length: a PostgreSQL database is dropped with it.
    _db: TestDb,
    _dir: tempfile::TempDir,
}

impl StoppedStore {
    fn config(&self) -> Config {
        Config::from_lookup(|k| self.vars.get(k).cloned()).expect("test configuration is valid")
    }
}

async fn stopped_store(backend: Backend) -> Option<StoppedStore> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = TestDb::fresh(backend, &dir).await?;
    let vars = base_vars(db.url(), &dir);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("test configuration is valid");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (_, state, server) = start_server_with_state(config, async {
        let _ = stopped.await;
    })
    .await;
    stop.send(()).expect("the store is running");
    server.await.expect("the server task ends").expect("the store stops cleanly");
    Some(StoppedStore { state, vars, _db: db, _dir: dir })
}

fn address(email: &str) -> EmailAddress {
    EmailAddress::parse(email).expect("a valid address")
}

async fn choose(state: &AppState, email: &str, topic: MarketingTopic, subscribe: bool) {
    let context = ChangeContext::from_request(state, None, ConsentSource::Settings, None);
    preferences::set_topic(state, &address(email), topic, subscribe, Proof::AddressConfirmed, &context, Utc::now())
        .await
        .expect("the choice is saved");
}

/// A staff account to write campaigns (their id is kept with each campaign).
async fn staff_member(state: &AppState) -> i32 {
    const EDITOR: &str = "editor@sop-store.example";
    if let Some(known) = account::Entity::find().filter(account::Column::Email.eq(EDITOR)).one(&state.db).await.unwrap() {
        return known.id;
    }
    let now = Utc::now();
    let row = account::ActiveModel {
        email: Set(EDITOR.into()),
        email_verified_at: Set(Some(now)),
        name: Set("Eddie Editor".into()),
        password_hash: Set("not used".into()),
        role: Set("staff".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    row.insert(&state.db).await.expect("staff account").id
}

fn draft(subject: &str, topic: MarketingTopic) -> CampaignDraft {
    CampaignDraft::parse(subject, "Our winter range is here.", "<p>Our <b>winter range</b> is here.</p>", topic.key())
        .expect("a valid draft")
}

async fn new_campaign(state: &AppState, subject: &str, topic: MarketingTopic) -> i32 {
    let staff = staff_member(state).await;
    campaigns::create_draft(&state.db, &draft(subject, topic), staff, Utc::now()).await.expect("draft saved").summary.id
}

/// Runs the sender's rounds until the campaign is sent.
async fn send_until_done(state: &AppState, id: i32) -> CampaignSummary {
    for _ in 0..1000 {
        campaign_sender::send_round(state, Utc::now()).await.expect("a round");
        let summary = campaigns::summary(&state.db, id).await.unwrap().unwrap();
        if summary.status == CampaignStatus::Sent {
            return summary;
        }
    }
    panic!("the campaign was never finished");
}

/// Every campaign mail in the outbox: (to, subject), in the order queued.
async fn campaign_mail(db: &impl ConnectionTrait) -> Vec<(String, String)> {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Kind.eq(MailKind::Campaign.as_str()))
        .order_by_asc(mail_outbox::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.to_address, row.subject))
        .collect()
}

fn recipients(mail: &[(String, String)]) -> Vec<&str> {
    let mut to: Vec<&str> = mail.iter().map(|(to, _)| to.as_str()).collect();
    to.sort();
    to
}

// P20, B07: the recipients are exactly the confirmed addresses consenting to the topic when
// sending starts: not a sign-up never confirmed, nor a withdrawn one, nor another topic's.
async fn p20_recipients_are_the_confirmed_consenting_addresses_at_send_time(backend: Backend) {
    let Some(store) = stopped_store(backend).await else { return };
    let state = &store.state;
    choose(state, "ann@example.com", MarketingTopic::Newsletter, true).await;
    choose(state, "bob@example.com", MarketingTopic::Newsletter, true).await;
    choose(state, "carol@example.com", MarketingTopic::Newsletter, true).await;
    choose(state, "carol@example.com", MarketingTopic::Newsletter, false).await;
    choose(state, "dave@example.com", MarketingTopic::Offers, true).await;
    newsletter::request_subscription(state, "erin@example.com", Utc::now()).await.expect("signed up, never confirmed");
    // B07 all the same for a record that somehow holds a choice but no confirmation.
    let frank = marketing_subscriber::ActiveModel {
        email: Set("frank@example.com".into()),
        subject_id: Set("m-frank".into()),
        confirmed_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .unwrap();
    marketing_consent::ActiveModel {
        subscriber_id: Set(frank.id),
        topic: Set("newsletter".into()),
        granted: Set(true),
        wording_version: Set("newsletter-2026-12".into()),
        changed_at: Set(Utc::now()),
        log_row_id: Set(0),
    }
    .insert(&state.db)
    .await
    .unwrap();

    let id = new_campaign(state, "Winter news", MarketingTopic::Newsletter).await;
    let started = campaigns::start_sending(state, id, Utc::now()).await.expect("started");
    assert_eq!((started.status, started.prepared, started.pending), (CampaignStatus::Sending, 2, 2), "{started:?}");
    assert!(started.prepared_at.is_some());
    // Consent given after the start does not join this campaign.
    choose(state, "greg@example.com", MarketingTopic::Newsletter, true).await;

    let done = send_until_done(state, id).await;
    assert_eq!((done.sent, done.skipped, done.pending), (2, 0, 0), "{done:?}");
    assert!(done.finished_at.is_some());
    let mail = campaign_mail(&state.db).await;
    assert_eq!(recipients(&mail), ["ann@example.com", "bob@example.com"], "{mail:?}");
    assert!(mail.iter().all(|(_, subject)| subject == "Winter news"));
    let deliveries = campaign_delivery::Entity::find().all(&state.db).await.unwrap();
    assert!(deliveries.iter().all(|d| d.status == "sent" && d.outbox_id.is_some() && d.sent_at.is_some()), "who got it is recorded");
}

// P20, P22: a person who withdraws after the campaign started, before their turn, is skipped.
async fn p20_someone_who_withdraws_after_the_start_is_skipped(backend: Backend) {
    let Some(store) = stopped_store(backend).await else { return };
    let state = &store.state;
    for email in ["ann@example.com", "bob@example.com", "cleo@example.com"] {
        choose(state, email, MarketingTopic::Offers, true).await;
    }
    let id = new_campaign(state, "Half price kettles", MarketingTopic::Offers).await;
    assert_eq!(campaigns::start_sending(state, id, Utc::now()).await.unwrap().prepared, 3);
    choose(state, "bob@example.com", MarketingTopic::Offers, false).await;

    let done = send_until_done(state, id).await;
    assert_eq!((done.sent, done.skipped), (2, 1), "{done:?}");
    assert_eq!(recipients(&campaign_mail(&state.db).await), ["ann@example.com", "cleo@example.com"]);
}

/// `n` confirmed subscribers consenting to the newsletter, written straight to the tables.
async fn many_subscribers(db: &impl ConnectionTrait, n: usize) {
    let now = Utc::now();
    let rows = (0..n).map(|i| marketing_subscriber::ActiveModel {
        email: Set(format!("reader{i:04}@example.com")),
        subject_id: Set(format!("m-reader-{i}")),
        confirmed_at: Set(Some(now)),
        created_at: Set(now),
        ..Default::default()
    });
    marketing_subscriber::Entity::insert_many(rows).exec(db).await.unwrap();
    let consents = Query::select()
        .column(marketing_subscriber::Column::Id)
        .expr(Expr::val("newsletter"))
        .expr(Expr::val(true))
        .expr(Expr::val("newsletter-2026-12"))
        .expr(Expr::val(now))
        .expr(Expr::val(0))
        .from(marketing_subscriber::Entity)
        .and_where(Expr::col(marketing_subscriber::Column::SubjectId).like("m-reader-%"))
        .to_owned();
    let insert = Query::insert()
        .into_table(marketing_consent::Entity)
        .columns([
            marketing_consent::Column::SubscriberId,
            marketing_consent::Column::Topic,
            marketing_consent::Column::Granted,
            marketing_consent::Column::WordingVersion,
            marketing_consent::Column::ChangedAt,
            marketing_consent::Column::LogRowId,
        ])
        .select_from(consents)
        .unwrap()
        .to_owned();
    db.execute(&insert).await.unwrap();
}

// Issue 15: sending resumes after a restart, preparation included, and nobody gets a campaign
// twice: one campaign stopped half-sent, another stopped while its recipients were chosen.
async fn issue15_sending_resumes_after_a_restart_without_duplicates(backend: Backend) {
    const READERS: usize = 250;
    let Some(store) = stopped_store(backend).await else { return };
    let state = &store.state;
    many_subscribers(&state.db, READERS).await;

    let first = new_campaign(state, "First", MarketingTopic::Newsletter).await;
    campaigns::start_sending(state, first, Utc::now()).await.unwrap();
    let round = campaign_sender::send_round(state, Utc::now()).await.unwrap();
    assert_eq!(round.queued as u64, campaign_sender::DELIVERY_BATCH, "{round:?}");
    let half = campaigns::summary(&state.db, first).await.unwrap().unwrap();
    assert_eq!((half.sent, half.pending), (campaign_sender::DELIVERY_BATCH, READERS as u64 - campaign_sender::DELIVERY_BATCH));

    // The second "crashed" while choosing recipients: some rows written, never marked prepared.
    let second = new_campaign(state, "Second", MarketingTopic::Newsletter).await;
    campaigns::start_sending(state, second, Utc::now()).await.unwrap();
    let cut_at = marketing_subscriber::Entity::find().order_by_asc(marketing_subscriber::Column::Id).all(&state.db).await.unwrap()[99].id;
    campaign_delivery::Entity::delete_many()
        .filter(campaign_delivery::Column::CampaignId.eq(second))
        .filter(campaign_delivery::Column::SubscriberId.gt(cut_at))
        .exec(&state.db)
        .await
        .unwrap();
    campaign::Entity::update_many()
        .col_expr(campaign::Column::PreparedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .filter(campaign::Column::Id.eq(second))
        .exec(&state.db)
        .await
        .unwrap();
    assert_eq!(campaigns::summary(&state.db, second).await.unwrap().unwrap().prepared, 100);

    // The restart: a new store on the same database, its sender resuming on its own.
    let (_, restarted, _server) = start_server_with_state(store.config(), std::future::pending()).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    for id in [first, second] {
        loop {
            let summary = campaigns::summary(&restarted.db, id).await.unwrap().unwrap();
            if summary.status == CampaignStatus::Sent {
                assert_eq!((summary.prepared, summary.sent, summary.skipped), (READERS as u64, READERS as u64, 0), "{summary:?}");
                break;
            }
            assert!(Instant::now() < deadline, "not finished after the restart: {summary:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let mut copies: HashMap<(String, String), u32> = HashMap::new();
    for key in campaign_mail(&restarted.db).await {
        *copies.entry(key).or_default() += 1;
    }
    assert_eq!(copies.len(), 2 * READERS, "every reader got both campaigns");
    assert!(copies.values().all(|&n| n == 1), "and nobody got one twice");
}

// Issue 15: starting a campaign twice (or twice at once) chooses its recipients once, and a
// started campaign can no longer be changed.
async fn issue15_starting_twice_prepares_once(backend: Backend) {
    let Some(store) = stopped_store(backend).await else { return };
    let state = &store.state;
    many_subscribers(&state.db, 30).await;
    let id = new_campaign(state, "Once only", MarketingTopic::Newsletter).await;
    let (a, b) = tokio::join!(campaigns::start_sending(state, id, Utc::now()), campaigns::start_sending(state, id, Utc::now()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.status, CampaignStatus::Sending);
    assert!(a.prepared == 30 || b.prepared == 30, "{a:?} {b:?}");
    let again = campaigns::start_sending(state, id, Utc::now()).await.unwrap();
    assert_eq!((again.prepared, again.started_at.clone()), (30, a.started_at.clone()), "the first start stands");
    assert_eq!(campaign_delivery::Entity::find().count(&state.db).await.unwrap(), 30);

    let refused = campaigns::update_draft(&state.db, id, &draft("Changed", MarketingTopic::Offers), Utc::now()).await.unwrap_err();
    assert_eq!(refused.to_string(), "This campaign has been started, so it can no longer be changed.");
    send_until_done(state, id).await;
    assert_eq!(campaign_mail(&state.db).await.len(), 30);
}

// Issue 15: a draft with a line break in its subject (header injection) or an unknown topic
// is refused with a message saying what to change; nothing is stored.
async fn issue15_a_draft_with_a_line_break_in_its_subject_or_an_unknown_topic_is_refused(backend: Backend) {
    let Some(store) = stopped_store(backend).await else { return };
    let refused = CampaignDraft::parse("Sale\r\nBcc: everyone@example.com", "x", "<p>x</p>", "sale").unwrap_err();
    let messages: Vec<(&str, &str)> = refused.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
    assert_eq!(
        messages,
        [
            ("subject", "Write the subject on one line, without line breaks"),
            ("topic", "Choose the topic the campaign is for: The newsletter or Offers and discounts"),
        ]
    );
    assert!(CampaignDraft::parse("Sale\rnow", "x", "<p>x</p>", "offers").is_err());
    assert_eq!(campaign::Entity::find().count(&store.state.db).await.unwrap(), 0);
    let missing = campaigns::start_sending(&store.state, 42, Utc::now()).await.unwrap_err();
    assert_eq!(missing.to_string(), "There is no such campaign.");
}

// Issue 15: the preview is what a recipient gets, unsubscribe link included; a test goes to
// the staff member alone, marked as a test, and is no delivery.
async fn issue15_preview_and_test_mail_show_what_recipients_get_and_record_nothing(backend: Backend) {
    let Some(store) = stopped_store(backend).await else { return };
    let state = &store.state;
    choose(state, "ann@example.com", MarketingTopic::Newsletter, true).await;
    let id = new_campaign(state, "Winter news", MarketingTopic::Newsletter).await;
    let detail = campaigns::detail(&state.db, id).await.unwrap().unwrap();
    let preview = campaigns::preview(state, &detail, &address("editor@sop-store.example"));
    let link = format!("{}/newsletter/preferences?token=example", state.public_url);
    assert!(
        preview.text_body.starts_with("Our winter range is here.") && preview.text_body.trim_end().ends_with(&link),
        "{}",
        preview.text_body
    );
    assert!(preview.html_body.contains(&format!("href=\"{link}\"")), "{}", preview.html_body);
    assert_eq!((preview.subject.as_str(), preview.secret_link.as_deref()), ("Winter news", None));

    let outbox_id = campaigns::send_test(state, id, &address("editor@sop-store.example"), Utc::now()).await.unwrap();
    let test = outbox::find(&state.db, outbox_id).await.unwrap().unwrap();
    assert_eq!((test.summary.to_address.as_str(), test.summary.subject.as_str()), ("editor@sop-store.example", "[Test] Winter news"));
    assert_eq!(test.summary.kind, MailKind::Campaign);
    let summary = campaigns::summary(&state.db, id).await.unwrap().unwrap();
    assert_eq!((summary.status, summary.prepared), (CampaignStatus::Draft, 0), "a test is no delivery");
    assert_eq!(campaign_delivery::Entity::find().count(&state.db).await.unwrap(), 0);
}

// P22, B08: a campaign mail read back from a real SMTP server carries one List-Unsubscribe
// (one https address) and List-Unsubscribe-Post: List-Unsubscribe=One-Click, ends both bodies
// with a visible unsubscribe link, and that link's token opens the recipient's own choices.
async fn p22_b08_a_campaign_mail_arrives_with_one_click_headers_and_a_working_link(backend: Backend) {
    let smtp = SmtpStandIn::start();
    let url = smtp.url();
    let overrides = [("SMTP_URL", url.as_str()), ("PUBLIC_URL", "https://shop.example"), ("PAYMENTS", "test")];
    let Some(app) = support::spawn_app_with(backend, &overrides).await else { return };
    let state = &app.state;
    choose(state, "ann@example.com", MarketingTopic::Newsletter, true).await;
    let id = new_campaign(state, "Winter news", MarketingTopic::Newsletter).await;
    campaigns::start_sending(state, id, Utc::now()).await.unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let received = loop {
        let received = smtp.received();
        if !received.is_empty() {
            break received;
        }
        assert!(Instant::now() < deadline, "no campaign mail arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(received.len(), 1, "{received:#?}");
    let got = &received[0];
    assert_eq!((got["to"].as_str(), got["subject"].as_str()), (Some("ann@example.com"), Some("Winter news")));
    assert_eq!(got["list_unsubscribe"].as_array().map(Vec::len), Some(1), "one List-Unsubscribe header: {got}");
    assert_eq!(got["list_unsubscribe_post"], serde_json::json!(["List-Unsubscribe=One-Click"]), "{got}");
    let header = got["unfolded"].as_str().unwrap();
    let token = header
        .strip_prefix("<https://shop.example/newsletter/one-click?token=")
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap_or_else(|| panic!("one bracketed https address: {header}"));
    assert!(!token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "{token}");

    let link = format!("https://shop.example/newsletter/preferences?token={token}");
    let text = got["parts"]["text/plain"].as_str().expect("a plain-text part");
    let html = got["parts"]["text/html"].as_str().expect("an HTML part");
    assert!(text.trim_end().ends_with(&link), "the visible link is at the bottom of the text: {text}");
    let after_content = &html[html.find("winter range").expect("the campaign's HTML")..];
    assert!(after_content.contains(&format!("href=\"{link}\"")), "and of the HTML, after the content: {html}");

    let choices = newsletter::choices_by_link(state, token, Utc::now()).await.expect("the token opens the choices");
    assert_eq!(choices.masked_email, "a•••@example.com");
    assert!(choices.choices.iter().any(|c| c.topic == MarketingTopic::Newsletter && c.subscribed));

    // Once sent, the outbox keeps neither the campaign's text nor the recipient's links.
    let row = loop {
        let row = mail_outbox::Entity::find().filter(mail_outbox::Column::Kind.eq("campaign")).one(&state.db).await.unwrap().unwrap();
        if row.status != "pending" || Instant::now() > deadline {
            break row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((row.status.as_str(), row.text_body.as_str()), ("sent", outbox::CAMPAIGN_BODY_SENT));
    assert_eq!((row.secret_link, row.list_unsubscribe), (None, None));
}

on_both_databases!(
    p20_recipients_are_the_confirmed_consenting_addresses_at_send_time,
    p20_someone_who_withdraws_after_the_start_is_skipped,
    issue15_sending_resumes_after_a_restart_without_duplicates,
    issue15_starting_twice_prepares_once,
    issue15_a_draft_with_a_line_break_in_its_subject_or_an_unknown_topic_is_refused,
    issue15_preview_and_test_mail_show_what_recipients_get_and_record_nothing,
    p22_b08_a_campaign_mail_arrives_with_one_click_headers_and_a_working_link,
);
