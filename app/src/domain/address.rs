//! Postal addresses in the address book (P04): billing and delivery, one default of each.

use super::account::PersonName;
use super::forms::Validation;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressKind {
    Billing,
    Delivery,
}

impl AddressKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Billing => "billing",
            Self::Delivery => "delivery",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "billing" => Some(Self::Billing),
            "delivery" => Some(Self::Delivery),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Billing => "Billing address",
            Self::Delivery => "Delivery address",
        }
    }
}

/// A checked address, ready to store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub kind: AddressKind,
    pub full_name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postcode: String,
    pub country: String,
    pub is_default: bool,
}

/// An address in the book, as the account pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub id: i32,
    pub address: PostalAddress,
}

impl PostalAddress {
    /// The lines of the address as printed on an envelope.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.full_name.clone(), self.line1.clone()];
        lines.extend(self.line2.clone());
        lines.extend([self.city.clone(), self.postcode.clone(), self.country.clone()]);
        lines
    }
}

/// The address form's fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressForm {
    pub kind: String,
    pub full_name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
    pub is_default: Option<String>,
}

impl AddressForm {
    /// Every field's error at once, so the shopper fixes them in one go.
    pub fn parse(&self, validation: &mut Validation) -> Option<PostalAddress> {
        let kind = validation.check("kind", AddressKind::parse(&self.kind).ok_or_else(|| "Choose billing or delivery".to_owned()));
        let full_name = validation.check("full_name", PersonName::parse(&self.full_name));
        let line1 = validation.check("line1", required(&self.line1, 100, "Enter the first line of the address"));
        let line2 = validation.check("line2", optional(&self.line2, 100));
        let city = validation.check("city", required(&self.city, 60, "Enter the town or city"));
        let postcode = validation.check("postcode", postcode(&self.postcode));
        let country = validation.check(
            "country",
            required(if self.country.trim().is_empty() { "United Kingdom" } else { &self.country }, 60, "Enter the country"),
        );
        Some(PostalAddress {
            kind: kind?,
            full_name: full_name?.as_str().to_owned(),
            line1: line1?,
            line2: line2?,
            city: city?,
            postcode: postcode?,
            country: country?,
            is_default: self.is_default.as_deref().is_some_and(|v| v == "on" || v == "true"),
        })
    }

    /// What was typed, to show again after an error.
    pub fn values(&self) -> Vec<(String, String)> {
        [
            ("kind", &self.kind),
            ("full_name", &self.full_name),
            ("line1", &self.line1),
            ("line2", &self.line2),
            ("city", &self.city),
            ("postcode", &self.postcode),
            ("country", &self.country),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .chain(self.is_default.as_ref().map(|v| ("is_default".to_owned(), v.clone())))
        .collect()
    }
}

fn tidy(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn required(raw: &str, max: usize, missing: &str) -> Result<String, String> {
    let value = tidy(raw);
    if value.is_empty() {
        return Err(missing.to_owned());
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(format!("Enter {max} characters or fewer"));
    }
    Ok(value)
}

fn optional(raw: &str, max: usize) -> Result<Option<String>, String> {
    let value = tidy(raw);
    if value.is_empty() {
        return Ok(None);
    }
    required(&value, max, "").map(Some)
}

/// Postcodes vary by country; this accepts letters, digits, spaces and hyphens, 3–10 long.
fn postcode(raw: &str) -> Result<String, String> {
    let value = tidy(raw).to_uppercase();
    let ok = (3..=10).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
    if value.is_empty() {
        Err("Enter a postcode".into())
    } else if ok {
        Ok(value)
    } else {
        Err("Enter a real postcode, like SW1A 1AA".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AddressForm {
        AddressForm {
            kind: "delivery".into(),
            full_name: "Ann Smith".into(),
            line1: "1  High Street".into(),
            line2: "".into(),
            city: "Leeds".into(),
            postcode: "ls1 1aa".into(),
            country: "".into(),
            is_default: Some("on".into()),
        }
    }

    #[test]
    fn a_complete_address_is_tidied() {
        let mut v = Validation::default();
        let address = form().parse(&mut v).unwrap();
        assert!(v.is_clean());
        assert_eq!(address.line1, "1 High Street");
        assert_eq!(address.line2, None);
        assert_eq!(address.postcode, "LS1 1AA");
        assert_eq!(address.country, "United Kingdom");
        assert!(address.is_default);
    }

    #[test]
    fn every_missing_field_is_reported_at_once() {
        let mut v = Validation::default();
        let empty = AddressForm { kind: "billing".into(), ..AddressForm::default() };
        assert!(empty.parse(&mut v).is_none());
        let fields: Vec<_> = v.into_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["full_name", "line1", "city", "postcode"]);
    }
}
