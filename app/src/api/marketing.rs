//! Marketing e-mail: the account holder's switches, the newsletter form, and the pages an
//! e-mailed link opens. Every form works as a plain post without JavaScript (B09), and the
//! account's switches also save one at a time from the hydrated page.

use crate::domain::forms::FormReply;
#[cfg(feature = "ssr")]
use crate::domain::marketing::MarketingTopic;
use crate::domain::marketing::TopicChoice;
pub use crate::errors::marketing::MarketingError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a page opened by an e-mailed link shows: whose choices (masked) and what they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedChoicesView {
    pub masked_email: String,
    pub choices: Vec<TopicChoice>,
    /// The answer to a plain form post that led back to this page, if any.
    pub outcome: Option<FormReply>,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::api::request::{now, parts};
    pub use crate::server::marketing::{newsletter, preferences};
    pub use crate::server::state::app_state;
}

/// The topics a plain form ticked: each topic's checkbox is named after its key.
#[cfg(feature = "ssr")]
fn ticked(newsletter: &Option<String>, offers: &Option<String>) -> Vec<(MarketingTopic, bool)> {
    MarketingTopic::ALL
        .into_iter()
        .map(|topic| {
            let field = match topic {
                MarketingTopic::Newsletter => newsletter,
                MarketingTopic::Offers => offers,
            };
            (topic, field.is_some())
        })
        .collect()
}

#[cfg(feature = "ssr")]
async fn signed_in_for(csrf_token: &str) -> Result<crate::server::accounts::SignedIn, MarketingError> {
    let state = ssr::app_state();
    Ok(crate::server::accounts::require_signed_in_form(&state, &ssr::parts(), csrf_token).await?)
}

#[cfg(feature = "ssr")]
fn account_address(signed_in: &crate::server::accounts::SignedIn) -> Result<crate::domain::account::EmailAddress, MarketingError> {
    crate::domain::account::EmailAddress::parse(&signed_in.account.email).map_err(|_| MarketingError::Unavailable)
}

/// P23: the account settings' form of switches, as a plain post (all topics at once).
#[server(endpoint = "marketing/settings")]
pub async fn save_marketing_settings(
    csrf_token: String,
    newsletter: Option<String>,
    offers: Option<String>,
) -> Result<FormReply, MarketingError> {
    use crate::domain::consent::ConsentSource;
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = signed_in_for(&csrf_token).await?;
        let context =
            ssr::preferences::ChangeContext::from_request(&state, Some(&ssr::parts()), ConsentSource::Settings, Some(signed_in.account.id));
        let address = account_address(&signed_in)?;
        let wanted = ticked(&newsletter, &offers);
        ssr::preferences::set_all(&state, &address, &wanted, ssr::preferences::Proof::AddressConfirmed, &context, ssr::now()).await?;
        Ok(FormReply { redirect: Some("/account#marketing".into()), ..FormReply::saved("marketing", "Your e-mail choices are saved.") })
    }
    .await;
    crate::api::answer_form("marketing", outcome)
}

/// P23: one switch, saved as soon as it is flipped on the hydrated page; the answer is the
/// topic's choice as stored, which the page shows (or rolls back to, on an error).
#[server(endpoint = "marketing/topic")]
pub async fn set_marketing_topic(csrf_token: String, topic: String, subscribe: bool) -> Result<TopicChoice, MarketingError> {
    use crate::domain::consent::ConsentSource;
    let state = ssr::app_state();
    let outcome = async {
        let topic = MarketingTopic::parse(&topic).ok_or(MarketingError::UnknownTopic)?;
        let signed_in = signed_in_for(&csrf_token).await?;
        let context =
            ssr::preferences::ChangeContext::from_request(&state, Some(&ssr::parts()), ConsentSource::Settings, Some(signed_in.account.id));
        let address = account_address(&signed_in)?;
        let change = ssr::preferences::set_topic(
            &state,
            &address,
            topic,
            subscribe,
            ssr::preferences::Proof::AddressConfirmed,
            &context,
            ssr::now(),
        )
        .await?;
        Ok(change.choice)
    }
    .await;
    if let Err(error) = &outcome {
        crate::api::set_response_status(crate::errors::Failure::status(error));
    }
    outcome
}

/// P07, B07: the footer's newsletter form: a confirmation e-mail, nothing else yet.
#[server(endpoint = "newsletter/subscribe")]
pub async fn subscribe_to_newsletter(email: String) -> Result<FormReply, MarketingError> {
    let outcome = ssr::newsletter::request_subscription(&ssr::app_state(), &email, ssr::now()).await;
    // The footer is on every page but shows no answers: the answer is shown on /newsletter.
    let outcome = outcome.map(|reply| FormReply { redirect: Some("/newsletter".into()), ..reply });
    crate::api::answer_form(ssr::newsletter::SIGN_UP_FORM, outcome)
}

/// B07: the button on the page the confirmation link opens.
#[server(endpoint = "newsletter/confirm")]
pub async fn confirm_newsletter(token: String) -> Result<FormReply, MarketingError> {
    let outcome = ssr::newsletter::confirm_subscription(&ssr::app_state(), &ssr::parts(), &token, ssr::now()).await;
    crate::api::answer_form("confirm-subscription", outcome)
}

/// The choices an e-mailed preferences (unsubscribe) link opens, without signing in.
#[server(endpoint = "newsletter/choices")]
pub async fn load_linked_choices(token: String, form: Option<String>) -> Result<LinkedChoicesView, MarketingError> {
    let outcome = ssr::newsletter::choices_by_link(&ssr::app_state(), &token, ssr::now()).await;
    match outcome {
        Ok(linked) => {
            Ok(LinkedChoicesView { masked_email: linked.masked_email, choices: linked.choices, outcome: crate::api::flashed_outcome(form) })
        }
        Err(error) => {
            crate::api::set_response_status(crate::errors::Failure::status(&error));
            Err(error)
        }
    }
}

/// P21, P22: keeps the ticked topics and stops the rest, through an e-mailed link.
#[server(endpoint = "newsletter/save")]
pub async fn save_linked_choices(token: String, newsletter: Option<String>, offers: Option<String>) -> Result<FormReply, MarketingError> {
    let state = ssr::app_state();
    let outcome = async {
        ssr::newsletter::save_by_link(&state, Some(&ssr::parts()), &token, &ticked(&newsletter, &offers), ssr::now()).await?;
        Ok(FormReply { redirect: Some(back_to_choices(&token)), ..FormReply::saved("linked-choices", "Your choices are saved.") })
    }
    .await;
    crate::api::answer_form("linked-choices", outcome)
}

/// P22: one button stops every marketing e-mail to the address; pressing it again is harmless.
#[server(endpoint = "newsletter/unsubscribe")]
pub async fn unsubscribe_everything(token: String) -> Result<FormReply, MarketingError> {
    let state = ssr::app_state();
    let outcome = async {
        let nothing = MarketingTopic::all_off();
        let changed = ssr::newsletter::save_by_link(&state, Some(&ssr::parts()), &token, &nothing, ssr::now()).await?;
        let notice = if changed > 0 {
            "You are unsubscribed: we will send no more marketing e-mails to this address, including any being sent right now."
        } else {
            "This address is not subscribed to anything: we send it no marketing e-mails."
        };
        Ok(FormReply { redirect: Some(back_to_choices(&token)), ..FormReply::saved("unsubscribe", notice) })
    }
    .await;
    crate::api::answer_form("unsubscribe", outcome)
}

/// The choices page again, showing what was just saved (the token is base64url: safe as is).
#[cfg(feature = "ssr")]
fn back_to_choices(token: &str) -> String {
    format!("{}?token={token}", ssr::newsletter::PREFERENCES_PATH)
}

/// P21: a fresh preferences link by e-mail, for someone without the old e-mail or an account.
#[server(endpoint = "newsletter/link")]
pub async fn request_preferences_link(email: String) -> Result<FormReply, MarketingError> {
    let outcome = ssr::newsletter::send_preferences_link(&ssr::app_state(), &email, ssr::now()).await;
    crate::api::answer_form(ssr::newsletter::LINK_FORM, outcome)
}
