//! S11: `/account/two-factor`, the second step of a staff sign-in: the first time, setting up an
//! authenticator app (its setup key and link shown as text) and confirming it with a code; after
//! that, the code alone. A right code goes on to `next`. The form works without JavaScript.

use super::{redirect_to_sign_in, use_query_value};
use crate::api::account::{load_two_factor, AccountError, TwoFactorView};
use crate::components::forms::{CsrfField, EnhancedForm, TextField};
use crate::components::notice::ErrorNotice;
use crate::domain::account::SecondFactorStep;
use crate::domain::forms::FormReply;
use leptos::prelude::*;
use leptos_meta::Title;

const CODE_HINT: &str = "The 6-digit code your authenticator app shows for SOP Store, for example 123456. It changes every 30 seconds.";

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let form = use_query_value("form");
    let next = use_query_value("next");
    let data = Resource::new(move || form.get(), load_two_factor);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <TwoFactor data next=next.get_untracked().unwrap_or_default()/> }.into_any(),
                    Err(AccountError::NotSignedIn) => redirect_to_sign_in(),
                    Err(error) => view! { <ErrorNotice title="This page could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TwoFactor(data: TwoFactorView, next: String) -> impl IntoView {
    let TwoFactorView { step, csrf_token, outcome } = data;
    let onwards = crate::domain::forms::safe_local_path(&next).unwrap_or("/account").to_owned();
    match step {
        SecondFactorStep::Enrol { secret, otpauth_uri } => view! {
            <Title text="Set up your authenticator app"/>
            <h1>"Set up your authenticator app"</h1>
            <p>"Staff accounts sign in in two steps: the password, then a 6-digit code from an authenticator app on your phone or computer (for example Google Authenticator, Microsoft Authenticator or 1Password). Set it up once, now."</p>
            <ol class="steps">
                <li>
                    "In your app, add an account and choose to enter a setup key. Type this key (the spaces do not matter) and choose a time-based code if asked:"
                    <p class="totp-secret" data-totp-secret="">{secret}</p>
                </li>
                <li>
                    "Or, if your app can open a setup link, use this one:"
                    <p class="totp-uri"><code data-totp-uri="">{otpauth_uri}</code></p>
                </li>
                <li>"Enter the code the app now shows for SOP Store."</li>
            </ol>
            <p class="field__hint">"Keep the key to yourself: anyone with it can make your codes. It is shown only until your first code confirms it."</p>
            <CodeForm csrf_token=csrf_token.clone() next outcome button="Confirm and continue"/>
            <SignOut csrf_token/>
        }
        .into_any(),
        SecondFactorStep::Code => view! {
            <Title text="Enter your security code"/>
            <h1>"Enter your security code"</h1>
            <p>"Open your authenticator app and enter the code it shows for SOP Store."</p>
            <CodeForm csrf_token=csrf_token.clone() next outcome button="Continue"/>
            <p>"No longer have your authenticator app? Contact the store's administrator."</p>
            <SignOut csrf_token/>
        }
        .into_any(),
        SecondFactorStep::Confirmed => view! {
            <Title text="You are signed in"/>
            <h1>"You are signed in"</h1>
            <p>"This browser has already confirmed your security code."</p>
            <p><a class="button" href=onwards>"Continue"</a></p>
        }
        .into_any(),
        SecondFactorStep::NotNeeded => view! {
            <Title text="No security code needed"/>
            <h1>"No security code needed"</h1>
            <p>"Your account signs in with its password alone."</p>
            <p><a class="button" href=onwards>"Continue"</a></p>
        }
        .into_any(),
    }
}

#[component]
fn CodeForm(csrf_token: String, next: String, outcome: Option<FormReply>, button: &'static str) -> impl IntoView {
    view! {
        <EnhancedForm name="two-factor" action="/api/account/two-factor-confirm" outcome>
            <CsrfField token=csrf_token/>
            <input type="hidden" name="next" value=next/>
            <TextField name="code" label="Security code" hint=CODE_HINT autocomplete="one-time-code"/>
            <button type="submit" class="button">{button}</button>
        </EnhancedForm>
    }
}

/// A visitor who cannot give a code can still end the half-made sign-in.
#[component]
fn SignOut(csrf_token: String) -> impl IntoView {
    view! {
        <form method="post" action="/api/account/sign-out" class="sign-out">
            <CsrfField token=csrf_token/>
            <button type="submit" class="button button--secondary">"Sign out"</button>
        </form>
    }
}
