use sea_orm::entity::prelude::*;

/// An account holder (P04). `email` is stored lower-cased; `password_hash` is argon2id's PHC string.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub email_verified_at: Option<ChronoDateTimeUtc>,
    pub name: String,
    pub telephone: Option<String>,
    pub password_hash: String,
    pub role: String,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    /// S11: the authenticator (TOTP) secret, sealed under a store key (`accounts::second_factor`),
    /// never in clear; set when enrolment starts. Never logged or shown once confirmed.
    pub totp_secret: Option<String>,
    /// When the account confirmed its authenticator with a first code; None: not enrolled.
    pub totp_enabled_at: Option<ChronoDateTimeUtc>,
    /// The last time step a code was accepted for: a code is never accepted twice.
    pub totp_last_step: Option<i64>,
    /// When the account was deleted (P34): what the law lets remain is anonymised at once, and
    /// the row itself goes 7 years after this (P16, the retention engine). None: in use.
    pub deleted_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
