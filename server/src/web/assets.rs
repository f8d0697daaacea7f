//! The site's static files (`/pkg`: the hydration bundle and the style sheet), served as a CDN
//! would: `scripts/build.sh` writes content-hashed copies, precompressed with brotli and gzip,
//! and a manifest naming them; pages reference the hashed names, which never change content, so
//! browsers keep them for a year without asking again. Served outside the request-context
//! middleware: no session lookup, no anti-forgery cookie on a file.

use axum::{
    extract::Request,
    http::{header, HeaderValue},
    middleware::{self, Next},
    response::Response,
    Router,
};
use std::path::Path;
use tower_http::services::ServeDir;

/// The manifest `scripts/build.sh` writes in the site's `pkg/`.
const MANIFEST: &str = "manifest.txt";
const CACHE_FOREVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// The names the pages use for the bundle (`NAME.js`, `NAME_bg.wasm`) and the style sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetNames {
    pub bundle: String,
    pub stylesheet: String,
}

impl AssetNames {
    /// From the manifest in `pkg_dir`; the plain names of a site built without one.
    pub fn read(pkg_dir: &Path) -> AssetNames {
        let text = std::fs::read_to_string(pkg_dir.join(MANIFEST)).unwrap_or_default();
        Self::parse(&text)
    }

    fn parse(text: &str) -> AssetNames {
        let value = |key: &str| {
            text.lines()
                .filter_map(|line| line.split_once('='))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty() && !v.contains('/'))
        };
        AssetNames {
            bundle: value("bundle").unwrap_or_else(|| "domaine".into()),
            stylesheet: value("stylesheet").unwrap_or_else(|| "domaine.css".into()),
        }
    }
}

/// `/pkg`: the files of `pkg_dir`, the `.br` or `.gz` twin when the client accepts it.
pub fn service(pkg_dir: &Path) -> Router {
    Router::new()
        .fallback_service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(middleware::from_fn(file_headers))
}

/// A name with a content hash (`domaine-0123456789abcdef.css`) is cached for good; others
/// (the plain names, kept for tools) are revalidated as before. `nosniff` as on the pages
/// (the security-headers layer does not see these responses).
async fn file_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let cache = hashed && response.status().is_success();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if cache {
        headers.insert(header::CACHE_CONTROL, CACHE_FOREVER);
    }
    response
}

fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    name.split_once('-').is_some_and(|(_, rest)| {
        let hash = rest.split(['.', '_']).next().unwrap_or("");
        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest() {
        let names = AssetNames::parse("bundle=domaine-00ff\nstylesheet = domaine-aa.css\n");
        assert_eq!(names.bundle, "domaine-00ff");
        assert_eq!(names.stylesheet, "domaine-aa.css");
        let plain = AssetNames::parse("");
        assert_eq!(plain.bundle, "domaine");
        assert_eq!(plain.stylesheet, "domaine.css");
        assert_eq!(AssetNames::parse("bundle=../x").bundle, "domaine");
    }

    #[test]
    fn hashed_names() {
        assert!(is_hashed("/domaine-0123456789abcdef.css"));
        assert!(is_hashed("/domaine-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("/pkg/domaine-0123456789abcdef.js"));
        assert!(!is_hashed("/domaine.css"));
        assert!(!is_hashed("/domaine_bg.wasm"));
        assert!(!is_hashed("/domaine-0123.css"));
        assert!(!is_hashed("/domaine-0123456789abcdeg.css"));
    }
}
