//! The staff area at /admin: the outbox (e-mails the store has written) and the audit log.
//! Orders, consent logs and data requests join it as those capabilities land.

use crate::api::admin::{check_staff, load_audit_log, load_consent_log, load_outbox, load_outbox_message, ConsentLogView};
use crate::components::notice::ErrorNotice;
use crate::components::pagination::Pagination;
use crate::domain::mail::{OutboxMessage, OutboxSummary};
use crate::domain::paging::Paged;
use crate::domain::staff::{AuditEntry, ChainReport};
use crate::errors::account::AccountError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Renders a staff page's data, or what to do when it cannot be shown.
fn staff_view<T, V>(result: Result<T, AccountError>, page: impl FnOnce(T) -> V) -> AnyView
where
    V: IntoView + 'static,
{
    match result {
        Ok(data) => page(data).into_any(),
        Err(AccountError::NotSignedIn) => crate::pages::account::redirect_to_sign_in(),
        Err(error) => view! { <ErrorNotice title="This staff page cannot be shown" message=error.to_string()/> }.into_any(),
    }
}

fn page_param() -> Memo<Option<u32>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("page")).and_then(|p| p.parse().ok()))
}

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let allowed = Resource::new(|| (), |_| check_staff());
    view! {
        <Title text="Staff area"/>
        <h1>"Staff area"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                staff_view(allowed.await, |_| view! {
                    <ul class="admin-links">
                        <li><a href="/admin/orders">"Orders"</a>": find an order, dispatch it, mark it delivered or cancel it."</li>
                        <li><a href="/admin/outbox">"Outbox"</a>": every e-mail the store has written, and whether it was sent."</li>
                        <li><a href="/admin/marketing">"Marketing"</a>": write and send campaigns, follow their progress, and record a withdrawal received by telephone, e-mail or letter."</li>
                        <li><a href="/admin/consent-log">"Consent log"</a>": every cookie and marketing decision, searchable, with the hash chain checked and exports for auditors."</li>
                        <li><a href="/admin/audit">"Audit log"</a>": every action taken in the staff area."</li>
                    </ul>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let page = page_param();
    let outbox = Resource::new(move || page.get(), load_outbox);
    view! {
        <Title text="Outbox"/>
        <h1>"Outbox"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { staff_view(outbox.await, |outbox| view! { <OutboxTable outbox/> }) })}
        </Suspense>
    }
}

#[component]
fn OutboxTable(outbox: Paged<OutboxSummary>) -> impl IntoView {
    let (page, total_pages) = (outbox.page, outbox.total_pages());
    let rows = outbox
        .items
        .into_iter()
        .map(|mail| {
            view! {
                <tr data-mail-id=mail.id>
                    <td>{mail.created_at}</td>
                    <td>{mail.to_address}</td>
                    <td><a href=format!("/admin/outbox/{}", mail.id)>{mail.subject}</a></td>
                    <td>{mail.kind.label()}</td>
                    <td>{mail.status.label()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p>{format!("{} message(s). Without a mail server (SMTP_URL), messages are held here. One-time links (address confirmation, password reset, e-mail change) are never shown to staff: only their recipient gets them.", outbox.total)}</p>
        <table class="data-table">
            <thead><tr><th scope="col">"Written"</th><th scope="col">"To"</th><th scope="col">"Subject"</th><th scope="col">"Kind"</th><th scope="col">"Status"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <Pagination page total_pages href_for=|n| format!("/admin/outbox?page={n}")/>
    }
}

#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let message = Resource::new(move || id.get(), load_outbox_message);
    view! {
        <Title text="Outbox message"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { staff_view(message.await, |message| view! { <MessageView message/> }) })}
        </Suspense>
        <p><a href="/admin/outbox">"Back to the outbox"</a></p>
    }
}

#[component]
fn MessageView(message: OutboxMessage) -> impl IntoView {
    let OutboxMessage { summary, text_body, last_error, .. } = message;
    view! {
        <h1>{summary.subject}</h1>
        <dl class="summary-list">
            <dt>"To"</dt><dd>{summary.to_address}</dd>
            <dt>"Written"</dt><dd>{summary.created_at}</dd>
            <dt>"Status"</dt><dd>{summary.status.label()}{last_error.map(|e| format!(" ({e})"))}</dd>
        </dl>
        // The plain-text body, shown as text: a message's HTML is never rendered in the staff area.
        <pre class="mail-body" data-mail-body="">{text_body}</pre>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let page = page_param();
    let log = Resource::new(move || page.get(), load_audit_log);
    view! {
        <Title text="Audit log"/>
        <h1>"Audit log"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { staff_view(log.await, |log| view! { <AuditTable log/> }) })}
        </Suspense>
    }
}

#[component]
fn AuditTable(log: Paged<AuditEntry>) -> impl IntoView {
    let (page, total_pages) = (log.page, log.total_pages());
    let rows = log
        .items
        .into_iter()
        .map(|entry| {
            let actor = entry.actor_account_id.map(|id| format!("account {id}")).unwrap_or_else(|| "command line".into());
            view! { <tr><td>{entry.recorded_at}</td><td>{actor}</td><td>{entry.action}</td><td>{entry.target}</td><td>{entry.detail}</td></tr> }
        })
        .collect_view();
    view! {
        <table class="data-table">
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"On"</th><th scope="col">"Detail"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <Pagination page total_pages href_for=|n| format!("/admin/audit?page={n}")/>
    }
}

#[component]
pub fn ConsentLogPage() -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| {
        query.with(|q| {
            (q.get("consent_id"), q.get("account_id"), q.get("from"), q.get("to"), q.get("page").and_then(|p| p.parse::<u32>().ok()))
        })
    });
    let log = Resource::new(
        move || search.get(),
        |(consent_id, account_id, from, to, page)| load_consent_log(consent_id, account_id, from, to, page),
    );
    view! {
        <Title text="Consent log"/>
        <h1>"Consent log"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { staff_view(log.await, |view| view! { <ConsentLogView view/> }) })}
        </Suspense>
    }
}

#[component]
fn ConsentLogView(view: ConsentLogView) -> impl IntoView {
    let ConsentLogView { filter, filter_error, rows, chain } = view;
    let query = filter.query();
    let chain = match chain {
        ChainReport::Intact { rows } => view! { <p class="notice notice--success" data-chain="intact">{format!("Chain verified: all {rows} rows are intact and in order.")}</p> }.into_any(),
        ChainReport::Broken { row_id, problem } => view! { <p class="notice notice--error" role="alert" data-chain="broken">{format!("The chain is broken at row {row_id}: {problem}.")}</p> }.into_any(),
    };
    let (page, total_pages) = (rows.page, rows.total_pages());
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let table_rows = rows
        .items
        .into_iter()
        .map(|r| {
            view! {
                <tr>
                    <td>{r.id}</td><td>{r.recorded_at}</td><td><code>{r.consent_id}</code></td>
                    <td>{r.account_id.map(|a| a.to_string()).unwrap_or_default()}</td>
                    <td>{r.purpose}</td><td>{r.event}</td><td>{r.source}</td>
                    <td>{yes_no(r.analytics)}</td><td>{yes_no(r.functionality)}</td><td>{yes_no(r.targeting)}</td>
                    <td>{r.policy_version}</td><td>{r.browser_family}</td>
                </tr>
            }
        })
        .collect_view();
    let page_query = query.clone();
    view! {
        {chain}
        <form class="form search-form" method="get" action="/admin/consent-log">
            {filter_error.map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <div class="field"><label class="field__label" for="log-consent-id">"Consent id"</label><input class="field__input" id="log-consent-id" name="consent_id" value=filter.consent_id.unwrap_or_default()/></div>
            <div class="field"><label class="field__label" for="log-account">"Account number"</label><input class="field__input" id="log-account" name="account_id" inputmode="numeric" value=filter.account_id.map(|a| a.to_string()).unwrap_or_default()/></div>
            <div class="field"><label class="field__label" for="log-from">"From (YYYY-MM-DD)"</label><input class="field__input" id="log-from" name="from" value=filter.from.unwrap_or_default()/></div>
            <div class="field"><label class="field__label" for="log-to">"To (YYYY-MM-DD)"</label><input class="field__input" id="log-to" name="to" value=filter.to.unwrap_or_default()/></div>
            <button type="submit" class="button">"Search the log"</button>
        </form>
        <p>
            {format!("{} matching row(s). Export for an auditor: ", rows.total)}
            <a href=format!("/admin/consent-log.csv?{query}") download="">"CSV"</a>" · "
            <a href=format!("/admin/consent-log.json?{query}") download="">"JSON"</a>
        </p>
        <table class="data-table">
            <thead><tr>
                <th scope="col">"Row"</th><th scope="col">"Recorded"</th><th scope="col">"Consent id"</th><th scope="col">"Account"</th>
                <th scope="col">"Purpose"</th><th scope="col">"Event"</th><th scope="col">"Source"</th><th scope="col">"Analytics"</th><th scope="col">"Functionality"</th>
                <th scope="col">"Targeting"</th><th scope="col">"Policy"</th><th scope="col">"Browser"</th>
            </tr></thead>
            <tbody>{table_rows}</tbody>
        </table>
        <Pagination page total_pages href_for=move |n| format!("/admin/consent-log?{page_query}&page={n}")/>
    }
}
