//! Everything that touches the database or the network. Server build only.

pub mod catalog_service;
pub mod demo_data;
pub mod entities;
pub mod state;
