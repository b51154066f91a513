//! What the storefront shows of categories and products, and how listings are ordered.

use super::{money::Money, paging::Paged};
use serde::{Deserialize, Serialize};

/// Products shown per listing page.
pub const PRODUCTS_PER_PAGE: u32 = 12;
/// At or below this many in stock, the page says "only N left".
pub const LOW_STOCK_THRESHOLD: u32 = 5;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategorySummary {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub product_count: u64,
}

/// A product as listings and search results show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub slug: String,
    pub name: String,
    pub price: Money,
    pub image_url: String,
    pub stock: StockLevel,
    pub category_slug: String,
    pub category_name: String,
}

/// Everything the product page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub summary: ProductSummary,
    pub description: String,
}

/// How much of a product a shopper can still buy, as the page words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockLevel {
    OutOfStock,
    Low(u32),
    InStock,
}

impl StockLevel {
    pub fn from_units(units: i64) -> Self {
        match u32::try_from(units) {
            Ok(0) | Err(_) => Self::OutOfStock,
            Ok(n) if n <= LOW_STOCK_THRESHOLD => Self::Low(n),
            Ok(_) => Self::InStock,
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::OutOfStock => "Out of stock".to_owned(),
            Self::Low(n) => format!("Only {n} left"),
            Self::InStock => "In stock".to_owned(),
        }
    }

    pub fn is_available(self) -> bool {
        !matches!(self, Self::OutOfStock)
    }
}

/// The orders a listing can be sorted in; the first is each listing's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortOrder {
    /// Search: best match first. Category: featured products first, then by name.
    #[default]
    Relevance,
    PriceLowToHigh,
    PriceHighToLow,
    NameAToZ,
    Newest,
}

impl SortOrder {
    pub const ALL: [SortOrder; 5] = [Self::Relevance, Self::PriceLowToHigh, Self::PriceHighToLow, Self::NameAToZ, Self::Newest];

    /// The value in the address bar (`?sort=price-asc`).
    pub fn as_query(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::PriceLowToHigh => "price-asc",
            Self::PriceHighToLow => "price-desc",
            Self::NameAToZ => "name",
            Self::Newest => "newest",
        }
    }

    /// Reads `?sort=` leniently: an unknown value falls back to the default order.
    pub fn from_query(raw: Option<&str>) -> Self {
        Self::ALL.into_iter().find(|s| Some(s.as_query()) == raw).unwrap_or_default()
    }

    /// The words in the sort menu; "relevance" reads differently on a category page.
    pub fn label(self, in_search: bool) -> &'static str {
        match self {
            Self::Relevance if in_search => "Best match",
            Self::Relevance => "Featured",
            Self::PriceLowToHigh => "Price: low to high",
            Self::PriceHighToLow => "Price: high to low",
            Self::NameAToZ => "Name: A to Z",
            Self::Newest => "Newest first",
        }
    }
}

/// The home page: featured products and every category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomePage {
    pub featured: Vec<ProductSummary>,
    pub categories: Vec<CategorySummary>,
}

/// A category page: the category and one page of its products.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryPage {
    pub category: CategorySummary,
    pub sort: SortOrder,
    pub products: Paged<ProductSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_levels_word_what_is_left() {
        assert_eq!(StockLevel::from_units(0), StockLevel::OutOfStock);
        assert_eq!(StockLevel::from_units(-2), StockLevel::OutOfStock);
        assert_eq!(StockLevel::from_units(3), StockLevel::Low(3));
        assert_eq!(StockLevel::from_units(5).label(), "Only 5 left");
        assert_eq!(StockLevel::from_units(6), StockLevel::InStock);
        assert!(!StockLevel::OutOfStock.is_available());
    }

    #[test]
    fn sort_orders_round_trip_through_the_address_bar() {
        for sort in SortOrder::ALL {
            assert_eq!(SortOrder::from_query(Some(sort.as_query())), sort);
        }
        assert_eq!(SortOrder::from_query(Some("bogus")), SortOrder::Relevance);
        assert_eq!(SortOrder::from_query(None), SortOrder::Relevance);
    }
}
