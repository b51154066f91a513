//! The header and footer around every page.

use crate::domain::operator::Operator;
use leptos::prelude::*;

#[component]
pub fn SiteHeader(basket_count: u32) -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                // Named by its visible text (no aria-label), so speech users can say what they
                // see (WCAG 2.5.3, issue 21); the "S" mark is decoration.
                <a class="site-header__logo" href="/">
                    <span class="logo-mark" aria-hidden="true">"S"</span>
                    <span class="logo-text">"SOP Store"</span>
                </a>
                <form class="site-search" role="search" method="get" action="/search">
                    <label class="visually-hidden" for="site-search-q">"Search the store"</label>
                    <input id="site-search-q" name="q" type="search" placeholder="Search products" autocomplete="off"/>
                    <button type="submit" class="button button--secondary">"Search"</button>
                </form>
                <nav class="site-header__nav" aria-label="Your account">
                    <a href="/account">"Account"</a>
                    <a href="/basket" data-basket-count=basket_count>{format!("Basket ({basket_count})")}</a>
                </nav>
            </div>
        </header>
    }
}

/// The footer is static HTML rendered by the server shell, outside the hydrated app: it needs
/// no data in the browser, and pages render with one Suspense boundary fewer (parallel
/// boundaries are where Leptos 0.8's SSR streaming has hung under load).
#[component]
pub fn SiteFooter(operator: Operator) -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <section class="site-footer__section" aria-labelledby="footer-newsletter">
                    <h2 id="footer-newsletter">"Newsletter"</h2>
                    // P07, P33: a plain form (the footer is outside the hydrated app); the
                    // answer is shown on /newsletter, and nothing is sent but a confirmation
                    // until the address's owner confirms (B07).
                    <form class="newsletter-form" method="post" action="/api/newsletter/subscribe">
                        <p class="newsletter__promise">{crate::domain::marketing::NEWSLETTER_PROMISE}</p>
                        <label class="field__label" for="footer-newsletter-email">"Your e-mail for the newsletter"</label>
                        <input class="field__input" id="footer-newsletter-email" name="email" type="email" autocomplete="email" required/>
                        <button type="submit" class="button">"Subscribe"</button>
                    </form>
                </section>
                <nav class="site-footer__section" aria-labelledby="footer-help">
                    <h2 id="footer-help">"Your privacy"</h2>
                    <ul>
                        <li><a href="/privacy">"Privacy & cookies policy"</a></li>
                        <li><a href="/cookies">"Cookie preferences"</a></li>
                        <li><a href="/privacy#contact">"Contact our Data Protection Coordinator"</a></li>
                    </ul>
                </nav>
                <OperatorIdentity operator/>
            </div>
        </footer>
    }
}

/// Who runs the store (P01), in the words of the policy.
#[component]
pub fn OperatorIdentity(operator: Operator) -> impl IntoView {
    let website = operator.website_url();
    view! {
        <section class="site-footer__section operator" aria-labelledby="footer-operator">
            <h2 id="footer-operator">"Who we are"</h2>
            <p>
                <span data-operator="store">{operator.store_name}</span>" is operated by "
                <span data-operator="company">{operator.company_name}</span>". Company number "
                <span data-operator="number">{operator.company_number}</span>". Registered office: "
                <span data-operator="office">{operator.registered_office}</span>". Website: "
                <a data-operator="website" href=website rel="external">{operator.website}<span class="external-link__note">" (external site)"</span></a>"."
            </p>
        </section>
    }
}
