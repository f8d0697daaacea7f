//! Logging in and out. Plain form posts answered with a redirect, so they work the same with or
//! without JavaScript and every page after them sees the new session.

use super::{
    client_ip::ClientAddr, context::cookie, CHALLENGE_COOKIE, CSRF_COOKIE, SESSION_COOKIE,
};
use crate::{
    audit::Change,
    auth::{
        admins, sessions, throttle,
        tokens::random_token,
        two_factor::{Accepted, Account, TwoFactor},
    },
    state::AppState,
    xmpp::{check_password, BareJid},
};
use app::{
    audit::{AuditAction, Outcome},
    context::RequestContext,
    pages::public::login::{
        LOGIN_ERROR_CODE, LOGIN_ERROR_EXPIRED, LOGIN_ERROR_INVALID, LOGIN_ERROR_STALE,
        LOGIN_ERROR_THROTTLED, LOGIN_ERROR_UNAVAILABLE, LOGIN_ERROR_UNREADABLE, LOGIN_STEP_CODE,
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
    let account = match verify(&state, username, &form.password).await {
        Ok(Some(account)) => account,
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
    let two_factor = TwoFactor::new(&state.db, &state.config);
    match two_factor.is_on(&account).await {
        // The password alone opens nothing: the account's count is cleared only with the code.
        Ok(true) => match two_factor.open_challenge(&account, username).await {
            Ok(token) => {
                let jar = jar.add(cookie(&state, CHALLENGE_COOKIE, token));
                (jar, Redirect::to(&code_step(&form.next, None, None))).into_response()
            }
            Err(e) => crate::errors::internal_response(e),
        },
        Ok(false) => open_session(&state, &ctx, jar, &account, &keys[1], &form.next).await,
        Err(e) => crate::errors::internal_response(e),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
    #[serde(default)]
    next: String,
}

/// The second step for accounts with two-factor login: the code of their app, or a recovery
/// code, counted by the same throttle as passwords.
pub async fn login_code(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(client): Extension<ClientAddr>,
    jar: SignedCookieJar,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return Redirect::to(&code_step("/", Some(LOGIN_ERROR_UNREADABLE), None)).into_response();
    };
    let back = |code: &str, retry_secs| {
        Redirect::to(&code_step(&form.next, Some(code), retry_secs)).into_response()
    };
    if !token_matches(&form.csrf, &ctx.csrf) {
        return back(LOGIN_ERROR_STALE, None);
    }
    let two_factor = TwoFactor::new(&state.db, &state.config);
    let Some(token) = jar.get(CHALLENGE_COOKIE).map(|c| c.value().to_string()) else {
        return Redirect::to(&format!("/login?error={LOGIN_ERROR_EXPIRED}")).into_response();
    };
    let (account, username) = match two_factor.challenge(&token).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Redirect::to(&format!("/login?error={LOGIN_ERROR_EXPIRED}")).into_response()
        }
        Err(e) => return crate::errors::internal_response(e),
    };
    let keys = throttle::keys(&client.ip.to_string(), &username);
    match throttle::locked_for(&state.db, &keys).await {
        Ok(Some(secs)) => return back(LOGIN_ERROR_THROTTLED, Some(secs)),
        Ok(None) => {}
        Err(e) => return crate::errors::internal_response(e),
    }
    match two_factor.check(&account, &form.code).await {
        Ok(Some(Accepted::AppCode)) => {}
        Ok(Some(Accepted::RecoveryCode)) => {
            let change = Change {
                actor: &username,
                domain: username.split_once('@').map(|(_, domain)| domain),
                action: AuditAction::UseRecoveryCode,
                target: &username,
                outcome: Outcome::Done,
                detail: "",
            };
            if let Err(e) = crate::audit::record(&state.db, change).await {
                return crate::errors::internal_response(e);
            }
        }
        Ok(None) => {
            tracing::info!(username, "wrong second factor");
            if let Err(e) = throttle::record_failure(&state.db, &keys).await {
                return crate::errors::internal_response(e);
            }
            return back(LOGIN_ERROR_CODE, None);
        }
        Err(e) => return crate::errors::internal_response(e),
    }
    if let Err(e) = two_factor.close_challenge(&token).await {
        return crate::errors::internal_response(e);
    }
    let jar = jar.remove(Cookie::build(CHALLENGE_COOKIE).path("/"));
    open_session(&state, &ctx, jar, &account, &keys[1], &form.next).await
}

/// The login page's step that asks for the code, keeping where to go next.
fn code_step(next: &str, error: Option<&str>, retry_secs: Option<i64>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("step", LOGIN_STEP_CODE);
    if let Some(error) = error {
        query.append_pair("error", error);
    }
    if next.len() <= app::error::KEPT_MAX {
        query.append_pair("next", next);
    }
    if let Some(secs) = retry_secs {
        query.append_pair("retry", &secs.to_string());
    }
    format!("/login?{}", query.finish())
}

/// The end of a login: a session for `account`, fresh cookies, and on to `next`.
async fn open_session(
    state: &AppState,
    ctx: &RequestContext,
    jar: SignedCookieJar,
    account: &Account,
    account_key: &str,
    next: &str,
) -> Response {
    let opened = async {
        throttle::record_success(&state.db, account_key).await?;
        sessions::open(&state.db, account.as_subject()).await
    };
    let token = match opened.await {
        Ok(token) => token,
        Err(e) => return crate::errors::internal_response(e),
    };
    if let Account::Xmpp(jid) = account {
        // Alerts are written in it; a failure here costs the login nothing.
        if let Err(e) = crate::languages::record(&state.db, jid, ctx.locale).await {
            tracing::warn!(error = %e, "cannot record a user's language");
        }
    }
    // A fresh anti-forgery token with the fresh session: nothing from before login carries over.
    let jar = jar.add(cookie(state, SESSION_COOKIE, token)).add(cookie(
        state,
        CSRF_COOKIE,
        random_token(),
    ));
    // Without a page to go back to, provider admins start at their console.
    let next = match safe_next(next) {
        "/" if is_provider_admin(state, account) => "/admin",
        next => next,
    };
    (jar, Redirect::to(next)).into_response()
}

fn is_provider_admin(state: &AppState, account: &Account) -> bool {
    match account {
        Account::LocalAdmin(_) => true,
        Account::Xmpp(jid) => state.config.provider_admins.contains(jid),
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
) -> Result<Option<Account>, LoginFailure> {
    if !username.contains('@') {
        return admins::verify_login(&state.db, username, password)
            .await
            .map(|id| id.map(Account::LocalAdmin))
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
            Ok(Some(Account::Xmpp(jid.to_string())))
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
        .remove(Cookie::build(CSRF_COOKIE).path("/"))
        .remove(Cookie::build(CHALLENGE_COOKIE).path("/"));
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
