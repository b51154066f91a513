//! The catalog held in memory: loaded from the database in one go, then served to every page
//! until it is invalidated (by a catalog write in this process) or older than its lifetime
//! (so writes by another process, such as an admin command, show up within seconds).

use super::entities::{category, product};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

/// How long a loaded catalog is served before it is read again.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(5);

/// Every category and product, with indexes for the lookups pages make.
#[derive(Debug, Default)]
pub struct CatalogSnapshot {
    /// In display order (position, then name).
    pub categories: Vec<category::Model>,
    /// In id order.
    pub products: Vec<product::Model>,
    category_by_id: HashMap<i32, usize>,
    category_by_slug: HashMap<String, usize>,
    product_by_slug: HashMap<String, usize>,
    products_per_category: HashMap<i32, u64>,
}

impl CatalogSnapshot {
    pub fn new(categories: Vec<category::Model>, products: Vec<product::Model>) -> Self {
        let category_by_id = categories.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let category_by_slug = categories.iter().enumerate().map(|(i, c)| (c.slug.clone(), i)).collect();
        let product_by_slug = products.iter().enumerate().map(|(i, p)| (p.slug.clone(), i)).collect();
        let mut products_per_category = HashMap::new();
        for product in &products {
            *products_per_category.entry(product.category_id).or_insert(0) += 1;
        }
        Self { categories, products, category_by_id, category_by_slug, product_by_slug, products_per_category }
    }

    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let categories =
            category::Entity::find().order_by_asc(category::Column::Position).order_by_asc(category::Column::Name).all(db).await?;
        let products = product::Entity::find().order_by_asc(product::Column::Id).all(db).await?;
        Ok(Self::new(categories, products))
    }

    pub fn category(&self, id: i32) -> Option<&category::Model> {
        self.category_by_id.get(&id).map(|&i| &self.categories[i])
    }

    pub fn category_by_slug(&self, slug: &str) -> Option<&category::Model> {
        self.category_by_slug.get(slug).map(|&i| &self.categories[i])
    }

    /// How many products a category has (counted once, when the snapshot is built).
    pub fn product_count(&self, category_id: i32) -> u64 {
        self.products_per_category.get(&category_id).copied().unwrap_or(0)
    }

    pub fn product_by_slug(&self, slug: &str) -> Option<&product::Model> {
        self.product_by_slug.get(slug).map(|&i| &self.products[i])
    }
}

/// Shares one snapshot between requests and reloads it when stale.
#[derive(Debug)]
pub struct CatalogCache {
    lifetime: Duration,
    current: RwLock<Option<(Instant, Arc<CatalogSnapshot>)>>,
}

impl CatalogCache {
    pub fn new(lifetime: Duration) -> Self {
        Self { lifetime, current: RwLock::new(None) }
    }

    /// The current snapshot, loading a fresh one when there is none or it has expired.
    pub async fn snapshot(&self, db: &impl ConnectionTrait) -> Result<Arc<CatalogSnapshot>, DbErr> {
        if let Some(snapshot) = self.fresh() {
            return Ok(snapshot);
        }
        // Concurrent misses may each load once; the catalog is small and loads are idempotent.
        let snapshot = Arc::new(CatalogSnapshot::load(db).await?);
        if let Ok(mut current) = self.current.write() {
            *current = Some((Instant::now(), snapshot.clone()));
        }
        Ok(snapshot)
    }

    /// Forgets the snapshot: the next page loads the catalog again. Call after any catalog write.
    pub fn invalidate(&self) {
        if let Ok(mut current) = self.current.write() {
            *current = None;
        }
    }

    fn fresh(&self) -> Option<Arc<CatalogSnapshot>> {
        let current = self.current.read().ok()?;
        let (loaded_at, snapshot) = current.as_ref()?;
        (loaded_at.elapsed() < self.lifetime).then(|| snapshot.clone())
    }
}

impl Default for CatalogCache {
    fn default() -> Self {
        Self::new(DEFAULT_LIFETIME)
    }
}
