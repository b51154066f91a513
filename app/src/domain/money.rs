//! Money in integer minor units (pence). The store trades in GBP only.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of pounds sterling, held as whole pence so that sums are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Money {
    pence: i64,
}

/// Why a typed price could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MoneyParseError {
    #[error("Enter a price in pounds, like 12 or 12.50")]
    NotAnAmount,
    #[error("Enter a price of £0 or more")]
    Negative,
    #[error("Enter a price below £1,000,000")]
    TooLarge,
}

impl Money {
    /// The largest amount a shopper may type: far above any product, far below overflow.
    pub const MAX_TYPED: Money = Money { pence: 100_000_000 };

    pub const fn from_pence(pence: i64) -> Self {
        Self { pence }
    }

    pub const fn pence(self) -> i64 {
        self.pence
    }

    /// Reads an amount as shoppers type it: `12`, `12.5`, `12.50`, `£12.50`, `1,299.00`.
    pub fn parse_pounds(input: &str) -> Result<Self, MoneyParseError> {
        let cleaned: String = input.trim().trim_start_matches('£').chars().filter(|c| *c != ',').collect();
        if cleaned.starts_with('-') {
            return Err(MoneyParseError::Negative);
        }
        let (whole, fraction) = match cleaned.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (cleaned.as_str(), ""),
        };
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !digits_only(whole) || !digits_only(fraction) || fraction.len() > 2 {
            return Err(MoneyParseError::NotAnAmount);
        }
        if whole.len() > 9 {
            return Err(MoneyParseError::TooLarge);
        }
        let pounds: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyParseError::NotAnAmount)? };
        let pence_part: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| MoneyParseError::NotAnAmount)? * 10,
            _ => fraction.parse().map_err(|_| MoneyParseError::NotAnAmount)?,
        };
        let money = Money::from_pence(pounds * 100 + pence_part);
        if money > Self::MAX_TYPED {
            return Err(MoneyParseError::TooLarge);
        }
        Ok(money)
    }

    /// The amount as a form would show it back: `12.50`.
    pub fn to_plain_pounds(self) -> String {
        format!("{}.{:02}", self.pence / 100, self.pence.rem_euclid(100))
    }
}

impl fmt::Display for Money {
    /// `£1,299.00`: grouped thousands, always two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.pence < 0 { "-" } else { "" };
        let abs = self.pence.unsigned_abs();
        let pounds = (abs / 100).to_string();
        let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
        for (i, digit) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}£{grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_pounds_with_grouping_and_two_decimals() {
        assert_eq!(Money::from_pence(0).to_string(), "£0.00");
        assert_eq!(Money::from_pence(5).to_string(), "£0.05");
        assert_eq!(Money::from_pence(1250).to_string(), "£12.50");
        assert_eq!(Money::from_pence(129_900).to_string(), "£1,299.00");
        assert_eq!(Money::from_pence(123_456_789).to_string(), "£1,234,567.89");
        assert_eq!(Money::from_pence(-150).to_string(), "-£1.50");
    }

    #[test]
    fn parses_amounts_as_shoppers_type_them() {
        assert_eq!(Money::parse_pounds("12"), Ok(Money::from_pence(1200)));
        assert_eq!(Money::parse_pounds(" £12.5 "), Ok(Money::from_pence(1250)));
        assert_eq!(Money::parse_pounds("1,299.99"), Ok(Money::from_pence(129_999)));
        assert_eq!(Money::parse_pounds(".5"), Ok(Money::from_pence(50)));
        assert_eq!(Money::parse_pounds("0"), Ok(Money::from_pence(0)));
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        assert_eq!(Money::parse_pounds(""), Err(MoneyParseError::NotAnAmount));
        assert_eq!(Money::parse_pounds("abc"), Err(MoneyParseError::NotAnAmount));
        assert_eq!(Money::parse_pounds("1.234"), Err(MoneyParseError::NotAnAmount));
        assert_eq!(Money::parse_pounds("1.2.3"), Err(MoneyParseError::NotAnAmount));
        assert_eq!(Money::parse_pounds("-3"), Err(MoneyParseError::Negative));
        assert_eq!(Money::parse_pounds("99999999999"), Err(MoneyParseError::TooLarge));
        assert_eq!(Money::parse_pounds("1000001"), Err(MoneyParseError::TooLarge));
    }

    #[test]
    fn plain_pounds_round_trip() {
        let price = Money::from_pence(1205);
        assert_eq!(price.to_plain_pounds(), "12.05");
        assert_eq!(Money::parse_pounds(&price.to_plain_pounds()), Ok(price));
    }
}
