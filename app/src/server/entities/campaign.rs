use sea_orm::entity::prelude::*;

/// A marketing campaign staff wrote: a draft until started, then sent to every address that
/// consents to its topic (P20). Its recipients are the `campaign_delivery` rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub text_body: String,
    /// An HTML fragment: what goes inside the e-mail's body.
    #[sea_orm(column_type = "Text")]
    pub html_body: String,
    /// A `MarketingTopic` key.
    pub topic: String,
    /// A `CampaignStatus`: draft, sending or sent.
    pub status: String,
    pub created_by: Option<i32>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    pub started_at: Option<ChronoDateTimeUtc>,
    /// When every recipient had its delivery row.
    pub prepared_at: Option<ChronoDateTimeUtc>,
    pub finished_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
