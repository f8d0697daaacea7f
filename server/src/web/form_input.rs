//! Reads a form (a server function's, or the login's) before it is decoded: a field that is not
//! UTF-8 once percent-decoded would otherwise be refused without a name (raw bytes) or,
//! percent-encoded, silently turned into U+FFFD and stored. Such a form never reaches its
//! handler; for a server function the error names the field (`app::error`, from the
//! [`SubmittedForm`] this leaves in the request, which also names the field of a choice the
//! decoding refused), and the login page says the form could not be read.

use app::form_input::SubmittedForm;
use axum::{
    body::Body,
    extract::Request,
    http::{header, Method},
    middleware::Next,
    response::Response,
};

pub async fn read_form(req: Request, next: Next) -> Response {
    if !is_form_post(&req) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    // The body is already capped (body_limit): reading fails only past the cap.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return super::body_limit::too_large(&parts.extensions);
    };
    let form = read(&bytes);
    let body = if form.invalid_text.is_some() {
        // Not UTF-8 at all: Leptos (or axum's `Form`) refuses it before the handler runs.
        Body::from(&b"\xff"[..])
    } else {
        Body::from(bytes)
    };
    parts.extensions.insert(form);
    next.run(Request::from_parts(parts, body)).await
}

fn is_form_post(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::POST
        && (path.starts_with("/api/") || path.starts_with("/auth/"))
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Every field of an `application/x-www-form-urlencoded` body, and the first that is not text.
fn read(body: &[u8]) -> SubmittedForm {
    let mut fields = Vec::new();
    let mut invalid_text = None;
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        match (decode(name), decode(value)) {
            (Some(name), Some(value)) => fields.push((name, value)),
            (name, _) => {
                invalid_text.get_or_insert_with(|| {
                    name.unwrap_or_else(|| String::from_utf8_lossy(name_bytes(pair)).into_owned())
                });
            }
        }
    }
    SubmittedForm::new(fields, invalid_text)
}

fn name_bytes(pair: &[u8]) -> &[u8] {
    pair.split(|b| *b == b'=').next().unwrap_or_default()
}

fn decode(raw: &[u8]) -> Option<String> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    percent_encoding::percent_decode(&spaced)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_field_that_is_not_text_is_named() {
        let form = read(b"csrf=x&mode=open&name=caf%C3%A9+bar");
        assert_eq!(form.invalid_text, None);
        assert_eq!(form.field_with_value("open"), Some("mode"));
        assert_eq!(form.field_with_value("café bar"), Some("name"));
        assert_eq!(
            read(b"csrf=x&username=%FFeve&name=\xff")
                .invalid_text
                .as_deref(),
            Some("username")
        );
        assert_eq!(
            read(b"csrf=x&message=\xc3(").invalid_text.as_deref(),
            Some("message")
        );
    }
}
