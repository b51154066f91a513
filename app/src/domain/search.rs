//! Catalog search: reading what the shopper typed, and ranking products by how well they match.

use super::{
    catalog::SortOrder,
    money::{Money, MoneyParseError},
    paging::PageNumber,
    slug::Slug,
};
use serde::{Deserialize, Serialize};

/// Longest search text accepted; longer input is refused with a message, never cut silently.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words beyond this many are refused too: each one costs a condition in the query.
pub const MAX_TERMS: usize = 8;

/// The search form exactly as submitted (`/search?q=…&category=…&min=…&max=…&sort=…&page=…`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub category: Option<String>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

/// A search the store can run: every part checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    pub terms: Vec<String>,
    pub category: Option<Slug>,
    pub min_price: Option<Money>,
    pub max_price: Option<Money>,
    pub sort: SortOrder,
    pub page: PageNumber,
}

/// What was wrong with a search, with the form field it concerns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SearchInputError {
    #[error("Search for {MAX_QUERY_CHARS} characters or fewer")]
    QueryTooLong,
    /// NUL and other control characters: no search box sends them, and PostgreSQL refuses NUL.
    #[error("Search using letters, numbers, spaces and punctuation only")]
    UnreadableCharacters,
    #[error("Search for {MAX_TERMS} words or fewer")]
    TooManyWords,
    #[error("Choose a category from the list")]
    UnknownCategory,
    #[error("Lowest price: {0}")]
    MinPrice(MoneyParseError),
    #[error("Highest price: {0}")]
    MaxPrice(MoneyParseError),
    #[error("The lowest price must not be more than the highest price")]
    PriceRangeReversed,
}

impl SearchInputError {
    /// The `id` of the form field to link to from the error summary.
    pub fn field_id(&self) -> &'static str {
        match self {
            Self::QueryTooLong | Self::UnreadableCharacters | Self::TooManyWords => "search-q",
            Self::UnknownCategory => "search-category",
            Self::MinPrice(_) | Self::PriceRangeReversed => "search-min",
            Self::MaxPrice(_) => "search-max",
        }
    }
}

impl SearchInputError {
    /// Input the search form never sends (issue 21): the page still explains it beside the
    /// field, but answers 400; an ordinary mistake such as a mistyped price is a normal answer.
    pub fn is_malformed(&self) -> bool {
        matches!(self, Self::QueryTooLong | Self::UnreadableCharacters)
    }
}

fn non_blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl SearchParams {
    pub fn is_empty(&self) -> bool {
        [&self.q, &self.category, &self.min, &self.max].iter().all(|v| non_blank(v).is_none())
    }

    /// The same search on another page or in another order, as a `/search?…` address.
    pub fn href(&self, page: Option<u32>, sort: Option<SortOrder>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [("q", &self.q), ("category", &self.category), ("min", &self.min), ("max", &self.max)] {
            if let Some(value) = non_blank(value) {
                query.append_pair(key, value);
            }
        }
        let sort = sort.or_else(|| non_blank(&self.sort).map(|s| SortOrder::from_query(Some(s))));
        if let Some(sort) = sort.filter(|s| *s != SortOrder::default()) {
            query.append_pair("sort", sort.as_query());
        }
        if let Some(page) = page.filter(|p| *p > 1) {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            "/search".to_owned()
        } else {
            format!("/search?{query}")
        }
    }

    /// Checks every field; the first problem found is returned.
    pub fn parse(&self) -> Result<SearchQuery, SearchInputError> {
        let text = non_blank(&self.q).unwrap_or_default().to_owned();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchInputError::QueryTooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(SearchInputError::UnreadableCharacters);
        }
        let terms = search_terms(&text);
        if terms.len() > MAX_TERMS {
            return Err(SearchInputError::TooManyWords);
        }
        let category = non_blank(&self.category).map(|raw| Slug::parse(raw).map_err(|_| SearchInputError::UnknownCategory)).transpose()?;
        let min_price = non_blank(&self.min).map(Money::parse_pounds).transpose().map_err(SearchInputError::MinPrice)?;
        let max_price = non_blank(&self.max).map(Money::parse_pounds).transpose().map_err(SearchInputError::MaxPrice)?;
        if let (Some(min), Some(max)) = (min_price, max_price) {
            if min > max {
                return Err(SearchInputError::PriceRangeReversed);
            }
        }
        Ok(SearchQuery {
            text,
            terms,
            category,
            min_price,
            max_price,
            sort: SortOrder::from_query(non_blank(&self.sort)),
            page: PageNumber::from_query(non_blank(&self.page)),
        })
    }
}

/// Splits text into lowercase words, dropping punctuation and repeats.
pub fn search_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if !terms.contains(&word) {
            terms.push(word);
        }
    }
    terms
}

/// The text of a product that search looks at.
pub struct SearchableText<'a> {
    pub name: &'a str,
    pub description: &'a str,
}

/// How well a product matches every term: 0 when any term is missing, higher is better.
/// A word in the name counts most, a whole word more than a prefix, a prefix more than a fragment.
pub fn relevance(terms: &[String], text: &SearchableText<'_>) -> u32 {
    if terms.is_empty() {
        return 0;
    }
    let name = text.name.to_lowercase();
    let description = text.description.to_lowercase();
    let name_words = search_terms(&name);
    let description_words = search_terms(&description);
    let mut total = 0;
    for term in terms {
        let in_name = score_field(term, &name, &name_words, [12, 8, 5]);
        let in_description = score_field(term, &description, &description_words, [3, 2, 1]);
        let term_score = in_name + in_description;
        if term_score == 0 {
            return 0;
        }
        total += term_score;
    }
    total
}

fn score_field(term: &str, field: &str, words: &[String], [whole, prefix, fragment]: [u32; 3]) -> u32 {
    if words.iter().any(|w| w == term) {
        whole
    } else if words.iter().any(|w| w.starts_with(term)) {
        prefix
    } else if field.contains(term) {
        fragment
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> SearchParams {
        SearchParams { q: Some(q.into()), ..Default::default() }
    }

    #[test]
    fn reads_a_full_search_form() {
        let query = SearchParams {
            q: Some("  Oak  board ".into()),
            category: Some("kitchen".into()),
            min: Some("5".into()),
            max: Some("£20.50".into()),
            sort: Some("price-asc".into()),
            page: Some("2".into()),
        }
        .parse()
        .unwrap();
        assert_eq!(query.text, "Oak  board");
        assert_eq!(query.terms, vec!["oak", "board"]);
        assert_eq!(query.category.unwrap().as_str(), "kitchen");
        assert_eq!(query.min_price, Some(Money::from_pence(500)));
        assert_eq!(query.max_price, Some(Money::from_pence(2050)));
        assert_eq!(query.sort, SortOrder::PriceLowToHigh);
        assert_eq!(query.page.get(), 2);
    }

    #[test]
    fn blank_fields_mean_no_filter() {
        let query = SearchParams { min: Some(" ".into()), category: Some("".into()), ..params("") }.parse().unwrap();
        assert!(query.terms.is_empty());
        assert_eq!((query.category, query.min_price), (None, None));
    }

    #[test]
    fn refuses_bad_input_with_the_field_in_error() {
        let long = params(&"a".repeat(MAX_QUERY_CHARS + 1)).parse().unwrap_err();
        assert_eq!((long.clone(), long.field_id()), (SearchInputError::QueryTooLong, "search-q"));
        assert_eq!(params("a b c d e f g h i").parse(), Err(SearchInputError::TooManyWords));
        let reversed = SearchParams { min: Some("30".into()), max: Some("10".into()), ..params("") };
        assert_eq!(reversed.parse(), Err(SearchInputError::PriceRangeReversed));
        let bad_min = SearchParams { min: Some("ten".into()), ..params("") }.parse().unwrap_err();
        assert_eq!(bad_min.to_string(), "Lowest price: Enter a price in pounds, like 12 or 12.50");
        assert_eq!(bad_min.field_id(), "search-min");
        let bad_category = SearchParams { category: Some("../x".into()), ..params("") };
        assert_eq!(bad_category.parse(), Err(SearchInputError::UnknownCategory));
    }

    // issue 21: bad input. NUL (which PostgreSQL refuses in text) and over-long searches are
    // refused as malformed; an ordinary mistake is not.
    #[test]
    fn issue21_nul_and_over_long_searches_are_refused_as_malformed() {
        for bad in ["tea\0", "\0", "tea\u{1b}[31m", "tea\ncoffee"] {
            let refused = params(bad).parse().unwrap_err();
            assert_eq!((refused.clone(), refused.field_id()), (SearchInputError::UnreadableCharacters, "search-q"), "{bad:?}");
            assert!(refused.is_malformed());
        }
        assert!(params(&"a".repeat(MAX_QUERY_CHARS + 1)).parse().unwrap_err().is_malformed());
        assert!(params(&"é".repeat(MAX_QUERY_CHARS)).parse().is_ok(), "the limit counts characters, not bytes");
        let bad_min = SearchParams { min: Some("ten".into()), ..params("") }.parse().unwrap_err();
        assert!(!bad_min.is_malformed());
    }

    #[test]
    fn terms_are_lowercase_words_without_repeats() {
        assert_eq!(search_terms("Tea, TEA & coffee!"), vec!["tea", "coffee"]);
        assert!(search_terms("  ,;  ").is_empty());
    }

    #[test]
    fn every_term_must_match_somewhere() {
        let board = SearchableText { name: "Oak Chopping Board", description: "Hard-wearing oak." };
        assert!(relevance(&search_terms("oak board"), &board) > 0);
        assert_eq!(relevance(&search_terms("oak kettle"), &board), 0);
        assert_eq!(relevance(&[], &board), 0);
    }

    #[test]
    fn name_matches_outrank_description_matches() {
        let terms = search_terms("kettle");
        let kettle = SearchableText { name: "Copper Kettle", description: "Boils water." };
        let mug = SearchableText { name: "Enamel Mug", description: "Pairs well with a kettle." };
        let kettles = SearchableText { name: "Kettlebell", description: "Heavy." };
        let with_kettle = relevance(&terms, &kettle);
        assert!(with_kettle > relevance(&terms, &kettles), "whole word beats prefix");
        assert!(relevance(&terms, &kettles) > relevance(&terms, &mug), "name prefix beats description word");
        assert!(relevance(&terms, &mug) > 0);
    }

    #[test]
    fn hrefs_keep_the_search_and_drop_defaults() {
        let p = SearchParams { q: Some("oak board".into()), min: Some("".into()), sort: Some("relevance".into()), ..Default::default() };
        assert_eq!(p.href(None, None), "/search?q=oak+board");
        assert_eq!(p.href(Some(2), Some(SortOrder::PriceHighToLow)), "/search?q=oak+board&sort=price-desc&page=2");
        assert_eq!(SearchParams::default().href(Some(1), None), "/search");
        assert!(SearchParams::default().is_empty());
    }
}
