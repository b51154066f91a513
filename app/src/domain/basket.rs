//! The basket as shoppers see it, and its rules: how much of a product one basket may hold,
//! how a guest basket joins an account's at sign-in, and what changed since a shopper looked.

use super::forms::FormReply;
use super::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most of one product a basket may hold; more is a trade order, not a shop order.
pub const MAX_QUANTITY: u32 = 99;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketLineView {
    pub slug: String,
    pub name: String,
    pub unit_price: Money,
    pub quantity: u32,
    /// Units the store has now (not reserved: stock is taken only when an order is placed).
    pub in_stock: u32,
    pub line_total: Money,
}

impl BasketLineView {
    pub fn new(slug: String, name: String, unit_price: Money, quantity: u32, in_stock: u32) -> Self {
        let line_total = Money::from_pence(unit_price.pence() * i64::from(quantity));
        Self { slug, name, unit_price, quantity, in_stock, line_total }
    }
}

/// The basket page and the checkout's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketView {
    /// This session's CSRF token for the basket's forms; `None` before the first add.
    pub csrf_token: Option<String>,
    pub lines: Vec<BasketLineView>,
    pub subtotal: Money,
    pub item_count: u32,
    /// What the shopper saw, sent back at checkout (see [`fingerprint`]).
    pub seen: String,
    /// The answer to a plain form post that led back to this page, if any.
    pub outcome: Option<FormReply>,
}

impl BasketView {
    pub fn new(csrf_token: Option<String>, lines: Vec<BasketLineView>) -> Self {
        let subtotal = Money::from_pence(lines.iter().map(|l| l.line_total.pence()).sum());
        let item_count = lines.iter().map(|l| l.quantity).sum();
        let seen = fingerprint(&lines);
        Self { csrf_token, lines, subtotal, item_count, seen, outcome: None }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// A compact, order-independent record of a basket's products, quantities and prices. The
/// checkout page carries it, so the order placed is exactly the basket the shopper last saw.
pub fn fingerprint(lines: &[BasketLineView]) -> String {
    let mut parts: Vec<String> = lines.iter().map(|l| format!("{}:{}:{}", l.slug, l.quantity, l.unit_price.pence())).collect();
    parts.sort();
    parts.join(",")
}

/// A quantity as typed: a whole number from 0 (meaning remove) to [`MAX_QUANTITY`].
pub fn parse_quantity(raw: &str) -> Result<u32, String> {
    match raw.trim().parse::<u32>() {
        Ok(n) if n <= MAX_QUANTITY => Ok(n),
        Ok(_) => Err(format!("You can buy up to {MAX_QUANTITY} of one product")),
        Err(_) => Err("Enter a quantity as a whole number, like 1 or 2".to_owned()),
    }
}

/// The quantity a basket line may hold: what was asked for, capped by the stock and by
/// [`MAX_QUANTITY`].
pub fn capped_quantity(wanted: u32, in_stock: u32) -> u32 {
    wanted.min(in_stock).min(MAX_QUANTITY)
}

/// Sign-in merge rule: the guest basket joins the account's basket; for a product in both,
/// the quantities add up, capped by the stock (and by [`MAX_QUANTITY`]). A product now out of
/// stock ends at 0, which means the line is dropped.
pub fn merged_quantity(account: u32, guest: u32, in_stock: u32) -> u32 {
    capped_quantity(account.saturating_add(guest), in_stock)
}

/// Something about a basket that changed between the shopper looking and checking out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BasketChange {
    PriceChanged {
        name: String,
        was: Money,
        now: Money,
    },
    StockReduced {
        name: String,
        left: u32,
    },
    SoldOut {
        name: String,
    },
    /// Added, removed or changed elsewhere (another tab, or a sign-in merge).
    ChangedElsewhere,
}

impl fmt::Display for BasketChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PriceChanged { name, was, now } => write!(f, "The price of {name} has changed from {was} to {now}."),
            Self::StockReduced { name, left } => {
                write!(f, "Only {left} of {name} {} left: your basket now has {left}.", if *left == 1 { "is" } else { "are" })
            }
            Self::SoldOut { name } => write!(f, "Out of stock: {name} has been removed from your basket."),
            Self::ChangedElsewhere => f.write_str("Your basket changed since this page was opened."),
        }
    }
}

/// What changed between the basket the shopper saw (`seen`, a [`fingerprint`]) and the basket
/// as it is now, given the stock corrections just made (`corrections`). Empty means the shopper
/// saw exactly what will be ordered.
pub fn changes_since(seen: &str, now: &[BasketLineView], corrections: Vec<BasketChange>) -> Vec<BasketChange> {
    let mut changes = corrections;
    let seen_price = |slug: &str| {
        seen.split(',').find_map(|part| {
            let mut fields = part.split(':');
            (fields.next() == Some(slug)).then(|| fields.nth(1).and_then(|p| p.parse::<i64>().ok())).flatten()
        })
    };
    for line in now {
        if let Some(was) = seen_price(&line.slug).filter(|&was| was != line.unit_price.pence()) {
            changes.push(BasketChange::PriceChanged { name: line.name.clone(), was: Money::from_pence(was), now: line.unit_price });
        }
    }
    if changes.is_empty() && fingerprint(now) != seen {
        changes.push(BasketChange::ChangedElsewhere);
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(slug: &str, pence: i64, quantity: u32) -> BasketLineView {
        BasketLineView::new(slug.into(), slug.to_uppercase(), Money::from_pence(pence), quantity, 10)
    }

    #[test]
    fn totals_and_counts_add_up() {
        let view = BasketView::new(None, vec![line("a", 250, 2), line("b", 1000, 1)]);
        assert_eq!(view.subtotal, Money::from_pence(1500));
        assert_eq!(view.item_count, 3);
    }

    #[test]
    fn the_fingerprint_ignores_order_but_not_quantity_or_price() {
        let ab = fingerprint(&[line("a", 250, 2), line("b", 1000, 1)]);
        assert_eq!(ab, fingerprint(&[line("b", 1000, 1), line("a", 250, 2)]));
        assert_ne!(ab, fingerprint(&[line("a", 250, 3), line("b", 1000, 1)]));
        assert_ne!(ab, fingerprint(&[line("a", 260, 2), line("b", 1000, 1)]));
    }

    // The documented merge rule: quantities add up, capped by stock.
    #[test]
    fn merging_adds_quantities_capped_by_stock() {
        assert_eq!(merged_quantity(2, 3, 10), 5);
        assert_eq!(merged_quantity(2, 3, 4), 4);
        assert_eq!(merged_quantity(0, 3, 0), 0);
        assert_eq!(merged_quantity(90, 90, 1000), MAX_QUANTITY);
    }

    #[test]
    fn quantities_are_whole_numbers_in_range() {
        assert_eq!(parse_quantity(" 3 "), Ok(3));
        assert_eq!(parse_quantity("0"), Ok(0));
        assert!(parse_quantity("-1").is_err());
        assert!(parse_quantity("1.5").is_err());
        assert!(parse_quantity("100").is_err());
    }

    #[test]
    fn a_price_change_is_named_and_an_unchanged_basket_has_none() {
        let seen = fingerprint(&[line("a", 250, 2)]);
        assert!(changes_since(&seen, &[line("a", 250, 2)], vec![]).is_empty());
        let changes = changes_since(&seen, &[line("a", 300, 2)], vec![]);
        assert_eq!(
            changes,
            vec![BasketChange::PriceChanged { name: "A".into(), was: Money::from_pence(250), now: Money::from_pence(300) }]
        );
        assert_eq!(changes[0].to_string(), "The price of A has changed from £2.50 to £3.00.");
        assert_eq!(changes_since(&seen, &[line("a", 250, 3)], vec![]), vec![BasketChange::ChangedElsewhere]);
    }

    #[test]
    fn stock_corrections_are_reported_in_words() {
        let changes = changes_since("a:2:250", &[line("a", 250, 1)], vec![BasketChange::StockReduced { name: "A".into(), left: 1 }]);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].to_string(), "Only 1 of A is left: your basket now has 1.");
        assert_eq!(BasketChange::SoldOut { name: "A".into() }.to_string(), "Out of stock: A has been removed from your basket.");
    }
}
