//! The retention engine (issue 16, P16–P19): a record of every run; the day an account was
//! deleted, from which its remaining data's period counts; and a signed anchor that lets the
//! oldest consent log rows be removed when their period ends while the chain that is left
//! still verifies. The consent log stays append-only otherwise: its delete trigger lets
//! through only rows the anchor already covers, and the anchor itself only moves forward.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: [&str; 4] = [
    "DROP TRIGGER consent_log_no_delete",
    "CREATE TRIGGER consent_log_no_delete BEFORE DELETE ON consent_log \
     WHEN OLD.id > COALESCE((SELECT purged_up_to_id FROM consent_log_purge_anchor WHERE id = 1), 0) \
     BEGIN SELECT RAISE(ABORT, 'consent_log is append-only'); END",
    "CREATE TRIGGER consent_log_anchor_forward BEFORE UPDATE ON consent_log_purge_anchor \
     WHEN NEW.purged_up_to_id < OLD.purged_up_to_id \
     BEGIN SELECT RAISE(ABORT, 'the consent log purge anchor only moves forward'); END",
    "CREATE TRIGGER consent_log_anchor_kept BEFORE DELETE ON consent_log_purge_anchor \
     BEGIN SELECT RAISE(ABORT, 'the consent log purge anchor only moves forward'); END",
];
const SQLITE_DOWN: [&str; 4] = [
    "DROP TRIGGER IF EXISTS consent_log_anchor_kept",
    "DROP TRIGGER IF EXISTS consent_log_anchor_forward",
    "DROP TRIGGER consent_log_no_delete",
    "CREATE TRIGGER consent_log_no_delete BEFORE DELETE ON consent_log \
     BEGIN SELECT RAISE(ABORT, 'consent_log is append-only'); END",
];
const POSTGRES_UP: [&str; 3] = [
    "CREATE OR REPLACE FUNCTION consent_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
       IF TG_OP = 'DELETE' AND OLD.id <= COALESCE((SELECT purged_up_to_id FROM consent_log_purge_anchor WHERE id = 1), 0) THEN \
         RETURN OLD; \
       END IF; \
       RAISE EXCEPTION 'consent_log is append-only'; \
     END $$",
    "CREATE FUNCTION consent_log_anchor_forward() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
       IF TG_OP = 'DELETE' OR NEW.purged_up_to_id < OLD.purged_up_to_id THEN \
         RAISE EXCEPTION 'the consent log purge anchor only moves forward'; \
       END IF; \
       RETURN NEW; \
     END $$",
    "CREATE TRIGGER consent_log_anchor_forward BEFORE UPDATE OR DELETE ON consent_log_purge_anchor \
     FOR EACH ROW EXECUTE FUNCTION consent_log_anchor_forward()",
];
const POSTGRES_DOWN: [&str; 3] = [
    "DROP TRIGGER IF EXISTS consent_log_anchor_forward ON consent_log_purge_anchor",
    "DROP FUNCTION IF EXISTS consent_log_anchor_forward()",
    "CREATE OR REPLACE FUNCTION consent_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN RAISE EXCEPTION 'consent_log is append-only'; END $$",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RetentionRun::Table)
                    .if_not_exists()
                    .col(pk_auto(RetentionRun::Id))
                    .col(timestamp_with_time_zone(RetentionRun::StartedAt))
                    .col(timestamp_with_time_zone_null(RetentionRun::FinishedAt))
                    // daily | command
                    .col(string_len(RetentionRun::Trigger, 16))
                    .col(boolean(RetentionRun::DryRun))
                    // running | completed | failed
                    .col(string_len(RetentionRun::Outcome, 16))
                    // JSON: what each rule removed (or would have), or why the run failed.
                    .col(text(RetentionRun::Report))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsentLogPurgeAnchor::Table)
                    .if_not_exists()
                    // One row, id 1.
                    .col(integer(ConsentLogPurgeAnchor::Id).primary_key())
                    // Every row up to and including this id has been removed by retention.
                    .col(integer(ConsentLogPurgeAnchor::PurgedUpToId))
                    // The row hash of that last removed row: the first row left links to it.
                    .col(string_len(ConsentLogPurgeAnchor::LastRemovedHash, 64))
                    .col(big_integer(ConsentLogPurgeAnchor::RowsRemoved))
                    .col(timestamp_with_time_zone(ConsentLogPurgeAnchor::PurgedAt))
                    // HMAC-SHA256 of the three fields above under the store's anchor key, so a
                    // forged anchor (to hide rows removed by hand) is detected by verify.
                    .col(string_len(ConsentLogPurgeAnchor::Signature, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(Account::Table).add_column(timestamp_with_time_zone_null(Account::DeletedAt)).to_owned())
            .await?;
        manager
            .create_index(Index::create().name("idx_account_deleted_at").table(Account::Table).col(Account::DeletedAt).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_campaign_delivery_prepared_at")
                    .table(CampaignDelivery::Table)
                    .col(CampaignDelivery::PreparedAt)
                    .to_owned(),
            )
            .await?;
        let statements: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &POSTGRES_UP,
            _ => &SQLITE_UP,
        };
        run_together(manager, statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &POSTGRES_DOWN,
            _ => &SQLITE_DOWN,
        };
        run_together(manager, statements).await?;
        manager.drop_index(Index::drop().name("idx_campaign_delivery_prepared_at").table(CampaignDelivery::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_account_deleted_at").table(Account::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Account::Table).drop_column(Account::DeletedAt).to_owned()).await?;
        manager.drop_table(Table::drop().table(ConsentLogPurgeAnchor::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RetentionRun::Table).to_owned()).await
    }
}

/// Runs the statements as one call, so on SQLite they go through one connection of the pool:
/// a trigger dropped on one connection and created again on another that still reads an older
/// snapshot of the schema fails with "already exists".
async fn run_together(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    manager.get_connection().execute_unprepared(&statements.join(";\n")).await?;
    Ok(())
}

#[derive(DeriveIden)]
enum RetentionRun {
    Table,
    Id,
    StartedAt,
    FinishedAt,
    Trigger,
    DryRun,
    Outcome,
    Report,
}

#[derive(DeriveIden)]
enum ConsentLogPurgeAnchor {
    Table,
    Id,
    PurgedUpToId,
    LastRemovedHash,
    RowsRemoved,
    PurgedAt,
    Signature,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    DeletedAt,
}

#[derive(DeriveIden)]
enum CampaignDelivery {
    Table,
    PreparedAt,
}
