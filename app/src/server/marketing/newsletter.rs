//! The newsletter for everyone, account or not (P07): a sign-up is confirmed by e-mail before
//! anything else is sent (double opt-in, B07), and the e-mailed links let the address's owner
//! choose topics or leave without signing in (P21, P22). No answer tells whether an address
//! is subscribed or has an account.

use super::links;
use super::preferences::{self, ChangeContext, Proof, TopicChange};
use crate::domain::account::EmailAddress;
use crate::domain::consent::ConsentSource;
use crate::domain::forms::{FieldError, FormReply};
use crate::domain::marketing::{MarketingTopic, TopicChoice};
use crate::errors::marketing::MarketingError;
use crate::server::entities::marketing_subscriber;
use crate::server::mail::templates;
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use http::request::Parts;
use sea_orm::{EntityTrait, TransactionTrait};

pub const SIGN_UP_FORM: &str = "newsletter";
pub const SIGN_UP_SENT: &str =
    "Thank you. Check your inbox: we have sent you an e-mail with a link to confirm. Until you confirm, we send you nothing else.";
pub const LINK_FORM: &str = "preferences-link";
pub const LINK_SENT: &str = "If we send e-mails to that address, we have just sent it a link to choose them.";
pub const PREFERENCES_PATH: &str = "/newsletter/preferences";

fn link(state: &AppState, path: &str, token: &str) -> String {
    format!("{}{path}?token={token}", state.public_url)
}

/// The address typed into a form, or the form's answer saying what is wrong with it.
fn parse_address(form: &str, email: &str) -> Result<EmailAddress, FormReply> {
    EmailAddress::parse(email)
        .map_err(|message| FormReply::rejected(form, vec![FieldError::new("email", message)], vec![("email".into(), email.to_owned())]))
}

/// B07: e-mails a confirmation link; the sign-up takes effect only when it is followed. Every
/// address gets the same answer and the same e-mail, subscribed already or not.
pub async fn request_subscription(state: &AppState, email: &str, now: DateTime<Utc>) -> Result<FormReply, MarketingError> {
    let address = match parse_address(SIGN_UP_FORM, email) {
        Ok(address) => address,
        Err(reply) => return Ok(reply),
    };
    if let Err(refused) = crate::server::accounts::sign_in::mail_request_admitted(state, "newsletter", now) {
        return Ok(FormReply::rejected(SIGN_UP_FORM, vec![refused], vec![("email".into(), email.to_owned())]));
    }
    let token = links::confirmation_token(&state.keys.marketing_links, address.as_str(), MarketingTopic::Newsletter.key(), now);
    let mail = templates::newsletter_confirmation(
        address.as_str(),
        &link(state, "/newsletter/confirm", &token),
        links::CONFIRMATION_VALID_FOR.to_std().unwrap_or_default(),
    );
    state.mailer.queue(&state.db, &mail, now).await?;
    state.mailer.wake();
    Ok(FormReply::saved(SIGN_UP_FORM, SIGN_UP_SENT))
}

/// Where a confirmed (or already confirmed) sign-up goes next: the address's own choices page.
pub async fn confirm_subscription(state: &AppState, parts: &Parts, token: &str, now: DateTime<Utc>) -> Result<FormReply, MarketingError> {
    let (topic, email) = links::open_confirmation(&state.keys.marketing_links, token, now)?;
    let topic = MarketingTopic::parse(&topic).ok_or(MarketingError::LinkInvalid)?;
    let address = EmailAddress::parse(&email).map_err(|_| MarketingError::LinkInvalid)?;
    let context = ChangeContext::from_request(state, Some(parts), ConsentSource::Newsletter, None);
    let TopicChange { changed, .. } = preferences::set_topic(state, &address, topic, true, Proof::AddressConfirmed, &context, now).await?;
    let subscriber = preferences::subscriber_by_email(&state.db, &address).await?.ok_or(MarketingError::Unavailable)?;
    let preferences = format!("{PREFERENCES_PATH}?token={}", links::preferences_token(&state.keys.marketing_links, &subscriber, now));
    let notice = if changed {
        "Thank you: your subscription is confirmed. The first newsletter will reach you with the next issue."
    } else {
        // A second click on the same link is no error (issue 15): it was done the first time.
        "You had already confirmed this subscription: there is nothing more to do."
    };
    Ok(FormReply { redirect: Some(preferences), ..FormReply::saved("confirm-subscription", notice) })
}

/// What the preferences page shows for the record an e-mailed link opens.
#[derive(Clone, Debug)]
pub struct LinkedChoices {
    pub masked_email: String,
    pub choices: Vec<TopicChoice>,
}

async fn subscriber_of_link(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<marketing_subscriber::Model, MarketingError> {
    let unchecked = links::open_preferences(token, now)?;
    let subscriber = marketing_subscriber::Entity::find_by_id(unchecked.account_id).one(&state.db).await?;
    links::check_preferences(&state.keys.marketing_links, unchecked, subscriber.as_ref())?;
    subscriber.ok_or(MarketingError::LinkInvalid)
}

pub async fn choices_by_link(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<LinkedChoices, MarketingError> {
    let subscriber = subscriber_of_link(state, token, now).await?;
    let choices = preferences::choices_of(&state.db, &subscriber).await?;
    Ok(LinkedChoices { masked_email: crate::domain::marketing::masked_address(&subscriber.email), choices })
}

/// P22, P21: sets the topics through an e-mailed link, without signing in. Unsubscribing from
/// everything is `wanted` all false; doing it twice changes (and logs) nothing the second time.
pub async fn save_by_link(
    state: &AppState,
    parts: Option<&Parts>,
    token: &str,
    wanted: &[(MarketingTopic, bool)],
    now: DateTime<Utc>,
) -> Result<usize, MarketingError> {
    let subscriber = subscriber_of_link(state, token, now).await?;
    let address = EmailAddress::parse(&subscriber.email).map_err(|_| MarketingError::LinkInvalid)?;
    let context = ChangeContext::from_request(state, parts, ConsentSource::EmailLink, None);
    // Following a link e-mailed to the address proves it is the owner's.
    preferences::set_all(state, &address, wanted, Proof::AddressConfirmed, &context, now).await
}

/// P21: e-mails a fresh preferences link to an address the store has marketing choices for;
/// the same answer for any address.
pub async fn send_preferences_link(state: &AppState, email: &str, now: DateTime<Utc>) -> Result<FormReply, MarketingError> {
    let address = match parse_address(LINK_FORM, email) {
        Ok(address) => address,
        Err(reply) => return Ok(reply),
    };
    if let Err(refused) = crate::server::accounts::sign_in::mail_request_admitted(state, "preferences-link", now) {
        return Ok(FormReply::rejected(LINK_FORM, vec![refused], vec![("email".into(), email.to_owned())]));
    }
    if let Some(subscriber) = preferences::subscriber_by_email(&state.db, &address).await? {
        let token = links::preferences_token(&state.keys.marketing_links, &subscriber, now);
        let mail = templates::marketing_preferences_link(address.as_str(), &link(state, PREFERENCES_PATH, &token));
        let txn = state.db.begin().await?;
        state.mailer.queue(&txn, &mail, now).await?;
        txn.commit().await?;
        state.mailer.wake();
    }
    Ok(FormReply::saved(LINK_FORM, LINK_SENT))
}
