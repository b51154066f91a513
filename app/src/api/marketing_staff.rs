//! Marketing in the staff area (issue 15): campaigns (write one, preview it, send a test to
//! yourself, then send it, and follow its progress) and withdrawals received by telephone,
//! e-mail or letter (P21). Staff only, second factor confirmed; every action but reading is
//! written to the audit log.
// A server function takes each field of its form as an argument, as the browser posts them.
#![allow(clippy::too_many_arguments)]

use crate::domain::campaign::{CampaignDetail, CampaignSummary};
use crate::domain::forms::FormReply;
use crate::domain::paging::Paged;
pub use crate::errors::marketing::MarketingError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The staff marketing page: the campaigns, and the page's forms' token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignsView {
    pub campaigns: Paged<CampaignSummary>,
    pub csrf_token: String,
    pub outcome: Option<FormReply>,
}

/// One campaign's page: the campaign, exactly what a recipient gets, and the forms' token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignView {
    /// None: a new campaign, not saved yet.
    pub detail: Option<CampaignDetail>,
    /// The preview's subject line and plain-text body, unsubscribe footer included.
    pub preview: Option<(String, String)>,
    /// Where a test goes: the signed-in staff member's own address.
    pub your_address: String,
    pub csrf_token: String,
    pub outcome: Option<FormReply>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::MarketingError;
    pub use crate::api::request::{now, parts};
    use crate::server::accounts::SignedIn;
    pub use crate::server::marketing::campaigns;
    pub use crate::server::state::app_state;

    /// The signed-in staff member; with `csrf_token`, the form must carry this session's token.
    pub async fn staff(csrf_token: Option<&str>) -> Result<SignedIn, MarketingError> {
        use crate::server::accounts::{require_staff, require_staff_form};
        let state = app_state();
        Ok(match csrf_token {
            Some(token) => require_staff_form(&state, &parts(), token).await?,
            None => require_staff(&state, &parts()).await?,
        })
    }

    pub async fn audit(staff: &SignedIn, action: &str, id: i32) -> Result<(), MarketingError> {
        let state = app_state();
        Ok(crate::server::accounts::audit::record(&state.db, Some(staff.account.id), action, &format!("campaign:{id}"), "", now()).await?)
    }

    pub fn address_of(staff: &SignedIn) -> Result<crate::domain::account::EmailAddress, MarketingError> {
        crate::domain::account::EmailAddress::parse(&staff.account.email).map_err(|_| MarketingError::Unavailable)
    }

    pub fn campaign_page(id: i32) -> String {
        format!("/admin/marketing/campaigns/{id}")
    }
}

#[server(endpoint = "admin/campaigns")]
pub async fn load_campaigns(page: Option<u32>, form: Option<String>) -> Result<CampaignsView, MarketingError> {
    let staff = ssr::staff(None).await.map_err(crate::api::refuse_page_or_call)?;
    let state = ssr::app_state();
    let page = crate::domain::paging::PageNumber::new(page.unwrap_or(1));
    let campaigns = ssr::campaigns::list(&state.db, page).await?;
    Ok(CampaignsView { campaigns, csrf_token: staff.session.csrf_token, outcome: crate::api::flashed_outcome(form) })
}

/// One campaign (`id` None: the page for writing a new one).
#[server(endpoint = "admin/campaign")]
pub async fn load_campaign(id: Option<i32>, form: Option<String>) -> Result<CampaignView, MarketingError> {
    let staff = ssr::staff(None).await.map_err(crate::api::refuse_page_or_call)?;
    let state = ssr::app_state();
    let your_address = ssr::address_of(&staff)?;
    let detail = match id {
        None => None,
        Some(id) => match ssr::campaigns::detail(&state.db, id).await? {
            Some(detail) => Some(detail),
            None => return Err(crate::api::refuse_page_or_call(MarketingError::BadRequest("There is no such campaign.".into()))),
        },
    };
    let preview = detail.as_ref().map(|detail| {
        let mail = ssr::campaigns::preview(&state, detail, &your_address);
        (mail.subject, mail.text_body)
    });
    Ok(CampaignView {
        detail,
        preview,
        your_address: your_address.as_str().to_owned(),
        csrf_token: staff.session.csrf_token,
        outcome: crate::api::flashed_outcome(form),
    })
}

/// Saves a draft: a new one (no `id`), or changes to one not started yet.
#[server(endpoint = "admin/campaign-save")]
pub async fn save_campaign(
    csrf_token: String,
    id: Option<String>,
    subject: String,
    text_body: String,
    html_body: String,
    topic: Option<String>,
) -> Result<FormReply, MarketingError> {
    use crate::domain::campaign::CampaignDraft;
    const FORM: &str = "campaign";
    let outcome = async {
        let staff = ssr::staff(Some(&csrf_token)).await?;
        let state = ssr::app_state();
        let typed = vec![
            ("subject".to_owned(), subject.clone()),
            ("text_body".to_owned(), text_body.clone()),
            ("html_body".to_owned(), html_body.clone()),
        ];
        let draft = match CampaignDraft::parse(&subject, &text_body, &html_body, topic.as_deref().unwrap_or("")) {
            Ok(draft) => draft,
            Err(errors) => return Ok(FormReply::rejected(FORM, errors, typed)),
        };
        let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(raw.parse::<i32>().map_err(|_| MarketingError::BadRequest("There is no such campaign.".into()))?),
        };
        let detail = match id {
            None => ssr::campaigns::create_draft(&state.db, &draft, staff.account.id, ssr::now()).await?,
            Some(id) => ssr::campaigns::update_draft(&state.db, id, &draft, ssr::now()).await?,
        };
        let id = detail.summary.id;
        Ok(FormReply { redirect: Some(ssr::campaign_page(id)), ..FormReply::saved(FORM, "The draft is saved. Check the preview below.") })
    }
    .await;
    crate::api::answer_form(FORM, outcome)
}

/// Sends the campaign once to the signed-in staff member, marked as a test.
#[server(endpoint = "admin/campaign-test")]
pub async fn send_campaign_test(csrf_token: String, id: i32) -> Result<FormReply, MarketingError> {
    const FORM: &str = "campaign-test";
    let outcome = async {
        let staff = ssr::staff(Some(&csrf_token)).await?;
        let state = ssr::app_state();
        let you = ssr::address_of(&staff)?;
        ssr::campaigns::send_test(&state, id, &you, ssr::now()).await?;
        ssr::audit(&staff, "campaign.test", id).await?;
        Ok(FormReply::saved(FORM, format!("A test was sent to {}. It counts for nothing and goes to nobody else.", you.as_str())))
    }
    .await;
    crate::api::answer_form(FORM, outcome)
}

/// P20: starts sending: the recipients are everyone who consents to the topic right now.
#[server(endpoint = "admin/campaign-send")]
pub async fn start_campaign(csrf_token: String, id: i32) -> Result<FormReply, MarketingError> {
    const FORM: &str = "campaign-send";
    let outcome = async {
        let staff = ssr::staff(Some(&csrf_token)).await?;
        let state = ssr::app_state();
        let summary = ssr::campaigns::start_sending(&state, id, ssr::now()).await?;
        ssr::audit(&staff, "campaign.send", id).await?;
        let notice = format!("Sending has started to the {} address(es) that consent to this topic now.", summary.prepared);
        Ok(FormReply { redirect: Some(ssr::campaign_page(id)), ..FormReply::saved(FORM, notice) })
    }
    .await;
    crate::api::answer_form(FORM, outcome)
}

/// A campaign's progress, for its page to follow while it is sent.
#[server(endpoint = "admin/campaign-progress")]
pub async fn campaign_progress(id: i32) -> Result<CampaignSummary, MarketingError> {
    let outcome = async {
        ssr::staff(None).await?;
        let state = ssr::app_state();
        ssr::campaigns::summary(&state.db, id).await?.ok_or_else(|| MarketingError::BadRequest("There is no such campaign.".into()))
    }
    .await;
    if let Err(error) = &outcome {
        crate::api::set_response_status(crate::errors::Failure::status(error));
    }
    outcome
}

/// P21: staff record a withdrawal that reached the store by telephone, e-mail, letter or in person.
#[server(endpoint = "admin/opt-out")]
pub async fn record_opt_out(csrf_token: String, email: String, channel: String, note: Option<String>) -> Result<FormReply, MarketingError> {
    use crate::server::marketing::opt_out;
    let outcome = async {
        let staff = ssr::staff(Some(&csrf_token)).await?;
        let state = ssr::app_state();
        opt_out::record_opt_out(&state, Some(&ssr::parts()), &staff, &email, &channel, note.as_deref().unwrap_or(""), ssr::now()).await
    }
    .await;
    crate::api::answer_form(crate::server::marketing::opt_out::FORM, outcome)
}
