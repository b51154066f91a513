//! One module per page of the store.

pub mod account;
pub mod admin;
pub mod admin_marketing;
pub mod admin_orders;
pub mod basket;
pub mod category;
pub mod checkout;
pub mod cookies;
pub mod home;
pub mod lazy_routes;
pub mod newsletter;
pub mod not_found;
pub mod orders;
pub mod privacy;
pub mod product;
pub mod search;
