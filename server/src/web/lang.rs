//! The language switch: a link that stores the choice in a cookie (and, for someone logged in
//! with their XMPP address, as their language: see `languages`) and goes back.

use super::{auth::safe_next, LANG_COOKIE};
use crate::state::AppState;
use app::{context::RequestContext, i18n::Locale};
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    Extension,
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
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
    // What the portal sends them unasked (alerts) follows their choice too.
    if let Some(jid) = ctx.user.as_ref().and_then(|user| user.jid()) {
        if let Err(e) = crate::languages::record(&state.db, jid, locale).await {
            tracing::warn!(error = %e, "cannot record a user's language");
        }
    }
    let cookie = Cookie::build((LANG_COOKIE, locale.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(back)).into_response()
}
