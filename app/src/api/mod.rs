//! Server functions, by capability. Each returns its capability's own typed error.

pub mod catalog;
pub mod consent;
pub mod site;
