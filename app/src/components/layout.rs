//! The frame around every page: header with the provider's name, navigation, language switch.

use crate::{context::use_request_context, i18n::Locale};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let user = ctx.user.clone().map(|user| {
        let admin_link = user
            .is_provider_admin()
            .then(|| view! { <a href="/admin">{l.t("nav-admin")}</a> });
        view! {
            {admin_link}
            <span class="muted">{user.display_name().to_string()}</span>
            <form method="post" action="/auth/logout">
                <crate::components::form::CsrfField/>
                <button type="submit" class="button button--ghost button--small">
                    {l.t("nav-logout")}
                </button>
            </form>
        }
    });
    let login = ctx
        .user
        .is_none()
        .then(|| view! { <a href="/login">{l.t("nav-login")}</a> });
    view! {
        <a class="skip-link" href="#main">{l.t("skip-to-content")}</a>
        <header class="site-header">
            <a class="site-brand" href="/">{ctx.provider_name.clone()}</a>
            <nav class="site-nav cluster" aria-label=l.t("nav-label")>{user}{login}</nav>
            <LangSwitch/>
        </header>
        <main id="main" class="site-main stack" tabindex="-1">{children()}</main>
        <footer class="site-footer muted">
            <small>{l.t("footer-text")}</small>
        </footer>
    }
}

/// Plain links, so switching works without JavaScript; the server remembers the choice in a cookie.
#[component]
fn LangSwitch() -> impl IntoView {
    let current = use_request_context().locale;
    let location = use_location();
    let links = Locale::ALL
        .into_iter()
        .map(|locale| {
            let href = move || {
                let back = format!("{}{}", location.pathname.get(), location.search.get());
                let query = form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", &back)
                    .finish();
                format!("/lang/{}?{query}", locale.code())
            };
            let is_current = locale == current;
            view! {
                <a
                    href=href
                    hreflang=locale.code()
                    lang=locale.code()
                    aria-current=is_current.then_some("true")
                >
                    {locale.native_name()}
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="lang-switch cluster" aria-label=current.t("lang-switch-label")>
            {links}
        </nav>
    }
}
