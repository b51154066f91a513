//! The mail outbox: every e-mail the store writes, queued in the same transaction as the action
//! that caused it, then sent over SMTP (or held for staff to read when none is configured).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .if_not_exists()
                    .col(big_pk_auto(MailOutbox::Id))
                    .col(string_len(MailOutbox::Kind, 48))
                    // 320: the longest address SMTP allows (64 for the local part, @, 255 for the domain).
                    .col(string_len(MailOutbox::ToAddress, 320))
                    .col(text(MailOutbox::Subject))
                    .col(text(MailOutbox::TextBody))
                    .col(text(MailOutbox::HtmlBody))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(string_len(MailOutbox::Status, 16))
                    .col(integer(MailOutbox::Attempts).default(0))
                    // When a pending message may next be tried: retries back off, and a message
                    // being sent is leased so a second worker does not send it too.
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(text_null(MailOutbox::LastError))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_status_id")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::Status)
                    .col(MailOutbox::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_mail_outbox_created_at").table(MailOutbox::Table).col(MailOutbox::CreatedAt).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MailOutbox::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Kind,
    ToAddress,
    Subject,
    TextBody,
    HtmlBody,
    CreatedAt,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    SentAt,
}
