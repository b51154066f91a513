//! The consent log (B03): one row per consent decision, chained by SHA-256, append-only.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Triggers refuse UPDATE and DELETE for every database user, the app's included: a decision,
/// once recorded, can only be followed by another row, never changed.
const SQLITE_APPEND_ONLY: [&str; 2] = [
    "CREATE TRIGGER consent_log_no_update BEFORE UPDATE ON consent_log \
     BEGIN SELECT RAISE(ABORT, 'consent_log is append-only'); END",
    "CREATE TRIGGER consent_log_no_delete BEFORE DELETE ON consent_log \
     BEGIN SELECT RAISE(ABORT, 'consent_log is append-only'); END",
];
const POSTGRES_APPEND_ONLY: [&str; 2] = [
    "CREATE FUNCTION consent_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN RAISE EXCEPTION 'consent_log is append-only'; END $$",
    "CREATE TRIGGER consent_log_append_only BEFORE UPDATE OR DELETE ON consent_log \
     FOR EACH ROW EXECUTE FUNCTION consent_log_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsentLog::Table)
                    .if_not_exists()
                    .col(pk_auto(ConsentLog::Id))
                    .col(string_len(ConsentLog::ConsentId, 64))
                    .col(integer_null(ConsentLog::AccountId))
                    .col(string_len(ConsentLog::PolicyVersion, 32))
                    .col(boolean(ConsentLog::Analytics))
                    .col(boolean(ConsentLog::Functionality))
                    .col(boolean(ConsentLog::Targeting))
                    .col(string_len(ConsentLog::EventKind, 16))
                    .col(string_len(ConsentLog::Source, 16))
                    .col(timestamp_with_time_zone(ConsentLog::RecordedAt))
                    .col(timestamp_with_time_zone(ConsentLog::ExpiresAt))
                    .col(string_len(ConsentLog::BrowserFamily, 64))
                    .col(string_len(ConsentLog::TextHash, 64))
                    .col(string_len(ConsentLog::IpHash, 64))
                    // Unique: each row has exactly one successor, so concurrent writers cannot fork the chain.
                    .col(string_len_uniq(ConsentLog::PrevHash, 64))
                    .col(string_len_uniq(ConsentLog::RowHash, 64))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_consent_log_consent_id", ConsentLog::ConsentId),
            ("idx_consent_log_account_id", ConsentLog::AccountId),
            ("idx_consent_log_recorded_at", ConsentLog::RecordedAt),
        ] {
            manager.create_index(Index::create().name(name).table(ConsentLog::Table).col(column).to_owned()).await?;
        }
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_APPEND_ONLY,
            _ => SQLITE_APPEND_ONLY,
        };
        for statement in statements {
            manager.get_connection().execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConsentLog::Table).to_owned()).await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP FUNCTION IF EXISTS consent_log_append_only()").await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ConsentLog {
    Table,
    Id,
    ConsentId,
    AccountId,
    PolicyVersion,
    Analytics,
    Functionality,
    Targeting,
    EventKind,
    Source,
    RecordedAt,
    ExpiresAt,
    BrowserFamily,
    TextHash,
    IpHash,
    PrevHash,
    RowHash,
}
