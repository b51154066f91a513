//! The address book (P23): billing and delivery addresses, one default of each. Every query
//! is scoped to the signed-in account, so another account's address is simply "not found".

use super::SignedIn;
use crate::domain::address::{AddressForm, AddressKind, PostalAddress, SavedAddress};
use crate::domain::forms::{FormReply, Validation};
use crate::errors::account::AccountError;
use crate::server::entities::account_address;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, ConnectionTrait, DatabaseConnection, QueryFilter, QueryOrder, TransactionTrait};

fn to_saved(row: account_address::Model) -> Option<SavedAddress> {
    Some(SavedAddress {
        id: row.id,
        address: PostalAddress {
            kind: AddressKind::parse(&row.kind)?,
            full_name: row.full_name,
            line1: row.line1,
            line2: row.line2,
            city: row.city,
            postcode: row.postcode,
            country: row.country,
            is_default: row.is_default,
        },
    })
}

pub async fn list(db: &impl ConnectionTrait, account_id: i32) -> Result<Vec<SavedAddress>, DbErr> {
    let rows = account_address::Entity::find()
        .filter(account_address::Column::AccountId.eq(account_id))
        .order_by_asc(account_address::Column::Kind)
        .order_by_desc(account_address::Column::IsDefault)
        .order_by_asc(account_address::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(to_saved).collect())
}

async fn owned(db: &impl ConnectionTrait, signed_in: &SignedIn, id: i32) -> Result<account_address::Model, AccountError> {
    account_address::Entity::find_by_id(id)
        .filter(account_address::Column::AccountId.eq(signed_in.account.id))
        .one(db)
        .await?
        .ok_or(AccountError::NotFound)
}

pub async fn find(db: &impl ConnectionTrait, signed_in: &SignedIn, id: i32) -> Result<SavedAddress, AccountError> {
    to_saved(owned(db, signed_in, id).await?).ok_or(AccountError::NotFound)
}

/// Adds (`id` None) or changes an address. The first address of a kind becomes its default;
/// making one the default clears the flag on the others of its kind, in the same transaction.
pub async fn save(
    db: &DatabaseConnection,
    signed_in: &SignedIn,
    id: Option<i32>,
    form: AddressForm,
    now: DateTime<Utc>,
) -> Result<FormReply, AccountError> {
    let form_name = "address";
    let mut v = Validation::default();
    let Some(address) = form.parse(&mut v).filter(|_| v.is_clean()) else {
        return Ok(FormReply::rejected(form_name, v.into_errors(), form.values()));
    };
    let account_id = signed_in.account.id;
    let txn = db.begin().await?;
    let existing = match id {
        Some(id) => Some(owned(&txn, signed_in, id).await?),
        None => None,
    };
    let others_of_kind = account_address::Entity::find()
        .filter(account_address::Column::AccountId.eq(account_id))
        .filter(account_address::Column::Kind.eq(address.kind.as_str()))
        .filter(account_address::Column::Id.ne(id.unwrap_or(0)))
        .count(&txn)
        .await?;
    let is_default = address.is_default || others_of_kind == 0;
    if is_default {
        account_address::Entity::update_many()
            .col_expr(account_address::Column::IsDefault, Expr::value(false))
            .filter(account_address::Column::AccountId.eq(account_id))
            .filter(account_address::Column::Kind.eq(address.kind.as_str()))
            .exec(&txn)
            .await?;
    }
    let mut row = match existing {
        Some(row) => row.into(),
        None => account_address::ActiveModel { account_id: Set(account_id), created_at: Set(now), ..Default::default() },
    };
    row.kind = Set(address.kind.as_str().to_owned());
    row.is_default = Set(is_default);
    row.full_name = Set(address.full_name);
    row.line1 = Set(address.line1);
    row.line2 = Set(address.line2);
    row.city = Set(address.city);
    row.postcode = Set(address.postcode);
    row.country = Set(address.country);
    row.updated_at = Set(now);
    row.save(&txn).await?;
    txn.commit().await?;
    let mut reply = FormReply::go_to(form_name, "/account#addresses");
    reply.notice = Some(if id.is_some() { "The address has been updated." } else { "The address has been added." }.to_owned());
    Ok(reply)
}

/// Deletes an address; when it was the default, the oldest other address of its kind takes over.
pub async fn delete(db: &DatabaseConnection, signed_in: &SignedIn, id: i32) -> Result<FormReply, AccountError> {
    let txn = db.begin().await?;
    let row = owned(&txn, signed_in, id).await?;
    account_address::Entity::delete_by_id(row.id).exec(&txn).await?;
    if row.is_default {
        let successor = account_address::Entity::find()
            .filter(account_address::Column::AccountId.eq(signed_in.account.id))
            .filter(account_address::Column::Kind.eq(row.kind.clone()))
            .order_by_asc(account_address::Column::Id)
            .one(&txn)
            .await?;
        if let Some(successor) = successor {
            let mut active: account_address::ActiveModel = successor.into();
            active.is_default = Set(true);
            active.update(&txn).await?;
        }
    }
    txn.commit().await?;
    let mut reply = FormReply::go_to("address", "/account#addresses");
    reply.notice = Some("The address has been deleted.".to_owned());
    Ok(reply)
}
