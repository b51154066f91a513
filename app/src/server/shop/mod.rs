//! The shop: baskets, checkout and payment, orders and their e-mails, staff order handling.

pub mod basket;
pub mod checkout;
pub mod order_mail;
pub mod orders;
pub mod payments;
