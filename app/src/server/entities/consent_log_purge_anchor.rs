use sea_orm::entity::prelude::*;

/// Where the consent log begins after retention removed its oldest rows (one row, id 1): every
/// row up to `purged_up_to_id` is gone, the first row left links to `last_removed_hash`, and
/// `signature` (HMAC under the store's anchor key) shows the store itself wrote this.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_log_purge_anchor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub purged_up_to_id: i32,
    pub last_removed_hash: String,
    pub rows_removed: i64,
    pub purged_at: ChronoDateTimeUtc,
    pub signature: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
