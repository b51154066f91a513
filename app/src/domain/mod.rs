//! Plain types and rules of the store: no I/O, compiled for the server and the browser alike.

pub mod account;
pub mod address;
pub mod basket;
pub mod campaign;
pub mod catalog;
pub mod checkout;
pub mod consent;
pub mod cookies;
pub mod forms;
pub mod mail;
pub mod marketing;
pub mod money;
pub mod operator;
pub mod orders;
pub mod paging;
pub mod personal_data;
pub mod private_pages;
pub mod product_art;
pub mod retention;
pub mod search;
pub mod slug;
pub mod staff;
pub mod tags;
