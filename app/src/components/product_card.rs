//! A product in a listing: picture, name, price and stock.

use crate::domain::catalog::ProductSummary;
use leptos::prelude::*;

#[component]
pub fn ProductCard(product: ProductSummary) -> impl IntoView {
    let href = format!("/product/{}", product.slug);
    let available = product.stock.is_available();
    view! {
        <li class="product-card" data-product=product.slug.clone()>
            <a class="product-card__link" href=href>
                <img class="product-card__image" src=product.image_url alt="" width="400" height="400" loading="lazy"/>
                <span class="product-card__name">{product.name}</span>
            </a>
            <span class="product-card__price">{product.price.to_string()}</span>
            <span class="stock" class:stock--out=!available>{product.stock.label()}</span>
        </li>
    }
}

#[component]
pub fn ProductGrid(products: Vec<ProductSummary>, #[prop(into)] label: String) -> impl IntoView {
    view! {
        <ul class="product-grid" aria-label=label>
            {products.into_iter().map(|product| view! { <ProductCard product/> }).collect_view()}
        </ul>
    }
}
