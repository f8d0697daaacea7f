//! The language switch: a link that stores the choice in a cookie and goes back.

use super::{auth::safe_next, LANG_COOKIE};
use app::i18n::Locale;
use axum::{
    extract::{Path, Query},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::{
    cookie::{Cookie, SameSite},
    CookieJar,
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

pub async fn switch(
    Path(code): Path<String>,
    Query(next): Query<Next>,
    jar: CookieJar,
) -> Response {
    let back = if next.next.is_empty() {
        "/"
    } else {
        safe_next(&next.next)
    };
    let Some(locale) = Locale::from_code(&code) else {
        return Redirect::to(back).into_response();
    };
    let cookie = Cookie::build((LANG_COOKIE, locale.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(back)).into_response()
}
