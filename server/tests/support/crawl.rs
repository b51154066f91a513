//! Crawling the store as a browser would follow its links: from `/`, every `href="/…"` of every
//! HTML page, up to a bound. The cookie crawl (B10) and the external-link check (P30) use it.
#![allow(dead_code)]

use super::TestApp;
use std::collections::{BTreeSet, VecDeque};

/// At most this many addresses: the demo store has fewer, so reaching it means a link loop.
const MAX_ADDRESSES: usize = 400;

/// Every `href="/…"` on a page: this site's own links.
pub fn internal_links(body: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or_default().replace("&amp;", "&"))
        .filter(|href| !href.is_empty())
        .collect()
}

/// What a crawl saw: each HTML page reached (path, status, body) and every Set-Cookie (path, value).
pub struct Crawl {
    pub addresses: usize,
    pub pages: Vec<(String, u16, String)>,
    pub set_cookies: Vec<(String, String)>,
}

/// Crawls from `/` with the given request headers (a cookie, say), starting also at `extra`.
pub async fn crawl(app: &TestApp, headers: &[(&str, &str)], extra: &[&str]) -> Crawl {
    let mut queue: VecDeque<String> = std::iter::once("/").chain(extra.iter().copied()).map(str::to_owned).collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let (mut pages, mut set_cookies) = (Vec::new(), Vec::new());
    while let Some(path) = queue.pop_front() {
        let mut request = app.client.get(app.url(&path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        for value in response.headers().get_all("set-cookie") {
            set_cookies.push((path.clone(), value.to_str().unwrap().to_owned()));
        }
        let status = response.status().as_u16();
        let is_html = response.headers().get("content-type").is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
        if !is_html {
            continue;
        }
        let body = response.text().await.unwrap();
        for link in internal_links(&body) {
            if seen.len() < MAX_ADDRESSES && seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
        pages.push((path, status, body));
    }
    Crawl { addresses: seen.len(), pages, set_cookies }
}
