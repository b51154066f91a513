//! Where the staff page's check of the consent log's hash chain got to (issue 21, S8): one
//! row naming the last row verified and its hash, so each view walks only the rows added
//! since, instead of hashing the whole log. `server consent verify` still walks it all.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsentChainCheckpoint::Table)
                    .if_not_exists()
                    // Always 1: there is one checkpoint.
                    .col(integer(ConsentChainCheckpoint::Id).primary_key())
                    .col(integer(ConsentChainCheckpoint::VerifiedUpToId))
                    .col(string_len(ConsentChainCheckpoint::RowHash, 64))
                    .col(big_integer(ConsentChainCheckpoint::VerifiedRows))
                    .col(timestamp_with_time_zone(ConsentChainCheckpoint::VerifiedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConsentChainCheckpoint::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ConsentChainCheckpoint {
    Table,
    Id,
    VerifiedUpToId,
    RowHash,
    VerifiedRows,
    VerifiedAt,
}
