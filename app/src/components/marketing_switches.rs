//! P23: the account holder's marketing switches, one per topic, each with the exact words it
//! agrees to. Without JavaScript they are a plain form with a Save button (B09). Hydrated, a
//! switch saves as soon as it is flipped: it shows the new position at once and rolls back,
//! saying why, if the store refuses.

use crate::domain::forms::FormReply;
use crate::domain::marketing::TopicChoice;
use leptos::prelude::*;

#[component]
pub fn MarketingSwitches(choices: Vec<TopicChoice>, csrf_token: String, outcome: Option<FormReply>) -> impl IntoView {
    let form_ref = NodeRef::new();
    crate::components::hydration::mark_when_hydrated(form_ref);
    // Hydrated, each switch saves itself and the form's button has nothing left to do.
    let live = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| live.set(true));
    let notice = outcome.filter(|o| o.form == "marketing").and_then(|o| o.notice);
    let switches = choices.into_iter().map(|choice| view! { <TopicSwitch choice csrf_token=csrf_token.clone()/> }).collect_view();
    view! {
        <form node_ref=form_ref class="form marketing-switches" name="marketing" method="post" action="/api/marketing/settings" data-enhanced="">
            {notice.map(|n| view! { <p class="notice notice--success" role="status">{n}</p> })}
            <input type="hidden" name="csrf_token" value=csrf_token.clone()/>
            <fieldset class="marketing-switches__topics">
                <legend>"E-mails you want from us"</legend>
                {switches}
            </fieldset>
            <button type="submit" class="button" hidden=move || live.get()>"Save my e-mail choices"</button>
        </form>
    }
}

#[component]
fn TopicSwitch(choice: TopicChoice, csrf_token: String) -> impl IntoView {
    let TopicChoice { topic, label, wording, subscribed } = choice;
    let on = RwSignal::new(subscribed);
    // What the last save said: a confirmation, or why the switch went back.
    let said = RwSignal::new(None::<Result<&'static str, String>>);
    let saving = RwSignal::new(false);
    let id = format!("marketing-{}", topic.key());
    let wording_id = format!("{id}-wording");
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let wanted = event_target_checked(&ev);
            let before = on.get_untracked();
            on.set(wanted);
            saving.set(true);
            let csrf_token = csrf_token.clone();
            leptos::task::spawn_local(async move {
                let answer = crate::api::marketing::set_marketing_topic(csrf_token, topic.key().to_owned(), wanted).await;
                saving.set(false);
                match answer {
                    Ok(stored) => {
                        on.set(stored.subscribed);
                        said.set(Some(Ok(if stored.subscribed {
                            "Saved: you will get these e-mails."
                        } else {
                            "Saved: you will not get these e-mails."
                        })));
                    }
                    Err(error) => {
                        on.set(before);
                        said.set(Some(Err(format!("Not saved: {error}"))));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &csrf_token);
    };
    view! {
        <div class="switch" data-topic=topic.key()>
            <input
                class="switch__input"
                type="checkbox"
                role="switch"
                id=id.clone()
                name=topic.key()
                checked=subscribed
                prop:checked=move || on.get()
                aria-describedby=wording_id.clone()
                aria-busy=move || saving.get().to_string()
                on:change=on_change
            />
            <label class="switch__label" for=id>{label}</label>
            <p class="switch__wording" id=wording_id>{wording}</p>
            {move || said.get().map(|said| match said {
                Ok(text) => view! { <p class="switch__status" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="switch__status switch__status--error" role="alert">{text}</p> }.into_any(),
            })}
        </div>
    }
}
