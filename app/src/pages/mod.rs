//! One module per page of the store.

pub mod account;
pub mod admin;
pub mod category;
pub mod cookies;
pub mod home;
pub mod not_found;
pub mod placeholders;
pub mod privacy;
pub mod product;
pub mod search;
