//! The newsletter's pages (P07, P21, P22, B07): signing up, confirming by the e-mailed link,
//! and the choices page an e-mailed link opens, where a subscriber picks topics or leaves
//! without signing in. Each works without JavaScript (B09). A link's token is in the address,
//! so these pages are private (no tags, no referrer, no caching: `domain::private_pages`).

use super::account::{use_form_outcome, use_query_value};
use crate::api::marketing::{load_linked_choices, LinkedChoicesView};
use crate::components::forms::{EnhancedForm, TextField};
use crate::components::notice::ErrorNotice;
use crate::domain::marketing::NEWSLETTER_PROMISE;
use leptos::prelude::*;
use leptos_meta::Title;

/// Where the footer's sign-up form lands: its answer, the form again, and a way to get a link
/// to one's choices.
#[component]
pub fn NewsletterPage() -> impl IntoView {
    let outcome = use_form_outcome();
    view! {
        <Title text="Newsletter"/>
        <h1>"The SOP Store newsletter"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let outcome = outcome.await;
                view! {
                    <NewsletterSignUp outcome=outcome.clone()/>
                    <h2 id="manage">"Already subscribed?"</h2>
                    <p>"Every newsletter has a link at the bottom to choose what you receive or to unsubscribe. No e-mail to hand? We can send you a new link."</p>
                    <EnhancedForm name="preferences-link" action="/api/newsletter/link" outcome>
                        <TextField name="email" label="Email address" input_type="email" autocomplete="email"/>
                        <button type="submit" class="button button--secondary">"Send me a link"</button>
                    </EnhancedForm>
                }
            })}
        </Suspense>
    }
}

/// P33: the sign-up form, with the sentence saying what subscribers receive.
#[component]
pub fn NewsletterSignUp(#[prop(optional_no_strip)] outcome: Option<crate::domain::forms::FormReply>) -> impl IntoView {
    view! {
        <EnhancedForm name="newsletter" action="/api/newsletter/subscribe" outcome>
            <p class="newsletter__promise">{NEWSLETTER_PROMISE}</p>
            <TextField name="email" label="Email address" input_type="email" autocomplete="email" hint="We will e-mail you a link to confirm. Nothing else is sent until you do."/>
            <button type="submit" class="button">"Subscribe"</button>
        </EnhancedForm>
    }
}

/// B07: the confirmation link opens this page; the button confirms, so a mail scanner that
/// follows links cannot subscribe anyone.
#[component]
pub fn ConfirmSubscriptionPage() -> impl IntoView {
    let token = use_query_value("token");
    let outcome = use_form_outcome();
    view! {
        <Title text="Confirm your subscription"/>
        <h1>"Confirm your subscription"</h1>
        <p>{NEWSLETTER_PROMISE}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let outcome = outcome.await;
                view! {
                    <EnhancedForm name="confirm-subscription" action="/api/newsletter/confirm" outcome>
                        <input type="hidden" name="token" value=token.get_untracked().unwrap_or_default()/>
                        <button type="submit" class="button">"Yes, subscribe me"</button>
                    </EnhancedForm>
                }
            })}
        </Suspense>
    }
}

/// P21, P22: the page an unsubscribe or preferences link opens, without signing in.
#[component]
pub fn NewsletterPreferencesPage() -> impl IntoView {
    let token = use_query_value("token");
    let form = use_query_value("form");
    let linked = Resource::new(
        move || (token.get(), form.get()),
        |(token, form)| async move { load_linked_choices(token.unwrap_or_default(), form).await },
    );
    view! {
        <Title text="Your e-mail choices"/>
        <h1>"Your e-mail choices"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading your choices…"</p> }>
            {move || Suspend::new(async move {
                match linked.await {
                    Ok(view) => view! { <LinkedChoices view token=token.get_untracked().unwrap_or_default()/> }.into_any(),
                    Err(error) => view! {
                        <ErrorNotice title="This link does not open any choices" message=error.to_string()/>
                        <p><a href="/newsletter#manage">"Ask for a new link"</a></p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LinkedChoices(view: LinkedChoicesView, token: String) -> impl IntoView {
    let LinkedChoicesView { masked_email, choices, outcome } = view;
    let boxes = choices
        .into_iter()
        .map(|choice| {
            let id = format!("linked-{}", choice.topic.key());
            view! {
                <div class="switch">
                    <input class="switch__input" type="checkbox" id=id.clone() name=choice.topic.key() checked=choice.subscribed/>
                    <label class="switch__label" for=id>{choice.label}</label>
                    <p class="switch__wording">{choice.wording}</p>
                </div>
            }
        })
        .collect_view();
    let unsubscribe_token = token.clone();
    // The confirmation link's answer arrives here with the address's choices.
    let confirmed = outcome.as_ref().filter(|o| o.form == "confirm-subscription").and_then(|o| o.notice.clone());
    view! {
        {confirmed.map(|notice| view! { <p class="notice notice--success" role="status">{notice}</p> })}
        <p>"For the address "<strong>{masked_email}</strong>"."</p>
        <EnhancedForm name="unsubscribe" action="/api/newsletter/unsubscribe" outcome=outcome.clone()>
            <input type="hidden" name="token" value=unsubscribe_token/>
            <p>"Stop every marketing e-mail to this address, at once:"</p>
            <button type="submit" class="button">"Unsubscribe from everything"</button>
        </EnhancedForm>
        <h2>"Or choose what you receive"</h2>
        <EnhancedForm name="linked-choices" action="/api/newsletter/save" outcome>
            <input type="hidden" name="token" value=token/>
            <fieldset class="marketing-switches__topics">
                <legend>"E-mails you want from us"</legend>
                {boxes}
            </fieldset>
            <button type="submit" class="button button--secondary">"Save my choices"</button>
        </EnhancedForm>
    }
}
