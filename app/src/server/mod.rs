//! Everything that touches the database or the network. Server build only.

pub mod accounts;
pub mod build_assets;
pub mod catalog_cache;
pub mod catalog_service;
pub mod consent_audit;
pub mod consent_cookie;
pub mod consent_log;
pub mod consent_service;
pub mod demo_data;
pub mod entities;
pub mod form_flash;
pub mod housekeeping;
pub mod keys;
pub mod mail;
pub mod marketing;
pub mod privacy;
pub mod request;
pub mod shop;
pub mod state;
