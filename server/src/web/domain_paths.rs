//! A domain's pages answer under its ASCII name (`/domains/xn--caf-dma.example`), the form
//! every link and form of the portal uses; the Unicode name someone types or pastes
//! (`/domains/café.example`) redirects there, so both forms reach the same page.

use crate::hosting_requests::names::to_ascii;
use axum::{
    extract::Request,
    http::Method,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

const PREFIX: &str = "/domains/";

pub async fn ascii_domain_paths(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        if let Some(to) = ascii_location(req.uri().path(), req.uri().query()) {
            return Redirect::permanent(&to).into_response();
        }
    }
    next.run(req).await
}

/// Where `path` (and `query`) is, when its domain is not in its ASCII form.
fn ascii_location(path: &str, query: Option<&str>) -> Option<String> {
    let rest = path.strip_prefix(PREFIX)?;
    let (name, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let typed = percent_encoding::percent_decode_str(name)
        .decode_utf8()
        .ok()?;
    let ascii = to_ascii(&typed)?;
    if ascii == name {
        return None;
    }
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Some(format!("{PREFIX}{ascii}{tail}{query}"))
}

#[cfg(test)]
mod tests {
    use super::ascii_location;

    #[test]
    fn unicode_names_lead_to_the_ascii_pages() {
        assert_eq!(
            ascii_location("/domains/caf%C3%A9-libre.localhost/accounts", Some("q=a")),
            Some("/domains/xn--caf-libre-d4a.localhost/accounts?q=a".into())
        );
        assert_eq!(
            ascii_location("/domains/Caf%C3%A9.Example", None),
            Some("/domains/xn--caf-dma.example".into())
        );
        assert_eq!(ascii_location("/domains/xn--caf-dma.example", None), None);
        assert_eq!(ascii_location("/domains/jabberfr.org/health", None), None);
        // Not a name at all: the page says so.
        assert_eq!(ascii_location("/domains/%FF", None), None);
        assert_eq!(ascii_location("/admin", None), None);
    }
}
