//! Checkout (P05): contact details, billing and delivery address (from the address book when
//! signed in), delivery method, the order summary with VAT, and the card. A plain form: it
//! works without JavaScript and with only the strictly necessary session cookie (P27).

use super::account::use_query_value;
use crate::api::shop::{load_checkout, CheckoutPage};
use crate::components::forms::{CsrfField, EnhancedForm, FormState, TextField};
use crate::components::notice::ErrorNotice;
use crate::domain::address::SavedAddress;
use crate::domain::basket::BasketView;
use crate::domain::checkout::{DeliveryMethod, OrderTotals};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let form = use_query_value("form");
    let page = Resource::new(move || form.get(), load_checkout);
    view! {
        <Title text="Checkout"/>
        <h1>"Checkout"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading the checkout…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Checkout page/> }.into_any(),
                    Err(error) => view! { <ErrorNotice title="The checkout could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Checkout(page: CheckoutPage) -> impl IntoView {
    let CheckoutPage { signed_in, name, email, telephone, billing_addresses, delivery_addresses, checkout_key, basket, outcome, test_mode } =
        page;
    if basket.is_empty() {
        let messages = outcome.map(|o| o.errors.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view());
        return view! {
            {messages.map(|items| view! { <div class="error-summary" role="alert"><h2 class="error-summary__title">"There is a problem"</h2><ul class="error-summary__list">{items}</ul></div> })}
            <p>"Your basket is empty."</p>
            <p><a class="button" href="/">"Continue shopping"</a></p>
        }
        .into_any();
    }
    let csrf_token = basket.csrf_token.clone().unwrap_or_default();
    let seen = basket.seen.clone();
    view! {
        {test_mode.then(|| view! {
            <div class="notice notice--warning" role="note" data-test-mode="">
                <p><strong>"Test mode: "</strong>"this store takes no real payments, so no card is charged. Pay with the test card 4242 4242 4242 4242 (any future expiry, any three-digit security code)."</p>
            </div>
        })}
        <div class="checkout">
            <OrderSummaryBox basket/>
            <EnhancedForm name="checkout" action="/api/checkout/place" outcome=outcome class="checkout__form">
                <CsrfField token=csrf_token/>
                <input type="hidden" name="checkout_key" value=checkout_key/>
                <input type="hidden" name="basket_seen" value=seen/>
                {(!signed_in).then(|| view! {
                    <p class="checkout__account">"Have an account? "<a href="/account/sign-in?next=%2Fcheckout">"Sign in"</a>" to use your saved addresses. You can also check out as a guest."</p>
                })}
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"Your details"</legend>
                    <TextField name="name" label="Full name" autocomplete="name" value=name/>
                    <TextField name="email" label="Email address" input_type="email" autocomplete="email" value=email hint="We send your order confirmation here."/>
                    <TextField name="telephone" label="Telephone" input_type="tel" autocomplete="tel" value=telephone hint="Only used if we need to reach you about this order."/>
                </fieldset>
                <AddressFields names=&BILLING legend="Billing address" saved=billing_addresses/>
                <DeliverySame/>
                <AddressFields names=&DELIVERY legend="Delivery address" saved=delivery_addresses/>
                <DeliveryMethods/>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"Payment"</legend>
                    <p class="field__hint">"This store takes test payments only: use the card 4242 4242 4242 4242, any future expiry date and any 3 digits. We keep only the card's brand, last four digits and expiry date."</p>
                    <TextField name="card_number" label="Card number" autocomplete="cc-number"/>
                    <TextField name="card_expiry" label="Expiry date (MM/YY)" autocomplete="cc-exp"/>
                    <TextField name="card_cvc" label="Security code" autocomplete="cc-csc" hint="The last 3 digits on the back of the card (4 on the front for American Express)."/>
                </fieldset>
                <p class="checkout__legal">"By placing your order you enter a contract of sale with us. We keep order records for 7 years, as the law requires, and then delete them (see our "<a href="/privacy">"privacy policy"</a>")."</p>
                <button type="submit" class="button button--large">"Place order"</button>
            </EnhancedForm>
        </div>
    }
    .into_any()
}

/// The basket and what each delivery method makes the total, VAT included.
#[component]
fn OrderSummaryBox(basket: BasketView) -> impl IntoView {
    let lines = basket
        .lines
        .iter()
        .map(|l| view! { <li data-checkout-line=l.slug.clone()>{format!("{} × {}", l.quantity, l.name)}<span class="checkout__price">{l.line_total.to_string()}</span></li> })
        .collect_view();
    let totals = DeliveryMethod::ALL
        .into_iter()
        .map(|method| {
            let t = OrderTotals::new(basket.subtotal, method);
            view! { <dt>{format!("Total with {}", method.label().to_lowercase())}</dt><dd data-total=method.as_str()>{format!("{} (includes VAT of {})", t.total, t.vat)}</dd> }
        })
        .collect_view();
    view! {
        <section class="checkout__summary" id="checkout-basket" aria-labelledby="summary-title" tabindex="-1">
            <h2 id="summary-title">"Your order"</h2>
            <ul class="checkout__lines">{lines}</ul>
            <dl class="summary-list">
                <dt>"Items"</dt><dd data-basket-subtotal="">{basket.subtotal.to_string()}</dd>
                {totals}
            </dl>
            <p><a href="/basket">"Change your basket"</a></p>
        </section>
    }
}

/// The input names and autocomplete tokens of one address fieldset (static, as fields need).
struct AddressNames {
    prefix: &'static str,
    saved: &'static str,
    full_name: Option<&'static str>,
    fields: [(&'static str, &'static str, &'static str); 5],
}

const BILLING: AddressNames = AddressNames {
    prefix: "billing",
    saved: "billing_saved",
    full_name: None,
    fields: [
        ("billing_line1", "Address line 1", "billing address-line1"),
        ("billing_line2", "Address line 2 (optional)", "billing address-line2"),
        ("billing_city", "Town or city", "billing address-level2"),
        ("billing_postcode", "Postcode", "billing postal-code"),
        ("billing_country", "Country", "billing country-name"),
    ],
};

const DELIVERY: AddressNames = AddressNames {
    prefix: "delivery",
    saved: "delivery_saved",
    full_name: Some("delivery_full_name"),
    fields: [
        ("delivery_line1", "Address line 1", "shipping address-line1"),
        ("delivery_line2", "Address line 2 (optional)", "shipping address-line2"),
        ("delivery_city", "Town or city", "shipping address-level2"),
        ("delivery_postcode", "Postcode", "shipping postal-code"),
        ("delivery_country", "Country", "shipping country-name"),
    ],
};

/// A billing or delivery address: a saved one from the address book, or typed in.
#[component]
fn AddressFields(names: &'static AddressNames, legend: &'static str, saved: Vec<SavedAddress>) -> impl IntoView {
    let state = expect_context::<FormState>();
    let default_id = saved.iter().find(|a| a.address.is_default).or(saved.first()).map(|a| a.id.to_string());
    let chosen = state.typed(names.saved).or(default_id).unwrap_or_default();
    let select = (!saved.is_empty()).then(|| {
        let select_id = state.field_id(names.saved);
        let options = saved
            .iter()
            .map(|a| {
                let id = a.id.to_string();
                let selected = id == chosen;
                view! { <option value=id selected=selected>{a.address.lines().join(", ")}</option> }
            })
            .collect_view();
        let error = state.error(names.saved);
        let has_error = error.is_some();
        view! {
            <div class="field" class:field--error=has_error>
                <label class="field__label" for=select_id.clone()>{legend}</label>
                {error.map(|e| view! { <p class="field-error">{e}</p> })}
                <select class="field__input" id=select_id name=names.saved>
                    {options}
                    <option value="" selected=chosen.is_empty()>"Enter a new address below"</option>
                </select>
            </div>
        }
    });
    let has_saved = !saved.is_empty();
    let fields = names
        .fields
        .into_iter()
        .enumerate()
        .map(|(i, (name, label, autocomplete))| {
            let value = if name.ends_with("_country") { "United Kingdom" } else { "" };
            match (i, has_saved) {
                (0, true) => {
                    view! { <TextField name label autocomplete value hint="Only needed when entering a new address."/> }.into_any()
                }
                _ => view! { <TextField name label autocomplete value/> }.into_any(),
            }
        })
        .collect_view();
    view! {
        <fieldset class="fieldset" data-address=names.prefix>
            <legend class="fieldset__legend">{legend}</legend>
            {select}
            {names.full_name.map(|name| view! { <TextField name label="Recipient's name (optional)" autocomplete="shipping name" hint="If not you."/> })}
            {fields}
        </fieldset>
    }
}

#[component]
fn DeliverySame() -> impl IntoView {
    let state = expect_context::<FormState>();
    let checked = state.typed("delivery_same").is_none_or(|v| v == "yes");
    view! {
        <div class="field field--checkbox">
            <input type="checkbox" id="checkout-delivery_same" name="delivery_same" value="yes" checked=checked/>
            <label for="checkout-delivery_same">"Deliver to my billing address"</label>
            <p class="field__hint">"Untick to send your order somewhere else, then fill in the delivery address."</p>
        </div>
    }
}

#[component]
fn DeliveryMethods() -> impl IntoView {
    let state = expect_context::<FormState>();
    let chosen = state.typed("delivery_method").unwrap_or_else(|| DeliveryMethod::Standard.as_str().to_owned());
    let error = state.error("delivery_method");
    let options = DeliveryMethod::ALL
        .into_iter()
        .map(|method| {
            let id = format!("checkout-delivery_method-{}", method.as_str());
            let price = match method {
                DeliveryMethod::Standard => format!("£3.95, free from {}", DeliveryMethod::FREE_STANDARD_FROM),
                DeliveryMethod::Express => method.price(crate::domain::money::Money::from_pence(0)).to_string(),
            };
            view! {
                <div class="field field--radio">
                    <input type="radio" id=id.clone() name="delivery_method" value=method.as_str() checked=chosen == method.as_str()/>
                    <label for=id>{format!("{} ({}): {price}", method.label(), method.promise())}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="fieldset" id="checkout-delivery_method">
            <legend class="fieldset__legend">"Delivery"</legend>
            {error.map(|e| view! { <p class="field-error">{e}</p> })}
            {options}
        </fieldset>
    }
}
