//! The pages whose code the browser fetches only when one of them is shown: account, order,
//! checkout, newsletter and staff pages. Each is a lazy route, split into its own wasm chunk by
//! `cargo leptos … --split`, so a shopper browsing the storefront downloads none of it
//! (issue 2's bundle budget; sizes in bench/RESULTS.md). The server renders them as any other
//! page, so they work before and without wasm.
//!
//! Nothing outside this module may name these page components, or their code is pulled back
//! into the main bundle.

use super::account::public::{
    CheckEmailPage, ConfirmEmailChangePage, ConfirmEmailPage, NewPasswordPage, RegisterPage, ResetRequestPage, SignInLinkPage, SignInPage,
};
use super::account::signed_in::{AccountPage, AddressPage, ChangeEmailPage, ChangePasswordPage, SessionsPage};
use super::account::two_factor::TwoFactorPage;
use super::admin::{AdminHomePage, AuditPage, ConsentLogPage, OutboxMessagePage, OutboxPage};
use super::admin_marketing::{AdminMarketingPage, CampaignPage};
use super::admin_orders::{AdminOrderPage, AdminOrdersPage};
use super::checkout::CheckoutPage;
use super::newsletter::{ConfirmSubscriptionPage, NewsletterPage, NewsletterPreferencesPage};
use super::orders::{MyOrdersPage, OrderPage};
use leptos::prelude::*;

/// Declares `$route`, a lazy route showing the page component `$page`. The route's data is
/// nothing: each page loads its own through its server functions, as it does when eager.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    CheckoutRoute => CheckoutPage,
    OrderRoute => OrderPage,
    MyOrdersRoute => MyOrdersPage,
    AccountRoute => AccountPage,
    RegisterRoute => RegisterPage,
    CheckEmailRoute => CheckEmailPage,
    SignInRoute => SignInPage,
    SignInLinkRoute => SignInLinkPage,
    ResetRequestRoute => ResetRequestPage,
    NewPasswordRoute => NewPasswordPage,
    ConfirmEmailRoute => ConfirmEmailPage,
    ConfirmEmailChangeRoute => ConfirmEmailChangePage,
    ChangePasswordRoute => ChangePasswordPage,
    ChangeEmailRoute => ChangeEmailPage,
    AddressRoute => AddressPage,
    SessionsRoute => SessionsPage,
    TwoFactorRoute => TwoFactorPage,
    AdminHomeRoute => AdminHomePage,
    OutboxRoute => OutboxPage,
    OutboxMessageRoute => OutboxMessagePage,
    AuditRoute => AuditPage,
    AdminOrdersRoute => AdminOrdersPage,
    AdminOrderRoute => AdminOrderPage,
    ConsentLogRoute => ConsentLogPage,
    AdminMarketingRoute => AdminMarketingPage,
    CampaignRoute => CampaignPage,
    NewsletterRoute => NewsletterPage,
    ConfirmSubscriptionRoute => ConfirmSubscriptionPage,
    NewsletterPreferencesRoute => NewsletterPreferencesPage,
}
