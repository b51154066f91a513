//! S11: the account holder's own sessions (`/account/sessions`): where they are signed in, and
//! "Sign out everywhere else", which ends every session but the one asking.

use super::{sessions, SignedIn};
use crate::domain::account::SessionSummary;
use crate::domain::forms::FormReply;
use crate::errors::account::AccountError;
use crate::server::state::AppState;
use chrono::{DateTime, Utc};

pub const FORM: &str = "sessions";
const PAGE: &str = "/account/sessions";

/// The account's live sessions, most recently seen first; the asking one is marked.
pub async fn list(state: &AppState, signed_in: &SignedIn, now: DateTime<Utc>) -> Result<Vec<SessionSummary>, AccountError> {
    let rows = sessions::list_live(&state.db, signed_in.account.id, state.sessions, now).await?;
    let shown = |at: DateTime<Utc>| at.format("%-d %b %Y, %H:%M UTC").to_string();
    Ok(rows
        .into_iter()
        .map(|row| SessionSummary {
            started: shown(row.created_at),
            last_seen: shown(row.last_seen_at),
            browser: row.user_agent_family.unwrap_or_else(|| "unknown".to_owned()),
            this_browser: row.id == signed_in.session.id,
        })
        .collect())
}

/// Ends every other session of the account; the answer comes back on the sessions page.
pub async fn sign_out_everywhere_else(state: &AppState, signed_in: &SignedIn) -> Result<FormReply, AccountError> {
    let ended = sessions::end_others(&state.db, signed_in.account.id, Some(&signed_in.session.id)).await?;
    tracing::info!(account_id = signed_in.account.id, ended, "signed out everywhere else");
    let notice = match ended {
        0 => "You were not signed in anywhere else. You are still signed in here.".to_owned(),
        1 => "You have been signed out everywhere else: 1 other session ended. You are still signed in here.".to_owned(),
        n => format!("You have been signed out everywhere else: {n} other sessions ended. You are still signed in here."),
    };
    Ok(FormReply { redirect: Some(PAGE.to_owned()), ..FormReply::saved(FORM, notice) })
}
