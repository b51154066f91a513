//! UI pieces shared by several pages.

pub mod layout;
pub mod notice;
pub mod pagination;
pub mod product_card;
