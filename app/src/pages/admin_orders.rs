//! Staff's orders: list and filter, open one, and move it through paid → dispatched →
//! delivered, or cancel it (stock returned, payment refunded).

use super::account::use_query_value;
use super::orders::{OrderList, OrderView};
use crate::api::shop::{load_staff_order, load_staff_orders, ShopError, StaffOrderList, StaffOrderView};
use crate::components::forms::CsrfField;
use crate::components::notice::ErrorNotice;
use crate::domain::orders::OrderStatus;
use crate::pages::not_found::NotFoundContent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn staff_view<T, V: IntoView + 'static>(result: Result<T, ShopError>, page: impl FnOnce(T) -> V) -> AnyView {
    match result {
        Ok(data) => page(data).into_any(),
        Err(ShopError::NotSignedIn) => crate::pages::account::redirect_to_sign_in(),
        Err(ShopError::OrderNotFound) => {
            view! { <NotFoundContent title="Order not found" message=ShopError::OrderNotFound.to_string()/> }.into_any()
        }
        Err(error) => view! { <ErrorNotice title="This staff page cannot be shown" message=error.to_string()/> }.into_any(),
    }
}

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|q| (q.get("status"), q.get("q"), q.get("page").and_then(|p| p.parse::<u32>().ok()))));
    let orders = Resource::new(move || search.get(), |(status, q, page)| load_staff_orders(status, q, page));
    view! {
        <Title text="Orders"/>
        <h1>"Orders"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { staff_view(orders.await, |list| view! { <StaffOrders list/> }) })}
        </Suspense>
    }
}

#[component]
fn StaffOrders(list: StaffOrderList) -> impl IntoView {
    let StaffOrderList { filter, orders } = list;
    let chosen = filter.status.map(OrderStatus::as_str).unwrap_or_default();
    let options = OrderStatus::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str() selected=chosen == s.as_str()>{s.label()}</option> })
        .collect_view();
    let mut page_query = String::new();
    if let Some(status) = filter.status {
        page_query.push_str(&format!("status={}&", status.as_str()));
    }
    if let Some(q) = &filter.query {
        page_query.push_str(&format!("q={}&", form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()));
    }
    view! {
        <form class="form search-form" method="get" action="/admin/orders">
            <div class="field">
                <label class="field__label" for="orders-status">"Status"</label>
                <select class="field__input" id="orders-status" name="status">
                    <option value="" selected=chosen.is_empty()>"Any status"</option>
                    {options}
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="orders-q">"Order number or e-mail"</label>
                <input class="field__input" id="orders-q" name="q" value=filter.query.unwrap_or_default()/>
            </div>
            <button type="submit" class="button">"Find orders"</button>
        </form>
        <p>{format!("{} order(s).", orders.total)}</p>
        <OrderList orders href_prefix="/admin/orders/" staff=true page_query/>
    }
}

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let form = use_query_value("form");
    let order = Resource::new(
        move || (params.with(|p| p.get("number").unwrap_or_default()), form.get()),
        |(number, form)| load_staff_order(number, form),
    );
    view! {
        <p><a href="/admin/orders">"All orders"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { staff_view(order.await, |view| view! { <StaffOrder view/> }) })}
        </Suspense>
    }
}

#[component]
fn StaffOrder(view: StaffOrderView) -> impl IntoView {
    let StaffOrderView { order, csrf_token, outcome } = view;
    let number = order.summary.number.clone();
    let outcome = outcome.filter(|o| o.form == "order-status").map(|o| match o.errors.first() {
        None => view! { <p class="notice notice--success" role="status">{o.notice.unwrap_or_default()}</p> }.into_any(),
        Some(error) => view! { <p class="notice notice--error" role="alert">{error.message.clone()}</p> }.into_any(),
    });
    let actions = order
        .next_statuses
        .iter()
        .map(|next| {
            let class = if *next == OrderStatus::Cancelled { "button button--secondary" } else { "button" };
            view! {
                <form method="post" action="/api/admin/order-status" class="order__action">
                    <CsrfField token=csrf_token.clone()/>
                    <input type="hidden" name="number" value=number.clone()/>
                    <input type="hidden" name="status" value=next.as_str()/>
                    <button type="submit" class=class>{next.action_label()}</button>
                </form>
            }
        })
        .collect_view();
    view! {
        {outcome}
        <OrderView order/>
        <section class="order__actions" aria-label="Move the order on">{actions}</section>
    }
}
