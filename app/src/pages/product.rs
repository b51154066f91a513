//! One product: picture, price, stock and description.

use crate::api::catalog::load_product;
use crate::components::forms::{EnhancedForm, TextField};
use crate::components::notice::ErrorNotice;
use crate::domain::catalog::ProductDetail;
use crate::errors::catalog::CatalogError;
use crate::pages::account::use_query_value;
use crate::pages::not_found::NotFoundContent;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let product = Resource::new(move || params.get().get("slug").unwrap_or_default(), load_product);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading product…"</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(product) => view! { <ProductView product/> }.into_any(),
                    Err(CatalogError::ProductNotFound) => view! {
                        <NotFoundContent title="Product not found" message=CatalogError::ProductNotFound.to_string()/>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice title="This product could not be shown" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Adds the product to the basket: a plain form, so it works without JavaScript; the answer
/// comes back to this page with the header's count brought up to date.
#[component]
fn AddToBasket(slug: String) -> impl IntoView {
    let form = use_query_value("form");
    let outcome = Resource::new(
        move || form.get(),
        |id| async move {
            match id {
                Some(id) => crate::api::account::form_outcome(id).await.ok().flatten(),
                None => None,
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    let outcome = outcome.await;
                    view! {
                        <EnhancedForm name="add-to-basket" action="/api/basket/add" outcome class="add-to-basket">
                            <input type="hidden" name="product" value=slug/>
                            <div class="add-to-basket__row">
                                <TextField name="quantity" label="Quantity" input_type="number" value="1"/>
                                <button type="submit" class="button">"Add to basket"</button>
                            </div>
                        </EnhancedForm>
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    let ProductDetail { summary, description } = product;
    let available = summary.stock.is_available();
    view! {
        <Title text=summary.name.clone()/>
        <Meta name="description" content=description.clone()/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href=format!("/category/{}", summary.category_slug)>{summary.category_name.clone()}</a></li>
                <li aria-current="page">{summary.name.clone()}</li>
            </ol>
        </nav>
        <article class="product" data-product=summary.slug.clone()>
            <img class="product__image" src=summary.image_url.clone() alt=summary.name.clone() width="400" height="400"/>
            <div class="product__details">
                <h1 class="product__name">{summary.name.clone()}</h1>
                <p class="product__price">{summary.price.to_string()}<span class="product__vat">" including VAT"</span></p>
                <p class="stock" class:stock--out=!available>{summary.stock.label()}</p>
                <p class="product__description">{description}</p>
                {if available { view! { <AddToBasket slug=summary.slug.clone()/> }.into_any() } else { ().into_any() }}
            </div>
        </article>
    }
}
