//! Catalog reads for the storefront. Pages are answered from the in-memory snapshot
//! (see `catalog_cache`); the functions below are plain functions of that snapshot.

use super::catalog_cache::CatalogSnapshot;
use super::entities::{category, product};
use super::state::AppState;
use crate::domain::{
    catalog::{CategoryPage, CategorySummary, HomePage, ProductDetail, ProductSummary, SortOrder, StockLevel, PRODUCTS_PER_PAGE},
    money::Money,
    paging::{PageNumber, Paged},
    product_art::{product_svg, Motif},
    search::{relevance, SearchInputError, SearchQuery, SearchableText},
    slug::Slug,
};
use crate::errors::catalog::CatalogError;
use std::{cmp::Ordering, sync::Arc};

/// How many featured products the home page shows.
pub const FEATURED_ON_HOME: usize = 8;

/// The current catalog; a database failure is logged and shown as "try again".
pub async fn snapshot(state: &AppState) -> Result<Arc<CatalogSnapshot>, CatalogError> {
    state.catalog.snapshot(&state.db).await.map_err(|error| {
        tracing::error!(%error, "loading the catalog failed");
        CatalogError::Unavailable
    })
}

fn summary(product: &product::Model, category: &category::Model) -> ProductSummary {
    ProductSummary {
        slug: product.slug.clone(),
        name: product.name.clone(),
        price: Money::from_pence(product.price_pence),
        image_url: product.image_url.clone(),
        stock: StockLevel::from_units(i64::from(product.stock)),
        category_slug: category.slug.clone(),
        category_name: category.name.clone(),
    }
}

fn summaries<'a>(catalog: &CatalogSnapshot, products: impl Iterator<Item = &'a product::Model>) -> Vec<ProductSummary> {
    products.filter_map(|p| catalog.category(p.category_id).map(|c| summary(p, c))).collect()
}

fn category_summary(catalog: &CatalogSnapshot, category: &category::Model) -> CategorySummary {
    CategorySummary {
        slug: category.slug.clone(),
        name: category.name.clone(),
        description: category.description.clone(),
        product_count: catalog.product_count(category.id),
    }
}

pub fn categories(catalog: &CatalogSnapshot) -> Vec<CategorySummary> {
    catalog.categories.iter().map(|c| category_summary(catalog, c)).collect()
}

pub fn home_page(catalog: &CatalogSnapshot) -> HomePage {
    let mut featured: Vec<&product::Model> = catalog.products.iter().filter(|p| p.featured).collect();
    featured.sort_by(|a, b| a.name.cmp(&b.name));
    HomePage { featured: summaries(catalog, featured.into_iter().take(FEATURED_ON_HOME)), categories: categories(catalog) }
}

/// The listing order for each sort; ties fall back to the name, then the id, so pages never
/// shuffle between requests.
pub fn compare(sort: SortOrder, a: &product::Model, b: &product::Model) -> Ordering {
    let by_name = || a.name.cmp(&b.name).then(a.id.cmp(&b.id));
    match sort {
        SortOrder::Relevance => b.featured.cmp(&a.featured).then_with(by_name),
        SortOrder::PriceLowToHigh => a.price_pence.cmp(&b.price_pence).then_with(by_name),
        SortOrder::PriceHighToLow => b.price_pence.cmp(&a.price_pence).then_with(by_name),
        SortOrder::NameAToZ => by_name(),
        SortOrder::Newest => b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)),
    }
}

fn page_of<T>(items: Vec<T>, page: PageNumber) -> Paged<T> {
    let total = items.len() as u64;
    let offset = usize::try_from(page.offset(PRODUCTS_PER_PAGE)).unwrap_or(usize::MAX);
    let items = items.into_iter().skip(offset).take(PRODUCTS_PER_PAGE as usize).collect();
    Paged { items, page: page.get(), per_page: PRODUCTS_PER_PAGE, total }
}

pub fn category_page(catalog: &CatalogSnapshot, slug: &Slug, sort: SortOrder, page: PageNumber) -> Result<CategoryPage, CatalogError> {
    let category = catalog.category_by_slug(slug.as_str()).ok_or(CatalogError::CategoryNotFound)?;
    let mut products: Vec<&product::Model> = catalog.products.iter().filter(|p| p.category_id == category.id).collect();
    products.sort_by(|a, b| compare(sort, a, b));
    let page = page_of(products, page);
    Ok(CategoryPage {
        category: category_summary(catalog, category),
        sort,
        products: Paged { items: summaries(catalog, page.items.into_iter()), page: page.page, per_page: page.per_page, total: page.total },
    })
}

pub fn product(catalog: &CatalogSnapshot, slug: &Slug) -> Result<ProductDetail, CatalogError> {
    let product = catalog.product_by_slug(slug.as_str()).ok_or(CatalogError::ProductNotFound)?;
    let category = catalog.category(product.category_id).ok_or(CatalogError::ProductNotFound)?;
    Ok(ProductDetail { summary: summary(product, category), description: product.description.clone() })
}

/// Filters by category and price, keeps products matching every word (ranked by the domain's
/// relevance rule when sorting by relevance), and cuts out the requested page.
pub fn search(catalog: &CatalogSnapshot, query: &SearchQuery) -> Result<Paged<ProductSummary>, CatalogError> {
    let category_id = match &query.category {
        Some(slug) => {
            Some(catalog.category_by_slug(slug.as_str()).ok_or(CatalogError::InvalidSearch(SearchInputError::UnknownCategory))?.id)
        }
        None => None,
    };
    let mut matches: Vec<(u32, &product::Model)> = catalog
        .products
        .iter()
        .filter(|p| category_id.is_none_or(|id| p.category_id == id))
        .filter(|p| query.min_price.is_none_or(|min| p.price_pence >= min.pence()))
        .filter(|p| query.max_price.is_none_or(|max| p.price_pence <= max.pence()))
        .map(|p| (relevance(&query.terms, &SearchableText { name: &p.name, description: &p.description }), p))
        .filter(|(score, _)| query.terms.is_empty() || *score > 0)
        .collect();
    matches.sort_by(|(score_a, a), (score_b, b)| {
        let by_relevance = if query.sort == SortOrder::Relevance { score_b.cmp(score_a) } else { Ordering::Equal };
        by_relevance.then_with(|| compare(query.sort, a, b))
    });
    let page = page_of(matches, query.page);
    Ok(Paged {
        items: summaries(catalog, page.items.into_iter().map(|(_, p)| p)),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    })
}

/// The SVG picture for a product, or None when there is no such product.
pub fn product_image_svg(catalog: &CatalogSnapshot, slug: &Slug) -> Option<String> {
    let product = catalog.product_by_slug(slug.as_str())?;
    let position = catalog.category(product.category_id).map(|c| c.position).unwrap_or(0);
    Some(product_svg(&product.name, Motif::for_index(usize::try_from(position).unwrap_or(0))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::SearchParams;
    use chrono::{TimeZone, Utc};

    fn a_category(id: i32, slug: &str) -> category::Model {
        category::Model { id, slug: slug.into(), name: slug.to_uppercase(), description: String::new(), position: id }
    }

    fn a_product(id: i32, category_id: i32, name: &str, pence: i64, featured: bool) -> product::Model {
        product::Model {
            id,
            category_id,
            slug: Slug::from_name(name).unwrap().to_string(),
            name: name.into(),
            description: format!("All about the {name}."),
            price_pence: pence,
            stock: 10,
            image_url: String::new(),
            featured,
            created_at: Utc.timestamp_opt(1_700_000_000 + i64::from(id) * 60, 0).unwrap(),
        }
    }

    fn catalog() -> CatalogSnapshot {
        let mut products = vec![
            a_product(1, 1, "Oak Board", 3000, false),
            a_product(2, 1, "Ash Board", 2000, true),
            a_product(3, 2, "Copper Kettle", 6900, true),
            a_product(4, 2, "Enamel Mug", 1200, false),
        ];
        // More than a page of kettles in category 3.
        products.extend((0..13).map(|i| a_product(10 + i, 3, &format!("Kettle {i:02}"), 1000 + i64::from(i), false)));
        CatalogSnapshot::new(vec![a_category(1, "boards"), a_category(2, "kitchen"), a_category(3, "kettles")], products)
    }

    fn slugs(items: &[ProductSummary]) -> Vec<&str> {
        items.iter().map(|p| p.slug.as_str()).collect()
    }

    #[test]
    fn category_pages_sort_and_paginate() {
        let catalog = catalog();
        let boards = Slug::parse("boards").unwrap();
        let featured_first = category_page(&catalog, &boards, SortOrder::Relevance, PageNumber::FIRST).unwrap();
        assert_eq!(slugs(&featured_first.products.items), ["ash-board", "oak-board"]);
        let dearest = category_page(&catalog, &boards, SortOrder::PriceHighToLow, PageNumber::FIRST).unwrap();
        assert_eq!(slugs(&dearest.products.items), ["oak-board", "ash-board"]);
        assert_eq!(dearest.category.product_count, 2);

        let kettles = Slug::parse("kettles").unwrap();
        let second = category_page(&catalog, &kettles, SortOrder::NameAToZ, PageNumber::new(2)).unwrap();
        assert_eq!(second.products.total, 13);
        assert_eq!(slugs(&second.products.items), ["kettle-12"]);
        let newest = category_page(&catalog, &kettles, SortOrder::Newest, PageNumber::FIRST).unwrap();
        assert_eq!(newest.products.items[0].slug, "kettle-12");

        let missing = Slug::parse("nope").unwrap();
        assert_eq!(category_page(&catalog, &missing, SortOrder::Relevance, PageNumber::FIRST).unwrap_err(), CatalogError::CategoryNotFound);
    }

    #[test]
    fn home_page_features_only_featured_products() {
        let home = home_page(&catalog());
        assert_eq!(slugs(&home.featured), ["ash-board", "copper-kettle"]);
        assert_eq!(home.categories.len(), 3);
    }

    #[test]
    fn products_are_found_by_slug_only() {
        let catalog = catalog();
        assert_eq!(product(&catalog, &Slug::parse("enamel-mug").unwrap()).unwrap().summary.category_slug, "kitchen");
        assert_eq!(product(&catalog, &Slug::parse("nothing").unwrap()).unwrap_err(), CatalogError::ProductNotFound);
        assert!(product_image_svg(&catalog, &Slug::parse("enamel-mug").unwrap()).unwrap().starts_with("<svg"));
        assert!(product_image_svg(&catalog, &Slug::parse("nothing").unwrap()).is_none());
    }

    fn run(params: SearchParams) -> Result<Paged<ProductSummary>, CatalogError> {
        search(&catalog(), &params.parse().unwrap())
    }

    #[test]
    fn search_ranks_and_filters() {
        let kettle = run(SearchParams { q: Some("kettle".into()), ..Default::default() }).unwrap();
        assert_eq!(kettle.total, 14);
        assert_eq!(kettle.items[0].slug, "copper-kettle", "featured breaks the tie between equal names scores");
        let cheap_boards = run(SearchParams { q: Some("board".into()), max: Some("25".into()), ..Default::default() }).unwrap();
        assert_eq!(slugs(&cheap_boards.items), ["ash-board"]);
        let in_kitchen =
            run(SearchParams { category: Some("kitchen".into()), sort: Some("price-asc".into()), ..Default::default() }).unwrap();
        assert_eq!(slugs(&in_kitchen.items), ["enamel-mug", "copper-kettle"]);
        let unknown = run(SearchParams { category: Some("garden".into()), ..Default::default() });
        assert_eq!(unknown.unwrap_err(), CatalogError::InvalidSearch(SearchInputError::UnknownCategory));
        let nothing = run(SearchParams { q: Some("kettle unicorn".into()), ..Default::default() }).unwrap();
        assert_eq!(nothing.total, 0);
    }
}
