//! Baskets kept on the server: a guest's belongs to their session (the strictly necessary
//! `sop_session` cookie, P26/P27), an account holder's to their account, so it follows them
//! across devices. Stock is not reserved by a basket; it is checked again at checkout.

use crate::domain::basket::{capped_quantity, merged_quantity, parse_quantity, BasketChange, BasketLineView, BasketView};
use crate::domain::forms::{FieldError, FormReply};
use crate::errors::shop::ShopError;
use crate::server::accounts::{
    self,
    sessions::{self, CurrentSession},
};
use crate::server::entities::{basket_line, product};
use crate::server::state::AppState;
use chrono::{DateTime, Utc};
use http::request::Parts;
use sea_orm::{prelude::*, sea_query::SimpleExpr, ActiveValue::Set, ConnectionTrait, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The header's basket count for this page request, worked out by the server's middleware.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasketCount(pub u32);

/// Whose basket it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BasketOwner {
    Session(String),
    Account(i32),
}

impl BasketOwner {
    pub fn of(session: &CurrentSession) -> Self {
        match session.account_id {
            Some(account_id) => Self::Account(account_id),
            None => Self::Session(session.id.clone()),
        }
    }

    fn condition(&self) -> SimpleExpr {
        match self {
            Self::Session(id) => basket_line::Column::SessionId.eq(id.clone()),
            Self::Account(id) => basket_line::Column::AccountId.eq(*id),
        }
    }
}

/// A basket line with its product as the catalog has it now.
#[derive(Clone, Debug)]
pub struct StoredLine {
    pub line: basket_line::Model,
    pub product: product::Model,
}

impl StoredLine {
    fn in_stock(&self) -> u32 {
        u32::try_from(self.product.stock).unwrap_or(0)
    }

    pub fn quantity(&self) -> u32 {
        u32::try_from(self.line.quantity).unwrap_or(0)
    }

    pub fn view(&self) -> BasketLineView {
        BasketLineView::new(
            self.product.slug.clone(),
            self.product.name.clone(),
            crate::domain::money::Money::from_pence(self.product.price_pence),
            self.quantity(),
            self.in_stock(),
        )
    }
}

/// The basket's lines, oldest first, with their products.
pub async fn lines(db: &impl ConnectionTrait, owner: &BasketOwner) -> Result<Vec<StoredLine>, DbErr> {
    let lines = basket_line::Entity::find().filter(owner.condition()).order_by_asc(basket_line::Column::Id).all(db).await?;
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = lines.iter().map(|l| l.product_id).collect();
    let mut products: HashMap<i32, product::Model> =
        product::Entity::find().filter(product::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|p| (p.id, p)).collect();
    Ok(lines.into_iter().filter_map(|line| products.remove(&line.product_id).map(|product| StoredLine { line, product })).collect())
}

pub async fn view(db: &impl ConnectionTrait, session: Option<&CurrentSession>) -> Result<BasketView, DbErr> {
    let Some(session) = session else { return Ok(BasketView::default()) };
    let lines = lines(db, &BasketOwner::of(session)).await?;
    Ok(BasketView::new(Some(session.csrf_token.clone()), lines.iter().map(StoredLine::view).collect()))
}

/// How many items the basket holds, for the header.
pub async fn item_count(db: &impl ConnectionTrait, owner: &BasketOwner) -> Result<u32, DbErr> {
    let total: Option<Option<i64>> = basket_line::Entity::find()
        .select_only()
        .column_as(basket_line::Column::Quantity.sum(), "items")
        .filter(owner.condition())
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().and_then(|n| u32::try_from(n).ok()).unwrap_or(0))
}

/// The header's count for a page request: none without a live session.
pub async fn item_count_for(state: &AppState, parts: &Parts) -> u32 {
    let count = async {
        let Some(session) = accounts::current_session(state, parts).await.ok().flatten() else { return Ok(0) };
        item_count(&state.db, &BasketOwner::of(&session)).await
    };
    count.await.unwrap_or_else(|error: DbErr| {
        tracing::warn!(%error, "basket count unavailable for the header");
        0
    })
}

/// The live session behind a basket form, whose CSRF token the form must carry.
pub async fn form_session(state: &AppState, parts: &Parts, csrf_token: &str) -> Result<CurrentSession, ShopError> {
    let session = accounts::current_session(state, parts).await?.ok_or(ShopError::FormExpired)?;
    if !sessions::csrf_matches(&session, csrf_token) {
        tracing::warn!("a basket form carried a wrong CSRF token");
        return Err(ShopError::FormExpired);
    }
    Ok(session)
}

pub const ADD_FORM: &str = "add-to-basket";
pub const QUANTITY_FORM: &str = "basket";

/// Adds to the basket, starting a guest session when there is none (the only cookie this
/// sets is the strictly necessary session cookie). The add-to-basket form carries no CSRF
/// token, so product pages stay the same for everyone: the same-origin check refuses a
/// cross-site post, and the worst a forged add could do is put something in a basket, which
/// the shopper sees before any checkout.
pub async fn add(
    state: &AppState,
    parts: &Parts,
    slug: &str,
    quantity: &str,
    now: DateTime<Utc>,
) -> Result<(FormReply, Option<String>), ShopError> {
    let back = format!("/product/{slug}");
    let refuse = |message: String| FormReply {
        redirect: Some(back.clone()),
        ..FormReply::rejected(ADD_FORM, vec![FieldError::new("quantity", message)], vec![("quantity".into(), quantity.to_owned())])
    };
    let wanted = match parse_quantity(if quantity.trim().is_empty() { "1" } else { quantity }) {
        Ok(0) => return Ok((refuse("Enter a quantity of 1 or more".into()), None)),
        Ok(n) => n,
        Err(message) => return Ok((refuse(message), None)),
    };
    let product = product::Entity::find().filter(product::Column::Slug.eq(slug)).one(&state.db).await?.ok_or(ShopError::ProductNotFound)?;
    let in_stock = u32::try_from(product.stock).unwrap_or(0);
    if in_stock == 0 {
        return Ok((refuse(format!("Sorry, {} is out of stock.", product.name)), None));
    }
    let (session, cookie) = match accounts::current_session(state, parts).await? {
        Some(session) => (session, None),
        None => {
            let (token, session) = sessions::start(&state.db, None, state.sessions, now).await?;
            (session, Some(sessions::set_cookie(&token, state.secure_cookies)))
        }
    };
    let owner = BasketOwner::of(&session);
    let existing =
        basket_line::Entity::find().filter(owner.condition()).filter(basket_line::Column::ProductId.eq(product.id)).one(&state.db).await?;
    let had = existing.as_ref().map_or(0, |l| u32::try_from(l.quantity).unwrap_or(0));
    let quantity = capped_quantity(had + wanted, in_stock);
    store_quantity(&state.db, &owner, existing, product.id, quantity, now).await?;
    let notice = if quantity < had + wanted {
        format!("Only {in_stock} of {} can be ordered, so your basket has {quantity}.", product.name)
    } else {
        "Added to your basket".to_owned()
    };
    let reply = FormReply { redirect: Some(back), ..FormReply::saved(ADD_FORM, notice) };
    Ok((reply, cookie))
}

async fn store_quantity(
    db: &impl ConnectionTrait,
    owner: &BasketOwner,
    existing: Option<basket_line::Model>,
    product_id: i32,
    quantity: u32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let quantity = i32::try_from(quantity).unwrap_or(i32::MAX);
    match (existing, quantity) {
        (Some(line), 0) => basket_line::Entity::delete_by_id(line.id).exec(db).await.map(|_| ()),
        (Some(line), quantity) => {
            let mut line: basket_line::ActiveModel = line.into();
            line.quantity = Set(quantity);
            line.update(db).await.map(|_| ())
        }
        (None, 0) => Ok(()),
        (None, quantity) => {
            let (session_id, account_id) = match owner {
                BasketOwner::Session(id) => (Some(id.clone()), None),
                BasketOwner::Account(id) => (None, Some(*id)),
            };
            basket_line::ActiveModel {
                id: Default::default(),
                session_id: Set(session_id),
                account_id: Set(account_id),
                product_id: Set(product_id),
                quantity: Set(quantity),
                added_at: Set(now),
            }
            .insert(db)
            .await
            .map(|_| ())
        }
    }
}

/// Sets a line's quantity from the basket page (0 removes it), capped by stock.
pub async fn set_quantity(
    state: &AppState,
    session: &CurrentSession,
    slug: &str,
    quantity: &str,
    now: DateTime<Utc>,
) -> Result<FormReply, ShopError> {
    let owner = BasketOwner::of(session);
    let Some(stored) = lines(&state.db, &owner).await?.into_iter().find(|l| l.product.slug == slug) else {
        return Ok(FormReply {
            redirect: Some("/basket".into()),
            ..FormReply::saved(QUANTITY_FORM, "That product is no longer in your basket.")
        });
    };
    let wanted = match parse_quantity(quantity) {
        Ok(n) => n,
        Err(message) => {
            let errors = vec![FieldError::new(&format!("quantity-{slug}"), format!("{}: {message}", stored.product.name))];
            return Ok(FormReply { redirect: Some("/basket".into()), ..FormReply::rejected(QUANTITY_FORM, errors, vec![]) });
        }
    };
    let kept = capped_quantity(wanted, stored.in_stock());
    let name = stored.product.name.clone();
    store_quantity(&state.db, &owner, Some(stored.line), stored.product.id, kept, now).await?;
    let notice = match kept {
        0 if wanted > 0 => format!("Sorry, {name} is out of stock, so it has been removed from your basket."),
        0 => format!("{name} has been removed from your basket."),
        n if n < wanted => format!("Only {n} of {name} can be ordered, so your basket has {n}."),
        _ => "Your basket has been updated.".to_owned(),
    };
    Ok(FormReply { redirect: Some("/basket".into()), ..FormReply::saved(QUANTITY_FORM, notice) })
}

/// Brings the basket into line with the stock: a line asking for more than there is drops to
/// what there is, or goes when there is none. Says what it changed, so the shopper is told.
pub async fn reconcile_with_stock(
    db: &impl ConnectionTrait,
    owner: &BasketOwner,
    now: DateTime<Utc>,
) -> Result<(Vec<StoredLine>, Vec<BasketChange>), DbErr> {
    let mut kept = Vec::new();
    let mut changes = Vec::new();
    for mut stored in lines(db, owner).await? {
        let (quantity, in_stock) = (stored.quantity(), stored.in_stock());
        if quantity <= in_stock {
            kept.push(stored);
            continue;
        }
        let name = stored.product.name.clone();
        store_quantity(db, owner, Some(stored.line.clone()), stored.product.id, in_stock, now).await?;
        if in_stock == 0 {
            changes.push(BasketChange::SoldOut { name });
        } else {
            changes.push(BasketChange::StockReduced { name, left: in_stock });
            stored.line.quantity = i32::try_from(in_stock).unwrap_or(0);
            kept.push(stored);
        }
    }
    Ok((kept, changes))
}

/// At sign-in, the guest session's basket joins the account's (`domain::basket::merged_quantity`:
/// quantities add up, capped by stock). Run in the sign-in transaction, before the guest
/// session ends (which would take its basket with it).
pub async fn merge_into_account(
    db: &impl ConnectionTrait,
    guest_session_id: &str,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let guest = BasketOwner::Session(guest_session_id.to_owned());
    let guest_lines = lines(db, &guest).await?;
    if guest_lines.is_empty() {
        return Ok(());
    }
    let account = BasketOwner::Account(account_id);
    let mut account_lines: HashMap<i32, basket_line::Model> =
        basket_line::Entity::find().filter(account.condition()).all(db).await?.into_iter().map(|l| (l.product_id, l)).collect();
    for stored in guest_lines {
        let existing = account_lines.remove(&stored.product.id);
        let had = existing.as_ref().map_or(0, |l| u32::try_from(l.quantity).unwrap_or(0));
        let quantity = merged_quantity(had, stored.quantity(), stored.in_stock());
        store_quantity(db, &account, existing, stored.product.id, quantity, now).await?;
    }
    basket_line::Entity::delete_many().filter(guest.condition()).exec(db).await?;
    Ok(())
}

/// Empties the basket (after an order is placed, in the order's transaction).
pub async fn clear(db: &impl ConnectionTrait, owner: &BasketOwner) -> Result<(), DbErr> {
    basket_line::Entity::delete_many().filter(owner.condition()).exec(db).await.map(|_| ())
}
