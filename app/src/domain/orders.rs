//! Orders as shoppers and staff see them, and their rules: the order number, the status flow,
//! the legal basis and how long an order is kept (P15, P17).

use super::address::PostalAddress;
use super::checkout::{DeliveryMethod, OrderTotals};
use super::money::Money;
use serde::{Deserialize, Serialize};

/// Orders are processed to perform the contract of sale (P15).
pub const LEGAL_BASIS: &str = "contract";

/// Letters and digits that cannot be mistaken for each other when read out on the phone.
const NUMBER_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// `SOP-XXXX-XXXX` from eight random bytes: what a shopper quotes, revealing nothing about
/// how many orders the store takes.
pub fn order_number(random: [u8; 8]) -> String {
    let chars: String = random.iter().map(|b| NUMBER_ALPHABET[usize::from(*b) % NUMBER_ALPHABET.len()] as char).collect();
    format!("SOP-{}-{}", &chars[..4], &chars[4..])
}

/// Whether `raw` looks like an order number (so a mistyped address is a 404 without a query).
pub fn is_order_number(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.len() == 13
        && raw.starts_with("SOP-")
        && bytes[8] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i < 4 || i == 8 || NUMBER_ALPHABET.contains(b))
}

/// Where an order stands. Paid → dispatched → delivered; a paid order may be cancelled, which
/// returns its stock and refunds the payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    Paid,
    Dispatched,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 4] = [Self::Paid, Self::Dispatched, Self::Delivered, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Dispatched => "dispatched",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Paid => "Paid",
            Self::Dispatched => "Dispatched",
            Self::Delivered => "Delivered",
            Self::Cancelled => "Cancelled",
        }
    }

    /// The statuses staff may move an order to from this one.
    pub fn next(self) -> &'static [OrderStatus] {
        match self {
            Self::Paid => &[Self::Dispatched, Self::Cancelled],
            Self::Dispatched => &[Self::Delivered],
            Self::Delivered | Self::Cancelled => &[],
        }
    }

    pub fn can_move_to(self, next: OrderStatus) -> bool {
        self.next().contains(&next)
    }

    /// The button staff press to move an order here.
    pub fn action_label(self) -> &'static str {
        match self {
            Self::Paid => "Mark as paid",
            Self::Dispatched => "Mark as dispatched",
            Self::Delivered => "Mark as delivered",
            Self::Cancelled => "Cancel order",
        }
    }
}

/// One line of an order as bought.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub slug: String,
    pub name: String,
    pub unit_price: Money,
    pub quantity: u32,
    pub line_total: Money,
}

/// An order in a list (the shopper's history, the staff list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub number: String,
    pub status: OrderStatus,
    /// RFC 3339.
    pub placed_at: String,
    pub item_count: u32,
    pub total: Money,
    pub name: String,
    pub email: String,
}

/// Everything the order page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub summary: OrderSummary,
    pub telephone: String,
    pub lines: Vec<OrderLineView>,
    pub billing: PostalAddress,
    pub delivery: PostalAddress,
    pub delivery_method: DeliveryMethod,
    pub totals: OrderTotals,
    /// "Visa ending 4242, expires 12/30".
    pub payment: String,
    pub legal_basis: String,
    /// RFC 3339: the order is deleted after this date (P17).
    pub retain_until: String,
    /// What staff may do next (empty for shoppers).
    pub next_statuses: Vec<OrderStatus>,
}

/// The card as an order shows it; nothing more of it is stored (P05).
pub fn describe_card(brand: &str, last4: &str, month: i16, year: i16) -> String {
    format!("{brand} ending {last4}, expires {month:02}/{:02}", year % 100)
}

/// Staff's order list filter, as typed in the query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// An order number, or (part of) an e-mail address.
    pub query: Option<String>,
}

impl OrderFilter {
    pub fn parse(status: Option<&str>, query: Option<&str>) -> Self {
        let query = query.map(str::trim).filter(|q| !q.is_empty()).map(|q| q.chars().take(254).collect::<String>());
        Self { status: status.and_then(OrderStatus::parse), query }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_readable_and_recognised() {
        let number = order_number([0, 1, 2, 3, 30, 31, 200, 255]);
        assert_eq!(number, "SOP-ABCD-9ARH");
        assert!(is_order_number(&number));
        assert!(!is_order_number("SOP-ABCD-9AJ"));
        assert!(!is_order_number("SOP-ABC0-9AJ3"), "0 is not in the alphabet");
        assert!(!is_order_number("../etc/passwd"));
    }

    #[test]
    fn the_status_flow_goes_forward_only() {
        use OrderStatus::*;
        assert!(Paid.can_move_to(Dispatched) && Paid.can_move_to(Cancelled));
        assert!(Dispatched.can_move_to(Delivered));
        assert!(!Dispatched.can_move_to(Cancelled) && !Delivered.can_move_to(Paid) && !Cancelled.can_move_to(Paid));
        assert!(Delivered.next().is_empty() && Cancelled.next().is_empty());
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
    }

    // P05: an order shows the card only as brand, last four digits and expiry.
    #[test]
    fn p05_cards_are_described_by_brand_last_four_and_expiry() {
        assert_eq!(describe_card("Visa", "4242", 4, 2030), "Visa ending 4242, expires 04/30");
    }

    #[test]
    fn the_filter_reads_status_and_search_leniently() {
        let filter = OrderFilter::parse(Some("paid"), Some("  ann@ "));
        assert_eq!(filter, OrderFilter { status: Some(OrderStatus::Paid), query: Some("ann@".into()) });
        assert_eq!(OrderFilter::parse(Some("bogus"), Some(" ")), OrderFilter::default());
    }
}
