//! Pages that depend on nothing but the request context (language, time zone, anti-forgery
//! token, CSP nonce), rendered once for an anonymous visitor and then filled in: the login page,
//! which every visit of the portal and every scripted check of it ask for (BENCHMARKS.md: a
//! render costs ten times what sending its bytes does). Only without a session or a query
//! string (the login's steps and errors travel there), and only a whole successful page, so
//! what is sent is what a render for this visitor would have written.

use super::security_headers::CspNonce;
use app::{context::RequestContext, format::Zone};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// The pages rendered from the request context alone.
const PAGES: [&str; 1] = ["/login"];
/// Stand-ins for the per-response values in a cached page; neither can occur in a page (a
/// token is base64url, and NUL is no character of HTML text).
const CSRF_MARK: &str = "\0csrf\0";
const NONCE_MARK: &str = "\0nonce\0";
/// More than any page of these weighs; a larger one is sent as it is and not kept.
const LARGEST: usize = 256 * 1024;

/// A page, language and zone: bounded by the tz database's names.
type Key = (&'static str, &'static str, String, bool);

/// The pages of one router (one configuration: the provider's name is in them).
#[derive(Clone, Default)]
pub struct PageCache(Arc<Mutex<HashMap<Key, Cached>>>);

#[derive(Clone)]
struct Cached {
    /// The zone's offsets the page carries: its window moves once a day, and so does the page.
    zone: Zone,
    headers: HeaderMap,
    body: String,
}

pub async fn cached_pages(
    State(cache): State<PageCache>,
    request: Request,
    next: Next,
) -> Response {
    let Some((key, zone, csrf, nonce)) = cacheable(&request) else {
        return next.run(request).await;
    };
    let hit = cache.0.lock().expect("never poisoned").get(&key).cloned();
    if let Some(cached) = hit.filter(|cached| cached.zone == zone) {
        let body = cached
            .body
            .replace(CSRF_MARK, &csrf)
            .replace(NONCE_MARK, &nonce);
        return (cached.headers, body).into_response();
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    // Pages are rendered in full before they are sent (`SsrMode::Async`): nothing to stream.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(text) = (bytes.len() <= LARGEST)
        .then(|| std::str::from_utf8(&bytes).ok())
        .flatten()
    {
        let body = text.replace(&csrf, CSRF_MARK).replace(&nonce, NONCE_MARK);
        let mut headers = parts.headers.clone();
        // The filled-in body's own length is sent instead.
        headers.remove(header::CONTENT_LENGTH);
        let cached = Cached {
            zone,
            headers,
            body,
        };
        cache.0.lock().expect("never poisoned").insert(key, cached);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The cache key, the reader's zone, and this response's token and nonce, for a request whose
/// page can be kept.
fn cacheable(request: &Request) -> Option<(Key, Zone, String, String)> {
    if request.method() != Method::GET || request.uri().query().is_some() {
        return None;
    }
    let page = PAGES
        .into_iter()
        .find(|page| *page == request.uri().path())?;
    let ctx = request.extensions().get::<RequestContext>()?;
    let nonce = request.extensions().get::<CspNonce>()?;
    if ctx.user.is_some() {
        return None;
    }
    let key = (
        page,
        ctx.locale.code(),
        ctx.zone.name.clone(),
        ctx.zone.readers_own,
    );
    Some((key, ctx.zone.clone(), ctx.csrf.clone(), nonce.0.clone()))
}
