//! Logging in and out. Plain form posts answered with a redirect, so they work the same with or
//! without JavaScript and every page after them sees the new session.

use super::{client_ip::ClientAddr, context::cookie, CSRF_COOKIE, SESSION_COOKIE};
use crate::{
    auth::{admins, sessions, throttle, tokens::random_token},
    state::AppState,
    xmpp::{check_password, BareJid},
};
use app::{
    context::RequestContext,
    pages::public::login::{
        LOGIN_ERROR_INVALID, LOGIN_ERROR_STALE, LOGIN_ERROR_THROTTLED, LOGIN_ERROR_UNAVAILABLE,
        LOGIN_ERROR_UNREADABLE,
    },
};
use axum::{
    extract::{rejection::FormRejection, State},
    response::{IntoResponse, Redirect, Response},
    Extension, Form,
};
use axum_extra::extract::{cookie::Cookie, SignedCookieJar};
use serde::Deserialize;
use subtle::ConstantTimeEq;

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(client): Extension<ClientAddr>,
    jar: SignedCookieJar,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    // Nothing of an unreadable form is kept: the page asks for both fields again.
    let Ok(Form(form)) = form else {
        return Redirect::to(&format!("/login?error={LOGIN_ERROR_UNREADABLE}")).into_response();
    };
    let back = |code: &str, retry_secs: Option<i64>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        // Long values would make the redirect unfollowable: dropped, the error says enough.
        let capped = |value: &str| {
            if value.len() <= app::error::KEPT_MAX {
                value.to_string()
            } else {
                String::new()
            }
        };
        query
            .append_pair("error", code)
            .append_pair("username", &capped(&form.username))
            .append_pair("next", &capped(&form.next));
        if let Some(secs) = retry_secs {
            query.append_pair("retry", &secs.to_string());
        }
        Redirect::to(&format!("/login?{}", query.finish())).into_response()
    };
    if !token_matches(&form.csrf, &ctx.csrf) {
        return back(LOGIN_ERROR_STALE, None);
    }
    let username = form.username.trim();
    let keys = throttle::keys(&client.ip.to_string(), username);
    match throttle::locked_for(&state.db, &keys).await {
        Ok(Some(secs)) => return back(LOGIN_ERROR_THROTTLED, Some(secs)),
        Ok(None) => {}
        Err(e) => return crate::errors::internal_response(e),
    }
    let subject = match verify(&state, username, &form.password).await {
        Ok(Some(subject)) => subject,
        Ok(None) => {
            tracing::info!(username, "failed login");
            if let Err(e) = throttle::record_failure(&state.db, &keys).await {
                return crate::errors::internal_response(e);
            }
            return back(LOGIN_ERROR_INVALID, None);
        }
        Err(LoginFailure::XmppUnavailable) => return back(LOGIN_ERROR_UNAVAILABLE, None),
        Err(LoginFailure::Db(e)) => return crate::errors::internal_response(e),
    };
    let opened = async {
        throttle::record_success(&state.db, &keys[1]).await?;
        sessions::open(&state.db, subject.as_subject()).await
    };
    let token = match opened.await {
        Ok(token) => token,
        Err(e) => return crate::errors::internal_response(e),
    };
    if let Verified::Xmpp(jid) = &subject {
        // Alerts are written in it; a failure here costs the login nothing.
        if let Err(e) = crate::languages::record(&state.db, jid, ctx.locale).await {
            tracing::warn!(error = %e, "cannot record a user's language");
        }
    }
    // A fresh anti-forgery token with the fresh session: nothing from before login carries over.
    let jar = jar.add(cookie(&state, SESSION_COOKIE, token)).add(cookie(
        &state,
        CSRF_COOKIE,
        random_token(),
    ));
    // Without a page to go back to, provider admins start at their console.
    let next = match safe_next(&form.next) {
        "/" if is_provider_admin(&state, &subject) => "/admin",
        next => next,
    };
    (jar, Redirect::to(next)).into_response()
}

fn is_provider_admin(state: &AppState, subject: &Verified) -> bool {
    match subject {
        Verified::LocalAdmin(_) => true,
        Verified::Xmpp(jid) => state.config.provider_admins.contains(jid),
    }
}

enum Verified {
    LocalAdmin(i64),
    Xmpp(String),
}

impl Verified {
    fn as_subject(&self) -> sessions::Subject<'_> {
        match self {
            Verified::LocalAdmin(id) => sessions::Subject::LocalAdmin(*id),
            Verified::Xmpp(jid) => sessions::Subject::Xmpp(jid),
        }
    }
}

enum LoginFailure {
    XmppUnavailable,
    Db(sqlx::Error),
}

/// An XMPP address (`name@domain`) is checked by the XMPP server itself, so people log in with
/// the password they already have; a plain name is a local provider admin.
async fn verify(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<Option<Verified>, LoginFailure> {
    if !username.contains('@') {
        return admins::verify_login(&state.db, username, password)
            .await
            .map(|id| id.map(Verified::LocalAdmin))
            .map_err(LoginFailure::Db);
    }
    let Some(jid) = BareJid::new(username).ok().filter(|j| j.node().is_some()) else {
        return Ok(None);
    };
    match check_password(
        state.xmpp.transport(),
        &jid,
        password,
        state.config.xmpp_timeout(),
    )
    .await
    {
        Ok(true) => {
            // Someone who just made their account with an owner invitation in their app is an
            // owner from this login on.
            crate::portal::claim_owner_invitations(state, jid.domain().as_str()).await;
            Ok(Some(Verified::Xmpp(jid.to_string())))
        }
        Ok(false) => Ok(None),
        Err(e) => {
            tracing::warn!(error = %e, "XMPP login impossible");
            Err(LoginFailure::XmppUnavailable)
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    jar: SignedCookieJar,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !token_matches(&form.csrf, &ctx.csrf) {
        return Redirect::to("/").into_response();
    }
    if let Some(session) = jar.get(SESSION_COOKIE) {
        if let Err(e) = sessions::close(&state.db, session.value()).await {
            return crate::errors::internal_response(e);
        }
    }
    let jar = jar
        .remove(Cookie::build(SESSION_COOKIE).path("/"))
        .remove(Cookie::build(CSRF_COOKIE).path("/"));
    (jar, Redirect::to("/")).into_response()
}

fn token_matches(submitted: &str, expected: &str) -> bool {
    bool::from(submitted.as_bytes().ct_eq(expected.as_bytes()))
}

/// Only a path on this site: an open redirect would let a phishing link borrow our login page.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/admin?x=1"), "/admin?x=1");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
