use sea_orm::entity::prelude::*;

/// One consent decision. Append-only: database triggers refuse UPDATE and DELETE.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub consent_id: String,
    pub account_id: Option<i32>,
    pub policy_version: String,
    pub analytics: bool,
    pub functionality: bool,
    pub targeting: bool,
    pub event_kind: String,
    pub source: String,
    pub recorded_at: ChronoDateTimeUtc,
    pub expires_at: ChronoDateTimeUtc,
    pub browser_family: String,
    pub text_hash: String,
    pub ip_hash: String,
    #[sea_orm(unique)]
    pub prev_hash: String,
    #[sea_orm(unique)]
    pub row_hash: String,
    /// What the decision is about: `cookies` (the four categories above), or
    /// `marketing:<topic>` (then `consent_id` is the address's subject id, the categories are
    /// all false, the event says granted or withdrawn, `policy_version` is the wording's).
    pub purpose: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
