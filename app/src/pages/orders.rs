//! An order's page (for its account holder, or whoever holds the link from its confirmation
//! e-mail) and an account holder's order history.

use super::account::{redirect_to_sign_in, use_query_value};
use crate::api::shop::{load_my_orders, load_order, ShopError};
use crate::components::notice::ErrorNotice;
use crate::components::pagination::Pagination;
use crate::domain::orders::{OrderDetail, OrderSummary};
use crate::domain::paging::Paged;
use crate::pages::not_found::NotFoundContent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let key = use_query_value("key");
    let placed = use_query_value("placed");
    let order =
        Resource::new(move || (params.with(|p| p.get("number").unwrap_or_default()), key.get()), |(number, key)| load_order(number, key));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading your order…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(order) => view! { <OrderView order placed=placed.get_untracked().is_some()/> }.into_any(),
                    Err(ShopError::OrderNotFound) => view! {
                        <NotFoundContent title="Order not found" message=ShopError::OrderNotFound.to_string()/>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice title="This order could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The order itself: shared by the shopper's page and the staff page.
#[component]
pub fn OrderView(order: OrderDetail, #[prop(optional)] placed: bool) -> impl IntoView {
    let OrderDetail { summary, telephone, lines, billing, delivery, delivery_method, totals, payment, legal_basis, retain_until, .. } =
        order;
    let heading = if placed { "Thank you for your order".to_owned() } else { format!("Order {}", summary.number) };
    let rows = lines
        .into_iter()
        .map(|l| view! {
            <tr data-order-line=l.slug><th scope="row">{l.name}</th><td>{l.unit_price.to_string()}</td><td>{l.quantity}</td><td>{l.line_total.to_string()}</td></tr>
        })
        .collect_view();
    let address = |lines: Vec<String>| lines.into_iter().map(|line| view! { <span class="address__line">{line}</span> }).collect_view();
    let placed_on = summary.placed_at.get(..10).unwrap_or_default().to_owned();
    let kept_until = retain_until.get(..10).unwrap_or_default().to_owned();
    view! {
        <Title text=heading.clone()/>
        <h1>{heading}</h1>
        {placed.then(|| view! {
            <p class="notice notice--success" role="status">"Your order is placed and paid. We have e-mailed a confirmation to "{summary.email.clone()}"."</p>
        })}
        <dl class="summary-list order__facts">
            <dt>"Order number"</dt><dd data-order-number="">{summary.number.clone()}</dd>
            <dt>"Placed on"</dt><dd>{placed_on}</dd>
            <dt>"Status"</dt><dd data-order-status="">{summary.status.label()}</dd>
            <dt>"Payment"</dt><dd data-order-payment="">{payment}</dd>
        </dl>
        <table class="data-table">
            <caption class="visually-hidden">"What you ordered"</caption>
            <thead><tr><th scope="col">"Product"</th><th scope="col">"Price"</th><th scope="col">"Quantity"</th><th scope="col">"Total"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <dl class="summary-list">
            <dt>"Items"</dt><dd>{totals.subtotal.to_string()}</dd>
            <dt>{delivery_method.label()}</dt><dd>{totals.delivery.to_string()}</dd>
            <dt>"Total paid"</dt><dd data-order-total="">{totals.total.to_string()}</dd>
            <dt>"Of which VAT (20%)"</dt><dd>{totals.vat.to_string()}</dd>
        </dl>
        <div class="order__addresses">
            <section><h2>"Billing address"</h2><address>{address(billing.lines())}</address></section>
            <section><h2>"Delivery address"</h2><address>{address(delivery.lines())}</address></section>
        </div>
        <p class="order__contact">{format!("Contact: {} · {} · {telephone}", summary.name, summary.email)}</p>
        <p class="order__legal">{format!("We process this order to perform our contract with you (legal basis: {legal_basis}) and keep its record until {kept_until}, then delete it.")}</p>
    }
}

#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let page = use_query_value("page");
    let orders = Resource::new(move || page.get().and_then(|p| p.parse::<u32>().ok()), load_my_orders);
    view! {
        <Title text="Your orders"/>
        <h1>"Your orders"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading your orders…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(orders) => view! { <OrderList orders href_prefix="/orders/"/> }.into_any(),
                    Err(ShopError::NotSignedIn) => redirect_to_sign_in(),
                    Err(error) => view! { <ErrorNotice title="Your orders could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/account">"Back to your account"</a></p>
    }
}

/// A table of orders, each linking to its page (`href_prefix` + number).
#[component]
pub fn OrderList(
    orders: Paged<OrderSummary>,
    href_prefix: &'static str,
    #[prop(optional)] staff: bool,
    #[prop(optional, into)] page_query: String,
) -> impl IntoView {
    if orders.items.is_empty() {
        return view! { <p>"No orders yet."</p> }.into_any();
    }
    let (page, total_pages) = (orders.page, orders.total_pages());
    let rows = orders
        .items
        .into_iter()
        .map(|o| {
            let href = format!("{href_prefix}{}", o.number);
            view! {
                <tr data-order=o.number.clone()>
                    <th scope="row"><a href=href>{o.number.clone()}</a></th>
                    <td>{o.placed_at.get(..10).unwrap_or_default().to_owned()}</td>
                    {staff.then(|| view! { <td>{o.name.clone()}" · "{o.email.clone()}</td> })}
                    <td>{o.item_count}</td>
                    <td>{o.total.to_string()}</td>
                    <td>{o.status.label()}</td>
                </tr>
            }
        })
        .collect_view();
    let base = if staff { "/admin/orders" } else { "/account/orders" };
    view! {
        <table class="data-table">
            <thead><tr>
                <th scope="col">"Order"</th><th scope="col">"Placed"</th>
                {staff.then(|| view! { <th scope="col">"Customer"</th> })}
                <th scope="col">"Items"</th><th scope="col">"Total"</th><th scope="col">"Status"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <Pagination page total_pages href_for=move |n| format!("{base}?{page_query}page={n}")/>
    }
    .into_any()
}
