//! P21: consent can be withdrawn by contacting the store. Staff record a withdrawal received by
//! telephone, e-mail, letter or in person: every topic stops for the address, each change is a
//! consent-log row with source `staff` naming the staff member and the channel, and the staff
//! action (with its note) goes to the audit log. Staff can only ever withdraw, never subscribe.

use super::preferences::{self, ChangeContext, Proof};
use crate::domain::account::EmailAddress;
use crate::domain::consent::ConsentSource;
use crate::domain::forms::{FormReply, Validation};
use crate::domain::marketing::{masked_address, MarketingTopic, OptOutChannel, OPT_OUT_NOTE_MAX_CHARS};
use crate::errors::marketing::MarketingError;
use crate::server::accounts::{audit, SignedIn};
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use http::request::Parts;

pub const FORM: &str = "opt-out";

pub async fn record_opt_out(
    state: &AppState,
    parts: Option<&Parts>,
    staff: &SignedIn,
    email: &str,
    channel: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<FormReply, MarketingError> {
    let typed = vec![("email".to_owned(), email.to_owned()), ("note".to_owned(), note.to_owned())];
    let mut v = Validation::default();
    let address = v.check("email", EmailAddress::parse(email));
    let channel = v.check("channel", OptOutChannel::parse(channel).ok_or_else(|| "Choose how the request reached us".to_owned()));
    let note = note.trim();
    if note.chars().count() > OPT_OUT_NOTE_MAX_CHARS {
        v.add("note", format!("Keep the note to {OPT_OUT_NOTE_MAX_CHARS} characters"));
    }
    let (Some(address), Some(channel), true) = (address, channel, v.is_clean()) else {
        return Ok(FormReply::rejected(FORM, v.into_errors(), typed));
    };
    let mut context = ChangeContext::from_request(state, parts, ConsentSource::Staff, None);
    // The log row names who recorded it and how the request came (the chain makes it tamper-evident).
    context.browser_family = format!("staff {} ({})", staff.account.id, channel.key());
    let nothing = MarketingTopic::all_off();
    let stopped = preferences::set_all(state, &address, &nothing, Proof::WithdrawalOnly, &context, now).await?;
    let subscriber = preferences::subscriber_by_email(&state.db, &address).await?;
    let target = subscriber.map_or_else(|| "subscriber:none".to_owned(), |s| format!("subscriber:{}", s.subject_id));
    let detail = if note.is_empty() { channel.label().to_owned() } else { format!("{}: {note}", channel.label()) };
    audit::record(&state.db, Some(staff.account.id), "marketing.opt_out", &target, &detail, now).await?;
    tracing::info!(staff = staff.account.id, stopped, "staff recorded a marketing opt-out");
    let notice = if stopped > 0 {
        format!("Recorded: {} gets no more marketing e-mails ({stopped} topic(s) stopped).", masked_address(address.as_str()))
    } else {
        format!("{} was not subscribed to anything, so there was nothing to stop.", masked_address(address.as_str()))
    };
    Ok(FormReply::saved(FORM, notice))
}
