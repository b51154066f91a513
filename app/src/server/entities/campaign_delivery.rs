use sea_orm::entity::prelude::*;

/// One recipient of one campaign, chosen when it was started; unique per (campaign,
/// subscriber), so a restart never sends anyone a second copy. The record of who got which
/// campaign.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i32,
    pub subscriber_id: i32,
    /// pending, sent (its message is in the outbox) or skipped (consent withdrawn by then).
    pub status: String,
    pub prepared_at: ChronoDateTimeUtc,
    pub sent_at: Option<ChronoDateTimeUtc>,
    pub outbox_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
