//! The schema, one migration per file, applied in order on start and by `server migrate`.

pub use sea_orm_migration::prelude::*;

mod m20261130_000001_create_catalog;
mod m20261130_000002_create_consent_log;
mod m20261130_000003_create_accounts;
mod m20261130_000004_create_mail_outbox;
mod m20261130_000005_create_orders;
mod m20261203_000006_add_outbox_secret_link;
mod m20261203_000007_create_consent_chain_checkpoint;
mod m20261203_000008_add_second_factor;
mod m20261204_000009_create_marketing;
mod m20261204_000010_create_campaigns;
mod m20261205_000011_create_retention;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_create_catalog::Migration),
            Box::new(m20261130_000002_create_consent_log::Migration),
            Box::new(m20261130_000003_create_accounts::Migration),
            Box::new(m20261130_000004_create_mail_outbox::Migration),
            Box::new(m20261130_000005_create_orders::Migration),
            Box::new(m20261203_000006_add_outbox_secret_link::Migration),
            Box::new(m20261203_000007_create_consent_chain_checkpoint::Migration),
            Box::new(m20261203_000008_add_second_factor::Migration),
            Box::new(m20261204_000009_create_marketing::Migration),
            Box::new(m20261204_000010_create_campaigns::Migration),
            Box::new(m20261205_000011_create_retention::Migration),
        ]
    }
}
