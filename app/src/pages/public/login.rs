//! The login page. The form posts to the server's `/auth/login` handler (not a server function)
//! because logging in replaces the session cookie, which a full page load picks up everywhere.

use crate::{
    components::{form::CsrfField, layout::Layout},
    context::use_request_context,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Error codes the login handler puts in the query string when it sends the browser back.
pub const LOGIN_ERROR_INVALID: &str = "invalid";
pub const LOGIN_ERROR_STALE: &str = "stale";
pub const LOGIN_ERROR_THROTTLED: &str = "throttled";
pub const LOGIN_ERROR_UNAVAILABLE: &str = "unavailable";
/// The form could not be read: a field that is not UTF-8 text, or one missing.
pub const LOGIN_ERROR_UNREADABLE: &str = "unreadable";
/// The second factor's code is wrong (or was used already).
pub const LOGIN_ERROR_CODE: &str = "code";
/// The login waited too long for its code (or its cookie is gone): start again.
pub const LOGIN_ERROR_EXPIRED: &str = "expired";
/// `step=code`: the password was right, the page asks for the second factor's code.
pub const LOGIN_STEP_CODE: &str = "code";
/// `step=recovery`: the same, with a recovery code instead.
pub const LOGIN_STEP_RECOVERY: &str = "recovery";

#[component]
pub fn LoginPage() -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let query = use_query_map();
    let (step, error, username, next, retry) = query.with_untracked(|q| {
        (
            q.get("step"),
            q.get("error"),
            q.get("username").unwrap_or_default(),
            q.get("next").unwrap_or_else(|| "/".into()),
            q.get("retry")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(60),
        )
    });
    let message = error.map(|code| {
        let text = match code.as_str() {
            LOGIN_ERROR_STALE => l.t("error-stale-form"),
            LOGIN_ERROR_UNAVAILABLE => l.t("login-error-unavailable"),
            LOGIN_ERROR_UNREADABLE => l.t("login-error-unreadable"),
            LOGIN_ERROR_CODE => l.t("login-error-code"),
            LOGIN_ERROR_EXPIRED => l.t("login-error-expired"),
            LOGIN_ERROR_THROTTLED => l.t_with(
                "login-error-throttled",
                &[("minutes", ((retry + 59) / 60).to_string())],
            ),
            _ => l.t("login-error-invalid"),
        };
        view! { <div class="alert alert--error" role="alert" id="login-error">{text}</div> }
    });
    let described_by = message.is_some().then_some("login-error");
    if let Some(step @ (LOGIN_STEP_CODE | LOGIN_STEP_RECOVERY)) = step.as_deref() {
        let recovery = step == LOGIN_STEP_RECOVERY;
        return view! {
            <Title text=l.t("login-title")/>
            <Layout>
                <div class="login-box card stack">
                    <h1>{l.t("login-title")}</h1>
                    {message}
                    <CodeForm recovery next described_by/>
                </div>
            </Layout>
        }
        .into_any();
    }
    view! {
        <Title text=l.t("login-title")/>
        <Layout>
            <div class="login-box card stack">
                <h1>{l.t("login-title")}</h1>
                {message}
                <form method="post" action="/auth/login" class="form">
                    <CsrfField/>
                    <input type="hidden" name="next" value=next/>
                    <div class="field">
                        <label for="login-username">{l.t("login-username")}</label>
                        <p class="field__hint" id="login-username-hint">{l.t("login-username-hint")}</p>
                        <input
                            id="login-username"
                            name="username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            value=username
                            aria-describedby=format!(
                                "login-username-hint{}",
                                described_by.map(|d| format!(" {d}")).unwrap_or_default(),
                            )
                        />
                    </div>
                    <div class="field">
                        <label for="login-password">{l.t("login-password")}</label>
                        <input
                            id="login-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            aria-describedby=described_by
                        />
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button button--primary">
                            {l.t("login-submit")}
                        </button>
                    </div>
                </form>
                <p><a href="/forgot" data-forgot="link">{l.t("login-forgot")}</a></p>
            </div>
        </Layout>
    }
    .into_any()
}

/// The second step of a login with two-factor: the app's code (digits, as phones offer them
/// and fill them in from a text message or an app), or a recovery code on its own step.
#[component]
fn CodeForm(recovery: bool, next: String, described_by: Option<&'static str>) -> impl IntoView {
    let l = use_request_context().locale;
    let (label, hint, inputmode, other_step, other_label) = if recovery {
        (
            l.t("login-recovery-code"),
            l.t("login-recovery-code-hint"),
            "text",
            LOGIN_STEP_CODE,
            l.t("login-use-app-code"),
        )
    } else {
        (
            l.t("login-code"),
            l.t("login-code-hint"),
            "numeric",
            LOGIN_STEP_RECOVERY,
            l.t("login-use-recovery-code"),
        )
    };
    let other = format!(
        "/login?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("step", other_step)
            .append_pair("next", &next)
            .finish()
    );
    view! {
        <form method="post" action="/auth/login/code" class="form" data-login-step="code">
            <CsrfField/>
            <input type="hidden" name="next" value=next/>
            <div class="field">
                <label for="login-code">{label}</label>
                <p class="field__hint" id="login-code-hint">{hint}</p>
                <input
                    id="login-code"
                    name="code"
                    type="text"
                    inputmode=inputmode
                    autocomplete="one-time-code"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    autofocus
                    aria-describedby=format!(
                        "login-code-hint{}",
                        described_by.map(|d| format!(" {d}")).unwrap_or_default(),
                    )
                />
            </div>
            <div class="form-actions">
                <button type="submit" class="button button--primary">{l.t("login-code-submit")}</button>
            </div>
        </form>
        <p><a href=other>{other_label}</a></p>
    }
}
