//! The privacy & cookies policy page: who we are and how to reach us (P01, P03).
//! The rest of the policy (collected data, purposes, cookies) is added with the features it
//! describes, so the page never promises what the code does not yet keep.

use crate::api::site::load_operator;
use crate::components::notice::ErrorNotice;
use crate::domain::consent::CookieCategory;
use crate::domain::tags::TAGS;
use crate::pages::cookies::CookieTable;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PrivacyPolicyPage() -> impl IntoView {
    let operator = OnceResource::new(load_operator());
    view! {
        <Title text="Privacy & cookies policy"/>
        <article class="policy">
            <h1>"Privacy & cookies policy"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match operator.await {
                        Ok(operator) => {
                            let website = operator.website_url();
                            view! {
                                <section id="who-we-are" aria-labelledby="who-we-are-heading">
                                    <h2 id="who-we-are-heading">"Who we are"</h2>
                                    <p>
                                        {operator.store_name.clone()}" is operated by "{operator.company_name.clone()}
                                        ". Our company number is "{operator.company_number.clone()}
                                        ". Our registered office is at "{operator.registered_office.clone()}
                                        ". Our website address is "<a href=website rel="external">{operator.website.clone()}<span class="external-link__note">" (external site)"</span></a>"."
                                    </p>
                                </section>
                                <section id="contact" aria-labelledby="contact-heading">
                                    <h2 id="contact-heading">"Contact our Data Protection Coordinator"</h2>
                                    <p>"If you have any questions about this policy or the ways in which we use your personal information, please contact:"</p>
                                    <dl class="contact-details">
                                        <dt>"Post"</dt><dd data-dpc="post">{operator.data_protection.postal_address.clone()}</dd>
                                        <dt>"Telephone"</dt><dd data-dpc="phone">{operator.data_protection.phone.clone()}</dd>
                                        <dt>"E-mail"</dt>
                                        <dd data-dpc="email">
                                            <a href=format!("mailto:{}", operator.data_protection.email)>{operator.data_protection.email.clone()}</a>
                                        </dd>
                                    </dl>
                                </section>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice title="The policy could not be shown" message=error.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
            <section id="cookies" aria-labelledby="cookies-heading">
                <h2 id="cookies-heading">"Cookies"</h2>
                <p>
                    "We use cookies in four categories. Only strictly necessary cookies are set without your choice; "
                    "you can change your choice at any time in "<a href="/cookies">"cookie preferences"</a>"."
                </p>
                {CookieCategory::ALL
                    .into_iter()
                    .map(|category| view! {
                        <h3>{category.label()}</h3>
                        <p>{category.purpose()}</p>
                        <CookieTable category/>
                    })
                    .collect_view()}
            </section>
            <TagPartners/>
        </article>
    }
}

/// The analytics and advertising tags the store runs (only the configured ones), each with its
/// category and opt-out link (P11, P29); links to other sites say so in their text (P30).
/// Kept to plain markup: everything here is also compiled into the browser's bundle.
#[component]
fn TagPartners() -> impl IntoView {
    let enabled = use_context::<crate::EnabledTags>().map_or(crate::domain::tags::TagSet::EMPTY, |tags| tags.0);
    let partners = TAGS
        .iter()
        .filter(|tag| enabled.contains(tag.tag))
        .map(|tag| {
            view! {
                <li data-tag=tag.key>
                    <strong>{tag.name}</strong>" ("{tag.category.label()}" cookies): "
                    <a href=tag.opt_out_url rel="external noopener noreferrer">
                        "opt out of "{tag.provider}"'s tracking"<span class="external-link__note">" (external site)"</span>
                    </a>
                    "; "
                    <a href=tag.privacy_policy_url rel="external noopener noreferrer">
                        {tag.provider}"'s privacy policy"<span class="external-link__note">" (external site)"</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let intro = if enabled.is_empty() {
        "We use no analytics or advertising partners at present."
    } else {
        "Each runs only once you allow its category and stops when you withdraw; we then delete the cookies it set on our \
         site. Other websites' policies are their own."
    };
    view! {
        <section id="partners" aria-labelledby="partners-heading">
            <h2 id="partners-heading">"Analytics and advertising partners"</h2>
            <p>{intro}</p>
            <ul class="partners">{partners}</ul>
        </section>
    }
}
