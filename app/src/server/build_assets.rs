//! The addresses of the built CSS, JS and wasm, worked out once at start-up.
//!
//! Leptos' `HashedStylesheet` and `HydrationScripts` re-read cargo-leptos' `hash.txt` from
//! disk on every page render; this reads it once and renders the same tags from memory.

use leptos::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildAssets {
    pub css_href: String,
    pub js_href: String,
    pub wasm_href: String,
    /// The one-line module that loads the wasm and hydrates the page (built once).
    pub hydration_script: String,
    /// cargo-leptos hashed the file names, so they may be cached for good.
    pub hashed: bool,
}

impl BuildAssets {
    /// `hash_file` is the text of cargo-leptos' `hash.txt` (`js: …`, `wasm: …`, `css: …`), or
    /// None when the build did not hash file names.
    pub fn new(pkg_dir: &str, output_name: &str, hash_file: Option<&str>) -> Self {
        let hashes: HashMap<&str, &str> = hash_file
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(kind, hash)| (kind.trim(), hash.trim()))
            .collect();
        let href = |kind: &str| match hashes.get(kind) {
            Some(hash) => format!("/{pkg_dir}/{output_name}.{hash}.{kind}"),
            None => format!("/{pkg_dir}/{output_name}.{kind}"),
        };
        let (js_href, wasm_href) = (href("js"), href("wasm"));
        let hydration_script =
            format!("import init, {{ hydrate }} from {js_href:?}; init({{ module_or_path: {wasm_href:?} }}).then(hydrate);");
        Self { css_href: href("css"), js_href, wasm_href, hydration_script, hashed: hash_file.is_some() }
    }

    /// Reads `hash.txt` beside the running binary, where cargo-leptos writes it.
    pub fn for_running_binary(pkg_dir: &str, output_name: &str) -> Self {
        let hash_file = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
            .and_then(|path| std::fs::read_to_string(path).ok());
        Self::new(pkg_dir, output_name, hash_file.as_deref())
    }
}

/// The stylesheet, the preloads and the hydration module, with this response's CSP nonce.
#[component]
pub fn BuildAssetTags(assets: std::sync::Arc<BuildAssets>) -> impl IntoView {
    let nonce = use_nonce();
    let assets = (*assets).clone();
    view! {
        <link rel="stylesheet" href=assets.css_href/>
        <link rel="modulepreload" href=assets.js_href/>
        <link rel="preload" href=assets.wasm_href r#as="fetch" r#type="application/wasm" crossorigin="anonymous"/>
        <script type="module" nonce=nonce>{assets.hydration_script}</script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let assets = BuildAssets::new("pkg", "sop-store", Some("js: AAA\nwasm: BBB\ncss: CCC\n"));
        assert_eq!(assets.css_href, "/pkg/sop-store.CCC.css");
        assert_eq!(assets.js_href, "/pkg/sop-store.AAA.js");
        assert_eq!(assets.wasm_href, "/pkg/sop-store.BBB.wasm");
        assert_eq!(
            assets.hydration_script,
            r#"import init, { hydrate } from "/pkg/sop-store.AAA.js"; init({ module_or_path: "/pkg/sop-store.BBB.wasm" }).then(hydrate);"#
        );
    }

    #[test]
    fn without_a_hash_file_names_are_plain() {
        let assets = BuildAssets::new("pkg", "sop-store", None);
        assert_eq!(assets.js_href, "/pkg/sop-store.js");
        assert_eq!(assets.wasm_href, "/pkg/sop-store.wasm");
    }
}
