//! Marketing campaigns (issue 15): what staff wrote, and one row per recipient chosen when the
//! campaign was started, so sending can stop and resume without anyone getting it twice. The
//! outbox gains the `List-Unsubscribe` value a campaign mail is sent with (P22, RFC 8058).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Campaign::Table)
                    .if_not_exists()
                    .col(pk_auto(Campaign::Id))
                    // 150 characters at most (domain::campaign); up to 4 bytes each.
                    .col(string_len(Campaign::Subject, 600))
                    .col(text(Campaign::TextBody))
                    .col(text(Campaign::HtmlBody))
                    .col(string_len(Campaign::Topic, 32))
                    // draft, sending or sent.
                    .col(string_len(Campaign::Status, 16))
                    // The staff member who wrote it; kept as none if their account is erased.
                    .col(integer_null(Campaign::CreatedBy))
                    .col(timestamp_with_time_zone(Campaign::CreatedAt))
                    .col(timestamp_with_time_zone(Campaign::UpdatedAt))
                    // When sending was started: recipients are those consenting from then on.
                    .col(timestamp_with_time_zone_null(Campaign::StartedAt))
                    // When every recipient had a delivery row; until then a restart goes on
                    // choosing recipients where it stopped.
                    .col(timestamp_with_time_zone_null(Campaign::PreparedAt))
                    .col(timestamp_with_time_zone_null(Campaign::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Campaign::Table, Campaign::CreatedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CampaignDelivery::Table)
                    .if_not_exists()
                    .col(big_pk_auto(CampaignDelivery::Id))
                    .col(integer(CampaignDelivery::CampaignId))
                    .col(integer(CampaignDelivery::SubscriberId))
                    // pending, sent (queued in the outbox) or skipped (no consent by then).
                    .col(string_len(CampaignDelivery::Status, 16))
                    .col(timestamp_with_time_zone(CampaignDelivery::PreparedAt))
                    .col(timestamp_with_time_zone_null(CampaignDelivery::SentAt))
                    // The outbox row of the message, once queued (no foreign key: the outbox
                    // keeps its own records).
                    .col(big_integer_null(CampaignDelivery::OutboxId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CampaignDelivery::Table, CampaignDelivery::CampaignId)
                            .to(Campaign::Table, Campaign::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // An erased address takes its record of campaigns with it.
                    .foreign_key(
                        ForeignKey::create()
                            .from(CampaignDelivery::Table, CampaignDelivery::SubscriberId)
                            .to(MarketingSubscriber::Table, MarketingSubscriber::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One delivery per recipient and campaign: a resumed preparation can never add a
        // second. It also gives "where did preparation stop" (the highest subscriber id).
        manager
            .create_index(
                Index::create()
                    .name("idx_campaign_delivery_recipient")
                    .table(CampaignDelivery::Table)
                    .col(CampaignDelivery::CampaignId)
                    .col(CampaignDelivery::SubscriberId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The sender's "pending deliveries of a campaign in id order", and the progress counts.
        manager
            .create_index(
                Index::create()
                    .name("idx_campaign_delivery_status")
                    .table(CampaignDelivery::Table)
                    .col(CampaignDelivery::CampaignId)
                    .col(CampaignDelivery::Status)
                    .col(CampaignDelivery::Id)
                    .to_owned(),
            )
            .await?;
        manager.alter_table(Table::alter().table(MailOutbox::Table).add_column(text_null(MailOutbox::ListUnsubscribe)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(MailOutbox::Table).drop_column(MailOutbox::ListUnsubscribe).to_owned()).await?;
        manager.drop_table(Table::drop().table(CampaignDelivery::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Campaign::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Campaign {
    Table,
    Id,
    Subject,
    TextBody,
    HtmlBody,
    Topic,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    StartedAt,
    PreparedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum CampaignDelivery {
    Table,
    Id,
    CampaignId,
    SubscriberId,
    Status,
    PreparedAt,
    SentAt,
    OutboxId,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MarketingSubscriber {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    ListUnsubscribe,
}
