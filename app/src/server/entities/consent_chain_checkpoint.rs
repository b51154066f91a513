use sea_orm::entity::prelude::*;

/// How far the consent log's chain was last found intact by the staff page (one row, id 1):
/// the next check starts after `verified_up_to_id`, from `row_hash`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_chain_checkpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub verified_up_to_id: i32,
    pub row_hash: String,
    /// Rows from the start of the log up to and including `verified_up_to_id`.
    pub verified_rows: i64,
    pub verified_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
