//! Catalog queries: the only code that reads categories and products from the database.

use super::entities::{category, product};
use crate::api::catalog::CatalogError;
use crate::domain::{
    catalog::{
        CategoryPage, CategorySummary, HomePage, ProductDetail, ProductSummary, SortOrder, StockLevel,
        PRODUCTS_PER_PAGE,
    },
    money::Money,
    paging::{PageNumber, Paged},
    product_art::{product_svg, Motif},
    search::{relevance, SearchInputError, SearchQuery, SearchableText},
    slug::Slug,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

/// How many featured products the home page shows.
pub const FEATURED_ON_HOME: u64 = 8;
/// Search ranks at most this many candidates; more specific words narrow it further.
pub const SEARCH_CANDIDATE_LIMIT: u64 = 500;

fn unavailable(error: DbErr) -> CatalogError {
    tracing::error!(%error, "catalog query failed");
    CatalogError::Unavailable
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

async fn product_counts(db: &impl ConnectionTrait) -> Result<HashMap<i32, u64>, DbErr> {
    let rows: Vec<(i32, i64)> = product::Entity::find()
        .select_only()
        .column(product::Column::CategoryId)
        .column_as(product::Column::Id.count(), "count")
        .group_by(product::Column::CategoryId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))).collect())
}

fn category_summary(category: &category::Model, count: u64) -> CategorySummary {
    CategorySummary {
        slug: category.slug.clone(),
        name: category.name.clone(),
        description: category.description.clone(),
        product_count: count,
    }
}

async fn all_categories(db: &impl ConnectionTrait) -> Result<Vec<category::Model>, DbErr> {
    category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Name)
        .all(db)
        .await
}

pub async fn categories(db: &impl ConnectionTrait) -> Result<Vec<CategorySummary>, CatalogError> {
    let categories = all_categories(db).await.map_err(unavailable)?;
    let counts = product_counts(db).await.map_err(unavailable)?;
    Ok(categories
        .iter()
        .map(|c| category_summary(c, counts.get(&c.id).copied().unwrap_or(0)))
        .collect())
}

pub async fn home_page(db: &impl ConnectionTrait) -> Result<HomePage, CatalogError> {
    let categories_by_id: HashMap<i32, category::Model> =
        all_categories(db).await.map_err(unavailable)?.into_iter().map(|c| (c.id, c)).collect();
    let featured = product::Entity::find()
        .filter(product::Column::Featured.eq(true))
        .order_by_asc(product::Column::Name)
        .limit(FEATURED_ON_HOME)
        .all(db)
        .await
        .map_err(unavailable)?;
    let featured = featured
        .iter()
        .filter_map(|p| categories_by_id.get(&p.category_id).map(|c| summary(p, c)))
        .collect();
    Ok(HomePage { featured, categories: categories(db).await? })
}

fn order_listing(select: sea_orm::Select<product::Entity>, sort: SortOrder) -> sea_orm::Select<product::Entity> {
    use product::Column as P;
    match sort {
        SortOrder::Relevance => select.order_by(P::Featured, Order::Desc).order_by_asc(P::Name),
        SortOrder::PriceLowToHigh => select.order_by_asc(P::PricePence).order_by_asc(P::Name),
        SortOrder::PriceHighToLow => select.order_by_desc(P::PricePence).order_by_asc(P::Name),
        SortOrder::NameAToZ => select.order_by_asc(P::Name),
        SortOrder::Newest => select.order_by_desc(P::CreatedAt).order_by_desc(P::Id),
    }
}

pub async fn category_page(
    db: &impl ConnectionTrait,
    slug: &Slug,
    sort: SortOrder,
    page: PageNumber,
) -> Result<CategoryPage, CatalogError> {
    let category = category::Entity::find()
        .filter(category::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await
        .map_err(unavailable)?
        .ok_or(CatalogError::CategoryNotFound)?;
    let in_category = product::Entity::find().filter(product::Column::CategoryId.eq(category.id));
    let total = in_category.clone().count(db).await.map_err(unavailable)?;
    let products = order_listing(in_category, sort)
        .offset(page.offset(PRODUCTS_PER_PAGE))
        .limit(u64::from(PRODUCTS_PER_PAGE))
        .all(db)
        .await
        .map_err(unavailable)?;
    Ok(CategoryPage {
        category: category_summary(&category, total),
        sort,
        products: Paged {
            items: products.iter().map(|p| summary(p, &category)).collect(),
            page: page.get(),
            per_page: PRODUCTS_PER_PAGE,
            total,
        },
    })
}

pub async fn product(db: &impl ConnectionTrait, slug: &Slug) -> Result<ProductDetail, CatalogError> {
    let (product, category) = product::Entity::find()
        .filter(product::Column::Slug.eq(slug.as_str()))
        .find_also_related(category::Entity)
        .one(db)
        .await
        .map_err(unavailable)?
        .ok_or(CatalogError::ProductNotFound)?;
    let category = category.ok_or(CatalogError::ProductNotFound)?;
    Ok(ProductDetail { summary: summary(&product, &category), description: product.description.clone() })
}

/// Filters in the database (category, price, every word somewhere in name or description),
/// then ranks in Rust with the domain's relevance rule and cuts out the requested page.
pub async fn search(db: &impl ConnectionTrait, query: &SearchQuery) -> Result<Paged<ProductSummary>, CatalogError> {
    let categories = all_categories(db).await.map_err(unavailable)?;
    let mut select = product::Entity::find();
    if let Some(slug) = &query.category {
        let category = categories
            .iter()
            .find(|c| c.slug == slug.as_str())
            .ok_or(CatalogError::InvalidSearch(SearchInputError::UnknownCategory))?;
        select = select.filter(product::Column::CategoryId.eq(category.id));
    }
    if let Some(min) = query.min_price {
        select = select.filter(product::Column::PricePence.gte(min.pence()));
    }
    if let Some(max) = query.max_price {
        select = select.filter(product::Column::PricePence.lte(max.pence()));
    }
    for term in &query.terms {
        // Terms are letters and digits only (see `search_terms`), so they hold no LIKE wildcards.
        let pattern = format!("%{term}%");
        let lower = |column: product::Column| Expr::expr(Func::lower(Expr::col((product::Entity, column))));
        select = select.filter(
            Condition::any()
                .add(lower(product::Column::Name).like(pattern.clone()))
                .add(lower(product::Column::Description).like(pattern)),
        );
    }
    let candidates = order_listing(select, query.sort)
        .limit(SEARCH_CANDIDATE_LIMIT)
        .all(db)
        .await
        .map_err(unavailable)?;

    let mut ranked: Vec<(u32, &product::Model)> = candidates
        .iter()
        .map(|p| (relevance(&query.terms, &SearchableText { name: &p.name, description: &p.description }), p))
        .filter(|(score, _)| query.terms.is_empty() || *score > 0)
        .collect();
    if query.sort == SortOrder::Relevance && !query.terms.is_empty() {
        // Stable sort: equal scores keep the database's featured-then-name order.
        ranked.sort_by(|a, b| b.0.cmp(&a.0));
    }
    let by_id: HashMap<i32, &category::Model> = categories.iter().map(|c| (c.id, c)).collect();
    let total = ranked.len() as u64;
    let offset = usize::try_from(query.page.offset(PRODUCTS_PER_PAGE)).unwrap_or(usize::MAX);
    let items = ranked
        .into_iter()
        .skip(offset)
        .take(PRODUCTS_PER_PAGE as usize)
        .filter_map(|(_, p)| by_id.get(&p.category_id).map(|c| summary(p, c)))
        .collect();
    Ok(Paged { items, page: query.page.get(), per_page: PRODUCTS_PER_PAGE, total })
}

/// The SVG picture for a product, or None when there is no such product.
pub async fn product_image_svg(db: &impl ConnectionTrait, slug: &Slug) -> Result<Option<String>, CatalogError> {
    let found = product::Entity::find()
        .filter(product::Column::Slug.eq(slug.as_str()))
        .find_also_related(category::Entity)
        .one(db)
        .await
        .map_err(unavailable)?;
    Ok(found.map(|(product, category)| {
        let position = category.map(|c| c.position).unwrap_or(0);
        product_svg(&product.name, Motif::for_index(usize::try_from(position).unwrap_or(0)))
    }))
}
