//! Domaine's user interface and the typed boundary with the server: shared types, server
//! functions, pages. Rendered on the server (feature `ssr`) and hydrated in the browser
//! (feature `hydrate`).

// Leptos views are deeply nested types; the invitations list needs more than the default.
#![recursion_limit = "256"]

pub mod accounts;
pub mod announcements;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod bulk;
pub mod components;
pub mod context;
pub mod domains;
pub mod error;
pub mod figures;
pub mod form_input;
pub mod format;
pub mod health;
pub mod hosting_requests;
pub mod i18n;
pub mod invitations;
pub mod own_account;
pub mod pages;
pub mod password_resets;
pub mod provider;
pub mod recovery;
pub mod states;
pub mod tasks;
pub mod two_factor;
pub mod xmpp_apps;

use components::require_login::{Audience, RequireLogin};
use context::{RequestContext, CONTEXT_ELEMENT_ID};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The style sheet's address (content-hashed by the build), provided by the server.
#[derive(Clone, Debug)]
pub struct StylesheetHref(pub String);

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = use_context::<StylesheetHref>()
        .map(|s| s.0)
        .unwrap_or_else(|| "/pkg/domaine.css".into());
    let ctx = use_context::<RequestContext>();
    let lang = ctx.as_ref().map(|c| c.locale.code()).unwrap_or("en");
    let zone_script = ctx
        .as_ref()
        .map(|c| context::zone_script(&c.zone))
        .unwrap_or_default();
    let context_json = ctx.map(|c| c.to_script_json()).unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="stylesheet" href=stylesheet/>
                <script type="application/json" id=CONTEXT_ELEMENT_ID inner_html=context_json></script>
                <script nonce=leptos::nonce::use_nonce() inner_html=zone_script></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every route renders completely before it is sent, so pages work without JavaScript.
    view! {
        <Router>
            <Routes fallback=pages::public::not_found::NotFoundPage>
                <Route path=path!("") view=pages::public::home::HomePage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=pages::public::login::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/admin") view=|| only(Audience::ProviderAdmin, pages::admin::console::AdminPage) ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/accounts") view=|| only(Audience::LoggedIn, pages::owner::accounts::AccountsPage) ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/health") view=|| only(Audience::LoggedIn, pages::owner::health::HealthPage) ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/announce") view=|| only(Audience::LoggedIn, pages::owner::announce::AnnouncePage) ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/tasks/:id") view=|| only(Audience::LoggedIn, pages::owner::tasks::TaskPage) ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/invites") view=|| only(Audience::LoggedIn, pages::owner::invitations::InvitationsPage) ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=pages::public::invitation_landing::InvitationLandingPage ssr=SsrMode::Async/>
                <Route path=path!("/welcome") view=pages::public::welcome::WelcomePage ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view=pages::public::reset::ResetPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot") view=pages::public::forgot::ForgotPage ssr=SsrMode::Async/>
                <Route path=path!("/recovery/confirm/:token") view=pages::public::forgot::ConfirmRecoveryPage ssr=SsrMode::Async/>
                <Route path=path!("/recovery/confirmed") view=pages::public::forgot::RecoveryConfirmedPage ssr=SsrMode::Async/>
                <Route path=path!("/me") view=|| only(Audience::LoggedIn, pages::member::me::MePage) ssr=SsrMode::Async/>
                <Route path=path!("/audit") view=|| only(Audience::LoggedIn, pages::owner::audit::AuditPage) ssr=SsrMode::Async/>
                <Route
                    path=path!("/domains/:name")
                    view=|| only(Audience::LoggedIn, pages::owner::domain::DomainPage)
                    ssr=SsrMode::Async
                />
                <Route path=path!("/request") view=pages::public::hosting_request::RequestPage ssr=SsrMode::Async/>
                <Route path=path!("/request/sent") view=pages::public::hosting_request::RequestSentPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/request/confirm/:token")
                    view=pages::public::hosting_request::RequestConfirmPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/admin/requests") view=|| admins_or_403(pages::admin::requests::RequestsPage) ssr=SsrMode::Async/>
                <Route
                    path=path!("/admin/requests/:id")
                    view=|| admins_or_403(pages::admin::requests::RequestDetailPage)
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}

/// A page for `audience` only: anyone else is sent to the login page. The routes without it are
/// public; the server functions check again, whatever the page did.
fn only<V: IntoView + 'static>(audience: Audience, page: fn() -> V) -> impl IntoView {
    view! { <RequireLogin audience>{page()}</RequireLogin> }
}

/// The same for provider admins, with a 403 page for anyone else logged in.
fn admins_or_403<V: IntoView + 'static>(page: fn() -> V) -> impl IntoView {
    view! {
        <RequireLogin audience=Audience::ProviderAdmin forbidden=pages::admin::requests::NotForYou>
            {page()}
        </RequireLogin>
    }
}
