use sea_orm::entity::prelude::*;

/// An address's current choice for one marketing topic; the consent log row `log_row_id`
/// proves it. Campaign recipients are read from here at send time (P20).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "marketing_consent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscriber_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub topic: String,
    pub granted: bool,
    pub wording_version: String,
    pub changed_at: ChronoDateTimeUtc,
    pub log_row_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
