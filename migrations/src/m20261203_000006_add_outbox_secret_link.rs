//! Security mails (address confirmation, password reset, e-mail change) keep their one-time
//! link apart from the stored bodies, which hold a placeholder instead: staff reading the
//! outbox never see a live link (issue 21, S1). The link is put into the message only when it
//! is sent, and erased from the row once it is sent or given up on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(MailOutbox::Table).add_column(text_null(MailOutbox::SecretLink)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(MailOutbox::Table).drop_column(MailOutbox::SecretLink).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    SecretLink,
}
