//! S11: staff and admins sign in with a second factor, a TOTP code (RFC 6238). The account keeps
//! its authenticator secret (sealed under a store key, never in clear), when it was confirmed,
//! and the last time step a code was accepted for, so a code cannot be used twice. A session
//! records when its second factor was confirmed, and which browser family it runs in, so the
//! account holder can recognise it in their list of sessions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in
            [text_null(Account::TotpSecret), timestamp_with_time_zone_null(Account::TotpEnabledAt), big_integer_null(Account::TotpLastStep)]
        {
            manager.alter_table(Table::alter().table(Account::Table).add_column(column).to_owned()).await?;
        }
        for column in [timestamp_with_time_zone_null(Session::SecondFactorAt), text_null(Session::UserAgentFamily)] {
            manager.alter_table(Table::alter().table(Session::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Session::SecondFactorAt, Session::UserAgentFamily] {
            manager.alter_table(Table::alter().table(Session::Table).drop_column(column).to_owned()).await?;
        }
        for column in [Account::TotpSecret, Account::TotpEnabledAt, Account::TotpLastStep] {
            manager.alter_table(Table::alter().table(Account::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Account {
    Table,
    TotpSecret,
    TotpEnabledAt,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    SecondFactorAt,
    UserAgentFamily,
}
