//! Browsing and searching the catalog.

#[cfg(feature = "ssr")]
use crate::domain::slug::Slug;
use crate::domain::{
    catalog::{CategoryPage, CategorySummary, HomePage, ProductDetail, ProductSummary},
    paging::Paged,
    search::{SearchInputError, SearchParams},
};
pub use crate::errors::catalog::CatalogError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the search page shows: the form's category list and what the search gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchPageData {
    pub params: SearchParams,
    pub categories: Vec<CategorySummary>,
    /// A refused search keeps the form usable: the page shows why, beside the field.
    pub outcome: Result<SearchResults, SearchInputError>,
}

/// The search as understood, and one page of matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub text: String,
    pub products: Paged<ProductSummary>,
}

#[server(endpoint = "catalog/home")]
pub async fn load_home_page() -> Result<HomePage, CatalogError> {
    use crate::server::catalog_service as service;
    let catalog = service::snapshot(&crate::server::state::app_state()).await;
    respond(catalog.map(|catalog| service::home_page(&catalog)))
}

#[server(endpoint = "catalog/category")]
pub async fn load_category_page(slug: String, sort: Option<String>, page: Option<String>) -> Result<CategoryPage, CatalogError> {
    use crate::domain::{catalog::SortOrder, paging::PageNumber};
    use crate::server::catalog_service as service;
    let Ok(slug) = Slug::parse(&slug) else {
        return respond(Err(CatalogError::CategoryNotFound));
    };
    let sort = SortOrder::from_query(sort.as_deref());
    let page = PageNumber::from_query(page.as_deref());
    let catalog = service::snapshot(&crate::server::state::app_state()).await;
    respond(catalog.and_then(|catalog| service::category_page(&catalog, &slug, sort, page)))
}

#[server(endpoint = "catalog/product")]
pub async fn load_product(slug: String) -> Result<ProductDetail, CatalogError> {
    use crate::server::catalog_service as service;
    let Ok(slug) = Slug::parse(&slug) else {
        return respond(Err(CatalogError::ProductNotFound));
    };
    let catalog = service::snapshot(&crate::server::state::app_state()).await;
    respond(catalog.and_then(|catalog| service::product(&catalog, &slug)))
}

#[server(endpoint = "catalog/search")]
pub async fn search_catalog(params: SearchParams) -> Result<SearchPageData, CatalogError> {
    use crate::server::catalog_service as service;
    let catalog = respond(service::snapshot(&crate::server::state::app_state()).await)?;
    let outcome = params.parse().map_err(CatalogError::InvalidSearch).and_then(|query| {
        let products = service::search(&catalog, &query)?;
        Ok(SearchResults { text: query.text, products })
    });
    // A refused search is a normal answer (200, like any form shown again with its errors):
    // the page explains the problem beside the field and keeps what was typed.
    // Issue 21: input no search form sends (NUL, over-long) makes the rendered page a 400; the
    // hydrated page's own call stays a 200, as its client reads any 4xx as a failed call.
    let outcome = match outcome {
        Ok(results) => Ok(results),
        Err(CatalogError::InvalidSearch(invalid)) => {
            if invalid.is_malformed() && !crate::api::request::parts().uri.path().starts_with("/api/") {
                crate::api::set_response_status(crate::errors::BAD_REQUEST);
            }
            Err(invalid)
        }
        Err(other) => return respond(Err(other)),
    };
    Ok(SearchPageData { categories: service::categories(&catalog), params, outcome })
}

/// Sets the response status from the error, once for every catalog server function, so a
/// missing product is a real 404 both for the API and for the server-rendered page.
#[cfg(feature = "ssr")]
fn respond<T>(result: Result<T, CatalogError>) -> Result<T, CatalogError> {
    if let Err(error) = &result {
        crate::api::set_response_status(crate::errors::Failure::status(error));
    }
    result
}
