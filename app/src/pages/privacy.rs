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
                                        ". Our website address is "<a href=website rel="external">{operator.website.clone()}</a>"."
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
/// category and opt-out link (P11, P29); links to other sites are marked as such (P30).
#[component]
fn TagPartners() -> impl IntoView {
    let enabled = use_context::<crate::EnabledTags>().map_or(crate::domain::tags::TagSet::EMPTY, |tags| tags.0);
    let partners = TAGS
        .iter()
        .filter(|tag| enabled.contains(tag.tag))
        .map(|tag| {
            view! {
                <li data-tag=tag.key>
                    <h3>{tag.name}" ("{tag.category.label().to_lowercase()}" cookies)"</h3>
                    <p>{tag.purpose}</p>
                    <p>
                        <ExternalLink href=tag.opt_out_url text=format!("Opt out of {}'s tracking", tag.provider)/>
                        " · "
                        <ExternalLink href=tag.privacy_policy_url text=format!("{}'s privacy policy", tag.provider)/>
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section id="partners" aria-labelledby="partners-heading">
            <h2 id="partners-heading">"Analytics and advertising partners"</h2>
            {if enabled.is_empty() {
                view! { <p>"We use no analytics or advertising partners at present."</p> }.into_any()
            } else {
                view! {
                    <p>
                        "Each of these runs only after you allow its category, and stops at once when you withdraw: we then also "
                        "delete the cookies it set on our site. Cookies on a partner's own website can only be removed there or in your "
                        "browser. Other websites' policies are their own; links to them are marked “external site”."
                    </p>
                    <ul class="partners">{partners}</ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// A link to another website, saying so in its text (P30).
#[component]
fn ExternalLink(href: &'static str, text: String) -> impl IntoView {
    view! {
        <a href=href rel="external noopener noreferrer" class="external-link">{text}<span class="external-link__note">" (external site)"</span></a>
    }
}
