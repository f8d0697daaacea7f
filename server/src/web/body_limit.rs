//! Request bodies are forms of a few fields: anything larger than [`FORM_LIMIT`] is refused
//! with 413 and a page in the user's language, before any handler reads it.

use app::context::RequestContext;
use axum::{
    body::Body,
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use http_body_util::BodyExt;
use std::time::Duration;

pub const FORM_LIMIT: usize = 64 * 1024;
/// A refused body up to this size is read (and dropped) before the answer: a reverse proxy
/// still sending it would otherwise find the connection closed and show its own 502 instead of
/// the page. nginx refuses larger ones itself (`client_max_body_size 1m` in
/// deploy/nginx-domaine.conf).
const DRAIN_LIMIT: usize = 1024 * 1024;
/// How long reading a refused body may take (a slow sender gets the answer and a closed
/// connection after that).
const DRAIN_TIME: Duration = Duration::from_secs(10);

pub async fn limit_body(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(len) = declared.filter(|len| *len > FORM_LIMIT) {
        let response = too_large(req.extensions());
        if len <= DRAIN_LIMIT {
            let _ = tokio::time::timeout(DRAIN_TIME, drain(req.into_body())).await;
        }
        return response;
    }
    // A body without a length (chunked) is cut at the limit: reading past it fails.
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, FORM_LIMIT));
    next.run(Request::from_parts(parts, body)).await
}

/// Reads `body` to its end, keeping nothing.
async fn drain(mut body: Body) {
    while let Some(Ok(_)) = body.frame().await {}
}

pub(super) fn too_large(extensions: &axum::http::Extensions) -> Response {
    let locale = extensions
        .get::<RequestContext>()
        .map(|ctx| ctx.locale)
        .unwrap_or_default();
    let message = locale.t("error-too-large");
    let page = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{message}</title><link rel=\"stylesheet\" href=\"/pkg/domaine.css\"></head>\
         <body><main class=\"container\"><p class=\"alert alert--error\" role=\"alert\">{message}\
         </p><p><a href=\"/\">{home}</a></p></main></body></html>",
        lang = locale.code(),
        home = locale.t("too-large-home"),
    );
    (StatusCode::PAYLOAD_TOO_LARGE, Html(page)).into_response()
}
