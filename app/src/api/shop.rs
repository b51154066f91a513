//! The shop: basket, checkout and orders, and staff order handling. Every form works as a
//! plain post without JavaScript and with only the strictly necessary session cookie (P27),
//! and as a fetch from the hydrated page.
// A server function takes each field of its form as an argument, as the browser posts them.
#![allow(clippy::too_many_arguments)]

use crate::domain::basket::BasketView;
use crate::domain::forms::FormReply;
use crate::domain::orders::{OrderDetail, OrderFilter, OrderSummary};
use crate::domain::paging::Paged;
pub use crate::errors::shop::ShopError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::checkout::CheckoutPage;

/// Staff's order list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffOrderList {
    pub filter: OrderFilter,
    pub orders: Paged<OrderSummary>,
}

/// Staff's view of one order, with the session's token for its status forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrderView {
    pub order: OrderDetail,
    pub csrf_token: String,
    pub outcome: Option<FormReply>,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::api::request::{now, parts, set_cookie};
    pub use crate::server::shop::{basket, checkout, orders};
    pub use crate::server::state::{app_state, AppState};

    pub fn flash(state: &AppState, form: Option<String>) -> Option<crate::domain::forms::FormReply> {
        form.and_then(|id| state.form_flash.get(&id, &crate::server::form_flash::VisitorKey::current()))
    }
}

#[server(endpoint = "basket/load")]
pub async fn load_basket(form: Option<String>) -> Result<BasketView, ShopError> {
    let state = ssr::app_state();
    let outcome = async {
        let session = crate::server::accounts::current_session(&state, &ssr::parts()).await?;
        let mut view = ssr::basket::view(&state.db, session.as_ref()).await?;
        view.outcome = ssr::flash(&state, form);
        Ok(view)
    }
    .await;
    outcome.map_err(crate::api::refuse_page_or_call)
}

#[server(endpoint = "basket/add")]
pub async fn add_to_basket(product: String, quantity: Option<String>) -> Result<FormReply, ShopError> {
    let state = ssr::app_state();
    let outcome =
        ssr::basket::add(&state, &ssr::parts(), &product, quantity.as_deref().unwrap_or("1"), ssr::now()).await.map(|(reply, cookie)| {
            if let Some(cookie) = cookie {
                ssr::set_cookie(&cookie);
            }
            reply
        });
    crate::api::answer_form(ssr::basket::ADD_FORM, outcome)
}

#[server(endpoint = "basket/quantity")]
pub async fn change_basket_quantity(csrf_token: String, product: String, quantity: String) -> Result<FormReply, ShopError> {
    let state = ssr::app_state();
    let outcome = async {
        let session = ssr::basket::form_session(&state, &ssr::parts(), &csrf_token).await?;
        ssr::basket::set_quantity(&state, &session, &product, &quantity, ssr::now()).await
    }
    .await;
    crate::api::answer_form(ssr::basket::QUANTITY_FORM, outcome)
}

#[server(endpoint = "basket/remove")]
pub async fn remove_from_basket(csrf_token: String, product: String) -> Result<FormReply, ShopError> {
    let state = ssr::app_state();
    let outcome = async {
        let session = ssr::basket::form_session(&state, &ssr::parts(), &csrf_token).await?;
        ssr::basket::set_quantity(&state, &session, &product, "0", ssr::now()).await
    }
    .await;
    crate::api::answer_form(ssr::basket::QUANTITY_FORM, outcome)
}

#[server(endpoint = "checkout/load")]
pub async fn load_checkout(form: Option<String>) -> Result<CheckoutPage, ShopError> {
    let state = ssr::app_state();
    let outcome = ssr::flash(&state, form);
    ssr::checkout::page(&state, &ssr::parts(), outcome).await.map_err(crate::api::refuse_page_or_call)
}

#[server(endpoint = "checkout/place")]
pub async fn place_order(
    csrf_token: String,
    checkout_key: String,
    basket_seen: String,
    name: String,
    email: String,
    telephone: String,
    billing_saved: Option<String>,
    billing_line1: Option<String>,
    billing_line2: Option<String>,
    billing_city: Option<String>,
    billing_postcode: Option<String>,
    billing_country: Option<String>,
    delivery_same: Option<String>,
    delivery_saved: Option<String>,
    delivery_full_name: Option<String>,
    delivery_line1: Option<String>,
    delivery_line2: Option<String>,
    delivery_city: Option<String>,
    delivery_postcode: Option<String>,
    delivery_country: Option<String>,
    delivery_method: Option<String>,
    card_number: String,
    card_expiry: String,
    card_cvc: String,
) -> Result<FormReply, ShopError> {
    use crate::domain::address::AddressForm;
    use crate::domain::checkout::CheckoutForm;
    let text = |value: Option<String>| value.unwrap_or_default();
    let form = CheckoutForm {
        name,
        email,
        telephone,
        billing_saved: text(billing_saved),
        billing: AddressForm {
            line1: text(billing_line1),
            line2: text(billing_line2),
            city: text(billing_city),
            postcode: text(billing_postcode),
            country: text(billing_country),
            ..AddressForm::default()
        },
        delivery_same: delivery_same.is_some_and(|v| v == "yes" || v == "on" || v == "true"),
        delivery_saved: text(delivery_saved),
        delivery: AddressForm {
            full_name: text(delivery_full_name),
            line1: text(delivery_line1),
            line2: text(delivery_line2),
            city: text(delivery_city),
            postcode: text(delivery_postcode),
            country: text(delivery_country),
            ..AddressForm::default()
        },
        delivery_method: text(delivery_method),
        card_number,
        card_expiry,
        card_cvc,
    };
    let state = ssr::app_state();
    let input = ssr::checkout::PlaceOrder { csrf_token, checkout_key, basket_seen, form };
    let outcome = ssr::checkout::place(&state, state.payments.as_ref(), &ssr::parts(), input, ssr::now()).await;
    crate::api::answer_form(ssr::checkout::FORM, outcome)
}

/// One order, for its account holder or the holder of its link's key.
#[server(endpoint = "orders/view")]
pub async fn load_order(number: String, key: Option<String>) -> Result<OrderDetail, ShopError> {
    let state = ssr::app_state();
    let outcome = async {
        let viewer = crate::server::accounts::require_signed_in(&state, &ssr::parts()).await.ok();
        ssr::orders::for_viewer(&state, &number, key.as_deref(), viewer.as_ref()).await
    }
    .await;
    outcome.map_err(crate::api::refuse_page_or_call)
}

/// The signed-in account holder's orders.
#[server(endpoint = "orders/mine")]
pub async fn load_my_orders(page: Option<u32>) -> Result<Paged<OrderSummary>, ShopError> {
    let state = ssr::app_state();
    let outcome = async {
        let signed_in = crate::server::accounts::require_signed_in(&state, &ssr::parts()).await?;
        let page = crate::domain::paging::PageNumber::new(page.unwrap_or(1));
        Ok(ssr::orders::for_account(&state.db, signed_in.account.id, page).await?)
    }
    .await;
    outcome.map_err(crate::api::refuse_page_or_call)
}

#[cfg(feature = "ssr")]
async fn staff_member(state: &ssr::AppState) -> Result<crate::server::accounts::SignedIn, ShopError> {
    Ok(crate::server::accounts::require_staff(state, &ssr::parts()).await?)
}

#[server(endpoint = "admin/orders")]
pub async fn load_staff_orders(status: Option<String>, q: Option<String>, page: Option<u32>) -> Result<StaffOrderList, ShopError> {
    let state = ssr::app_state();
    let outcome = async {
        staff_member(&state).await?;
        let filter = OrderFilter::parse(status.as_deref(), q.as_deref());
        let orders = ssr::orders::for_staff(&state.db, &filter, crate::domain::paging::PageNumber::new(page.unwrap_or(1))).await?;
        Ok(StaffOrderList { filter, orders })
    }
    .await;
    outcome.map_err(crate::api::refuse_page_or_call)
}

#[server(endpoint = "admin/order")]
pub async fn load_staff_order(number: String, form: Option<String>) -> Result<StaffOrderView, ShopError> {
    let state = ssr::app_state();
    let outcome = async {
        let staff = staff_member(&state).await?;
        let order = ssr::orders::find_by_number(&state.db, &number).await?.ok_or(ShopError::OrderNotFound)?;
        let order = ssr::orders::detail(&state.db, order, true).await?;
        crate::server::accounts::audit::record(&state.db, Some(staff.account.id), "order viewed", &number, "", ssr::now()).await?;
        Ok(StaffOrderView { order, csrf_token: staff.session.csrf_token, outcome: ssr::flash(&state, form) })
    }
    .await;
    outcome.map_err(crate::api::refuse_page_or_call)
}

#[server(endpoint = "admin/order-status")]
pub async fn change_order_status(csrf_token: String, number: String, status: String) -> Result<FormReply, ShopError> {
    use crate::domain::orders::OrderStatus;
    use crate::server::shop::orders::StatusChange;
    let state = ssr::app_state();
    let outcome = async {
        let staff = staff_member(&state).await?;
        if !crate::server::accounts::sessions::csrf_matches(&staff.session, &csrf_token) {
            return Err(ShopError::FormExpired);
        }
        let back = format!("/admin/orders/{number}");
        let Some(next) = OrderStatus::parse(&status) else {
            return Ok(FormReply {
                redirect: Some(back),
                ..FormReply::rejected(
                    "order-status",
                    vec![crate::domain::forms::FieldError::new("status", "Choose what to do with the order")],
                    vec![],
                )
            });
        };
        let reply = match ssr::orders::change_status(&state, state.payments.as_ref(), &staff, &number, next, ssr::now()).await? {
            StatusChange::Done(OrderStatus::Cancelled) => {
                FormReply::saved("order-status", "The order is cancelled: its stock is back on sale and the payment has been refunded.")
            }
            StatusChange::Done(OrderStatus::Dispatched) => {
                FormReply::saved("order-status", "The order is marked as dispatched, and the shopper has been e-mailed.")
            }
            StatusChange::Done(status) => {
                FormReply::saved("order-status", format!("The order is marked as {}.", status.label().to_lowercase()))
            }
            StatusChange::NotAllowed { now } => FormReply::rejected(
                "order-status",
                vec![crate::domain::forms::FieldError::new(
                    "status",
                    format!("The order is {} now, so it cannot be marked as {}.", now.label().to_lowercase(), next.label().to_lowercase()),
                )],
                vec![],
            ),
        };
        Ok(FormReply { redirect: Some(back), ..reply })
    }
    .await;
    crate::api::answer_form("order-status", outcome)
}
