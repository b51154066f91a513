//! Taking payment. The store talks to a payment provider through [`PaymentProvider`]; the
//! built-in one is a test gateway with the usual test card numbers. Only the provider's token,
//! the brand, the last four digits and the expiry come back (P05): the card number and
//! security code go to the provider and nowhere else.

use crate::domain::checkout::{CardBrand, CardDetails};
use crate::domain::money::Money;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

pub type PaymentFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, PaymentError>> + Send + 'a>>;

/// A payment the provider accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    /// The provider's reference, used for refunds and disputes.
    pub token: String,
    pub brand: CardBrand,
    pub last4: String,
    pub exp_month: u8,
    pub exp_year: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The bank said no; the shopper may try another card.
    #[error("the card was declined")]
    Declined,
    /// The provider could not be reached or failed; nothing was charged.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    #[error("the provider knows no such charge")]
    UnknownCharge,
}

/// A card payment service.
pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// Takes `amount` from the card; `reference` (the order's checkout key) lets the provider
    /// recognise a repeated request.
    fn charge<'a>(&'a self, card: &'a CardDetails, amount: Money, reference: &'a str) -> PaymentFuture<'a, Charge>;
    /// Gives back a charge in full (an order that could not be placed, or was cancelled).
    fn refund<'a>(&'a self, token: &'a str) -> PaymentFuture<'a, ()>;
    /// Whether this provider takes no real money (a test gateway): the checkout page then says
    /// so (issue 21, S2).
    fn is_test_mode(&self) -> bool {
        false
    }
}

/// The test gateway: `4000 0000 0000 0002` is declined, `4000 0000 0000 0119` fails as if the
/// provider were down, and any other number that passed the Luhn check is charged. It keeps
/// its charges in memory so tests can see what was charged and refunded.
#[derive(Debug, Default)]
pub struct TestGateway {
    charges: Mutex<HashMap<String, TestCharge>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCharge {
    pub amount: Money,
    pub reference: String,
    pub refunded: bool,
}

pub const DECLINED_CARD: &str = "4000000000000002";
pub const PROVIDER_FAILURE_CARD: &str = "4000000000000119";

impl TestGateway {
    pub fn charge_of(&self, token: &str) -> Option<TestCharge> {
        self.charges.lock().ok()?.get(token).cloned()
    }

    pub fn charges(&self) -> Vec<TestCharge> {
        self.charges.lock().map(|c| c.values().cloned().collect()).unwrap_or_default()
    }
}

impl PaymentProvider for TestGateway {
    fn is_test_mode(&self) -> bool {
        true
    }

    fn charge<'a>(&'a self, card: &'a CardDetails, amount: Money, reference: &'a str) -> PaymentFuture<'a, Charge> {
        Box::pin(async move {
            match card.number.digits() {
                DECLINED_CARD => return Err(PaymentError::Declined),
                PROVIDER_FAILURE_CARD => return Err(PaymentError::Unavailable("test gateway: simulated outage".into())),
                _ => {}
            }
            let mut bytes = [0u8; 18];
            rand::rng().fill_bytes(&mut bytes);
            let token = format!("tok_test_{}", URL_SAFE_NO_PAD.encode(bytes));
            let mut charges = self.charges.lock().map_err(|_| PaymentError::Unavailable("test gateway state poisoned".into()))?;
            charges.insert(token.clone(), TestCharge { amount, reference: reference.to_owned(), refunded: false });
            Ok(Charge {
                token,
                brand: card.number.brand(),
                last4: card.number.last4().to_owned(),
                exp_month: card.expiry.month,
                exp_year: card.expiry.year,
            })
        })
    }

    fn refund<'a>(&'a self, token: &'a str) -> PaymentFuture<'a, ()> {
        Box::pin(async move {
            let mut charges = self.charges.lock().map_err(|_| PaymentError::Unavailable("test gateway state poisoned".into()))?;
            let charge = charges.get_mut(token).ok_or(PaymentError::UnknownCharge)?;
            charge.refunded = true;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkout::{CardExpiry, CardNumber, SecurityCode};

    fn card(number: &str) -> CardDetails {
        CardDetails {
            number: CardNumber::parse(number).unwrap(),
            expiry: CardExpiry { month: 12, year: 2030 },
            security_code: SecurityCode::parse("123", None).unwrap(),
        }
    }

    #[tokio::test]
    async fn test_cards_succeed_decline_and_refund() {
        let gateway = TestGateway::default();
        let charge = gateway.charge(&card("4242 4242 4242 4242"), Money::from_pence(1000), "key").await.unwrap();
        assert_eq!((charge.brand, charge.last4.as_str(), charge.exp_month, charge.exp_year), (CardBrand::Visa, "4242", 12, 2030));
        assert!(charge.token.starts_with("tok_test_") && !charge.token.contains("4242"));
        assert_eq!(gateway.charge(&card(DECLINED_CARD), Money::from_pence(1000), "k2").await, Err(PaymentError::Declined));
        assert!(matches!(
            gateway.charge(&card(PROVIDER_FAILURE_CARD), Money::from_pence(1), "k3").await,
            Err(PaymentError::Unavailable(_))
        ));
        gateway.refund(&charge.token).await.unwrap();
        assert!(gateway.charge_of(&charge.token).unwrap().refunded);
        assert_eq!(gateway.refund("nope").await, Err(PaymentError::UnknownCharge));
    }
}
