//! The security headers of every response, in one place: a Content-Security-Policy whose only
//! scripts are the portal's own (the inline ones Leptos writes carry this response's nonce),
//! no framing, no sniffing, no referrer or caching where the URL or the page is a secret.

use super::SESSION_COOKIE;
use crate::state::AppState;
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use axum_extra::extract::CookieJar;

/// Pages whose URL carries a secret token: invitation landing pages, password reset links,
/// hosting request confirmations, recovery address confirmations.
const TOKEN_PATHS: &[&str] = &[
    "/invite/",
    "/reset/",
    "/request/confirm/",
    "/recovery/confirm/",
];

/// The nonce of this response's inline scripts, given to Leptos (see `web::router`).
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

pub async fn security_headers(
    State(state): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = crate::auth::tokens::random_token();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let path = req.uri().path().to_string();
    let token_page = TOKEN_PATHS.iter().any(|p| path.starts_with(p));
    // Static files are the same for everyone; anything else seen with a session may show
    // account data.
    let private = token_page || (jar.get(SESSION_COOKIE).is_some() && !path.starts_with("/pkg/"));
    let mut response = next.run(req).await;
    let hsts = state.config.public_url.scheme() == "https";
    apply(response.headers_mut(), &nonce, token_page, private, hsts);
    response
}

fn apply(headers: &mut HeaderMap, nonce: &str, token_page: bool, private: bool, hsts: bool) {
    set(headers, header::CONTENT_SECURITY_POLICY, &policy(nonce));
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    let referrer = if token_page {
        "no-referrer"
    } else {
        "strict-origin-when-cross-origin"
    };
    set(headers, header::REFERRER_POLICY, referrer);
    if private {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    if hsts {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000",
        );
    }
}

/// Scripts: the portal's own files and the inline ones carrying this response's nonce (the
/// hydration module Leptos writes), plus compiling the WebAssembly; no other inline script.
/// ('strict-dynamic' would ignore 'self' and so refuse the bundle's `modulepreload` link.)
/// Styles may be inline attributes (layout variables), never from elsewhere.
fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_no_inline_script_without_the_nonce() {
        let csp = policy("abc");
        let scripts = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(scripts.contains("'nonce-abc'"));
        assert!(!scripts.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn hsts_only_over_https_and_no_store_only_when_private() {
        let mut headers = HeaderMap::new();
        apply(&mut headers, "n", false, false, false);
        assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
        assert!(headers.get(header::CACHE_CONTROL).is_none());
        apply(&mut headers, "n", true, true, true);
        assert_eq!(
            headers[header::STRICT_TRANSPORT_SECURITY],
            "max-age=63072000"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    }
}
