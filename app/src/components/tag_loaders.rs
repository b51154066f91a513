//! The optional tags' loaders (P11, P29), rendered by the server into the page's `<head>` for
//! exactly the tags this request may load (`PageTags`: configured and consented), each script
//! with this response's CSP nonce. Nothing at all for any other tag. Server build only: the
//! browser never needs this code, and the head is not hydrated.

use crate::domain::tags::{ConfiguredTags, Tag, TagId, TagSet};
use leptos::prelude::*;

/// The inline part of a tag's loader. Ids passed `Tag::parse_id` (letters, digits and `-`
/// only), so they cannot break out of the quoted strings they sit in.
pub fn inline_loader(id: &TagId) -> String {
    let value = id.as_str();
    match id.tag() {
        // Consent mode keeps Google's advertising storage off: GA is here to count visits
        // (analytics consent), not to advertise, whatever the targeting choice.
        // It reports the page's address without its query (search terms, paging): nothing a
        // shopper typed reaches Google (P14). Pages with personal data run no tag at all.
        Tag::GoogleAnalytics => format!(
            "window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}\
             gtag('consent','default',{{ad_storage:'denied',ad_user_data:'denied',ad_personalization:'denied',analytics_storage:'granted'}});\
             gtag('js',new Date());gtag('config','{value}',{{allow_google_signals:false,allow_ad_personalization_signals:false,page_location:location.origin+location.pathname}});"
        ),
        // The command queue fbevents.js expects to find, and drains when it arrives.
        Tag::FacebookPixel => format!(
            "(function(w){{if(w.fbq)return;var q=w.fbq=function(){{q.callMethod?q.callMethod.apply(q,arguments):q.queue.push(arguments)}};\
             if(!w._fbq)w._fbq=q;q.push=q;q.loaded=true;q.version='2.0';q.queue=[]}})(window);\
             fbq('init','{value}');fbq('track','PageView');"
        ),
        Tag::LinkedInInsight => format!(
            "window._linkedin_partner_id='{value}';window._linkedin_data_partner_ids=window._linkedin_data_partner_ids||[];\
             window._linkedin_data_partner_ids.push('{value}');"
        ),
    }
}

/// Where a tag's library comes from (a host in its `script` CSP list).
pub fn script_src(id: &TagId) -> String {
    match id.tag() {
        Tag::GoogleAnalytics => format!("https://www.googletagmanager.com/gtag/js?id={}", id.as_str()),
        Tag::FacebookPixel => "https://connect.facebook.net/en_US/fbevents.js".to_owned(),
        Tag::LinkedInInsight => "https://snap.licdn.com/li.lms-analytics/insight.min.js".to_owned(),
    }
}

/// The image a tag's provider documents for browsers without JavaScript (`<noscript>`), if any;
/// its host is in the tag's `img` CSP list. Google Analytics 4 has none.
pub fn noscript_pixel(id: &TagId) -> Option<String> {
    match id.tag() {
        Tag::GoogleAnalytics => None,
        Tag::FacebookPixel => Some(format!("https://www.facebook.com/tr?id={}&ev=PageView&noscript=1", id.as_str())),
        Tag::LinkedInInsight => Some(format!("https://px.ads.linkedin.com/collect/?pid={}&fmt=gif", id.as_str())),
    }
}

/// The no-JavaScript fallbacks of the configured tags in `allowed`, for the page's `<body>`
/// (a `<noscript>` in `<head>` may not hold images). Exactly as consent-gated as the loaders.
#[component]
pub fn TagNoscriptPixels(configured: ConfiguredTags, allowed: TagSet) -> impl IntoView {
    configured
        .ids()
        .filter(|id| allowed.contains(id.tag()))
        .filter_map(|id| {
            let key = id.tag().declaration().key;
            noscript_pixel(id)
                .map(|src| view! { <noscript><img src=src width="1" height="1" alt="" hidden="" data-sop-tag=key/></noscript> })
        })
        .collect_view()
}

/// The loaders for the configured tags in `allowed`, plus `<meta name="sop-tags">` saying which
/// tags this page runs: the hydrated app compares it with a decision's answer to know whether
/// the page must be reloaded to start or stop tags.
/// Run before any tag on a page opened from one of our pages with personal data: the tags read
/// `document.referrer`, which would be that page's full address (an order number and its key,
/// a reset token), so they see only our origin (P14, P28).
pub const HIDE_REFERRER: &str =
    "Object.defineProperty(document,'referrer',{configurable:true,get:function(){return location.origin+'/'}});";

#[component]
pub fn TagLoaders(configured: ConfiguredTags, allowed: TagSet, hide_referrer: bool) -> impl IntoView {
    let nonce = use_nonce();
    let runs_a_tag = configured.ids().any(|id| allowed.contains(id.tag()));
    let hide_referrer = (hide_referrer && runs_a_tag).then(|| view! { <script nonce=nonce.clone()>{HIDE_REFERRER}</script> });
    let loaders = configured
        .ids()
        .filter(|id| allowed.contains(id.tag()))
        .map(|id| {
            let key = id.tag().declaration().key;
            view! {
                <script nonce=nonce.clone() data-sop-tag=key>{inline_loader(id)}</script>
                <script async="" nonce=nonce.clone() src=script_src(id) data-sop-tag=key></script>
            }
        })
        .collect_view();
    view! {
        <meta name="sop-tags" content=allowed.marker()/>
        {hide_referrer}
        {loaders}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p11_p29_loaders_carry_the_configured_id_and_load_from_a_declared_host() {
        for (tag, raw) in [(Tag::GoogleAnalytics, "G-ABC123XYZ"), (Tag::FacebookPixel, "1234567890"), (Tag::LinkedInInsight, "123456")] {
            let id = tag.parse_id(raw).unwrap();
            let inline = inline_loader(&id);
            assert!(inline.contains(&format!("'{raw}'")), "{inline}");
            // Script text is not HTML-escaped: it must not be able to close its element.
            assert!(!inline.contains('<') && !inline.contains('>'), "{inline}");
            if let Some(pixel) = noscript_pixel(&id) {
                assert!(pixel.contains(raw) && tag.hosts().img.iter().any(|host| pixel.starts_with(&format!("{host}/"))), "{pixel}");
            }
            let src = script_src(&id);
            let declared = tag.hosts().script;
            assert!(
                declared.iter().any(|host| match host.strip_prefix("https://*.") {
                    Some(domain) => src.starts_with("https://") && src.split('/').nth(2).unwrap().ends_with(&format!(".{domain}")),
                    None => src.starts_with(&format!("{host}/")),
                }),
                "{src} is allowed by {declared:?}"
            );
        }
    }
}
