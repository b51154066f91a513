//! The shop's e-mails, queued in the transaction of the change they report.

use super::orders;
use crate::domain::checkout::DeliveryMethod;
use crate::domain::orders::OrderDetail;
use crate::errors::shop::ShopError;
use crate::server::entities::customer_order;
use crate::server::mail::templates;
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

pub async fn confirmation(state: &AppState, db: &impl ConnectionTrait, order: &OrderDetail, now: DateTime<Utc>) -> Result<(), ShopError> {
    let link = orders::order_link(state, &order.summary.number);
    let mail = templates::order_confirmation(&order.summary.email, &order.summary.name, order, &link);
    state.mailer.queue(db, &mail, now).await?;
    Ok(())
}

pub async fn dispatched(
    state: &AppState,
    db: &impl ConnectionTrait,
    order: &customer_order::Model,
    now: DateTime<Utc>,
) -> Result<(), ShopError> {
    let link = orders::order_link(state, &order.number);
    let method = DeliveryMethod::parse(&order.delivery_method).unwrap_or(DeliveryMethod::Standard).label();
    let mail = templates::order_dispatched(&order.email, &order.name, &order.number, method, &link);
    state.mailer.queue(db, &mail, now).await?;
    Ok(())
}
