//! The staff area's marketing pages (issue 15): the campaigns with their progress, one
//! campaign's page (write, preview, send a test to yourself, send), and recording a withdrawal
//! received by telephone, e-mail, letter or in person (P21). Staff only, second factor
//! confirmed; every form works without JavaScript.

use crate::api::marketing_staff::{campaign_progress, load_campaign, load_campaigns, CampaignView, CampaignsView, MarketingError};
use crate::components::forms::{CsrfField, EnhancedForm, FormState, TextField};
use crate::components::notice::ErrorNotice;
use crate::components::pagination::Pagination;
use crate::domain::campaign::{CampaignStatus, CampaignSummary};
use crate::domain::forms::FormReply;
use crate::domain::marketing::{MarketingTopic, OptOutChannel, OPT_OUT_NOTE_MAX_CHARS};
use crate::pages::account::use_query_value;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A staff page's data, or what to show instead: sign in first, or why it cannot be shown.
fn staff_view<T, V: IntoView + 'static>(result: Result<T, MarketingError>, page: impl FnOnce(T) -> V) -> AnyView {
    match result {
        Ok(data) => page(data).into_any(),
        Err(MarketingError::NotSignedIn | MarketingError::SecondFactorRequired) => crate::pages::account::redirect_to_sign_in(),
        Err(error) => view! { <ErrorNotice title="This staff page cannot be shown" message=error.to_string()/> }.into_any(),
    }
}

#[component]
pub fn AdminMarketingPage() -> impl IntoView {
    let form = use_query_value("form");
    let page = use_query_value("page");
    let view =
        Resource::new(move || (page.get().and_then(|p| p.parse::<u32>().ok()), form.get()), |(page, form)| load_campaigns(page, form));
    view! {
        <Title text="Marketing"/>
        <h1>"Marketing"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { staff_view(view.await, |view| view! { <Campaigns view/> }) })}
        </Suspense>
    }
}

#[component]
fn Campaigns(view: CampaignsView) -> impl IntoView {
    let CampaignsView { campaigns, csrf_token, outcome } = view;
    let (page, total_pages) = (campaigns.page, campaigns.total_pages());
    let rows = campaigns
        .items
        .into_iter()
        .map(|c| {
            let href = format!("/admin/marketing/campaigns/{}", c.id);
            view! {
                <tr data-campaign-id=c.id>
                    <td><a href=href>{c.subject.clone()}</a></td>
                    <td>{c.topic.label()}</td>
                    <td>{c.status.label()}</td>
                    <td>{progress_text(&c)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="campaigns-title">
            <h2 id="campaigns-title">"Campaigns"</h2>
            <p>"A campaign goes to every address that consents to its topic at the moment it is sent, and to nobody else (P20). Each e-mail has an unsubscribe link at the bottom and one-click unsubscribe headers."</p>
            <p><a class="button" href="/admin/marketing/campaigns/new">"Write a campaign"</a></p>
            {if campaigns.total == 0 {
                view! { <p>"No campaigns yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table">
                        <thead><tr><th scope="col">"Subject"</th><th scope="col">"Topic"</th><th scope="col">"Status"</th><th scope="col">"Progress"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <Pagination page total_pages href_for=|n| format!("/admin/marketing?page={n}")/>
                }
                .into_any()
            }}
        </section>
        <OptOutForm csrf_token outcome/>
    }
}

/// "120 of 1,000 sent, 3 skipped", or what a draft or a campaign being prepared says.
fn progress_text(c: &CampaignSummary) -> String {
    match c.status {
        CampaignStatus::Draft => "Not sent yet".to_owned(),
        CampaignStatus::Sending if c.prepared_at.is_none() => format!("Choosing recipients: {} so far", c.prepared),
        _ => format!("{} of {} sent, {} skipped (withdrew consent meanwhile), {}% done", c.sent, c.prepared, c.skipped, c.percent_done()),
    }
}

#[component]
fn OptOutForm(csrf_token: String, outcome: Option<FormReply>) -> impl IntoView {
    view! {
        <section aria-labelledby="opt-out-title">
            <h2 id="opt-out-title">"Record a withdrawal"</h2>
            <p>"When someone asks us by telephone, e-mail, letter or in person to stop marketing e-mails, record it here: every topic stops at once for the address, including campaigns being sent. It is logged under your name."</p>
            <EnhancedForm name="opt-out" action="/api/admin/opt-out" outcome>
                <CsrfField token=csrf_token/>
                <TextField name="email" label="Their e-mail address" input_type="email" autocomplete="off"/>
                <ChannelChoice/>
                <TextArea name="note" label="Note (optional)" rows=3 hint=format!("For example the date of the call. At most {OPT_OUT_NOTE_MAX_CHARS} characters.")/>
                <button type="submit" class="button">"Stop their marketing e-mails"</button>
            </EnhancedForm>
        </section>
    }
}

#[component]
fn ChannelChoice() -> impl IntoView {
    let state = expect_context::<FormState>();
    let error = move || state.error("channel");
    let options = OptOutChannel::ALL
        .into_iter()
        .map(|channel| {
            let id = format!("opt-out-channel-{}", channel.key());
            view! {
                <div class="radio">
                    <input type="radio" id=id.clone() name="channel" value=channel.key() checked=channel == OptOutChannel::Phone/>
                    <label for=id>{channel.label()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class=move || if error().is_some() { "field field--error" } else { "field" } id="opt-out-channel">
            <legend class="field__label">"How did the request reach us?"</legend>
            {move || error().map(|message| view! { <p class="field-error">{message}</p> })}
            {options}
        </fieldset>
    }
}

/// A labelled text area with its hint and error, keeping what was typed after an error.
#[component]
fn TextArea(
    name: &'static str,
    label: &'static str,
    rows: u32,
    #[prop(optional, into)] hint: String,
    #[prop(optional, into)] value: String,
) -> impl IntoView {
    let state = expect_context::<FormState>();
    let id = state.field_id(name);
    let typed = state.typed(name).unwrap_or(value);
    let error = move || state.error(name);
    let error_id = format!("{id}-error");
    view! {
        <div class=move || if error().is_some() { "field field--error" } else { "field" }>
            <label class="field__label" for=id.clone()>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="field__hint">{hint.clone()}</p> })}
            {move || error().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
            <textarea class="field__input" id=id name=name rows=rows>{typed}</textarea>
        </div>
    }
}

/// `/admin/marketing/campaigns/new` and `/admin/marketing/campaigns/:id`.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let params = use_params_map();
    let form = use_query_value("form");
    let id = Memo::new(move |_| params.with(|p| p.get("id")).and_then(|id| id.parse::<i32>().ok()));
    let view = Resource::new(move || (id.get(), form.get()), |(id, form)| load_campaign(id, form));
    view! {
        <Title text="Campaign"/>
        <p><a href="/admin/marketing">"All campaigns"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { staff_view(view.await, |view| view! { <Campaign view/> }) })}
        </Suspense>
    }
}

#[component]
fn Campaign(view: CampaignView) -> impl IntoView {
    let CampaignView { detail, preview, your_address, csrf_token, outcome } = view;
    let Some(detail) = detail else {
        return view! {
            <h1>"Write a campaign"</h1>
            <CampaignForm id=None draft=None csrf_token outcome/>
        }
        .into_any();
    };
    let id = detail.summary.id;
    let status = detail.summary.status;
    let draft = detail.draft();
    let html_preview = draft.html_body.clone();
    let (subject, text) = preview.unwrap_or_default();
    let (test_token, send_token) = (csrf_token.clone(), csrf_token.clone());
    let (test_outcome, send_outcome) = (outcome.clone(), outcome.clone());
    // Once sending has started its form is gone: its answer is shown above the progress.
    let started = outcome.as_ref().filter(|o| o.form == "campaign-send" && status != CampaignStatus::Draft).and_then(|o| o.notice.clone());
    view! {
        <h1>{detail.summary.subject.clone()}</h1>
        {started.map(|notice| view! { <p class="notice notice--success" role="status">{notice}</p> })}
        <p>{format!("For those who chose “{}”. Status: {}.", draft.topic.label(), status.label())}</p>
        {(status != CampaignStatus::Draft).then(|| view! { <Progress id initial=detail.summary.clone()/> })}
        {(status == CampaignStatus::Draft).then(|| view! {
            <CampaignForm id=Some(id) draft=Some(draft.clone()) csrf_token outcome/>
        })}
        <section aria-labelledby="preview-title" class="campaign-preview">
            <h2 id="preview-title">"Preview: exactly what a recipient gets"</h2>
            <p><strong>"Subject: "</strong>{subject}</p>
            <h3>"Plain-text version"</h3>
            <pre class="campaign-preview__text">{text}</pre>
            <h3>"HTML version (the part you wrote; the store adds the page around it and the unsubscribe footer)"</h3>
            // Written by staff and checked to hold no <script>; the page's CSP runs no inline
            // script or handler in any case.
            <div class="campaign-preview__html" inner_html=html_preview></div>
        </section>
        {(status == CampaignStatus::Draft).then(|| view! {
            <section aria-labelledby="send-title">
                <h2 id="send-title">"Send"</h2>
                <EnhancedForm name="campaign-test" action="/api/admin/campaign-test" outcome=test_outcome>
                    <CsrfField token=test_token/>
                    <input type="hidden" name="id" value=id/>
                    <p>{format!("A test goes to you ({your_address}) only, with “[Test]” before the subject.")}</p>
                    <button type="submit" class="button button--secondary">"Send a test to me"</button>
                </EnhancedForm>
                <EnhancedForm name="campaign-send" action="/api/admin/campaign-send" outcome=send_outcome>
                    <CsrfField token=send_token/>
                    <input type="hidden" name="id" value=id/>
                    <p>"Sending chooses the recipients now, from who consents to this topic at this moment, and cannot be undone. The campaign can no longer be changed."</p>
                    <button type="submit" class="button">"Send the campaign now"</button>
                </EnhancedForm>
            </section>
        })}
    }
    .into_any()
}

#[component]
fn CampaignForm(
    id: Option<i32>,
    draft: Option<crate::domain::campaign::CampaignDraft>,
    csrf_token: String,
    outcome: Option<FormReply>,
) -> impl IntoView {
    let (subject, text_body, html_body, topic) = match draft {
        Some(d) => (d.subject, d.text_body, d.html_body, Some(d.topic)),
        None => Default::default(),
    };
    let topics = MarketingTopic::ALL
        .into_iter()
        .map(|t| {
            let radio_id = format!("campaign-topic-{}", t.key());
            view! {
                <div class="radio">
                    <input type="radio" id=radio_id.clone() name="topic" value=t.key() checked=topic == Some(t)/>
                    <label for=radio_id>{t.label()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <EnhancedForm name="campaign" action="/api/admin/campaign-save" outcome>
            <CsrfField token=csrf_token/>
            <input type="hidden" name="id" value=id.map(|id| id.to_string()).unwrap_or_default()/>
            <TextField name="subject" label="Subject" value=subject/>
            <fieldset class="field" id="campaign-topic">
                <legend class="field__label">"Topic: who gets it"</legend>
                {topics}
            </fieldset>
            <TextArea name="text_body" label="Plain-text version" rows=10 value=text_body/>
            <TextArea name="html_body" label="HTML version" rows=10 hint="Only what goes inside the e-mail (paragraphs, links, images): no <html>, <head> or <body>, no scripts." value=html_body/>
            <button type="submit" class="button">"Save the draft"</button>
        </EnhancedForm>
    }
}

/// How far sending has come; hydrated, it follows along every 2 seconds until done.
#[component]
fn Progress(id: i32, initial: CampaignSummary) -> impl IntoView {
    let summary = RwSignal::new(initial);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                if summary.get_untracked().status == CampaignStatus::Sending {
                    leptos::task::spawn_local(async move {
                        if let Ok(latest) = campaign_progress(id).await {
                            summary.set(latest);
                        }
                    });
                }
            },
            std::time::Duration::from_secs(2),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, campaign_progress);
    view! {
        <section aria-labelledby="progress-title">
            <h2 id="progress-title">"Progress"</h2>
            <p role="status" data-campaign-status=move || summary.with(|s| s.status.as_str())>{move || summary.with(progress_text)}</p>
            <progress max="100" value=move || summary.with(|s| s.percent_done())></progress>
        </section>
    }
}
