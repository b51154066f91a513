use sea_orm::entity::prelude::*;

/// A placed order. Addresses are stored as JSON of `PostalAddress`; card details are only
/// brand, last four digits, expiry and the payment provider's token (P05).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_order")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub number: String,
    pub checkout_key: String,
    pub account_id: Option<i32>,
    pub status: String,
    pub name: String,
    pub email: String,
    pub telephone: String,
    pub billing_address: String,
    pub delivery_address: String,
    pub delivery_method: String,
    pub delivery_pence: i64,
    pub subtotal_pence: i64,
    pub vat_pence: i64,
    pub total_pence: i64,
    pub card_brand: String,
    pub card_last4: String,
    pub card_exp_month: i16,
    pub card_exp_year: i16,
    pub payment_token: String,
    pub legal_basis: String,
    pub retain_until: ChronoDateTimeUtc,
    pub placed_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    pub dispatched_at: Option<ChronoDateTimeUtc>,
    pub delivered_at: Option<ChronoDateTimeUtc>,
    pub cancelled_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
