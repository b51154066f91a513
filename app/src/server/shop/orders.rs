//! Reading orders, for their shopper and for staff, and moving them through their statuses.
//! Nobody sees an order that is not theirs: its account holder, or whoever holds the signed
//! link from its confirmation e-mail; anyone else gets the same "not found" as for no order.

use super::{order_mail, payments::PaymentProvider};
use crate::domain::address::PostalAddress;
use crate::domain::checkout::{DeliveryMethod, OrderTotals};
use crate::domain::money::Money;
use crate::domain::orders::{describe_card, is_order_number, OrderDetail, OrderFilter, OrderLineView, OrderStatus, OrderSummary};
use crate::domain::paging::{PageNumber, Paged};
use crate::errors::shop::ShopError;
use crate::server::accounts::{audit, SignedIn};
use crate::server::entities::{customer_order, order_line, product};
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{prelude::*, sea_query::ExprTrait, Condition, ConnectionTrait, PaginatorTrait, QueryOrder, TransactionTrait};
use sha2::Sha256;

/// Orders per page in the staff list and in a shopper's history.
pub const ORDERS_PER_PAGE: u32 = 20;

/// The MAC behind an order's link key, over its number only, so nothing needs storing.
fn view_mac(secret: &[u8], number: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| Hmac::<Sha256>::new_from_slice(b"0").expect("any key length"));
    mac.update(b"order-view\0");
    mac.update(number.as_bytes());
    mac
}

/// The key in an order's link: cannot be guessed from the number.
pub fn view_key(secret: &[u8], number: &str) -> String {
    hex::encode(&view_mac(secret, number).finalize().into_bytes()[..16])
}

fn key_matches(secret: &[u8], number: &str, key: &str) -> bool {
    hex::decode(key).is_ok_and(|key| key.len() == 16 && view_mac(secret, number).verify_truncated_left(&key).is_ok())
}

/// The order's page, with its key: the address in the confirmation e-mail.
pub fn order_link(state: &AppState, number: &str) -> String {
    format!("{}/orders/{number}?key={}", state.public_url, view_key(&state.keys.order_links, number))
}

pub fn order_path(state: &AppState, number: &str) -> String {
    format!("/orders/{number}?key={}", view_key(&state.keys.order_links, number))
}

pub async fn find_by_number(db: &impl ConnectionTrait, number: &str) -> Result<Option<customer_order::Model>, DbErr> {
    if !is_order_number(number) {
        return Ok(None);
    }
    customer_order::Entity::find().filter(customer_order::Column::Number.eq(number)).one(db).await
}

/// The order, if this visitor may see it: its account holder, or the holder of its key.
pub async fn for_viewer(state: &AppState, number: &str, key: Option<&str>, viewer: Option<&SignedIn>) -> Result<OrderDetail, ShopError> {
    let order = find_by_number(&state.db, number).await?.ok_or(ShopError::OrderNotFound)?;
    let owner = viewer.is_some_and(|v| order.account_id == Some(v.account.id));
    // Links mailed before the store had a key per purpose were made with the secret itself;
    // they keep opening their order for as long as it is kept (S10).
    let keyed = key.is_some_and(|key| {
        key_matches(&state.keys.order_links, &order.number, key) || key_matches(&state.keys.legacy_order_links, &order.number, key)
    });
    if !owner && !keyed {
        return Err(ShopError::OrderNotFound);
    }
    detail(&state.db, order, false).await
}

fn summary(order: &customer_order::Model, item_count: u32) -> OrderSummary {
    OrderSummary {
        number: order.number.clone(),
        status: OrderStatus::parse(&order.status).unwrap_or(OrderStatus::Paid),
        placed_at: order.placed_at.to_rfc3339(),
        item_count,
        total: Money::from_pence(order.total_pence),
        name: order.name.clone(),
        email: order.email.clone(),
    }
}

pub async fn detail(db: &impl ConnectionTrait, order: customer_order::Model, for_staff: bool) -> Result<OrderDetail, ShopError> {
    let lines =
        order_line::Entity::find().filter(order_line::Column::OrderId.eq(order.id)).order_by_asc(order_line::Column::Id).all(db).await?;
    let lines: Vec<OrderLineView> = lines
        .into_iter()
        .map(|l| OrderLineView {
            slug: l.product_slug,
            name: l.product_name,
            unit_price: Money::from_pence(l.unit_price_pence),
            quantity: u32::try_from(l.quantity).unwrap_or(0),
            line_total: Money::from_pence(l.line_total_pence),
        })
        .collect();
    let address = |json: &str| {
        serde_json::from_str::<PostalAddress>(json).map_err(|error| {
            tracing::error!(%error, order = order.number, "an order's address cannot be read");
            ShopError::Unavailable
        })
    };
    let method = DeliveryMethod::parse(&order.delivery_method).unwrap_or(DeliveryMethod::Standard);
    let summary = summary(&order, lines.iter().map(|l| l.quantity).sum());
    let status = summary.status;
    Ok(OrderDetail {
        telephone: order.telephone.clone(),
        lines,
        billing: address(&order.billing_address)?,
        delivery: address(&order.delivery_address)?,
        delivery_method: method,
        totals: OrderTotals {
            subtotal: Money::from_pence(order.subtotal_pence),
            delivery: Money::from_pence(order.delivery_pence),
            total: Money::from_pence(order.total_pence),
            vat: Money::from_pence(order.vat_pence),
        },
        payment: describe_card(&order.card_brand, &order.card_last4, order.card_exp_month, order.card_exp_year),
        legal_basis: order.legal_basis.clone(),
        retain_until: order.retain_until.to_rfc3339(),
        next_statuses: if for_staff { status.next().to_vec() } else { Vec::new() },
        summary,
    })
}

/// Item counts per order, for lists.
async fn item_counts(db: &impl ConnectionTrait, orders: &[customer_order::Model]) -> Result<std::collections::HashMap<i32, u32>, DbErr> {
    let ids: Vec<i32> = orders.iter().map(|o| o.id).collect();
    let mut counts = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(counts);
    }
    for line in order_line::Entity::find().filter(order_line::Column::OrderId.is_in(ids)).all(db).await? {
        *counts.entry(line.order_id).or_insert(0) += u32::try_from(line.quantity).unwrap_or(0);
    }
    Ok(counts)
}

async fn page_of(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<customer_order::Entity>,
    page: PageNumber,
) -> Result<Paged<OrderSummary>, DbErr> {
    let paginator = query
        .order_by_desc(customer_order::Column::PlacedAt)
        .order_by_desc(customer_order::Column::Id)
        .paginate(db, u64::from(ORDERS_PER_PAGE));
    let total = paginator.num_items().await?;
    let orders = paginator.fetch_page(u64::from(page.get() - 1)).await?;
    let counts = item_counts(db, &orders).await?;
    let items = orders.iter().map(|o| summary(o, counts.get(&o.id).copied().unwrap_or(0))).collect();
    Ok(Paged { items, page: page.get(), per_page: ORDERS_PER_PAGE, total })
}

/// An account holder's own orders, newest first.
pub async fn for_account(db: &impl ConnectionTrait, account_id: i32, page: PageNumber) -> Result<Paged<OrderSummary>, DbErr> {
    page_of(db, customer_order::Entity::find().filter(customer_order::Column::AccountId.eq(account_id)), page).await
}

/// Staff's list: by status, and by order number or e-mail address.
pub async fn for_staff(db: &impl ConnectionTrait, filter: &OrderFilter, page: PageNumber) -> Result<Paged<OrderSummary>, DbErr> {
    let mut query = customer_order::Entity::find();
    if let Some(status) = filter.status {
        query = query.filter(customer_order::Column::Status.eq(status.as_str()));
    }
    if let Some(text) = &filter.query {
        let upper = text.to_uppercase();
        query = query.filter(
            Condition::any().add(customer_order::Column::Number.eq(upper)).add(customer_order::Column::Email.contains(text.to_lowercase())),
        );
    }
    page_of(db, query, page).await
}

/// What happened when staff asked to move an order on.
#[derive(Debug, PartialEq, Eq)]
pub enum StatusChange {
    Done(OrderStatus),
    /// The move is not allowed from where the order is now (perhaps someone else moved it).
    NotAllowed {
        now: OrderStatus,
    },
}

/// Moves an order to `next`, if the status flow allows it from where it is. Cancelling returns
/// the stock and refunds the payment; dispatching e-mails the shopper. Recorded in the audit log.
pub async fn change_status(
    state: &AppState,
    payments: &dyn PaymentProvider,
    staff: &SignedIn,
    number: &str,
    next: OrderStatus,
    now: DateTime<Utc>,
) -> Result<StatusChange, ShopError> {
    let order = find_by_number(&state.db, number).await?.ok_or(ShopError::OrderNotFound)?;
    let current = OrderStatus::parse(&order.status).unwrap_or(OrderStatus::Paid);
    if !current.can_move_to(next) {
        return Ok(StatusChange::NotAllowed { now: current });
    }
    let txn = state.db.begin().await?;
    // Only from the status read above: two staff pressing at once cannot both move it.
    let mut update = customer_order::Entity::update_many()
        .col_expr(customer_order::Column::Status, Expr::value(next.as_str()))
        .col_expr(customer_order::Column::UpdatedAt, Expr::value(now))
        .filter(customer_order::Column::Id.eq(order.id))
        .filter(customer_order::Column::Status.eq(current.as_str()));
    update = match next {
        OrderStatus::Dispatched => update.col_expr(customer_order::Column::DispatchedAt, Expr::value(now)),
        OrderStatus::Delivered => update.col_expr(customer_order::Column::DeliveredAt, Expr::value(now)),
        OrderStatus::Cancelled => update.col_expr(customer_order::Column::CancelledAt, Expr::value(now)),
        OrderStatus::Paid => update,
    };
    if update.exec(&txn).await?.rows_affected != 1 {
        txn.rollback().await?;
        let now_status = find_by_number(&state.db, number).await?.and_then(|o| OrderStatus::parse(&o.status)).unwrap_or(current);
        return Ok(StatusChange::NotAllowed { now: now_status });
    }
    if next == OrderStatus::Cancelled {
        for line in order_line::Entity::find().filter(order_line::Column::OrderId.eq(order.id)).all(&txn).await? {
            if let Some(product_id) = line.product_id {
                product::Entity::update_many()
                    .col_expr(product::Column::Stock, Expr::col(product::Column::Stock).add(line.quantity))
                    .filter(product::Column::Id.eq(product_id))
                    .exec(&txn)
                    .await?;
            }
        }
    }
    if next == OrderStatus::Dispatched {
        order_mail::dispatched(state, &txn, &order, now).await?;
    }
    audit::record(
        &txn,
        Some(staff.account.id),
        &format!("order {}", next.as_str()),
        &order.number,
        &format!("from {}", current.as_str()),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    if next == OrderStatus::Cancelled {
        state.catalog.invalidate();
        // The order stands cancelled either way; a refund that fails is for staff to chase.
        if let Err(error) = payments.refund(&order.payment_token).await {
            tracing::error!(%error, order = order.number, "refunding a cancelled order failed");
        }
    }
    tracing::info!(order = order.number, from = current.as_str(), to = next.as_str(), "order status changed");
    Ok(StatusChange::Done(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_keys_are_bound_to_the_number_and_the_secret() {
        let key = view_key(b"secret", "SOP-ABCD-EFGH");
        assert_eq!(key.len(), 32);
        assert!(key_matches(b"secret", "SOP-ABCD-EFGH", &key));
        assert!(!key_matches(b"secret", "SOP-ABCD-EFGJ", &key));
        assert!(!key_matches(b"other", "SOP-ABCD-EFGH", &key));
        assert!(!key_matches(b"secret", "SOP-ABCD-EFGH", "zz"));
        assert!(!key_matches(b"secret", "SOP-ABCD-EFGH", ""));
    }
}
