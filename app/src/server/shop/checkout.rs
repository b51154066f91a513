//! Checkout (P05): the page's data, and placing an order. The order is placed in one database
//! transaction that takes the stock with a conditional update per product, so concurrent
//! checkouts can never sell more than there is; the card is charged just before, and the
//! charge is refunded if the order cannot be placed after all.

use super::basket::{self, BasketOwner, StoredLine};
use super::payments::{Charge, PaymentError, PaymentProvider};
use super::{order_mail, orders};
use crate::domain::address::{AddressKind, PostalAddress, SavedAddress};
use crate::domain::basket::{changes_since, BasketView};
use crate::domain::catalog::LOW_STOCK_THRESHOLD;
use crate::domain::checkout::CheckoutPage;
use crate::domain::checkout::{AddressChoice, CheckoutForm, CheckoutRequest, OrderTotals};
use crate::domain::forms::{FieldError, FormReply};
use crate::domain::orders::{order_number, OrderDetail, OrderLineView, OrderStatus, OrderSummary, LEGAL_BASIS};
use crate::domain::retention::RetentionRule;
use crate::errors::shop::ShopError;
use crate::server::accounts::{self, addresses};
use crate::server::entities::{account, customer_order, order_line, product};
use crate::server::state::AppState;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Datelike, Utc};
use http::request::Parts;
use rand::RngCore;
use sea_orm::{prelude::*, sea_query::ExprTrait, ActiveValue::Set, ConnectionTrait, TransactionTrait};

pub const FORM: &str = "checkout";
pub const DECLINED: &str = "Your card was declined. No money was taken. Try another card.";

fn random_key() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Everything the checkout page shows: the basket, what can be prefilled, and the page's key.
pub async fn page(state: &AppState, parts: &Parts, outcome: Option<FormReply>) -> Result<CheckoutPage, ShopError> {
    let session = accounts::current_session(state, parts).await?;
    let basket = basket::view(&state.db, session.as_ref()).await?;
    let account = match session.as_ref().and_then(|s| s.account_id) {
        Some(id) => account::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    let saved = match &account {
        Some(account) => addresses::list(&state.db, account.id).await?,
        None => Vec::new(),
    };
    let of_kind = |kind: AddressKind| saved.iter().filter(|a| a.address.kind == kind).cloned().collect::<Vec<SavedAddress>>();
    Ok(CheckoutPage {
        signed_in: account.is_some(),
        name: account.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        email: account.as_ref().map(|a| a.email.clone()).unwrap_or_default(),
        telephone: account.as_ref().and_then(|a| a.telephone.clone()).unwrap_or_default(),
        billing_addresses: of_kind(AddressKind::Billing),
        delivery_addresses: of_kind(AddressKind::Delivery),
        checkout_key: random_key(),
        basket,
        outcome,
        test_mode: state.payments.is_test_mode(),
    })
}

/// A checkout form as posted, with the page's hidden fields.
#[derive(Debug)]
pub struct PlaceOrder {
    pub csrf_token: String,
    pub checkout_key: String,
    pub basket_seen: String,
    pub form: CheckoutForm,
}

enum WriteFailure {
    /// Someone else bought the last units between our check and our transaction.
    OutOfStock,
    /// This checkout key already has an order (a repeated or concurrent post of the page).
    AlreadyPlaced,
    Database(DbErr),
}

impl From<DbErr> for WriteFailure {
    fn from(error: DbErr) -> Self {
        Self::Database(error)
    }
}

/// Places the order, or says what stands in the way (field errors, a declined card, a basket
/// that changed since the shopper looked), never leaving half an order behind.
pub async fn place(
    state: &AppState,
    payments: &dyn PaymentProvider,
    parts: &Parts,
    input: PlaceOrder,
    now: DateTime<Utc>,
) -> Result<FormReply, ShopError> {
    let session = basket::form_session(state, parts, &input.csrf_token).await?;
    if !(16..=64).contains(&input.checkout_key.len()) {
        return Err(ShopError::FormExpired);
    }
    let owner = BasketOwner::of(&session);
    if let Some(order) =
        customer_order::Entity::find().filter(customer_order::Column::CheckoutKey.eq(input.checkout_key.as_str())).one(&state.db).await?
    {
        return Ok(FormReply::go_to(FORM, format!("{}&placed=1", orders::order_path(state, &order.number))));
    }
    let values = input.form.values();
    let reject = |errors: Vec<FieldError>| FormReply::rejected(FORM, errors, values.clone());
    let request = match input.form.parse(u16::try_from(now.year()).unwrap_or(u16::MAX), u8::try_from(now.month()).unwrap_or(12)) {
        Ok(request) => request,
        Err(validation) => return Ok(reject(validation.into_errors())),
    };
    let billing = match resolve_address(&state.db, session.account_id, &request.billing, AddressKind::Billing).await? {
        Ok(address) => address,
        Err(error) => return Ok(reject(vec![FieldError::new("billing_saved", error)])),
    };
    let delivery = match &request.delivery {
        None => PostalAddress { kind: AddressKind::Delivery, is_default: false, ..billing.clone() },
        Some(choice) => match resolve_address(&state.db, session.account_id, choice, AddressKind::Delivery).await? {
            Ok(address) => address,
            Err(error) => return Ok(reject(vec![FieldError::new("delivery_saved", error)])),
        },
    };

    let (lines, corrections) = basket::reconcile_with_stock(&state.db, &owner, now).await?;
    if lines.is_empty() && corrections.is_empty() {
        return Ok(FormReply {
            redirect: Some("/basket".into()),
            ..reject(vec![FieldError::new("basket", "Your basket is empty, so there is nothing to order.")])
        });
    }
    let views: Vec<_> = lines.iter().map(StoredLine::view).collect();
    let changes = changes_since(&input.basket_seen, &views, corrections);
    if !changes.is_empty() {
        return Ok(basket_changed(changes.iter().map(ToString::to_string).collect(), values));
    }
    let basket = BasketView::new(None, views);
    let totals = OrderTotals::new(basket.subtotal, request.delivery_method);

    let charge = match payments.charge(&request.card, totals.total, &input.checkout_key).await {
        Ok(charge) => charge,
        Err(PaymentError::Declined) => {
            tracing::info!("checkout: card declined");
            return Ok(reject(vec![FieldError::new("card_number", DECLINED)]));
        }
        Err(error) => {
            tracing::error!(%error, "checkout: the payment provider failed");
            return Err(ShopError::PaymentUnavailable);
        }
    };
    let order = NewOrder {
        request: &request,
        billing,
        delivery,
        lines: &lines,
        totals,
        charge: &charge,
        account_id: session.account_id,
        checkout_key: &input.checkout_key,
    };
    match write_order(state, &owner, order, now).await {
        Ok(detail) => {
            state.mailer.wake();
            // Pages show "In stock" above the low-stock threshold, so only an order that
            // brings a product to or below it changes what they say: then reload the catalog.
            let low = lines.iter().any(|l| l.product.stock - l.line.quantity <= i32::try_from(LOW_STOCK_THRESHOLD).unwrap_or(i32::MAX));
            if low {
                state.catalog.invalidate();
            }
            tracing::info!(order = detail.summary.number, total_pence = totals.total.pence(), "order placed");
            Ok(FormReply::go_to(FORM, format!("{}&placed=1", orders::order_path(state, &detail.summary.number))))
        }
        Err(failure) => {
            refund(payments, &charge).await;
            match failure {
                WriteFailure::OutOfStock => {
                    let (_, corrections) = basket::reconcile_with_stock(&state.db, &owner, now).await?;
                    let mut messages: Vec<String> = corrections.iter().map(ToString::to_string).collect();
                    if messages.is_empty() {
                        messages.push("Some of your basket sold out while you were checking out. Please check your basket.".into());
                    }
                    messages.push("Your card has not been charged.".into());
                    Ok(basket_changed(messages, values))
                }
                WriteFailure::AlreadyPlaced => {
                    let order = customer_order::Entity::find()
                        .filter(customer_order::Column::CheckoutKey.eq(input.checkout_key.as_str()))
                        .one(&state.db)
                        .await?;
                    let order = order.ok_or(ShopError::Unavailable)?;
                    Ok(FormReply::go_to(FORM, format!("{}&placed=1", orders::order_path(state, &order.number))))
                }
                WriteFailure::Database(error) => Err(error.into()),
            }
        }
    }
}

/// The reply when the basket is not what the shopper saw: the page reloads to show the
/// basket as it is now, with what changed at the top; what they typed is kept.
fn basket_changed(messages: Vec<String>, values: Vec<(String, String)>) -> FormReply {
    let errors = messages.into_iter().map(|m| FieldError::new("basket", m)).collect();
    FormReply { redirect: Some("/checkout".into()), ..FormReply::rejected(FORM, errors, values) }
}

async fn refund(payments: &dyn PaymentProvider, charge: &Charge) {
    if let Err(error) = payments.refund(&charge.token).await {
        // Staff must give this money back by hand: the log says which charge.
        tracing::error!(%error, token = charge.token, "refunding a charge for an order that was not placed failed");
    }
}

/// A saved address must be the shopper's own (and of the right kind).
async fn resolve_address(
    db: &impl ConnectionTrait,
    account_id: Option<i32>,
    choice: &AddressChoice,
    kind: AddressKind,
) -> Result<Result<PostalAddress, String>, DbErr> {
    match choice {
        AddressChoice::Typed(address) => Ok(Ok(address.clone())),
        AddressChoice::Saved(id) => {
            let Some(account_id) = account_id else { return Ok(Err("Enter the address".into())) };
            let found = addresses::list(db, account_id).await?.into_iter().find(|a| a.id == *id && a.address.kind == kind);
            Ok(found.map(|a| a.address).ok_or_else(|| "Choose one of your saved addresses, or enter a new one".to_owned()))
        }
    }
}

struct NewOrder<'a> {
    request: &'a CheckoutRequest,
    billing: PostalAddress,
    delivery: PostalAddress,
    lines: &'a [StoredLine],
    totals: OrderTotals,
    charge: &'a Charge,
    account_id: Option<i32>,
    checkout_key: &'a str,
}

/// The one transaction that places an order: take the stock, write the order and its lines,
/// empty the basket and queue the confirmation. Any failure rolls all of it back.
async fn write_order(state: &AppState, owner: &BasketOwner, order: NewOrder<'_>, now: DateTime<Utc>) -> Result<OrderDetail, WriteFailure> {
    let txn = state.db.begin().await?;
    // Writes first, in product order: on SQLite the transaction takes the write lock at once
    // (waiting its turn, instead of failing on a lock upgrade), and on PostgreSQL concurrent
    // checkouts lock rows in the same order, so they cannot deadlock.
    let mut by_product: Vec<&StoredLine> = order.lines.iter().collect();
    by_product.sort_by_key(|l| l.product.id);
    for stored in &by_product {
        let quantity = stored.line.quantity;
        let taken = product::Entity::update_many()
            .col_expr(product::Column::Stock, Expr::col(product::Column::Stock).sub(quantity))
            .filter(product::Column::Id.eq(stored.product.id))
            .filter(product::Column::Stock.gte(quantity))
            .exec(&txn)
            .await?;
        if taken.rows_affected != 1 {
            txn.rollback().await?;
            return Err(WriteFailure::OutOfStock);
        }
    }
    let mut random = [0u8; 8];
    rand::rng().fill_bytes(&mut random);
    let number = order_number(random);
    let request = order.request;
    let json = |address: &PostalAddress| {
        serde_json::to_string(address).map_err(|e| DbErr::Custom(format!("an address could not be written: {e}")))
    };
    // P17: the order is kept until the retention engine's orders rule removes it.
    let retain_until = state.retention.kept_until(RetentionRule::Orders, now);
    let row = customer_order::ActiveModel {
        number: Set(number.clone()),
        checkout_key: Set(order.checkout_key.to_owned()),
        account_id: Set(order.account_id),
        status: Set(OrderStatus::Paid.as_str().to_owned()),
        name: Set(request.name.as_str().to_owned()),
        email: Set(request.email.as_str().to_owned()),
        telephone: Set(request.telephone.as_str().to_owned()),
        billing_address: Set(json(&order.billing)?),
        delivery_address: Set(json(&order.delivery)?),
        delivery_method: Set(request.delivery_method.as_str().to_owned()),
        delivery_pence: Set(order.totals.delivery.pence()),
        subtotal_pence: Set(order.totals.subtotal.pence()),
        vat_pence: Set(order.totals.vat.pence()),
        total_pence: Set(order.totals.total.pence()),
        card_brand: Set(order.charge.brand.as_str().to_owned()),
        card_last4: Set(order.charge.last4.clone()),
        card_exp_month: Set(i16::from(order.charge.exp_month)),
        card_exp_year: Set(i16::try_from(order.charge.exp_year).unwrap_or(i16::MAX)),
        payment_token: Set(order.charge.token.clone()),
        legal_basis: Set(LEGAL_BASIS.to_owned()),
        retain_until: Set(retain_until),
        placed_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = match row.insert(&txn).await {
        Ok(inserted) => inserted,
        Err(error) => {
            txn.rollback().await?;
            let repeated =
                customer_order::Entity::find().filter(customer_order::Column::CheckoutKey.eq(order.checkout_key)).one(&state.db).await?;
            return Err(if repeated.is_some() { WriteFailure::AlreadyPlaced } else { WriteFailure::Database(error) });
        }
    };
    let lines: Vec<OrderLineView> = order
        .lines
        .iter()
        .map(|l| {
            let view = l.view();
            OrderLineView {
                slug: view.slug,
                name: view.name,
                unit_price: view.unit_price,
                quantity: view.quantity,
                line_total: view.line_total,
            }
        })
        .collect();
    order_line::Entity::insert_many(order.lines.iter().zip(&lines).map(|(stored, view)| order_line::ActiveModel {
        id: Default::default(),
        order_id: Set(inserted.id),
        product_id: Set(Some(stored.product.id)),
        product_slug: Set(view.slug.clone()),
        product_name: Set(view.name.clone()),
        unit_price_pence: Set(view.unit_price.pence()),
        quantity: Set(stored.line.quantity),
        line_total_pence: Set(view.line_total.pence()),
    }))
    .exec(&txn)
    .await?;
    basket::clear(&txn, owner).await?;
    let detail = OrderDetail {
        summary: OrderSummary {
            number: number.clone(),
            status: OrderStatus::Paid,
            placed_at: now.to_rfc3339(),
            item_count: lines.iter().map(|l| l.quantity).sum(),
            total: order.totals.total,
            name: inserted.name.clone(),
            email: inserted.email.clone(),
        },
        telephone: inserted.telephone.clone(),
        lines,
        billing: order.billing,
        delivery: order.delivery,
        delivery_method: request.delivery_method,
        totals: order.totals,
        payment: crate::domain::orders::describe_card(
            &inserted.card_brand,
            &inserted.card_last4,
            inserted.card_exp_month,
            inserted.card_exp_year,
        ),
        legal_basis: LEGAL_BASIS.to_owned(),
        retain_until: retain_until.to_rfc3339(),
        next_statuses: Vec::new(),
    };
    if let Err(error) = order_mail::confirmation(state, &txn, &detail, now).await {
        txn.rollback().await?;
        return Err(WriteFailure::Database(DbErr::Custom(format!("the confirmation could not be queued: {error}"))));
    }
    txn.commit().await?;
    Ok(detail)
}
