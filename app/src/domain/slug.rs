//! URL slugs: the readable, stable names of categories and products in addresses.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A lowercase ASCII slug such as `garden-tools`: letters, digits and single hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slug(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("That address is not a valid page name")]
pub struct InvalidSlug;

impl Slug {
    pub const MAX_LEN: usize = 120;

    pub fn parse(input: &str) -> Result<Self, InvalidSlug> {
        let valid = !input.is_empty()
            && input.len() <= Self::MAX_LEN
            && input.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !input.starts_with('-')
            && !input.ends_with('-')
            && !input.contains("--");
        if valid {
            Ok(Self(input.to_owned()))
        } else {
            Err(InvalidSlug)
        }
    }

    /// Makes a slug from a display name: `"Oak Chopping Board (Large)"` → `oak-chopping-board-large`.
    pub fn from_name(name: &str) -> Result<Self, InvalidSlug> {
        let mut slug = String::with_capacity(name.len());
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let trimmed = slug.trim_end_matches('-');
        Self::parse(trimmed[..trimmed.len().min(Self::MAX_LEN)].trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_hyphenated_names() {
        assert_eq!(Slug::parse("garden-tools").unwrap().as_str(), "garden-tools");
        assert!(Slug::parse("a1").is_ok());
    }

    #[test]
    fn refuses_anything_else() {
        for bad in ["", "Garden", "a b", "-a", "a-", "a--b", "../etc", "caf\u{e9}", &"x".repeat(121)] {
            assert_eq!(Slug::parse(bad), Err(InvalidSlug), "{bad:?}");
        }
    }

    #[test]
    fn derives_slugs_from_names() {
        assert_eq!(Slug::from_name("Oak Chopping Board (Large)").unwrap().as_str(), "oak-chopping-board-large");
        assert_eq!(Slug::from_name("  Tea & Coffee ").unwrap().as_str(), "tea-coffee");
        assert!(Slug::from_name("!!!").is_err());
    }
}
