//! Issue 21's account findings, on SQLite and PostgreSQL: no redirect off the site after
//! signing in (S3), rate limits that parallel requests cannot slip past (S4), forged links and
//! taken addresses that tell nothing (S5), and no staff role for an unconfirmed account (S6).

mod support;

use app::domain::forms::FormReply;
use app::server::accounts::{passwords, registration, staff, tokens};
use app::server::entities::account;
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use support::accounts::*;
use support::{spawn_app, Backend, TestApp};

const WRONG_DETAILS: &str = "The email address or password is not right";
const NEW_PASSWORD: &str = "a brand new passphrase for ann";

async fn account_by_email(app: &TestApp, email: &str) -> Option<account::Model> {
    account::Entity::find().filter(account::Column::Email.eq(email)).one(&app.state.db).await.unwrap()
}

/// A form post with exactly this urlencoded body, as a browser's hydrated page sends it.
async fn post_raw_json(app: &TestApp, endpoint: &str, body: &str) -> FormReply {
    let response = app
        .client
        .post(app.url(endpoint))
        .header("origin", &app.address)
        .header("referer", app.url("/account/sign-in"))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{endpoint} answered {text}: {e}"))
}

/// Registers an account without confirming it (as anyone could, with anyone's address).
async fn registered_unconfirmed(app: &TestApp, name: &str, email: &str, password: &str) {
    let reply = form_reply(app, "/api/account/register", &[("name", name), ("email", email), ("password", password)], None).await;
    assert!(reply.is_ok(), "{reply:?}");
}

// S3: `next=/%09/evil.example` decodes to `/\t/evil.example`, which a browser follows to
// `//evil.example`; the sign-in goes to the account page instead.
async fn s3_sign_in_never_redirects_to_another_site(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let credentials = format!("email=ann%40example.com&password={}", PASSWORD.replace(' ', "+"));
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "/%5C/evil.example",
        "/%5Cevil.example",
        "//evil.example",
        "/%252F/evil.example",
        "/%20/evil.example",
    ] {
        let reply = post_raw_json(&app, "/api/account/sign-in", &format!("{credentials}&next={next}")).await;
        assert!(reply.is_ok(), "{reply:?}");
        assert_eq!(reply.redirect.as_deref(), Some("/account"), "next={next}");
    }
    // Without JavaScript the same post is answered with a redirect: to the account page too.
    let response = post_plain(
        &app,
        "/api/account/sign-in",
        &[("email", "ann@example.com"), ("password", PASSWORD), ("next", "/\t/evil.example")],
        None,
    )
    .await;
    assert_eq!(location(&response), "/account");
    // A path of this site is still followed.
    let reply = post_raw_json(&app, "/api/account/sign-in", &format!("{credentials}&next=%2Fcheckout%3Fstep%3D2")).await;
    assert_eq!(reply.redirect.as_deref(), Some("/checkout?step=2"));
}

// S4: guesses sent all at once cannot slip past the limit while the first are still being
// checked: at most five of them get an answer that says whether the password was right.
async fn s4_parallel_wrong_passwords_get_at_most_the_limit_of_checks(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..12 {
        let (client, address) = (app.client.clone(), app.address.clone());
        guesses.spawn(async move {
            let body = format!("email=ann%40example.com&password=wrong+guess+{i}");
            let response = client
                .post(format!("{address}/api/account/sign-in"))
                .header("origin", &address)
                .header("referer", format!("{address}/account/sign-in"))
                .header("accept", "application/json")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let reply: FormReply = serde_json::from_str(&response.text().await.unwrap()).unwrap();
            reply.error_for("email").unwrap_or_default().to_owned()
        });
    }
    let answers = guesses.join_all().await;
    let checked = answers.iter().filter(|a| *a == WRONG_DETAILS).count();
    let refused = answers.iter().filter(|a| a.starts_with("Too many sign-in attempts")).count();
    assert_eq!(checked + refused, 12, "{answers:?}");
    assert!(checked <= 5, "{checked} guesses reached the password check: {answers:?}");
    let locked = sign_in(&app, "ann@example.com", PASSWORD).await.unwrap_err();
    assert!(locked.error_for("email").unwrap().starts_with("Too many sign-in attempts"), "{locked:?}");
}

// S4: the owner who resets the password through the e-mailed link can sign in at once, even
// while a guesser has the account locked.
async fn s4_a_password_reset_ends_the_sign_in_lock(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    for i in 0..5 {
        let reply = sign_in(&app, "ann@example.com", &format!("wrong guess {i}")).await.unwrap_err();
        assert_eq!(reply.error_for("email"), Some(WRONG_DETAILS));
    }
    let locked = sign_in(&app, "ann@example.com", PASSWORD).await.unwrap_err();
    assert!(locked.error_for("email").unwrap().starts_with("Too many sign-in attempts"), "{locked:?}");

    assert!(form_reply(&app, "/api/account/reset", &[("email", "ann@example.com")], None).await.is_ok());
    let link = link_in_mail(&app, "ann@example.com", "/account/reset/new").await;
    let reply = form_reply(&app, "/api/account/reset-new", &[("token", &token_of(&link)), ("password", NEW_PASSWORD)], None).await;
    assert!(reply.is_ok(), "{reply:?}");
    sign_in(&app, "ann@example.com", NEW_PASSWORD).await.expect("signs in at once with the new password");
}

/// The sign-in links sent so far (S4), as the recipient gets them, oldest first.
async fn sign_in_links(app: &TestApp, to: &str) -> Vec<String> {
    let prefix = format!("{}/account/sign-in/link?token=", app.address);
    outbox(app)
        .await
        .into_iter()
        .filter(|(address, subject, _)| address == to && subject.contains("sign-in link"))
        .map(|(_, _, body)| {
            let start = body.find(&prefix).unwrap_or_else(|| panic!("no sign-in link in: {body}"));
            body[start..].chars().take_while(|c| !c.is_whitespace()).collect::<String>().trim_start_matches(&app.address).to_owned()
        })
        .collect()
}

/// Waits (up to 10 s) until `count` sign-in links have been sent to `to`: the mail is queued
/// apart from the answer, so it can land just after it.
async fn wait_for_sign_in_links(app: &TestApp, to: &str, count: usize) -> Vec<String> {
    for _ in 0..100 {
        let links = sign_in_links(app, to).await;
        if links.len() >= count {
            return links;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{to} got {} sign-in link(s), not {count}", sign_in_links(app, to).await.len());
}

// S4: a lock keeps guessers out, not the owner. While the account is locked, the right
// password gets the very answer a wrong one gets, and a one-time sign-in link by e-mail; a
// wrong password gets no mail. The link signs in, ends the lock, and works only once.
async fn s4_the_owner_signs_in_with_an_emailed_link_while_the_account_is_locked(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    for i in 0..5 {
        let reply = sign_in(&app, "ann@example.com", &format!("wrong guess {i}")).await.unwrap_err();
        assert_eq!(reply.error_for("email"), Some(WRONG_DETAILS));
    }
    let wrong = sign_in(&app, "ann@example.com", "another wrong guess").await.unwrap_err();
    let right = sign_in(&app, "ann@example.com", PASSWORD).await.unwrap_err();
    assert_eq!(wrong, right, "the page cannot tell a right password from a wrong one during the lock");
    let message = right.error_for("email").unwrap();
    assert!(message.starts_with("Too many sign-in attempts on this account"), "{message}");
    assert!(message.contains("If the password you gave is right, we have e-mailed you a link"), "{message}");
    let links = wait_for_sign_in_links(&app, "ann@example.com", 1).await;
    assert_eq!(links.len(), 1, "the wrong guess sent nothing: {links:?}");
    let link = &links[0];

    // The e-mailed link opens a page whose button signs in (a GET alone does nothing).
    let (status, page) = app.page(link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Sign in with your link") && page.contains("/api/account/sign-in-link"), "{page}");
    let response = post_json_response(&app, "/api/account/sign-in-link", &[("token", &token_of(link))], None).await;
    let cookie = session_cookie(&response).expect("signed in by the link");
    let reply: FormReply = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(reply.redirect.as_deref(), Some("/account"), "{reply:?}");
    assert_eq!(overview(&app, &cookie).await.email, "ann@example.com");

    // Once: the same link again is refused, and so is a tampered one.
    let again = post_json(&app, "/api/account/sign-in-link", &[("token", &token_of(link))], None).await;
    assert_eq!(again.0, 400, "{again:?}");
    assert!(again.1.contains("LinkInvalid"), "{again:?}");
    let tampered = format!("{}x", token_of(link));
    assert_eq!(post_json(&app, "/api/account/sign-in-link", &[("token", &tampered)], None).await.0, 400);

    // Following the link proved who this is: the lock is over for the password form too.
    sign_in(&app, "ann@example.com", PASSWORD).await.expect("the lock ended");
}

// S4: a sign-in link stops working once the password changes, and a forged one for another
// account (or none) is refused in the same words.
async fn s4_a_sign_in_link_dies_with_the_password_and_cannot_be_forged(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    for i in 0..5 {
        let _ = sign_in(&app, "ann@example.com", &format!("wrong guess {i}")).await;
    }
    let _ = sign_in(&app, "ann@example.com", PASSWORD).await.unwrap_err();
    let link = wait_for_sign_in_links(&app, "ann@example.com", 1).await.remove(0);
    assert!(form_reply(&app, "/api/account/reset", &[("email", "ann@example.com")], None).await.is_ok());
    let reset = link_in_mail(&app, "ann@example.com", "/account/reset/new").await;
    assert!(form_reply(&app, "/api/account/reset-new", &[("token", &token_of(&reset)), ("password", NEW_PASSWORD)], None).await.is_ok());
    let stale = post_json(&app, "/api/account/sign-in-link", &[("token", &token_of(&link))], None).await;
    assert_eq!(stale.0, 400, "{stale:?}");

    let ann = account_by_email(&app, "ann@example.com").await.unwrap();
    let forged = |id: i32| {
        tokens::issue(b"not the store's key", tokens::TokenPurpose::SignIn, id, "/account", "", Utc::now() + Duration::minutes(15))
    };
    let existing = post_json(&app, "/api/account/sign-in-link", &[("token", &forged(ann.id))], None).await;
    let missing = post_json(&app, "/api/account/sign-in-link", &[("token", &forged(ann.id + 1000))], None).await;
    assert_eq!(existing, stale);
    assert_eq!(missing, stale);
}

// S4: the forms that send e-mail are limited per client network (20 per 15 minutes each).
async fn s4_mail_sending_forms_are_limited_per_network(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    for (endpoint, form) in [("/api/account/reset", "reset"), ("/api/account/resend-confirmation", "resend")] {
        for i in 0..20 {
            let reply = form_reply(&app, endpoint, &[("email", &format!("someone{i}@example.com"))], None).await;
            assert!(reply.is_ok(), "{endpoint} request {i}: {reply:?}");
        }
        let refused = form_reply(&app, endpoint, &[("email", "one.more@example.com")], None).await;
        assert_eq!(refused.form, form);
        let message = refused.error_for("email").unwrap_or_else(|| panic!("{endpoint}: {refused:?}"));
        assert!(message.starts_with("There have been too many requests from your network. Wait 15 minutes"), "{message}");
    }
    // Each form has its own allowance: registering still works.
    registered_unconfirmed(&app, "Ann Smith", "ann@example.com", PASSWORD).await;
}

// S5: a forged confirmation link gets the same answer whether its account exists, is
// confirmed, or has the address the link names, so it cannot tell who has an account.
async fn s5_a_forged_confirmation_link_tells_nothing_about_accounts(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    registered_unconfirmed(&app, "Bob Brown", "bob@example.com", PASSWORD).await;
    let ann = account_by_email(&app, "ann@example.com").await.unwrap();
    let bob = account_by_email(&app, "bob@example.com").await.unwrap();
    let forged = |id: i32, email: &str, state: &str| {
        tokens::issue(
            b"not the store's key",
            tokens::TokenPurpose::VerifyEmail,
            id,
            email,
            &format!("{email}|{state}"),
            Utc::now() + Duration::hours(1),
        )
    };
    let mut answers = Vec::new();
    for token in [
        forged(ann.id, "ann@example.com", "verified"),
        forged(ann.id, "ann@example.com", "unverified"),
        forged(ann.id, "someone.else@example.com", "unverified"),
        forged(bob.id, "bob@example.com", "unverified"),
        forged(bob.id + 1000, "ann@example.com", "unverified"),
        forged(bob.id + 1000, "nobody@example.com", "unverified"),
    ] {
        answers.push(post_json(&app, "/api/account/confirm-email", &[("token", &token)], None).await);
    }
    assert_eq!(answers[0].0, 400, "{answers:?}");
    assert!(answers.iter().all(|answer| *answer == answers[0]), "{answers:?}");
    assert!(account_by_email(&app, "bob@example.com").await.unwrap().email_verified_at.is_none(), "nothing was confirmed");

    // A forged reset link: the same answer for an existing account and a missing one.
    let forged_reset =
        |id: i32| tokens::issue(b"not the store's key", tokens::TokenPurpose::ResetPassword, id, "", "", Utc::now() + Duration::hours(1));
    let existing = post_json(&app, "/api/account/reset-new", &[("token", &forged_reset(ann.id)), ("password", NEW_PASSWORD)], None).await;
    let missing =
        post_json(&app, "/api/account/reset-new", &[("token", &forged_reset(bob.id + 1000)), ("password", NEW_PASSWORD)], None).await;
    assert_eq!(existing.0, 400);
    assert_eq!(existing, missing);

    // A forged e-mail change link: the same answer for an existing account and a missing one.
    let forged_change = |id: i32, email: &str| {
        tokens::issue(
            b"not the store's key",
            tokens::TokenPurpose::ChangeEmail,
            id,
            "new@example.com",
            email,
            Utc::now() + Duration::hours(1),
        )
    };
    let existing =
        post_json(&app, "/api/account/confirm-email-change", &[("token", &forged_change(ann.id, "ann@example.com"))], None).await;
    let missing = post_json(&app, "/api/account/confirm-email-change", &[("token", &forged_change(bob.id + 1000, ""))], None).await;
    assert_eq!(existing.0, 400, "{existing:?}");
    assert_eq!(existing, missing);

    // The real link still works, and a second click is harmless.
    let link = link_in_mail(&app, "bob@example.com", "/account/confirm-email").await;
    for _ in 0..2 {
        assert!(form_reply(&app, "/api/account/confirm-email", &[("token", &token_of(&link))], None).await.is_ok());
    }
    sign_in(&app, "bob@example.com", PASSWORD).await.expect("confirmed");
}

// S5: registering a taken address pays for the same argon2 hash as a free one, so the time it
// takes does not tell whether the address has an account.
async fn s5_a_taken_address_costs_the_same_hash_as_a_free_one(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let form = |email: &str| registration::RegistrationForm {
        name: "Ann Smith".into(),
        email: email.into(),
        password: PASSWORD.into(),
        telephone: String::new(),
    };
    let (free, free_hashes) = passwords::counting_hashes(registration::register(&app.state, form("ann@example.com"), Utc::now())).await;
    let (taken, taken_hashes) = passwords::counting_hashes(registration::register(&app.state, form("ann@example.com"), Utc::now())).await;
    let (free, taken) = (free.unwrap(), taken.unwrap());
    assert_eq!(free, taken, "the same answer");
    assert_eq!(free.redirect.as_deref(), Some(registration::CHECK_EMAIL_PATH));
    assert_eq!((free_hashes, taken_hashes), (1, 1), "one hash each");
    let mails: Vec<String> = outbox(&app).await.into_iter().map(|(to, _, _)| to).collect();
    assert_eq!(mails, ["ann@example.com", "ann@example.com"], "a confirmation, then the 'already registered' note");
}

/// `server admin create` of an admin with this password.
fn admin_create(app: &TestApp, email: &str, password: &str) -> std::process::Output {
    support::accounts::admin_create(app, email, "Store administrator", "admin", password)
}

// S6: someone registers the future admin's address first, with a password of their own; the
// command line then refuses to make that unconfirmed account an admin, and says what to do.
async fn s6_admin_create_refuses_an_unconfirmed_account(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_unconfirmed(&app, "Mallory", "boss@example.com", "the attacker's own passphrase").await;
    let squatted = account_by_email(&app, "boss@example.com").await.unwrap();

    let output = admin_create(&app, "boss@example.com", "the real admin's passphrase");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("account {} exists but its e-mail address is not confirmed", squatted.id)), "{stderr}");
    assert!(stderr.contains("Forgotten your password?"), "it says how to proceed: {stderr}");
    let after = account_by_email(&app, "boss@example.com").await.unwrap();
    assert_eq!((after.role.as_str(), after.password_hash == squatted.password_hash), ("customer", true), "not promoted, nothing changed");

    let direct = staff::create_or_promote(
        &app.state.db,
        "boss@example.com",
        "Boss",
        app::domain::account::Role::Admin,
        "the real admin's passphrase",
        Utc::now(),
    )
    .await;
    assert!(matches!(direct, Err(staff::StaffError::Unconfirmed { account_id }) if account_id == squatted.id), "{direct:?}");

    // Once the owner has set a password through the e-mailed reset link, the account is theirs.
    assert!(form_reply(&app, "/api/account/reset", &[("email", "boss@example.com")], None).await.is_ok());
    let link = link_in_mail(&app, "boss@example.com", "/account/reset/new").await;
    assert!(form_reply(&app, "/api/account/reset-new", &[("token", &token_of(&link)), ("password", "the real admin's passphrase")], None)
        .await
        .is_ok());
    let output = admin_create(&app, "boss@example.com", "ignored for an existing account");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let admin = sign_in(&app, "boss@example.com", "the real admin's passphrase").await.expect("the owner signs in");
    assert!(overview(&app, &admin).await.is_staff);
}

on_both_databases!(
    s3_sign_in_never_redirects_to_another_site,
    s4_parallel_wrong_passwords_get_at_most_the_limit_of_checks,
    s4_a_password_reset_ends_the_sign_in_lock,
    s4_mail_sending_forms_are_limited_per_network,
    s4_the_owner_signs_in_with_an_emailed_link_while_the_account_is_locked,
    s4_a_sign_in_link_dies_with_the_password_and_cannot_be_forged,
    s5_a_forged_confirmation_link_tells_nothing_about_accounts,
    s5_a_taken_address_costs_the_same_hash_as_a_free_one,
    s6_admin_create_refuses_an_unconfirmed_account,
);
