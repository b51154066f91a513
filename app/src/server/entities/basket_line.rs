use sea_orm::entity::prelude::*;

/// One product in a basket: a guest's (`session_id`) or an account holder's (`account_id`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "basket_line")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: Option<String>,
    pub account_id: Option<i32>,
    pub product_id: i32,
    pub quantity: i32,
    pub added_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
