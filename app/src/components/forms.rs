//! Forms after the GOV.UK pattern: a label on every field, an error summary that links to each
//! field in error, the error repeated at the field, and what was typed kept. Every form is a
//! plain HTML form that works without JavaScript; hydrated, it posts in the background and
//! shows the answer in place (one small submit handler for every form, to keep the wasm small).

use crate::domain::forms::FormReply;
use leptos::prelude::*;

/// The answer a form is showing, shared with its fields.
#[derive(Clone, Copy)]
pub struct FormState {
    pub name: &'static str,
    pub reply: RwSignal<Option<FormReply>>,
}

impl FormState {
    pub fn error(&self, field: &str) -> Option<String> {
        self.reply.with(|r| r.as_ref().and_then(|r| r.error_for(field)).map(str::to_owned))
    }

    /// What the shopper typed before an error, shown again.
    pub fn typed(&self, field: &str) -> Option<String> {
        self.reply.with_untracked(|r| r.as_ref().and_then(|r| r.value_of(field)).map(str::to_owned))
    }

    pub fn field_id(&self, field: &str) -> String {
        format!("{}-{field}", self.name)
    }
}

/// A form posting to a server function. `outcome` is the answer to a plain post of this page
/// (brought back after the redirect), shown if it belongs to this form.
#[component]
pub fn EnhancedForm(
    name: &'static str,
    action: &'static str,
    #[prop(optional_no_strip)] outcome: Option<FormReply>,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let reply = RwSignal::new(outcome.filter(|o| o.form == name));
    let state = FormState { name, reply };
    provide_context(state);
    let busy = RwSignal::new(false);
    let form_ref = NodeRef::new();
    crate::components::hydration::mark_when_hydrated(form_ref);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            if let Some(form) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(t).ok()) {
                leptos::task::spawn_local(async move {
                    let answer = browser::post_form(action, &form).await;
                    busy.set(false);
                    browser::show(name, answer, reply);
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let summary = move || {
        reply.with(|r| match r {
            Some(r) if !r.errors.is_empty() => {
                let items = r
                    .errors
                    .iter()
                    .map(|e| {
                        let href = if e.field == "form" { format!("#{name}-summary") } else { format!("#{name}-{}", e.field) };
                        view! { <li><a href=href>{e.message.clone()}</a></li> }
                    })
                    .collect_view();
                Some(
                    view! {
                        <div class="error-summary" id=format!("{name}-summary") role="alert" tabindex="-1">
                            <h2 class="error-summary__title">"There is a problem"</h2>
                            <ul class="error-summary__list">{items}</ul>
                        </div>
                    }
                    .into_any(),
                )
            }
            Some(FormReply { notice: Some(notice), .. }) => {
                Some(view! { <p class="notice notice--success" role="status">{notice.clone()}</p> }.into_any())
            }
            _ => None,
        })
    };
    view! {
        <form node_ref=form_ref class=format!("form {class}") name=name method="post" action=action data-enhanced="" on:submit=on_submit novalidate aria-busy=move || busy.get().to_string()>
            {summary}
            {children()}
        </form>
    }
}

/// A labelled input with its hint and error.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] value: String,
) -> impl IntoView {
    let state = expect_context::<FormState>();
    let id = state.field_id(name);
    // Passwords are never written back into a page.
    let value = if input_type == "password" { String::new() } else { state.typed(name).unwrap_or(value) };
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = format!("{id}-error");
    let error = move || state.error(name);
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids: Vec<String> = hint_id.iter().cloned().collect();
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class=move || if error().is_some() { "field field--error" } else { "field" }>
            <label class="field__label" for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{hint}</p> })}
            {move || error().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
            <input
                class="field__input"
                id=id.clone()
                name=name
                type=input_type
                autocomplete=autocomplete
                value=value
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described_by
            />
        </div>
    }
}

/// The session's CSRF token, sent back with every signed-in form.
#[component]
pub fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf_token" value=token/> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::domain::forms::{FieldError, FormReply};
    use crate::errors::account::AccountError;
    use crate::errors::marketing::MarketingError;
    use crate::errors::shop::ShopError;
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    /// Posts the form as a browser would (same fields, same encoding), asking for JSON.
    pub async fn post_form(action: &str, form: &web_sys::HtmlFormElement) -> Result<FormReply, String> {
        let unreachable = |_| "We couldn't reach the store. Check your connection and try again.".to_owned();
        let data = web_sys::FormData::new_with_form(form).map_err(unreachable)?;
        let body = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).map_err(unreachable)?;
        let headers = web_sys::Headers::new().map_err(unreachable)?;
        headers.set("Accept", "application/json").map_err(unreachable)?;
        headers.set("Content-Type", "application/x-www-form-urlencoded").map_err(unreachable)?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&JsValue::from(body.to_string()));
        let response: web_sys::Response =
            JsFuture::from(window().fetch_with_str_and_init(action, &init)).await.and_then(|r| r.dyn_into()).map_err(unreachable)?;
        let text = JsFuture::from(response.text().map_err(unreachable)?).await.map_err(unreachable)?.as_string().unwrap_or_default();
        if response.ok() {
            serde_json::from_str::<FormReply>(&text)
                .map_err(|_| "The store sent an answer we could not read. Please reload the page.".to_owned())
        } else {
            // Each capability answers with its own error type; its message is what to show.
            let marketing = action.starts_with("/api/marketing/") || action.starts_with("/api/newsletter/");
            let message = serde_json::from_str::<MarketingError>(&text)
                .ok()
                .filter(|_| marketing)
                .map(|e| e.to_string())
                .ok_or(())
                .or_else(|_| serde_json::from_str::<AccountError>(&text).map(|e| e.to_string()))
                .or_else(|_| serde_json::from_str::<ShopError>(&text).map(|e| e.to_string()))
                .unwrap_or_else(|_| "Something went wrong on our side. Please try again.".to_owned());
            Err(message)
        }
    }

    /// After a refused submission the card number and security code are cleared, as a plain
    /// post's reloaded page never shows them: they are typed again, never kept (P05).
    fn forget_card_details(form: &str) {
        let selector = format!("form[name=\"{form}\"] input[autocomplete=cc-number], form[name=\"{form}\"] input[autocomplete=cc-csc]");
        if let Ok(inputs) = document().query_selector_all(&selector) {
            for i in 0..inputs.length() {
                if let Some(input) = inputs.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                    input.set_value("");
                }
            }
        }
    }

    pub fn show(name: &'static str, answer: Result<FormReply, String>, reply: RwSignal<Option<FormReply>>) {
        let answer = answer.unwrap_or_else(|message| FormReply::rejected(name, vec![FieldError::new("form", message)], vec![]));
        // A reply that names a page goes there: after a success, or when the page must be
        // reloaded to show the error (the server put the outcome in the address).
        if let Some(target) = &answer.redirect {
            let _ = window().location().assign(target);
            return;
        }
        let has_errors = !answer.errors.is_empty();
        if has_errors {
            forget_card_details(name);
        }
        reply.set(Some(answer));
        if has_errors {
            // GOV.UK: move focus to the summary so screen readers announce it.
            request_animation_frame(move || {
                if let Some(summary) =
                    document().get_element_by_id(&format!("{name}-summary")).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = summary.focus();
                }
            });
        }
    }
}
