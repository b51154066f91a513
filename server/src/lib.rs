//! The sop-store server: configuration, database, HTTP wiring and the admin subcommands.

pub mod assets;
pub mod basket_header;
pub mod client_address;
pub mod config;
pub mod consent_export;
pub mod database;
pub mod gpc;
pub mod media;
pub mod one_click;
pub mod private_files;
pub mod receipts;
pub mod security;
pub mod startup;
pub mod write_stall;
