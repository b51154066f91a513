//! sea-orm entities, one per table. The schema itself lives in the `migrations` crate.

pub mod account;
pub mod account_address;
pub mod audit_log;
pub mod basket_line;
pub mod campaign;
pub mod campaign_delivery;
pub mod category;
pub mod consent_chain_checkpoint;
pub mod consent_log;
pub mod consent_log_purge_anchor;
pub mod customer_order;
pub mod mail_outbox;
pub mod marketing_consent;
pub mod marketing_subscriber;
pub mod order_line;
pub mod product;
pub mod retention_run;
pub mod session;
