//! The account holder's own area (P23): details, addresses, marketing e-mails, password and e-mail. Each page
//! loads the signed-in account's overview; signed out, it sends the visitor to sign in.

use super::{redirect_to_sign_in, use_query_value};
use crate::api::account::{load_account_overview, load_address, load_sessions, AccountError, AccountOverview, SessionsView};
use crate::components::forms::{CsrfField, EnhancedForm, FormState, TextField};
use crate::components::marketing_switches::MarketingSwitches;
use crate::components::notice::ErrorNotice;
use crate::domain::address::{AddressKind, PostalAddress, SavedAddress};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Loads the overview and renders `page` with it; signed out, redirects to sign in.
fn signed_in_page<V: IntoView + 'static>(page: impl Fn(AccountOverview) -> V + Send + Sync + Copy + 'static) -> impl IntoView {
    let form = use_query_value("form");
    let overview = Resource::new(move || form.get(), load_account_overview);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading your account…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => page(overview).into_any(),
                    Err(AccountError::NotSignedIn) => redirect_to_sign_in(),
                    Err(error) => view! { <ErrorNotice title="Your account could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let email_changed = use_query_value("email-changed");
    view! {
        <Title text="Your account"/>
        <h1>"Your account"</h1>
        {move || email_changed.get().map(|_| view! { <p class="notice notice--success" role="status">"Your email address has been changed."</p> })}
        {signed_in_page(|overview| view! { <Overview overview/> })}
    }
}

#[component]
fn Overview(overview: AccountOverview) -> impl IntoView {
    let AccountOverview { name, email, telephone, is_staff, csrf_token, addresses, marketing, outcome } = overview;
    let (details_token, addresses_token, marketing_token) = (csrf_token.clone(), csrf_token.clone(), csrf_token.clone());
    let marketing_address = email.clone();
    let marketing_outcome = outcome.clone();
    view! {
        <section class="account-section" aria-labelledby="details-title">
            <h2 id="details-title">"Your details"</h2>
            <EnhancedForm name="details" action="/api/account/details" outcome=outcome.clone()>
                <CsrfField token=details_token/>
                <TextField name="name" label="Full name" autocomplete="name" value=name/>
                <TextField name="telephone" label="Telephone (optional)" input_type="tel" autocomplete="tel" value=telephone.unwrap_or_default()/>
                <button type="submit" class="button">"Save details"</button>
            </EnhancedForm>
            <dl class="summary-list">
                <dt>"Email address"</dt>
                <dd>{email}" "<a href="/account/email">"Change email address"</a></dd>
                <dt>"Password"</dt>
                <dd><a href="/account/password">"Change password"</a></dd>
            </dl>
        </section>
        <section class="account-section" id="addresses" aria-labelledby="addresses-title">
            <h2 id="addresses-title">"Your addresses"</h2>
            {outcome.filter(|o| o.form == "address").and_then(|o| o.notice).map(|n| view! { <p class="notice notice--success" role="status">{n}</p> })}
            <AddressList addresses csrf_token=addresses_token/>
            <p><a class="button button--secondary" href="/account/addresses/new">"Add an address"</a></p>
        </section>
        <section class="account-section" id="marketing" aria-labelledby="marketing-title">
            <h2 id="marketing-title">"Marketing e-mails"</h2>
            <p>"We send marketing e-mails only about what you switch on here, to "{marketing_address}". Every one of them has an unsubscribe link at the bottom."</p>
            <MarketingSwitches choices=marketing csrf_token=marketing_token outcome=marketing_outcome/>
        </section>
        <p><a href="/account/orders">"Your orders"</a></p>
        <p><a href="/account/sessions">"Where you are signed in"</a></p>
        {is_staff.then(|| view! { <p><a href="/admin">"Open the staff area"</a></p> })}
        <form method="post" action="/api/account/sign-out" class="sign-out">
            <CsrfField token=csrf_token/>
            <button type="submit" class="button button--secondary">"Sign out"</button>
        </form>
    }
}

#[component]
fn AddressList(addresses: Vec<SavedAddress>, csrf_token: String) -> impl IntoView {
    if addresses.is_empty() {
        return view! { <p>"You have no saved addresses yet."</p> }.into_any();
    }
    let cards = addresses
        .into_iter()
        .map(|SavedAddress { id, address }| {
            let kind = address.kind.label();
            let default = address.is_default.then_some(" (default)");
            let lines = address.lines().into_iter().map(|line| view! { <span class="address__line">{line}</span> }).collect_view();
            view! {
                <li class="address" data-address-id=id>
                    <h3 class="address__kind">{kind}{default}</h3>
                    <address>{lines}</address>
                    <a href=format!("/account/addresses/{id}")>"Edit"</a>
                    <form method="post" action="/api/account/address-delete" class="address__delete">
                        <CsrfField token=csrf_token.clone()/>
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="button button--link">"Delete"</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="address-list">{cards}</ul> }.into_any()
}

/// S11: `/account/sessions`, where the account is signed in, with "Sign out everywhere else".
#[component]
pub fn SessionsPage() -> impl IntoView {
    let form = use_query_value("form");
    let sessions = Resource::new(move || form.get(), load_sessions);
    view! {
        <Title text="Where you are signed in"/>
        <h1>"Where you are signed in"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading your sessions…"</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(sessions) => view! { <SessionList sessions/> }.into_any(),
                    Err(AccountError::NotSignedIn) => redirect_to_sign_in(),
                    Err(error) => view! { <ErrorNotice title="Your sessions could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/account">"Back to your account"</a></p>
    }
}

#[component]
fn SessionList(sessions: SessionsView) -> impl IntoView {
    let SessionsView { sessions, csrf_token, outcome } = sessions;
    let rows = sessions
        .into_iter()
        .map(|session| {
            view! {
                <tr data-session="" data-this-browser=session.this_browser.then_some("")>
                    <td>{session.browser}{session.this_browser.then(|| view! { " " <strong class="session-current">"(this browser)"</strong> })}</td>
                    <td>{session.started}</td>
                    <td>{session.last_seen}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p>"Each time you sign in, in a browser or on a device, starts a session. A session ends when you sign out, after 2 hours without use, or after 7 days."</p>
        <table class="data-table sessions-table">
            <caption class="visually-hidden">"Your sessions"</caption>
            <thead><tr><th scope="col">"Browser"</th><th scope="col">"Signed in"</th><th scope="col">"Last used"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <EnhancedForm name="sessions" action="/api/account/sessions-end-others" outcome>
            <CsrfField token=csrf_token/>
            <p class="field__hint">"Don't recognise a session, or used a shared computer? This signs you out on every other browser and device. You stay signed in here."</p>
            <button type="submit" class="button button--secondary">"Sign out everywhere else"</button>
        </EnhancedForm>
    }
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    view! {
        <Title text="Change your password"/>
        <h1>"Change your password"</h1>
        {signed_in_page(|overview| view! {
            <EnhancedForm name="password" action="/api/account/password" outcome=overview.outcome>
                <CsrfField token=overview.csrf_token/>
                <TextField name="current_password" label="Current password" input_type="password" autocomplete="current-password"/>
                <TextField name="new_password" label="New password" input_type="password" autocomplete="new-password" hint="At least 12 characters."/>
                <button type="submit" class="button">"Change password"</button>
            </EnhancedForm>
            <p>"Changing your password signs you out on every other device."</p>
            <p><a href="/account">"Back to your account"</a></p>
        })}
    }
}

#[component]
pub fn ChangeEmailPage() -> impl IntoView {
    view! {
        <Title text="Change your email address"/>
        <h1>"Change your email address"</h1>
        {signed_in_page(|overview| view! {
            <p>"Your email address is "<strong>{overview.email.clone()}</strong>". We will send a link to the new address; it changes when you follow the link."</p>
            <EnhancedForm name="email" action="/api/account/email" outcome=overview.outcome>
                <CsrfField token=overview.csrf_token/>
                <TextField name="new_email" label="New email address" input_type="email" autocomplete="email"/>
                <TextField name="password" label="Your password" input_type="password" autocomplete="current-password"/>
                <button type="submit" class="button">"Send confirmation link"</button>
            </EnhancedForm>
            <p><a href="/account">"Back to your account"</a></p>
        })}
    }
}

/// Adds an address (`/account/addresses/new`) or edits one (`/account/addresses/:id`).
#[component]
pub fn AddressPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).and_then(|id| id.parse::<i32>().ok()));
    let existing = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => load_address(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="Your address"/>
        <h1>{move || if id.get().is_some() { "Edit address" } else { "Add an address" }}</h1>
        {signed_in_page(move |overview| view! {
            <Suspense fallback=|| ()>
                {move || {
                    let overview = overview.clone();
                    Suspend::new(async move {
                        match existing.await {
                            Ok(saved) => view! { <AddressForm saved overview/> }.into_any(),
                            Err(error) => view! { <ErrorNotice title="This address could not be shown" message=error.to_string()/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        })}
    }
}

#[component]
fn AddressForm(saved: Option<SavedAddress>, overview: AccountOverview) -> impl IntoView {
    let id = saved.as_ref().map(|s| s.id.to_string()).unwrap_or_default();
    let address = saved.map(|s| s.address).unwrap_or(PostalAddress {
        kind: AddressKind::Delivery,
        full_name: overview.name.clone(),
        line1: String::new(),
        line2: None,
        city: String::new(),
        postcode: String::new(),
        country: "United Kingdom".into(),
        is_default: false,
    });
    view! {
        <EnhancedForm name="address" action="/api/account/address-save" outcome=overview.outcome>
            <CsrfField token=overview.csrf_token/>
            <input type="hidden" name="id" value=id/>
            <KindChoice kind=address.kind/>
            <TextField name="full_name" label="Full name" autocomplete="name" value=address.full_name/>
            <TextField name="line1" label="Address line 1" autocomplete="address-line1" value=address.line1/>
            <TextField name="line2" label="Address line 2 (optional)" autocomplete="address-line2" value=address.line2.unwrap_or_default()/>
            <TextField name="city" label="Town or city" autocomplete="address-level2" value=address.city/>
            <TextField name="postcode" label="Postcode" autocomplete="postal-code" value=address.postcode/>
            <TextField name="country" label="Country" autocomplete="country-name" value=address.country/>
            <div class="field field--checkbox">
                <input type="checkbox" id="address-is_default" name="is_default" checked=address.is_default/>
                <label for="address-is_default">"Use as my default address of this kind"</label>
            </div>
            <button type="submit" class="button">"Save address"</button>
        </EnhancedForm>
        <p><a href="/account#addresses">"Back to your account"</a></p>
    }
}

#[component]
fn KindChoice(kind: AddressKind) -> impl IntoView {
    let state = expect_context::<FormState>();
    let typed = state.typed("kind").and_then(|k| AddressKind::parse(&k)).unwrap_or(kind);
    let option = move |value: AddressKind| {
        let id = state.field_id(value.as_str());
        view! {
            <div class="field field--radio">
                <input type="radio" id=id.clone() name="kind" value=value.as_str() checked=typed == value/>
                <label for=id>{value.label()}</label>
            </div>
        }
    };
    view! {
        <fieldset class="fieldset" id=state.field_id("kind")>
            <legend>"Kind of address"</legend>
            {option(AddressKind::Delivery)}
            {option(AddressKind::Billing)}
        </fieldset>
    }
}
