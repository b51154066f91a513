//! Pages of results: which slice a listing shows and how many pages there are.

use serde::{Deserialize, Serialize};

/// A one-based page number, clamped to at least 1 and at most [`PageNumber::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageNumber(u32);

impl PageNumber {
    /// Far beyond any real listing; keeps offsets small and queries cheap.
    pub const MAX: u32 = 10_000;
    pub const FIRST: PageNumber = PageNumber(1);

    pub fn new(number: u32) -> Self {
        Self(number.clamp(1, Self::MAX))
    }

    /// Reads `?page=` leniently: anything that is not a page number means the first page.
    pub fn from_query(raw: Option<&str>) -> Self {
        raw.and_then(|s| s.trim().parse::<u32>().ok()).map(Self::new).unwrap_or(Self::FIRST)
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn offset(self, per_page: u32) -> u64 {
        u64::from(self.0 - 1) * u64::from(per_page)
    }
}

/// One page of a longer listing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T> Paged<T> {
    pub fn total_pages(&self) -> u32 {
        if self.per_page == 0 {
            return 1;
        }
        let pages = self.total.div_ceil(u64::from(self.per_page)).max(1);
        u32::try_from(pages).unwrap_or(u32::MAX)
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.total_pages()
    }

    /// "Showing 13–24 of 40", or None when the page is empty.
    pub fn range_label(&self) -> Option<String> {
        if self.items.is_empty() {
            return None;
        }
        let first = u64::from(self.page - 1) * u64::from(self.per_page) + 1;
        let last = first + self.items.len() as u64 - 1;
        Some(format!("Showing {first}–{last} of {}", self.total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paged(items: usize, page: u32, per_page: u32, total: u64) -> Paged<u8> {
        Paged { items: vec![0; items], page, per_page, total }
    }

    #[test]
    fn page_numbers_are_clamped_and_forgiving() {
        assert_eq!(PageNumber::from_query(None).get(), 1);
        assert_eq!(PageNumber::from_query(Some("0")).get(), 1);
        assert_eq!(PageNumber::from_query(Some("abc")).get(), 1);
        assert_eq!(PageNumber::from_query(Some("3")).get(), 3);
        assert_eq!(PageNumber::from_query(Some("99999999")).get(), PageNumber::MAX);
        assert_eq!(PageNumber::new(3).offset(12), 24);
    }

    #[test]
    fn counts_pages_and_neighbours() {
        let p = paged(12, 1, 12, 40);
        assert_eq!(p.total_pages(), 4);
        assert!(!p.has_previous());
        assert!(p.has_next());
        let last = paged(4, 4, 12, 40);
        assert!(last.has_previous());
        assert!(!last.has_next());
        assert_eq!(last.range_label().as_deref(), Some("Showing 37–40 of 40"));
        assert_eq!(paged(0, 1, 12, 0).total_pages(), 1);
        assert_eq!(paged(0, 1, 12, 0).range_label(), None);
    }
}
