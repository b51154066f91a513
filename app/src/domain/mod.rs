//! Plain types and rules of the store: no I/O, compiled for the server and the browser alike.

pub mod catalog;
pub mod consent;
pub mod cookies;
pub mod money;
pub mod operator;
pub mod paging;
pub mod product_art;
pub mod search;
pub mod slug;
pub mod tags;
