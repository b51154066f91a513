use sea_orm::entity::prelude::*;

/// One e-mail the store wrote: held for staff, waiting, sent or failed.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub text_body: String,
    #[sea_orm(column_type = "Text")]
    pub html_body: String,
    pub created_at: ChronoDateTimeUtc,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: ChronoDateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub sent_at: Option<ChronoDateTimeUtc>,
    /// The one-time link of a security mail, kept out of the bodies (which hold
    /// [`crate::server::mail::message::SECRET_LINK_PLACEHOLDER`]) and erased once the message is
    /// sent or given up on. Never shown to staff.
    #[sea_orm(column_type = "Text", nullable)]
    pub secret_link: Option<String>,
    /// The `List-Unsubscribe` header of a marketing mail (P22, RFC 2369/8058): its links carry
    /// the recipient's own token, so like `secret_link` it is never shown to staff, and it is
    /// erased once the message is sent or given up on.
    #[sea_orm(column_type = "Text", nullable)]
    pub list_unsubscribe: Option<String>,
}

/// Only the id, kind and status: a row printed by mistake puts no address or content in a log.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("mail_outbox::Model")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
