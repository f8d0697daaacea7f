//! Builds the `RequestContext` of every request: language, time zone, anti-forgery token,
//! logged-in user.
//! It also refuses cross-site state-changing requests, and keeps someone who must set up
//! two-factor login on its page until they have.

use super::{CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use crate::{
    auth::{
        sessions,
        tokens::random_token,
        two_factor::{self, Account, TwoFactor},
    },
    state::AppState,
};
use app::{
    components::loaded::ENROLMENT_PAGE,
    context::{Principal, RequestContext, ZONE_COOKIE},
    error::{AppError, ErrorKind},
    i18n::Locale,
};
use axum::{
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::{
    cookie::{Cookie, SameSite},
    CookieJar, SignedCookieJar,
};
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};

pub async fn request_context(
    State(state): State<AppState>,
    signed: SignedCookieJar,
    plain: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    if is_cross_site_write(&state, &req) {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    let locale = plain
        .get(LANG_COOKIE)
        .and_then(|c| Locale::from_code(c.value()))
        .unwrap_or_else(|| {
            let header = req
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            Locale::negotiate(header)
        });
    let user = match signed.get(SESSION_COOKIE) {
        Some(cookie) => {
            match sessions::principal(&state.db, cookie.value(), &state.config.provider_admins)
                .await
            {
                Ok(user) => user,
                Err(e) => {
                    tracing::error!(error = %e, "session lookup failed");
                    return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
                        .into_response();
                }
            }
        }
        None => None,
    };
    if let Some(user) = &user {
        match must_enrol_first(&state, user, req.uri().path()).await {
            Ok(false) => {}
            Ok(true) if matches!(*req.method(), Method::GET | Method::HEAD) => {
                return Redirect::to(ENROLMENT_PAGE).into_response()
            }
            Ok(true) => return refuse_before_enrolment(&req),
            Err(e) => {
                tracing::error!(error = %e, "two-factor lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
            }
        }
    }
    let (csrf, new_csrf) = match signed.get(CSRF_COOKIE) {
        Some(cookie) => (cookie.value().to_string(), false),
        None => (random_token(), true),
    };
    let zone = crate::time_zones::for_reader(
        plain.get(ZONE_COOKIE).map(|c| c.value()),
        &state.config.time_zone,
        state.clock.now(),
    );
    req.extensions_mut().insert(RequestContext {
        locale,
        zone,
        csrf: csrf.clone(),
        user,
        provider_name: state.config.provider_name.clone(),
    });
    let response = next.run(req).await;
    if new_csrf {
        (signed.add(cookie(&state, CSRF_COOKIE, csrf)), response).into_response()
    } else {
        response
    }
}

/// What someone who must enrol may still reach: the enrolment page and its server functions,
/// logging out, and the language switch.
const OPEN_BEFORE_ENROLMENT: [&str; 5] = [
    ENROLMENT_PAGE,
    "/auth/logout",
    "/api/two_factor_status",
    "/api/start_two_factor",
    "/api/confirm_two_factor",
];

/// A form or server function refused to someone who must enrol first: a form posted without
/// JavaScript goes to the enrolment page, as a page load would; a hydrated page's call gets the
/// typed error its page turns into the same redirect (`components::loaded`).
fn refuse_before_enrolment(req: &Request) -> Response {
    let from_plain_form = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if from_plain_form {
        return Redirect::to(ENROLMENT_PAGE).into_response();
    }
    let error = AppError::from(ErrorKind::TwoFactorRequired);
    (
        StatusCode::FORBIDDEN,
        [(SERVER_FN_ERROR_HEADER, req.uri().path())],
        error.ser(),
    )
        .into_response()
}

/// Whether `user` must set up two-factor login before going to `path`: the provider requires
/// it of them (`[two_factor]`) and they have not.
async fn must_enrol_first(
    state: &AppState,
    user: &Principal,
    path: &str,
) -> Result<bool, sqlx::Error> {
    if OPEN_BEFORE_ENROLMENT.contains(&path)
        || path.starts_with("/lang/")
        || !two_factor::required(&state.config.two_factor, user)
    {
        return Ok(false);
    }
    let enrolled = TwoFactor::new(&state.db, &state.config)
        .is_on(&Account::of(user))
        .await?;
    Ok(!enrolled)
}

/// An HttpOnly, SameSite=Lax cookie for this portal; `Secure` when served over HTTPS.
pub fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .build()
}

/// A state-changing request whose `Origin` is another site. Browsers send `Origin` on every
/// cross-site POST, so this stops forged form posts even before the token is checked.
fn is_cross_site_write(state: &AppState, req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    origin != state.config.public_url.origin().ascii_serialization()
}
