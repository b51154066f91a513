//! Helpers for the shop tests: a guest checkout form as the checkout page posts it.
#![allow(dead_code)]

use app::domain::checkout::CheckoutPage;

/// The checkout form of a guest, filled in as a shopper would, with this e-mail and card.
pub fn guest_fields<'a>(page: &'a CheckoutPage, email: &'a str, card: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", page.basket.csrf_token.as_deref().expect("the basket page has a CSRF token")),
        ("checkout_key", &page.checkout_key),
        ("basket_seen", &page.basket.seen),
        ("name", "Gus Guest"),
        ("email", email),
        ("telephone", "0161 496 0000"),
        ("billing_line1", "1 High Street"),
        ("billing_city", "Leeds"),
        ("billing_postcode", "LS1 1AA"),
        ("billing_country", "United Kingdom"),
        ("delivery_same", "yes"),
        ("delivery_method", "standard"),
        ("card_number", card),
        ("card_expiry", "12/30"),
        ("card_cvc", "123"),
    ]
}
