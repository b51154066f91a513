//! Accounts over real HTTP on SQLite and PostgreSQL: register → confirm → sign in → edit →
//! sign out, resets and changes by e-mailed link, and answers that never reveal who has an
//! account.

mod support;

use support::accounts::*;
use support::{spawn_app, Backend};

// P04: registration asks for name, e-mail, password and an optional telephone, nothing more.
async fn p04_registration_asks_only_for_what_the_policy_lists(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.page("/account/register").await;
    assert_eq!(status, 200);
    let form = &body[body.find("name=\"register\"").expect("the registration form")..];
    let form = &form[..form.find("</form>").unwrap()];
    let names: Vec<&str> = form.split("<input").skip(1).filter_map(|input| input.split("name=\"").nth(1)?.split('"').next()).collect();
    assert_eq!(names, ["name", "email", "password", "telephone"], "the registration form's fields");
    let reply =
        form_reply(&app, "/api/account/register", &[("name", "Ann Smith"), ("email", "ann@example.com"), ("password", PASSWORD)], None)
            .await;
    assert!(reply.is_ok(), "no telephone needed: {reply:?}");
    assert_eq!(reply.redirect.as_deref(), Some("/account/register/check-email"));
}

async fn the_whole_journey_register_confirm_sign_in_edit_sign_out(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    // Without JavaScript: a plain form post, answered by a redirect.
    let response = post_plain(
        &app,
        "/api/account/register",
        &[("name", "Ann Smith"), ("email", "Ann@Example.com"), ("password", PASSWORD), ("telephone", "")],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 302);
    assert_eq!(location(&response), "/account/register/check-email");

    let refused = sign_in(&app, "ann@example.com", PASSWORD).await.unwrap_err();
    assert!(refused.error_for("email").unwrap().starts_with("Confirm your email address first"), "{refused:?}");

    let link = link_in_mail(&app, "ann@example.com", "/account/confirm-email").await;
    let (status, page) = app.page(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Confirm my email address"), "the link opens a page with a button, so mail scanners cannot confirm");
    let response = post_plain(&app, "/api/account/confirm-email", &[("token", &token_of(&link))], None).await;
    assert_eq!(location(&response), "/account/sign-in?confirmed=1");

    let response =
        post_plain(&app, "/api/account/sign-in", &[("email", "ann@example.com"), ("password", PASSWORD), ("next", "/account")], None).await;
    assert_eq!(location(&response), "/account");
    let set_cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax") && !set_cookie.contains("Max-Age"), "{set_cookie}");
    let cookie = session_cookie(&response).unwrap();

    let response = app.client.get(app.url("/account")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("Ann Smith") && page.contains("ann@example.com"));

    let csrf = csrf_token(&app, &cookie).await;
    let reply = form_reply(
        &app,
        "/api/account/details",
        &[("csrf_token", &csrf), ("name", "Ann Jones"), ("telephone", "+44 808 157 0192")],
        Some(&cookie),
    )
    .await;
    assert_eq!(reply.notice.as_deref(), Some("Your details have been saved."));
    let me = overview(&app, &cookie).await;
    assert_eq!((me.name.as_str(), me.telephone.as_deref()), ("Ann Jones", Some("+44 808 157 0192")));

    // Bad input: every error at once, what was typed kept, nothing saved.
    let reply =
        form_reply(&app, "/api/account/details", &[("csrf_token", &csrf), ("name", " "), ("telephone", "call me")], Some(&cookie)).await;
    assert_eq!(reply.errors.len(), 2);
    assert_eq!(reply.value_of("telephone"), Some("call me"));
    assert_eq!(overview(&app, &cookie).await.name, "Ann Jones");

    let response = post_plain(&app, "/api/account/sign-out", &[("csrf_token", &csrf)], Some(&cookie)).await;
    assert_eq!(location(&response), "/account/sign-in?signed-out=1");
    assert!(response.headers().get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    // As a browser asks for a page (Leptos answers a redirect with 302 only to an HTML request).
    let response = app.client.get(app.url("/account")).header("cookie", &cookie).header("accept", "text/html").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 302, "the old session no longer works");
    assert_eq!(location(&response), "/account/sign-in?next=%2Faccount");
}

async fn a_plain_form_post_with_errors_comes_back_with_the_errors_and_what_was_typed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let response = post_plain(
        &app,
        "/api/account/register",
        &[("name", "Ann Smith"), ("email", "not-an-email"), ("password", "short"), ("telephone", "0161 496 0000")],
        None,
    )
    .await;
    let back = location(&response);
    assert!(back.starts_with("/account?form="), "back to the page it came from: {back}");
    let (status, page) = app.page(&back.replace("/account?", "/account/register?")).await;
    assert_eq!(status, 200);
    assert!(page.contains("There is a problem"));
    assert!(page.contains("Enter an email address in the correct format"));
    assert!(page.contains("Password must be 12 characters or more"));
    assert!(page.contains("value=\"not-an-email\"") && page.contains("value=\"0161 496 0000\""), "what was typed is kept");
    assert!(!page.contains("value=\"short\""), "never a password");
}

async fn answers_never_reveal_whether_an_address_has_an_account(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let again =
        form_reply(&app, "/api/account/register", &[("name", "Someone"), ("email", "ann@example.com"), ("password", PASSWORD)], None).await;
    let fresh =
        form_reply(&app, "/api/account/register", &[("name", "Bob"), ("email", "bob@example.com"), ("password", PASSWORD)], None).await;
    assert_eq!(again.redirect, fresh.redirect);
    assert!(
        outbox(&app).await.iter().any(|(to, subject, _)| to == "ann@example.com" && subject.to_lowercase().contains("already")),
        "the owner is told instead"
    );

    let known = sign_in(&app, "ann@example.com", "wrong password entirely").await.unwrap_err();
    let unknown = sign_in(&app, "nobody@example.com", "wrong password entirely").await.unwrap_err();
    assert_eq!(known.errors, unknown.errors);

    let known = form_reply(&app, "/api/account/reset", &[("email", "ann@example.com")], None).await;
    let unknown = form_reply(&app, "/api/account/reset", &[("email", "nobody@example.com")], None).await;
    assert_eq!(known.notice, unknown.notice);
    assert!(outbox(&app).await.iter().all(|(to, _, _)| to != "nobody@example.com"));
}

async fn sign_in_attempts_are_rate_limited_per_account(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    for _ in 0..5 {
        let refused = sign_in(&app, "ann@example.com", "not my password at all").await.unwrap_err();
        assert!(refused.error_for("email").unwrap().contains("not right"));
    }
    let limited = sign_in(&app, "ann@example.com", PASSWORD).await.unwrap_err();
    assert!(
        limited.error_for("email").unwrap().starts_with("Too many sign-in attempts on this account, so it is locked for 15 minutes"),
        "{limited:?}"
    );
    // Another account from the same address is not locked out by Ann's attempts.
    registered_and_signed_in(&app, "Bob Brown", "bob@example.com").await;
}

async fn each_sign_in_starts_a_new_session_and_ends_the_old_one(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let first = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let response =
        post_json_response(&app, "/api/account/sign-in", &[("email", "ann@example.com"), ("password", PASSWORD)], Some(&first)).await;
    let second = session_cookie(&response).unwrap();
    assert_ne!(first, second, "a fresh session id on sign-in");
    let (status, _) = post_json(&app, "/api/account/overview", &[], Some(&first)).await;
    assert_eq!(status, 401, "the session the browser brought is gone");
    let (status, _) = post_json(&app, "/api/account/overview", &[], Some(&second)).await;
    assert_eq!(status, 200);
}

async fn a_password_reset_link_works_once_and_signs_out_everywhere(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let response = post_plain(&app, "/api/account/reset", &[("email", "ann@example.com")], None).await;
    assert!(location(&response).contains("form="), "the notice comes back after the redirect");
    let link = link_in_mail(&app, "ann@example.com", "/account/reset/new").await;
    let token = token_of(&link);
    let reply = form_reply(&app, "/api/account/reset-new", &[("token", &token), ("password", "short")], None).await;
    assert!(reply.error_for("password").is_some(), "the new password is checked too");
    let reply = form_reply(&app, "/api/account/reset-new", &[("token", &token), ("password", "a brand new passphrase")], None).await;
    assert_eq!(reply.redirect.as_deref(), Some("/account/sign-in?reset=1"));
    let (status, body) =
        post_json(&app, "/api/account/reset-new", &[("token", &token), ("password", "yet another passphrase")], None).await;
    assert_eq!(status, 400, "used once: {body}");
    assert!(body.contains("LinkInvalid"));
    let (status, _) = post_json(&app, "/api/account/overview", &[], Some(&cookie)).await;
    assert_eq!(status, 401, "every session ended");
    assert!(sign_in(&app, "ann@example.com", PASSWORD).await.is_err());
    assert!(sign_in(&app, "ann@example.com", "a brand new passphrase").await.is_ok());
    assert!(outbox(&app).await.iter().any(|(to, subject, _)| to == "ann@example.com" && subject.to_lowercase().contains("password")));
}

async fn changing_the_password_keeps_this_session_and_ends_the_others(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let here = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let elsewhere = sign_in(&app, "ann@example.com", PASSWORD).await.unwrap();
    let csrf = csrf_token(&app, &here).await;
    let wrong = form_reply(
        &app,
        "/api/account/password",
        &[("csrf_token", &csrf), ("current_password", "not the password"), ("new_password", "a brand new passphrase")],
        Some(&here),
    )
    .await;
    assert_eq!(wrong.error_for("current_password"), Some("Your current password is not right"));
    let reply = form_reply(
        &app,
        "/api/account/password",
        &[("csrf_token", &csrf), ("current_password", PASSWORD), ("new_password", "a brand new passphrase")],
        Some(&here),
    )
    .await;
    assert!(reply.is_ok(), "{reply:?}");
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&here)).await.0, 200);
    assert_eq!(post_json(&app, "/api/account/overview", &[], Some(&elsewhere)).await.0, 401);
}

async fn a_new_email_address_counts_once_confirmed_from_that_address(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let csrf = csrf_token(&app, &cookie).await;
    let reply = form_reply(
        &app,
        "/api/account/email",
        &[("csrf_token", &csrf), ("new_email", "ann@new.example"), ("password", PASSWORD)],
        Some(&cookie),
    )
    .await;
    assert!(reply.notice.unwrap().contains("ann@new.example"));
    assert_eq!(overview(&app, &cookie).await.email, "ann@example.com", "nothing changes before the link is followed");
    let link = link_in_mail(&app, "ann@new.example", "/account/confirm-email-change").await;
    let reply = form_reply(&app, "/api/account/confirm-email-change", &[("token", &token_of(&link))], None).await;
    assert!(reply.is_ok(), "{reply:?}");
    assert_eq!(overview(&app, &cookie).await.email, "ann@new.example");
    assert!(
        outbox(&app).await.iter().any(|(to, subject, _)| to == "ann@example.com" && subject.to_lowercase().contains("e-mail address")),
        "the old address is told"
    );
    let (status, _) = post_json(&app, "/api/account/confirm-email-change", &[("token", &token_of(&link))], None).await;
    assert_eq!(status, 400, "the link works once");
    assert!(sign_in(&app, "ann@new.example", PASSWORD).await.is_ok());
}

// P23: details and the address book can be changed by the account holder.
async fn p23_the_address_book_keeps_one_default_of_each_kind(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let cookie = registered_and_signed_in(&app, "Ann Smith", "ann@example.com").await;
    let csrf = csrf_token(&app, &cookie).await;
    let address = |line1: &'static str, kind: &'static str, default: bool| {
        let mut fields = vec![
            ("csrf_token", csrf.clone()),
            ("kind", kind.to_owned()),
            ("full_name", "Ann Smith".to_owned()),
            ("line1", line1.to_owned()),
            ("city", "Leeds".to_owned()),
            ("postcode", "ls1 1aa".to_owned()),
        ];
        if default {
            fields.push(("is_default", "on".to_owned()));
        }
        fields
    };
    let post_address = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form_reply(app, "/api/account/address-save", &pairs, Some(&cookie)).await
        }
    };
    assert!(post_address(address("1 High Street", "delivery", false)).await.is_ok());
    assert!(post_address(address("2 Low Road", "delivery", true)).await.is_ok());
    assert!(post_address(address("3 Bill Lane", "billing", false)).await.is_ok());
    let book = overview(&app, &cookie).await.addresses;
    assert_eq!(book.len(), 3);
    let defaults: Vec<_> = book.iter().filter(|a| a.address.is_default).map(|a| a.address.line1.as_str()).collect();
    assert_eq!(defaults, ["3 Bill Lane", "2 Low Road"], "the first of a kind is its default until another is chosen");
    assert_eq!(book[1].address.postcode, "LS1 1AA");

    let low_road = book.iter().find(|a| a.address.line1 == "2 Low Road").unwrap().id;
    let reply =
        form_reply(&app, "/api/account/address-delete", &[("csrf_token", &csrf), ("id", &low_road.to_string())], Some(&cookie)).await;
    assert!(reply.is_ok());
    let book = overview(&app, &cookie).await.addresses;
    assert!(
        book.iter().find(|a| a.address.line1 == "1 High Street").unwrap().address.is_default,
        "the remaining delivery address takes over"
    );

    let invalid = post_address(vec![
        ("csrf_token", csrf.clone()),
        ("kind", "delivery".into()),
        ("full_name", "".into()),
        ("line1", "".into()),
        ("city", "Leeds".into()),
        ("postcode", "!!".into()),
    ])
    .await;
    assert_eq!(invalid.errors.len(), 3, "{invalid:?}");
    assert_eq!(invalid.value_of("city"), Some("Leeds"));
    assert_eq!(overview(&app, &cookie).await.addresses.len(), 2, "nothing half-saved");

    let (status, page) = {
        let response =
            app.client.get(app.url(&format!("/account/addresses/{}", book[0].id))).header("cookie", &cookie).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(page.contains("autocomplete=\"address-line1\"") && page.contains("autocomplete=\"postal-code\""));
}

on_both_databases!(
    p04_registration_asks_only_for_what_the_policy_lists,
    the_whole_journey_register_confirm_sign_in_edit_sign_out,
    a_plain_form_post_with_errors_comes_back_with_the_errors_and_what_was_typed,
    answers_never_reveal_whether_an_address_has_an_account,
    sign_in_attempts_are_rate_limited_per_account,
    each_sign_in_starts_a_new_session_and_ends_the_old_one,
    a_password_reset_link_works_once_and_signs_out_everywhere,
    changing_the_password_keeps_this_session_and_ends_the_others,
    a_new_email_address_counts_once_confirmed_from_that_address,
    p23_the_address_book_keeps_one_default_of_each_kind,
);
