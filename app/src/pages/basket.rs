//! The basket: what is in it, change a quantity, remove, and go to checkout. Every form is a
//! plain post that comes back here, so the header's count is always the basket's.

use super::account::use_query_value;
use crate::api::shop::load_basket;
use crate::components::forms::CsrfField;
use crate::components::notice::ErrorNotice;
use crate::domain::basket::{BasketLineView, BasketView, MAX_QUANTITY};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BasketPage() -> impl IntoView {
    let form = use_query_value("form");
    let basket = Resource::new(move || form.get(), load_basket);
    view! {
        <Title text="Your basket"/>
        <h1>"Your basket"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading your basket…"</p> }>
            {move || Suspend::new(async move {
                match basket.await {
                    Ok(basket) => view! { <BasketContents basket/> }.into_any(),
                    Err(error) => view! { <ErrorNotice title="Your basket could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BasketContents(basket: BasketView) -> impl IntoView {
    let BasketView { csrf_token, lines, subtotal, outcome, .. } = basket;
    if lines.is_empty() {
        return view! {
            <BasketNotice outcome=outcome/>
            <p>"Your basket is empty."</p>
            <p><a class="button" href="/">"Continue shopping"</a></p>
        }
        .into_any();
    }
    let token = csrf_token.unwrap_or_default();
    let rows = lines.into_iter().map(|line| view! { <BasketRow line csrf_token=token.clone()/> }).collect_view();
    view! {
        <BasketNotice outcome=outcome/>
        <table class="data-table basket">
            <caption class="visually-hidden">"Products in your basket"</caption>
            <thead><tr>
                <th scope="col">"Product"</th><th scope="col">"Price"</th><th scope="col">"Quantity"</th>
                <th scope="col">"Total"</th><th scope="col"><span class="visually-hidden">"Remove"</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="basket__subtotal">"Subtotal (including VAT): "<strong data-basket-subtotal="">{subtotal.to_string()}</strong></p>
        <p class="basket__note">"Delivery is chosen at checkout. Items are not reserved until you place your order."</p>
        <p class="basket__actions">
            <a class="button" href="/checkout">"Go to checkout"</a>
            " "
            <a class="button button--secondary" href="/">"Continue shopping"</a>
        </p>
    }
    .into_any()
}

/// What the last basket form did: a confirmation, or what was wrong.
#[component]
fn BasketNotice(#[prop(optional_no_strip)] outcome: Option<crate::domain::forms::FormReply>) -> impl IntoView {
    outcome.filter(|o| o.form == "basket" || o.form == "checkout").map(|o| {
        if o.errors.is_empty() {
            view! { <p class="notice notice--success" role="status">{o.notice.unwrap_or_default()}</p> }.into_any()
        } else {
            let items = o.errors.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view();
            view! { <div class="error-summary" role="alert"><h2 class="error-summary__title">"There is a problem"</h2><ul class="error-summary__list">{items}</ul></div> }.into_any()
        }
    })
}

#[component]
fn BasketRow(line: BasketLineView, csrf_token: String) -> impl IntoView {
    let BasketLineView { slug, name, unit_price, quantity, in_stock, line_total } = line;
    let input_id = format!("quantity-{slug}");
    let max = in_stock.clamp(1, MAX_QUANTITY);
    let (row_slug, link_slug, form_slug) = (slug.clone(), slug.clone(), slug.clone());
    view! {
        <tr data-basket-line=row_slug>
            <th scope="row"><a href=format!("/product/{link_slug}")>{name.clone()}</a></th>
            <td>{unit_price.to_string()}</td>
            <td>
                <form method="post" action="/api/basket/quantity" class="basket__quantity">
                    <CsrfField token=csrf_token.clone()/>
                    <input type="hidden" name="product" value=form_slug/>
                    <label class="visually-hidden" for=input_id.clone()>{format!("Quantity of {name}")}</label>
                    <input class="field__input field__input--short" id=input_id name="quantity" type="number" inputmode="numeric" min="0" max=max value=quantity/>
                    <button type="submit" class="button button--secondary">"Update"</button>
                </form>
            </td>
            <td>{line_total.to_string()}</td>
            <td>
                <form method="post" action="/api/basket/remove">
                    <CsrfField token=csrf_token/>
                    <input type="hidden" name="product" value=slug/>
                    <button type="submit" class="button button--link">"Remove"<span class="visually-hidden">{format!(" {name}")}</span></button>
                </form>
            </td>
        </tr>
    }
}
