//! Pages for people who are not signed in: register, sign in, confirm an address, reset a
//! password. Each page's form works without JavaScript.

use super::{use_form_outcome, use_query_value};
use crate::components::forms::{EnhancedForm, TextField};
use crate::domain::account::NewPassword;
use leptos::prelude::*;
use leptos_meta::Title;

const PASSWORD_HINT: &str = "At least 12 characters. A few unrelated words make a strong password that is easy to remember.";

/// Renders `form(outcome)` once the plain-post outcome (if any) is known.
fn with_outcome<V: IntoView + 'static>(
    form: impl Fn(Option<crate::domain::forms::FormReply>) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let outcome = use_form_outcome();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { form(outcome.await) })}
        </Suspense>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <Title text="Create an account"/>
        <h1>"Create an account"</h1>
        <p>"An account lets you see your orders and keep your addresses. We ask only for what we need: your name, email address and a password. A telephone number is optional."</p>
        {with_outcome(|outcome| view! {
            <EnhancedForm name="register" action="/api/account/register" outcome>
                <TextField name="name" label="Full name" autocomplete="name"/>
                <TextField name="email" label="Email address" input_type="email" autocomplete="email" hint="We will send you a link to confirm it."/>
                <TextField name="password" label="Password" input_type="password" autocomplete="new-password" hint=PASSWORD_HINT/>
                <TextField name="telephone" label="Telephone (optional)" input_type="tel" autocomplete="tel"/>
                <button type="submit" class="button">"Create account"</button>
            </EnhancedForm>
        })}
        <p>"Already have an account? "<a href="/account/sign-in">"Sign in"</a></p>
        <p class="field__hint">"Passwords must be at least " {NewPassword::MIN_CHARS} " characters."</p>
    }
}

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    view! {
        <Title text="Check your email"/>
        <h1>"Check your email"</h1>
        <p>"We have sent a message to the address you gave. Follow the link in it to confirm your address, then sign in. The link works for 48 hours."</p>
        <p>"No message after a few minutes? Check your spam folder, or "<a href="/account/sign-in#resend">"ask for a new link"</a>"."</p>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let confirmed = use_query_value("confirmed");
    let reset = use_query_value("reset");
    let signed_out = use_query_value("signed-out");
    let next = use_query_value("next");
    let banner = move || {
        if confirmed.get().is_some() {
            Some("Your email address is confirmed. You can sign in now.")
        } else if reset.get().is_some() {
            Some("Your password has been changed. Sign in with your new password.")
        } else if signed_out.get().is_some() {
            Some("You have signed out.")
        } else {
            None
        }
    };
    view! {
        <Title text="Sign in"/>
        <OnToTheCode next/>
        <h1>"Sign in"</h1>
        {move || banner().map(|text| view! { <p class="notice notice--success" role="status">{text}</p> })}
        {with_outcome(move |outcome| view! {
            <EnhancedForm name="sign-in" action="/api/account/sign-in" outcome=outcome.clone()>
                <input type="hidden" name="next" value=next.get_untracked().unwrap_or_default()/>
                <TextField name="email" label="Email address" input_type="email" autocomplete="username"/>
                <TextField name="password" label="Password" input_type="password" autocomplete="current-password"/>
                <button type="submit" class="button">"Sign in"</button>
            </EnhancedForm>
            <p><a href="/account/reset">"Forgotten your password?"</a></p>
            <p>"New here? "<a href="/account/register">"Create an account"</a></p>
            <h2 id="resend">"Confirmation email not arrived?"</h2>
            <EnhancedForm name="resend" action="/api/account/resend-confirmation" outcome=outcome>
                <TextField name="email" label="Email address" input_type="email" autocomplete="email"/>
                <button type="submit" class="button button--secondary">"Send the link again"</button>
            </EnhancedForm>
        })}
        <p class="field__hint">{crate::domain::cookies::SIGN_IN_COOKIE_NOTE}</p>
    }
}

/// S4: the link e-mailed while an account was locked opens this page; the button signs in, so
/// a mail scanner that follows links cannot use it up.
#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let token = use_query_value("token");
    view! {
        <Title text="Sign in with your link"/>
        <h1>"Sign in with your link"</h1>
        <p>"Your account is locked for a while after several wrong passwords. This link lets you sign in anyway, once."</p>
        {with_outcome(move |outcome| view! {
            <EnhancedForm name="sign-in-link" action="/api/account/sign-in-link" outcome>
                <input type="hidden" name="token" value=token.get_untracked().unwrap_or_default()/>
                <button type="submit" class="button">"Sign in"</button>
            </EnhancedForm>
        })}
        <p>"If you did not ask for this link, someone else knows your password: "<a href="/account/reset">"choose a new one"</a>"."</p>
    }
}

/// S11: a staff sign-in whose password was right but whose code is still owed (the staff area
/// sent it here) goes on to the code page, and from there to `next`.
#[component]
fn OnToTheCode(next: Memo<Option<String>>) -> impl IntoView {
    use leptos_router::components::Redirect;
    let owes_code = Resource::new(|| (), |_| crate::api::account::two_factor_pending());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                owes_code.await.unwrap_or(false).then(|| {
                    let onwards = next.get_untracked().filter(|n| crate::domain::forms::safe_local_path(n).is_some()).unwrap_or_else(|| "/account".to_owned());
                    let onwards: String = form_urlencoded::byte_serialize(onwards.as_bytes()).collect();
                    view! { <Redirect path=format!("/account/two-factor?next={onwards}")/> }
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn ResetRequestPage() -> impl IntoView {
    view! {
        <Title text="Reset your password"/>
        <h1>"Reset your password"</h1>
        <p>"Enter the email address of your account and we will send you a link to choose a new password."</p>
        {with_outcome(|outcome| view! {
            <EnhancedForm name="reset" action="/api/account/reset" outcome>
                <TextField name="email" label="Email address" input_type="email" autocomplete="email"/>
                <button type="submit" class="button">"Send reset link"</button>
            </EnhancedForm>
        })}
    }
}

#[component]
pub fn NewPasswordPage() -> impl IntoView {
    let token = use_query_value("token");
    view! {
        <Title text="Choose a new password"/>
        <h1>"Choose a new password"</h1>
        {with_outcome(move |outcome| view! {
            <EnhancedForm name="new-password" action="/api/account/reset-new" outcome>
                <input type="hidden" name="token" value=token.get_untracked().unwrap_or_default()/>
                <TextField name="password" label="New password" input_type="password" autocomplete="new-password" hint=PASSWORD_HINT/>
                <button type="submit" class="button">"Set new password"</button>
            </EnhancedForm>
        })}
    }
}

/// The link in a confirmation e-mail opens this page; the button does the confirming, so a
/// mail scanner that follows links cannot confirm an address on its owner's behalf.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let token = use_query_value("token");
    view! {
        <Title text="Confirm your email address"/>
        <h1>"Confirm your email address"</h1>
        {with_outcome(move |outcome| view! {
            <EnhancedForm name="confirm-email" action="/api/account/confirm-email" outcome>
                <input type="hidden" name="token" value=token.get_untracked().unwrap_or_default()/>
                <button type="submit" class="button">"Confirm my email address"</button>
            </EnhancedForm>
        })}
    }
}

#[component]
pub fn ConfirmEmailChangePage() -> impl IntoView {
    let token = use_query_value("token");
    view! {
        <Title text="Confirm your new email address"/>
        <h1>"Confirm your new email address"</h1>
        {with_outcome(move |outcome| view! {
            <EnhancedForm name="confirm-email-change" action="/api/account/confirm-email-change" outcome>
                <input type="hidden" name="token" value=token.get_untracked().unwrap_or_default()/>
                <button type="submit" class="button">"Use this email address"</button>
            </EnhancedForm>
        })}
    }
}
