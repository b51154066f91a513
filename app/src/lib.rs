//! sop-store's web app: the HTML shell, the site map, and the modules behind each page.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod errors;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "ssr")]
use components::layout::SiteFooter;
use components::{consent_banner::ConsentBanner, layout::SiteHeader};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Meta, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};
use pages::lazy_routes::*;
use pages::{
    basket::BasketPage, category::CategoryPage, cookies::CookiePreferencesPage, home::HomePage, not_found::NotFound,
    privacy::PrivacyPolicyPage, product::ProductPage, search::SearchPage,
};

/// The HTML document around every page, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let state = server::state::app_state();
    let assets = state.assets.clone();
    let operator = state.operator.clone();
    // Worked out by the security middleware with this response's CSP; absent means none.
    let page_tags = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<server::consent_service::PageTags>().copied())
        .map_or(domain::tags::TagSet::EMPTY, |tags| tags.0);
    let hide_referrer = use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.extensions.get::<server::consent_service::PrivateReferrer>().is_some());
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // The same on every page, so written here by the server rather than by a
                // leptos_meta component the browser bundle would have to carry.
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <server::build_assets::BuildAssetTags assets/>
                <components::tag_loaders::TagLoaders configured=state.tags.clone() allowed=page_tags hide_referrer/>
                <MetaTags/>
            </head>
            <body>
                <App/>
                <SiteFooter operator/>
                <components::tag_loaders::TagNoscriptPixels configured=state.tags.clone() allowed=page_tags/>
            </body>
        </html>
    }
}

/// The optional tags this store has configured, for the cookie tables and the policy's list of
/// partners; handed to the browser once at hydration (the configuration never changes while
/// the store runs).
#[derive(Clone, Copy, Debug)]
pub struct EnabledTags(pub domain::tags::TagSet);

/// The site map: every page of the store and the address it lives at.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let enabled_tags = SharedValue::new_str(|| {
        // No state while leptos_axum lists the routes at start-up: nothing is rendered then.
        #[cfg(feature = "ssr")]
        {
            use_context::<server::state::AppState>().map_or(domain::tags::TagSet::EMPTY, |state| state.tags.enabled())
        }
        #[cfg(not(feature = "ssr"))]
        {
            domain::tags::TagSet::EMPTY
        }
    });
    provide_context(EnabledTags(enabled_tags.into_inner()));
    // The header's basket count, worked out by the server for this page (0 without a session).
    let basket_count = SharedValue::new_str(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<server::shop::basket::BasketCount>().map(|count| count.0))
                .unwrap_or(0)
        }
        #[cfg(not(feature = "ssr"))]
        {
            0u32
        }
    })
    .into_inner();
    // Effects run only in the browser, after hydration: browser tests wait for this mark.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        components::private_navigation::load_personal_pages_afresh();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|page: String| if page.is_empty() { "SOP Store".to_owned() } else { format!("{page} | SOP Store") }/>
        <Meta name="description" content="Everyday goods for kitchen, home, garden and desk, from SOP International."/>
        <Router>
            // First in the page, so keyboard and screen-reader users meet it first, with or
            // without JavaScript; the skip link comes right after it (GOV.UK's placement), and
            // nothing moves focus on its own.
            <ConsentBanner/>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <SiteHeader basket_count/>
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/category/:slug") view=CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/product/:slug") view=ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/privacy") view=PrivacyPolicyPage/>
                    <Route path=path!("/cookies") view=CookiePreferencesPage/>
                    <Route path=path!("/basket") view=BasketPage ssr=SsrMode::Async/>
                    <Route path=path!("/checkout") view={Lazy::<CheckoutRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:number") view={Lazy::<OrderRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/orders") view={Lazy::<MyOrdersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/register/check-email") view={Lazy::<CheckEmailRoute>::new()}/>
                    <Route path=path!("/account/sign-in") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/marketing") view={Lazy::<AdminMarketingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/marketing/campaigns/:id") view={Lazy::<CampaignRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter") view={Lazy::<NewsletterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/confirm") view={Lazy::<ConfirmSubscriptionRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/preferences") view={Lazy::<NewsletterPreferencesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-in/link") view={Lazy::<SignInLinkRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor") view={Lazy::<TwoFactorRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/reset") view={Lazy::<ResetRequestRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/reset/new") view={Lazy::<NewPasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/confirm-email") view={Lazy::<ConfirmEmailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/confirm-email-change") view={Lazy::<ConfirmEmailChangeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/password") view={Lazy::<ChangePasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/email") view={Lazy::<ChangeEmailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/sessions") view={Lazy::<SessionsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/addresses/new") view={Lazy::<AddressRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/addresses/:id") view={Lazy::<AddressRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view={Lazy::<AdminHomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/outbox") view={Lazy::<OutboxRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/outbox/:id") view={Lazy::<OutboxMessageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders") view={Lazy::<AdminOrdersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders/:number") view={Lazy::<AdminOrderRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/consent-log") view={Lazy::<ConsentLogRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
