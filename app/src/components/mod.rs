//! UI pieces shared by several pages.

pub mod consent_banner;
pub mod forms;
pub mod hydration;
pub mod layout;
pub mod marketing_switches;
pub mod notice;
pub mod pagination;
pub mod private_navigation;
pub mod product_card;
#[cfg(feature = "ssr")]
pub mod tag_loaders;
