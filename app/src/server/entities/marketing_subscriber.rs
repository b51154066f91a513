use sea_orm::entity::prelude::*;

/// An e-mail address that marketing consent is kept for (P07), whether it belongs to an
/// account, a newsletter subscriber or both: consent is per address.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "marketing_subscriber")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lower-cased.
    #[sea_orm(unique)]
    pub email: String,
    /// The consent log's `consent_id` for this address (the log holds no address).
    #[sea_orm(unique)]
    pub subject_id: String,
    /// B07: when the owner confirmed the address; until then only a confirmation is sent.
    pub confirmed_at: Option<ChronoDateTimeUtc>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
