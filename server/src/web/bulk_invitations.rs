//! The bulk invitation form of the invitations page: a list of addresses pasted, or a file
//! uploaded. A file needs a multipart form, which server functions here do not read, so this is
//! a plain handler answering with a redirect, with or without JavaScript: to the task's page, or
//! back to the form with the error encoded as a server function's (`__path`, `__err`), which the
//! page reads like its other forms' errors.

use crate::{portal::PortalService, state::AppState};
use app::{
    bulk::{bulk_invitations_action, BulkBackend},
    context::RequestContext,
    error::{AppError, ErrorKind, Field},
    i18n::Locale,
    invitations::invitations_href,
    tasks::task_href,
};
use axum::{
    extract::{Multipart, Path, State},
    response::{IntoResponse, Redirect, Response},
    Extension,
};
use leptos::server_fn::error::ServerFnUrlError;
use subtle::ConstantTimeEq;

/// The form's fields.
#[derive(Default)]
struct Submitted {
    csrf: String,
    list: String,
    file: Vec<u8>,
    locale: Option<Locale>,
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(domain): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let back = |err: AppError| {
        let base = state.config.link(&invitations_href(&domain, None));
        match ServerFnUrlError::new(bulk_invitations_action(&domain), err).to_url(&base) {
            Ok(url) => Redirect::to(&relative(&url)).into_response(),
            Err(e) => crate::errors::internal_response(e),
        }
    };
    let form = match multipart {
        Ok(multipart) => read(multipart).await,
        Err(_) => Err(ErrorKind::InvalidText {
            field: Some(Field::Addresses),
        }),
    };
    let form = match form {
        Ok(form) => form,
        Err(kind) => return back(kind.into()),
    };
    if !bool::from(form.csrf.as_bytes().ct_eq(ctx.csrf.as_bytes())) {
        return back(ErrorKind::StaleForm.into());
    }
    // A file, when one was chosen; else what was pasted.
    let list = if form.file.is_empty() {
        form.list
    } else {
        match String::from_utf8(form.file) {
            Ok(text) => text,
            Err(_) => {
                return back(
                    ErrorKind::InvalidText {
                        field: Some(Field::Addresses),
                    }
                    .into(),
                )
            }
        }
    };
    let locale = form.locale.unwrap_or(ctx.locale);
    match PortalService(state.clone())
        .start_bulk_invitations(&ctx, &domain, &list, locale)
        .await
    {
        Ok(id) => Redirect::to(&task_href(&domain, id)).into_response(),
        Err(err) => back(err),
    }
}

/// Reads the fields; the body is already capped (`body_limit`).
async fn read(mut multipart: Multipart) -> Result<Submitted, ErrorKind> {
    let unreadable = || ErrorKind::InvalidText {
        field: Some(Field::Addresses),
    };
    let mut form = Submitted::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "csrf" => form.csrf = field.text().await.map_err(|_| unreadable())?,
            "addresses" => form.list = field.text().await.map_err(|_| unreadable())?,
            "file" => form.file = field.bytes().await.map_err(|_| unreadable())?.to_vec(),
            "email_locale" => {
                form.locale = Locale::from_code(&field.text().await.map_err(|_| unreadable())?)
            }
            _ => {}
        }
    }
    Ok(form)
}

/// The path and query of `url`: the redirect stays on this portal whatever `public_url` is.
fn relative(url: &url::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}
