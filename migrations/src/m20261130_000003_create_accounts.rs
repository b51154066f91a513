//! Accounts (P04: name, e-mail, telephone and addresses, nothing more), their address book,
//! server-side sessions and the staff audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .if_not_exists()
                    .col(pk_auto(Account::Id))
                    // Stored lower-cased, so the unique index compares addresses as people do.
                    .col(string_len_uniq(Account::Email, 254))
                    .col(timestamp_with_time_zone_null(Account::EmailVerifiedAt))
                    .col(string_len(Account::Name, 100))
                    .col(string_len_null(Account::Telephone, 32))
                    .col(string_len(Account::PasswordHash, 255))
                    .col(string_len(Account::Role, 16))
                    .col(timestamp_with_time_zone(Account::CreatedAt))
                    .col(timestamp_with_time_zone(Account::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountAddress::Table)
                    .if_not_exists()
                    .col(pk_auto(AccountAddress::Id))
                    .col(integer(AccountAddress::AccountId))
                    .col(string_len(AccountAddress::Kind, 16))
                    .col(boolean(AccountAddress::IsDefault))
                    .col(string_len(AccountAddress::FullName, 100))
                    .col(string_len(AccountAddress::Line1, 100))
                    .col(string_len_null(AccountAddress::Line2, 100))
                    .col(string_len(AccountAddress::City, 60))
                    .col(string_len(AccountAddress::Postcode, 16))
                    .col(string_len(AccountAddress::Country, 60))
                    .col(timestamp_with_time_zone(AccountAddress::CreatedAt))
                    .col(timestamp_with_time_zone(AccountAddress::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_account_address_account")
                            .from(AccountAddress::Table, AccountAddress::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_address_account_id")
                    .table(AccountAddress::Table)
                    .col(AccountAddress::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .if_not_exists()
                    // The SHA-256 of the cookie's token: a copy of this table cannot be replayed.
                    .col(string_len(Session::Id, 64).primary_key())
                    .col(integer_null(Session::AccountId))
                    .col(string_len(Session::CsrfToken, 64))
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone(Session::LastSeenAt))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_account")
                            .from(Session::Table, Session::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [("idx_session_account_id", Session::AccountId), ("idx_session_expires_at", Session::ExpiresAt)] {
            manager.create_index(Index::create().name(name).table(Session::Table).col(column).to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .if_not_exists()
                    .col(pk_auto(AuditLog::Id))
                    // None when the action came from the command line (`server admin create`).
                    .col(integer_null(AuditLog::ActorAccountId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::Target, 128))
                    .col(text(AuditLog::Detail))
                    .col(timestamp_with_time_zone(AuditLog::RecordedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_audit_log_recorded_at").table(AuditLog::Table).col(AuditLog::RecordedAt).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Session::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AccountAddress::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Account::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Email,
    EmailVerifiedAt,
    Name,
    Telephone,
    PasswordHash,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountAddress {
    Table,
    Id,
    AccountId,
    Kind,
    IsDefault,
    FullName,
    Line1,
    Line2,
    City,
    Postcode,
    Country,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    AccountId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorAccountId,
    Action,
    Target,
    Detail,
    RecordedAt,
}
