//! Checkout rules (P05): what an order collects (name, e-mail, telephone, billing and delivery
//! address, payment), delivery prices, VAT, and card checks made before any payment is tried.
//! Card numbers and security codes live only in these types, which never print them.

use super::account::{EmailAddress, PersonName, Telephone};
use super::address::{AddressForm, AddressKind, PostalAddress};
use super::forms::Validation;
use super::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Prices include VAT at this rate (UK standard rate).
pub const VAT_PERCENT: i64 = 20;

/// How an order travels, and what that costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryMethod {
    Standard,
    Express,
}

impl DeliveryMethod {
    pub const ALL: [DeliveryMethod; 2] = [Self::Standard, Self::Express];
    /// Standard delivery is free from this basket subtotal.
    pub const FREE_STANDARD_FROM: Money = Money::from_pence(4000);

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Express => "express",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Standard => "Standard delivery",
            Self::Express => "Express delivery",
        }
    }

    pub fn promise(self) -> &'static str {
        match self {
            Self::Standard => "3 to 5 working days",
            Self::Express => "next working day if ordered by 2pm",
        }
    }

    pub fn price(self, subtotal: Money) -> Money {
        match self {
            Self::Standard if subtotal >= Self::FREE_STANDARD_FROM => Money::from_pence(0),
            Self::Standard => Money::from_pence(395),
            Self::Express => Money::from_pence(795),
        }
    }
}

/// What an order costs: the goods, the delivery, and the VAT both include.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTotals {
    pub subtotal: Money,
    pub delivery: Money,
    pub total: Money,
    /// The VAT included in `total` (prices are VAT-inclusive), to the nearest penny.
    pub vat: Money,
}

impl OrderTotals {
    pub fn new(subtotal: Money, method: DeliveryMethod) -> Self {
        let delivery = method.price(subtotal);
        let total = Money::from_pence(subtotal.pence() + delivery.pence());
        Self { subtotal, delivery, total, vat: vat_included(total) }
    }
}

/// The VAT inside a VAT-inclusive amount: amount × rate / (100 + rate), rounded half up.
pub fn vat_included(amount: Money) -> Money {
    let scaled = amount.pence() * VAT_PERCENT * 2 + (100 + VAT_PERCENT);
    Money::from_pence(scaled / ((100 + VAT_PERCENT) * 2))
}

/// Card schemes the store recognises by their number's prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardBrand {
    Visa,
    Mastercard,
    Amex,
    Other,
}

impl CardBrand {
    fn of(digits: &str) -> Self {
        let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
        match () {
            _ if digits.starts_with('4') => Self::Visa,
            _ if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => Self::Mastercard,
            _ if prefix(2) == 34 || prefix(2) == 37 => Self::Amex,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visa => "Visa",
            Self::Mastercard => "Mastercard",
            Self::Amex => "American Express",
            Self::Other => "Card",
        }
    }

    pub fn parse(raw: &str) -> Self {
        [Self::Visa, Self::Mastercard, Self::Amex].into_iter().find(|b| b.as_str() == raw).unwrap_or(Self::Other)
    }
}

/// A card number that passed the Luhn check. Never printed, logged or serialised: only its
/// brand and last four digits leave this type.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl CardNumber {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.is_empty() {
            return Err("Enter your card number".into());
        }
        if !(12..=19).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) || !luhn_valid(&digits) {
            return Err("Enter a valid card number".into());
        }
        Ok(Self(digits))
    }

    pub fn brand(&self) -> CardBrand {
        CardBrand::of(&self.0)
    }

    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// The digits, for the payment provider only.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(**** {})", self.last4())
    }
}

/// The Luhn (mod 10) check every card number satisfies; it catches a mistyped digit before
/// anything is sent to the payment provider.
pub fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A card's expiry month, checked against the current month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardExpiry {
    pub month: u8,
    pub year: u16,
}

impl CardExpiry {
    /// Reads `MM/YY` (or `MM/YYYY`); a card is good to the end of its expiry month.
    pub fn parse(raw: &str, this_year: u16, this_month: u8) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("Enter the expiry date on your card".into());
        }
        let bad = || "Enter the expiry date as on your card, like 04/29".to_owned();
        let (month, year) = raw.split_once('/').ok_or_else(bad)?;
        let month: u8 = month.trim().parse().map_err(|_| bad())?;
        let year = year.trim();
        let year: u16 = match year.len() {
            2 => 2000 + year.parse::<u16>().map_err(|_| bad())?,
            4 => year.parse().map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        if (year, month) < (this_year, this_month) {
            return Err("This card has expired: use another card".into());
        }
        if year > this_year + 20 {
            return Err(bad());
        }
        Ok(Self { month, year })
    }
}

/// The 3 (4 for American Express) digits on the card. Never stored or printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecurityCode(String);

impl SecurityCode {
    pub fn parse(raw: &str, brand: Option<CardBrand>) -> Result<Self, String> {
        let raw = raw.trim();
        let wanted = if brand == Some(CardBrand::Amex) { 4 } else { 3 };
        if raw.is_empty() {
            return Err("Enter the security code from the back of your card".into());
        }
        if raw.len() != wanted || !raw.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("Enter the {wanted}-digit security code from your card"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityCode(***)")
    }
}

/// The card as typed at checkout, checked, for the payment provider.
#[derive(Clone, Debug)]
pub struct CardDetails {
    pub number: CardNumber,
    pub expiry: CardExpiry,
    pub security_code: SecurityCode,
}

/// Where a checkout address comes from: typed in, or an address-book entry (by id, checked
/// to be the shopper's own by the server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressChoice {
    Typed(PostalAddress),
    Saved(i32),
}

/// The checkout form's fields as posted.
#[derive(Clone, Debug, Default)]
pub struct CheckoutForm {
    pub name: String,
    pub email: String,
    pub telephone: String,
    pub billing_saved: String,
    pub billing: AddressForm,
    pub delivery_same: bool,
    pub delivery_saved: String,
    pub delivery: AddressForm,
    pub delivery_method: String,
    pub card_number: String,
    pub card_expiry: String,
    pub card_cvc: String,
}

/// A checkout that passed every check; the basket itself is checked by the server.
#[derive(Clone, Debug)]
pub struct CheckoutRequest {
    pub name: PersonName,
    pub email: EmailAddress,
    pub telephone: Telephone,
    pub billing: AddressChoice,
    /// `None`: deliver to the billing address.
    pub delivery: Option<AddressChoice>,
    pub delivery_method: DeliveryMethod,
    pub card: CardDetails,
}

impl CheckoutForm {
    /// Every field's error at once; field names are the form's input names.
    pub fn parse(&self, this_year: u16, this_month: u8) -> Result<CheckoutRequest, Validation> {
        let mut v = Validation::default();
        let name = v.check("name", PersonName::parse(&self.name));
        let email = v.check("email", EmailAddress::parse(&self.email));
        let telephone = v.check(
            "telephone",
            Telephone::parse_optional(&self.telephone)
                .and_then(|t| t.ok_or_else(|| "Enter a telephone number, in case we need to reach you about your order".to_owned())),
        );
        let contact_name = name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default();
        let billing = address_choice(&mut v, "billing", &self.billing_saved, &self.billing, AddressKind::Billing, &contact_name);
        let delivery = if self.delivery_same {
            Some(None)
        } else {
            address_choice(&mut v, "delivery", &self.delivery_saved, &self.delivery, AddressKind::Delivery, &contact_name).map(Some)
        };
        let delivery_method = v.check(
            "delivery_method",
            DeliveryMethod::parse(&self.delivery_method).ok_or_else(|| "Choose how you would like your order delivered".to_owned()),
        );
        let number = v.check("card_number", CardNumber::parse(&self.card_number));
        let expiry = v.check("card_expiry", CardExpiry::parse(&self.card_expiry, this_year, this_month));
        let security_code = v.check("card_cvc", SecurityCode::parse(&self.card_cvc, number.as_ref().map(CardNumber::brand)));
        match (name, email, telephone, billing, delivery, delivery_method, number, expiry, security_code) {
            (
                Some(name),
                Some(email),
                Some(telephone),
                Some(billing),
                Some(delivery),
                Some(delivery_method),
                Some(number),
                Some(expiry),
                Some(security_code),
            ) if v.is_clean() => Ok(CheckoutRequest {
                name,
                email,
                telephone,
                billing,
                delivery,
                delivery_method,
                card: CardDetails { number, expiry, security_code },
            }),
            _ => Err(v),
        }
    }

    /// What was typed, to show again after an error: never the card number or security code.
    pub fn values(&self) -> Vec<(String, String)> {
        let mut values: Vec<(String, String)> = [
            ("name", &self.name),
            ("email", &self.email),
            ("telephone", &self.telephone),
            ("billing_saved", &self.billing_saved),
            ("delivery_saved", &self.delivery_saved),
            ("delivery_method", &self.delivery_method),
            ("card_expiry", &self.card_expiry),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
        for (prefix, address) in [("billing", &self.billing), ("delivery", &self.delivery)] {
            for (field, value) in address.values() {
                if field != "kind" && field != "is_default" {
                    values.push((format!("{prefix}_{field}"), value));
                }
            }
        }
        values.push(("delivery_same".into(), if self.delivery_same { "yes" } else { "no" }.into()));
        values
    }
}

fn address_choice(
    v: &mut Validation,
    prefix: &str,
    saved: &str,
    typed: &AddressForm,
    kind: AddressKind,
    contact_name: &str,
) -> Option<AddressChoice> {
    if let Some(id) = saved.trim().parse::<i32>().ok().filter(|_| !saved.trim().is_empty()) {
        return Some(AddressChoice::Saved(id));
    }
    let mut form = typed.clone();
    form.kind = kind.as_str().to_owned();
    if form.full_name.trim().is_empty() {
        form.full_name = contact_name.to_owned();
    }
    let mut inner = Validation::default();
    let parsed = form.parse(&mut inner);
    for error in inner.into_errors() {
        // The contact name stands in for an empty address name, so its error belongs there.
        let field = if error.field == "full_name" && typed.full_name.trim().is_empty() {
            "name".to_owned()
        } else {
            format!("{prefix}_{}", error.field)
        };
        if field != "name" {
            v.add(&field, error.message);
        }
    }
    parsed.map(AddressChoice::Typed)
}

/// The checkout page: the basket, what can be prefilled for an account holder, and the key
/// that makes a repeated post of this page harmless.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckoutPage {
    pub signed_in: bool,
    pub name: String,
    pub email: String,
    pub telephone: String,
    pub billing_addresses: Vec<crate::domain::address::SavedAddress>,
    pub delivery_addresses: Vec<crate::domain::address::SavedAddress>,
    pub checkout_key: String,
    pub basket: crate::domain::basket::BasketView,
    pub outcome: Option<crate::domain::forms::FormReply>,
    /// The payment provider takes no real money (`PAYMENTS=test`): the page says so (S2).
    pub test_mode: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CheckoutForm {
        CheckoutForm {
            name: "Ann Smith".into(),
            email: "ann@example.com".into(),
            telephone: "0161 496 0000".into(),
            billing: AddressForm {
                line1: "1 High Street".into(),
                city: "Leeds".into(),
                postcode: "LS1 1AA".into(),
                ..AddressForm::default()
            },
            delivery_same: true,
            delivery_method: "standard".into(),
            card_number: "4242 4242 4242 4242".into(),
            card_expiry: "12/30".into(),
            card_cvc: "123".into(),
            ..CheckoutForm::default()
        }
    }

    #[test]
    fn luhn_accepts_test_cards_and_refuses_a_mistyped_digit() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid("4000000000000002"));
        assert!(luhn_valid("5555555555554444"));
        assert!(!luhn_valid("4242424242424241"));
        assert_eq!(CardNumber::parse("4242 4242 4242 4241").unwrap_err(), "Enter a valid card number");
        assert_eq!(CardNumber::parse("").unwrap_err(), "Enter your card number");
        assert_eq!(CardNumber::parse("4242abcd42424242").unwrap_err(), "Enter a valid card number");
    }

    #[test]
    fn brands_come_from_the_prefix() {
        assert_eq!(CardNumber::parse("4242424242424242").unwrap().brand(), CardBrand::Visa);
        assert_eq!(CardNumber::parse("5555555555554444").unwrap().brand(), CardBrand::Mastercard);
        assert_eq!(CardNumber::parse("378282246310005").unwrap().brand(), CardBrand::Amex);
    }

    // P05: the card number never prints, not even in debug output.
    #[test]
    fn p05_card_numbers_and_codes_never_print() {
        let number = CardNumber::parse("4242424242424242").unwrap();
        assert_eq!(format!("{number:?}"), "CardNumber(**** 4242)");
        let code = SecurityCode::parse("123", Some(CardBrand::Visa)).unwrap();
        assert!(!format!("{code:?}").contains("123"));
        let request = form().parse(2026, 11).unwrap();
        let printed = format!("{request:?}");
        assert!(!printed.contains("4242424242424242") && !printed.contains("\"123\""), "{printed}");
        assert!(!form().values().iter().any(|(k, v)| k.starts_with("card_number") || k == "card_cvc" || v.contains("4242")));
    }

    #[test]
    fn expiry_is_checked_against_this_month() {
        assert_eq!(CardExpiry::parse("11/26", 2026, 11), Ok(CardExpiry { month: 11, year: 2026 }));
        assert_eq!(CardExpiry::parse("10/26", 2026, 11).unwrap_err(), "This card has expired: use another card");
        assert!(CardExpiry::parse("13/27", 2026, 11).is_err());
        assert!(CardExpiry::parse("1227", 2026, 11).is_err());
        assert_eq!(CardExpiry::parse("04/2029", 2026, 11), Ok(CardExpiry { month: 4, year: 2029 }));
    }

    #[test]
    fn delivery_is_free_from_forty_pounds_and_vat_is_a_sixth() {
        assert_eq!(DeliveryMethod::Standard.price(Money::from_pence(3999)), Money::from_pence(395));
        assert_eq!(DeliveryMethod::Standard.price(Money::from_pence(4000)), Money::from_pence(0));
        assert_eq!(DeliveryMethod::Express.price(Money::from_pence(9000)), Money::from_pence(795));
        let totals = OrderTotals::new(Money::from_pence(3450), DeliveryMethod::Standard);
        assert_eq!(totals.total, Money::from_pence(3845));
        assert_eq!(totals.vat, Money::from_pence(641)); // 3845 / 6 = 640.83
        assert_eq!(vat_included(Money::from_pence(120)), Money::from_pence(20));
        assert_eq!(vat_included(Money::from_pence(3)), Money::from_pence(1)); // 0.5 rounds up
    }

    #[test]
    fn a_complete_checkout_parses_and_every_missing_field_is_reported() {
        let request = form().parse(2026, 11).unwrap();
        assert!(request.delivery.is_none());
        assert!(matches!(request.billing, AddressChoice::Typed(ref a) if a.full_name == "Ann Smith" && a.kind == AddressKind::Billing));
        let errors = CheckoutForm { delivery_same: false, ..CheckoutForm::default() }.parse(2026, 11).unwrap_err().into_errors();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in [
            "name",
            "email",
            "telephone",
            "billing_line1",
            "billing_city",
            "billing_postcode",
            "delivery_line1",
            "delivery_method",
            "card_number",
            "card_expiry",
            "card_cvc",
        ] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn a_saved_address_is_used_by_id() {
        let request = CheckoutForm { billing_saved: "7".into(), billing: AddressForm::default(), ..form() }.parse(2026, 11).unwrap();
        assert_eq!(request.billing, AddressChoice::Saved(7));
    }
}
