//! The site's static files (`/pkg`: the hydration bundle and the style sheet), served as a CDN
//! would: `scripts/build.sh` writes content-hashed copies, precompressed with brotli and gzip,
//! and a manifest naming them; pages reference the hashed names, which never change content, so
//! browsers keep them for a year without asking again. Served outside the request-context
//! middleware: no session lookup, no anti-forgery cookie on a file.

use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{header, HeaderMap, HeaderValue},
    middleware::{self, Next},
    response::Response,
    routing::get,
    Router,
};
use std::{path::Path, sync::Arc};
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

/// `/pkg`: the files of `pkg_dir`, the `.br` or `.gz` twin when the client accepts it. The
/// hashed style sheet and script, read on every page's first visit, are served from memory
/// (their content never changes under their name); the rest, the WebAssembly file among them,
/// fetched once a year per browser, from disk by `ServeDir` (which costs a file opening and
/// blocking-pool hops per request: BENCHMARKS.md).
pub fn service(pkg_dir: &Path) -> Router {
    let names = AssetNames::read(pkg_dir);
    let mut router = Router::new();
    for name in [format!("{}.js", names.bundle), names.stylesheet] {
        if let Some(file) = InMemory::read(pkg_dir, &name) {
            let file = Arc::new(file);
            router = router.route(
                &format!("/{name}"),
                get(move |headers: HeaderMap| async move { file.respond(&headers) }),
            );
        }
    }
    router
        .fallback_service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(middleware::from_fn(file_headers))
}

/// A hashed file and its precompressed twins, as `scripts/build.sh` wrote them.
struct InMemory {
    content_type: &'static str,
    plain: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl InMemory {
    fn read(pkg_dir: &Path, name: &str) -> Option<InMemory> {
        let content_type = match name.rsplit_once('.')?.1 {
            "css" => "text/css",
            "js" => "text/javascript",
            _ => return None,
        };
        if !is_hashed(name) {
            return None;
        }
        let read = |suffix: &str| std::fs::read(pkg_dir.join(format!("{name}{suffix}"))).ok();
        Some(InMemory {
            content_type,
            plain: read("")?.into(),
            brotli: read(".br").map(Bytes::from),
            gzip: read(".gz").map(Bytes::from),
        })
    }

    fn respond(&self, request: &HeaderMap) -> Response {
        let accepted = request
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (encoding, body) = [("br", &self.brotli), ("gzip", &self.gzip)]
            .into_iter()
            .find_map(|(coding, body)| {
                let body = body.as_ref().filter(|_| accepts(accepted, coding))?;
                Some((Some(coding), body.clone()))
            })
            .unwrap_or((None, self.plain.clone()));
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if let Some(coding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    }
}

/// Whether an `Accept-Encoding` value accepts `coding` (named, or `*`, with a non-zero `q`).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    let mut named = None;
    let mut any = None;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let q = parts
            .find_map(|p| p.strip_prefix("q="))
            .map_or(Some(1.0), |q| q.parse::<f32>().ok())
            .unwrap_or(0.0);
        if name.eq_ignore_ascii_case(coding) {
            named = Some(q > 0.0);
        } else if name == "*" {
            any = Some(q > 0.0);
        }
    }
    named.or(any).unwrap_or(false)
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
    // Whichever twin was sent, a shared cache must key it by the client's encodings (ServeDir
    // says so for none).
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
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
    fn accepted_encodings() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("gzip, deflate, br", "gzip"));
        assert!(accepts("BR;q=0.5", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(accepts("br;q=0, gzip", "gzip"));
        assert!(accepts("*", "br"));
        assert!(!accepts("*, br;q=0", "br"));
        assert!(!accepts("identity", "gzip"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("gzip;q=nonsense", "gzip"));
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
