//! sea-orm entities, one per table. The schema itself lives in the `migrations` crate.

pub mod category;
pub mod consent_log;
pub mod mail_outbox;
pub mod product;
