use sea_orm::entity::prelude::*;

/// A server-side session. `id` is the SHA-256 of the cookie's token, never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub account_id: Option<i32>,
    pub csrf_token: String,
    pub created_at: ChronoDateTimeUtc,
    pub last_seen_at: ChronoDateTimeUtc,
    pub expires_at: ChronoDateTimeUtc,
    /// S11: when this session's second factor was confirmed (staff and admins need one).
    pub second_factor_at: Option<ChronoDateTimeUtc>,
    /// The browser family ("Chrome") at sign-in, for the account holder's list of sessions.
    pub user_agent_family: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
