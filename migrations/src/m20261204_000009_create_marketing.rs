//! Marketing by e-mail (issue 15): who has agreed to which topic, per e-mail address, and a
//! `purpose` on the consent log so marketing decisions join the cookie decisions in one
//! hash chain (rows written before this migration are all cookie decisions).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A new column with a constant default changes no row (no UPDATE reaches the
        // append-only triggers), and every earlier row reads as a cookie decision.
        manager
            .alter_table(
                Table::alter().table(ConsentLog::Table).add_column(string_len(ConsentLog::Purpose, 48).default("cookies")).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MarketingSubscriber::Table)
                    .if_not_exists()
                    .col(pk_auto(MarketingSubscriber::Id))
                    // Lower-cased, as account addresses are; one row per address.
                    .col(string_len_uniq(MarketingSubscriber::Email, 254))
                    // The consent log's `consent_id` for this address: opaque, so the log
                    // holds no address, and erasing the row leaves the chain whole.
                    .col(string_len_uniq(MarketingSubscriber::SubjectId, 64))
                    // When the address's owner confirmed it (double opt-in, B07), or when an
                    // account with this confirmed address first chose a topic; none: nothing
                    // but a confirmation may be sent.
                    .col(timestamp_with_time_zone_null(MarketingSubscriber::ConfirmedAt))
                    .col(timestamp_with_time_zone(MarketingSubscriber::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MarketingConsent::Table)
                    .if_not_exists()
                    .col(integer(MarketingConsent::SubscriberId))
                    .col(string_len(MarketingConsent::Topic, 32))
                    .col(boolean(MarketingConsent::Granted))
                    .col(string_len(MarketingConsent::WordingVersion, 32))
                    .col(timestamp_with_time_zone(MarketingConsent::ChangedAt))
                    // The consent log row that proves this state.
                    .col(integer(MarketingConsent::LogRowId))
                    .primary_key(Index::create().col(MarketingConsent::SubscriberId).col(MarketingConsent::Topic))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MarketingConsent::Table, MarketingConsent::SubscriberId)
                            .to(MarketingSubscriber::Table, MarketingSubscriber::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A campaign's recipients are read by topic: every granted row of one topic.
        manager
            .create_index(
                Index::create()
                    .name("idx_marketing_consent_topic")
                    .table(MarketingConsent::Table)
                    .col(MarketingConsent::Topic)
                    .col(MarketingConsent::Granted)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MarketingConsent::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MarketingSubscriber::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(ConsentLog::Table).drop_column(ConsentLog::Purpose).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ConsentLog {
    Table,
    Purpose,
}

#[derive(DeriveIden)]
enum MarketingSubscriber {
    Table,
    Id,
    Email,
    SubjectId,
    ConfirmedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MarketingConsent {
    Table,
    SubscriberId,
    Topic,
    Granted,
    WordingVersion,
    ChangedAt,
    LogRowId,
}
