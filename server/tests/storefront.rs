//! The storefront over real HTTP: pages, search, errors, assets and headers, on SQLite and
//! PostgreSQL. Each test starts its own store with a fresh database.

mod support;

use support::{spawn_app, spawn_app_with, Backend};

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

fn position(body: &str, text: &str) -> usize {
    body.find(text).unwrap_or_else(|| panic!("{text:?} is on the page"))
}

// P01: the operator's identity is in every page's footer.
async fn p01_home_page_shows_featured_products_categories_and_the_operator(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.page("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("Featured"));
    assert!(body.contains("Copper Kettle"), "a featured product is listed");
    for category in ["Kitchen &amp; Dining", "Garden &amp; Outdoor", "Bath &amp; Body"] {
        assert!(body.contains(category), "{category} is listed");
    }
    assert!(body.contains("SOP International LTD"));
    assert!(body.contains("1865316"));
    assert!(body.contains("ICON, Grafton House, Third Ave, Harlow CM19 5AW"));
    assert!(body.contains("www.sopinternational.com"));
}

// P01: the footer and the policy page show the operator as configured, not a hard-coded one.
async fn p01_operator_identity_comes_from_configuration(backend: Backend) {
    let overrides = [("OPERATOR_COMPANY_NAME", "Example Trading Ltd"), ("OPERATOR_COMPANY_NUMBER", "0099")];
    let Some(app) = spawn_app_with(backend, &overrides).await else { return };
    for path in ["/category/tea-coffee", "/privacy"] {
        let (_, body) = app.page(path).await;
        assert!(body.contains("Example Trading Ltd"), "{path}");
        assert!(body.contains("0099"), "{path}");
        assert!(!body.contains("SOP International LTD"), "{path}");
    }
}

// P03: the Data Protection Coordinator's post, phone and e-mail are on the policy page.
async fn p03_policy_page_shows_how_to_contact_the_data_protection_coordinator(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.page("/privacy").await;
    assert_eq!(status, 200);
    assert!(body.contains("id=\"contact\""));
    assert!(body.contains("Data Protection Coordinator, ICON, Grafton House"));
    assert!(body.contains("01279 969 888"));
    assert!(body.contains("mailto:online@sopinternational.com"));
}

async fn category_page_lists_its_products_in_the_chosen_order(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.page("/category/kitchen-dining").await;
    assert_eq!(status, 200);
    assert_eq!(count(&body, "class=\"product-card\""), 8);
    assert!(body.contains("Showing 1–8 of 8"));

    let (_, cheapest_first) = app.page("/category/kitchen-dining?sort=price-asc").await;
    assert!(position(&cheapest_first, "Glass Storage Jars") < position(&cheapest_first, "Linen Napkins"));
    assert!(position(&cheapest_first, "Linen Napkins") < position(&cheapest_first, "Copper Kettle"));
    let (_, dearest_first) = app.page("/category/kitchen-dining?sort=price-desc").await;
    assert!(position(&dearest_first, "Copper Kettle") < position(&dearest_first, "Glass Storage Jars"));
    // An unknown order falls back to the default instead of failing.
    assert_eq!(app.page("/category/kitchen-dining?sort=bogus").await.0, 200);
}

async fn listings_are_paginated(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (_, first) = app.page("/search").await;
    assert!(first.contains("48 products found"));
    assert_eq!(count(&first, "class=\"product-card\""), 12);
    assert!(first.contains("href=\"/search?page=2\""));
    let (_, last) = app.page("/search?page=4").await;
    assert_eq!(count(&last, "class=\"product-card\""), 12);
    assert!(!last.contains("rel=\"next\""));
    let (status, beyond) = app.page("/search?page=9").await;
    assert_eq!(status, 200);
    assert_eq!(count(&beyond, "class=\"product-card\""), 0);
}

async fn product_page_shows_price_stock_and_description(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.page("/product/copper-kettle").await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1 class=\"product__name\">Copper Kettle"));
    assert!(body.contains("£69.00"));
    assert!(body.contains("Only 4 left"));
    assert!(body.contains("hammered copper"));
    let (_, sold_out) = app.page("/product/natural-loofah").await;
    assert!(sold_out.contains("Out of stock"));
}

async fn a_missing_product_or_category_is_a_real_404(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.page("/product/no-such-thing").await;
    assert_eq!(status, 404);
    assert!(body.contains("Product not found"));
    let (status, body) = app.page("/category/no-such-category").await;
    assert_eq!(status, 404);
    assert!(body.contains("Category not found"));
    let (status, _) = app.page("/product/NOT_A_SLUG").await;
    assert_eq!(status, 404);
    let (status, body) = app.page("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
}

async fn the_product_api_answers_404_with_a_typed_error(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let response = app
        .client
        .post(app.url("/api/catalog/product"))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("slug=no-such-thing")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert!(response.text().await.unwrap().contains("ProductNotFound"));
}

async fn search_ranks_name_matches_first(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.page("/search?q=Kettle").await;
    assert_eq!(status, 200);
    assert!(body.contains("Results for “Kettle”"));
    assert!(body.contains("2 products found"));
    assert!(position(&body, "Copper Kettle") < position(&body, "Enamel Mug"));
    let (_, none) = app.page("/search?q=kettle+unicorn").await;
    assert!(none.contains("No products match your search"));
}

// P06 is about counting search terms, which needs analytics consent; here we only prove that
// searching itself stores nothing, so the catalog search can be used with no consent at all.
async fn search_filters_by_category_and_price(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (_, body) = app.page("/search?q=tea&category=tea-coffee&max=10").await;
    assert!(body.contains("2 products found"), "English Breakfast and Earl Grey");
    assert!(body.contains("English Breakfast Tea"));
    assert!(!body.contains("Green Tea Sencha"));
    let (_, body) = app.page("/search?min=50&max=70").await;
    for expected in ["Copper Kettle", "Ceramic Table Lamp", "Hand Coffee Grinder", "Waffle Bathrobe"] {
        assert!(body.contains(expected), "{expected}");
    }
    assert!(body.contains("4 products found"));
    assert!(!body.contains("Wool Throw Blanket"), "£75.00 is above the range");
}

async fn bad_search_input_is_explained_next_to_the_field(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.page("/search?q=oak&min=ten").await;
    assert_eq!(status, 200, "the form is shown again with its errors");
    assert!(body.contains("There is a problem"));
    assert!(body.contains("href=\"#search-min\""));
    assert!(body.contains("Lowest price: Enter a price in pounds, like 12 or 12.50"));
    assert!(body.contains("value=\"ten\""), "what was typed is kept");
    let (_, reversed) = app.page("/search?min=30&max=10").await;
    assert!(reversed.contains("The lowest price must not be more than the highest price"));
    let (_, unknown) = app.page("/search?category=no-such-category").await;
    assert!(unknown.contains("Choose a category from the list"));
}

async fn every_response_carries_security_headers_and_a_matching_csp_nonce(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    for path in ["/", "/search?q=oak", "/no/such/page", "/robots.txt", "/media/products/oak-chopping-board.svg"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        if path == "/" {
            let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap().to_owned();
            let body = response.text().await.unwrap();
            assert!(body.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries this response's nonce");
        }
    }
    let (first, second) = (app.get("/").await, app.get("/").await);
    assert_ne!(first.headers()["content-security-policy"], second.headers()["content-security-policy"], "a fresh nonce per response");
}

async fn html_is_compressed_and_static_files_are_served_precompressed_with_cache_headers(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let page = app.client.get(app.url("/category/tea-coffee")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(page.headers()["content-encoding"], "gzip");

    let js = app.client.get(app.url("/pkg/sop-store.js")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(js.status().as_u16(), 200);
    assert_eq!(js.headers()["content-encoding"], "br");
    assert_eq!(js.headers()["cache-control"], "no-cache", "unhashed build output is revalidated");
    assert_eq!(js.bytes().await.unwrap().as_ref(), b"brotli-bytes");

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.headers()["cache-control"], "public, max-age=3600");
    let missing = app.get("/pkg/missing.js").await;
    assert_eq!(missing.status().as_u16(), 404);
    assert!(missing.headers().get("cache-control").is_none(), "errors are never cached for a year");
}

async fn product_pictures_are_drawn_for_every_product(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let picture = app.get("/media/products/oak-chopping-board.svg").await;
    assert_eq!(picture.status().as_u16(), 200);
    assert_eq!(picture.headers()["content-type"], "image/svg+xml");
    assert!(picture.text().await.unwrap().starts_with("<svg"));
    assert_eq!(app.get("/media/products/nothing-here.svg").await.status().as_u16(), 404);
    assert_eq!(app.get("/media/products/..%2Fsecret.svg").await.status().as_u16(), 404);
}

// Cross-site request forgery: a POST from another site never reaches a server function.
async fn cross_site_posts_are_refused_before_any_server_function_runs(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let post = |origin: Option<&str>, referer: Option<&str>| {
        let mut request = app
            .client
            .post(app.url("/api/catalog/product"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("slug=copper-kettle");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        request.send()
    };
    let evil = post(Some("https://evil.example"), None).await.unwrap();
    assert_eq!(evil.status().as_u16(), 403);
    assert!(evil.text().await.unwrap().contains("did not come from a page of this store"));
    assert_eq!(post(None, None).await.unwrap().status().as_u16(), 403, "no Origin and no Referer");
    assert_eq!(post(Some("null"), None).await.unwrap().status().as_u16(), 403);
    assert_eq!(post(Some(&app.address), None).await.unwrap().status().as_u16(), 200);
    let referer = format!("{}/product/copper-kettle", app.address);
    assert_eq!(post(None, Some(&referer)).await.unwrap().status().as_u16(), 200);
    assert_eq!(app.get("/product/copper-kettle").await.status().as_u16(), 200, "reading needs no Origin");
}

on_both_databases!(
    cross_site_posts_are_refused_before_any_server_function_runs,
    p01_home_page_shows_featured_products_categories_and_the_operator,
    p01_operator_identity_comes_from_configuration,
    p03_policy_page_shows_how_to_contact_the_data_protection_coordinator,
    category_page_lists_its_products_in_the_chosen_order,
    listings_are_paginated,
    product_page_shows_price_stock_and_description,
    a_missing_product_or_category_is_a_real_404,
    the_product_api_answers_404_with_a_typed_error,
    search_ranks_name_matches_first,
    search_filters_by_category_and_price,
    bad_search_input_is_explained_next_to_the_field,
    every_response_carries_security_headers_and_a_matching_csp_nonce,
    html_is_compressed_and_static_files_are_served_precompressed_with_cache_headers,
    product_pictures_are_drawn_for_every_product,
);
