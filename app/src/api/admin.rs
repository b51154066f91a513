//! The staff area: the mail outbox and the audit log. Staff and admins only; every look at
//! personal data here is itself written to the audit log.

use crate::domain::mail::{OutboxMessage, OutboxSummary};
use crate::domain::paging::Paged;
use crate::domain::staff::{AuditEntry, ChainReport, ConsentLogFilter, ConsentLogRow};
use crate::errors::account::AccountError;
use serde::{Deserialize, Serialize};

/// The consent log page: the search as understood, one page of rows, and the chain check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsentLogView {
    pub filter: ConsentLogFilter,
    /// Why the search could not be read, in words; the rows are then unfiltered.
    pub filter_error: Option<String>,
    pub rows: Paged<ConsentLogRow>,
    pub chain: ChainReport,
}
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::errors::account::AccountError;
    use crate::server::accounts::{audit, require_staff, SignedIn};
    use crate::server::state::{app_state, AppState};

    /// The signed-in staff member, or the error with its status set.
    pub async fn staff() -> Result<(AppState, SignedIn), AccountError> {
        let state = app_state();
        let parts = leptos::prelude::expect_context::<http::request::Parts>();
        let signed_in = require_staff(&state, &parts).await.map_err(crate::api::refuse_page_or_call)?;
        Ok((state, signed_in))
    }

    pub async fn audit(state: &AppState, who: &SignedIn, action: &str, target: &str) -> Result<(), AccountError> {
        Ok(audit::record(&state.db, Some(who.account.id), action, target, "", chrono::Utc::now()).await?)
    }

    pub fn failed(error: impl std::fmt::Display) -> AccountError {
        tracing::error!(%error, "staff area: reading failed");
        AccountError::Unavailable
    }
}

/// Whether the visitor may open the staff area at all.
#[server(endpoint = "admin/check")]
pub async fn check_staff() -> Result<(), AccountError> {
    ssr::staff().await.map(|_| ())
}

#[server(endpoint = "admin/outbox")]
pub async fn load_outbox(page: Option<u32>) -> Result<Paged<OutboxSummary>, AccountError> {
    use crate::domain::paging::PageNumber;
    let (state, who) = ssr::staff().await?;
    let page = PageNumber::new(page.unwrap_or(1));
    ssr::audit(&state, &who, "outbox.list", &format!("page:{}", page.get())).await?;
    crate::server::mail::outbox::list(&state.db, page).await.map_err(ssr::failed)
}

#[server(endpoint = "admin/outbox-message")]
pub async fn load_outbox_message(id: i64) -> Result<OutboxMessage, AccountError> {
    let (state, who) = ssr::staff().await?;
    ssr::audit(&state, &who, "outbox.read", &format!("mail:{id}")).await?;
    match crate::server::mail::outbox::find(&state.db, id).await.map_err(ssr::failed)? {
        Some(message) => Ok(message),
        None => {
            crate::api::set_response_status(404);
            Err(AccountError::NotFound)
        }
    }
}

#[server(endpoint = "admin/audit")]
pub async fn load_audit_log(page: Option<u32>) -> Result<Paged<AuditEntry>, AccountError> {
    use crate::domain::paging::PageNumber;
    let (state, who) = ssr::staff().await?;
    let page = PageNumber::new(page.unwrap_or(1));
    ssr::audit(&state, &who, "audit.list", &format!("page:{}", page.get())).await?;
    Ok(crate::server::accounts::audit::list(&state.db, page, 50).await?)
}

#[server(endpoint = "admin/consent-log")]
pub async fn load_consent_log(
    consent_id: Option<String>,
    account_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
) -> Result<ConsentLogView, AccountError> {
    use crate::domain::paging::PageNumber;
    use crate::server::consent_audit;
    let (state, who) = ssr::staff().await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (filter, filter_error) = match ConsentLogFilter::parse(&text(&consent_id), &text(&account_id), &text(&from), &text(&to)) {
        Ok(filter) => (filter, None),
        Err(message) => (ConsentLogFilter::default(), Some(message)),
    };
    let page = PageNumber::new(page.unwrap_or(1));
    ssr::audit(&state, &who, "consent_log.search", &filter.query()).await?;
    let rows = consent_audit::search(&state.db, &filter, page, 50).await?;
    let chain = consent_audit::chain_report(&state.db, &state.keys.consent_log_anchor).await?;
    Ok(ConsentLogView { filter, filter_error, rows, chain })
}
