//! Domaine's user interface and the typed boundary with the server: shared types, server
//! functions, pages. Rendered on the server (feature `ssr`) and hydrated in the browser
//! (feature `hydrate`).

// Leptos views are deeply nested types; the invitations list needs more than the default.
#![recursion_limit = "256"]

pub mod accounts;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod components;
pub mod context;
pub mod domains;
pub mod error;
pub mod format;
pub mod hosting_requests;
pub mod i18n;
pub mod invites;
pub mod own_account;
pub mod pages;
pub mod password_resets;
pub mod provider;
pub mod xmpp_apps;

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
            <Routes fallback=pages::not_found::NotFoundPage>
                <Route path=path!("") view=pages::home::HomePage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/admin") view=pages::admin::AdminPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/accounts") view=pages::accounts::AccountsPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/invites") view=pages::invites::InvitesPage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=pages::invite::InvitePage ssr=SsrMode::Async/>
                <Route path=path!("/welcome") view=pages::welcome::WelcomePage ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view=pages::reset::ResetPage ssr=SsrMode::Async/>
                <Route path=path!("/me") view=pages::me::MePage ssr=SsrMode::Async/>
                <Route path=path!("/audit") view=pages::audit::AuditPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/domains/:name")
                    view=pages::domain::DomainPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/request") view=pages::hosting_request::RequestPage ssr=SsrMode::Async/>
                <Route path=path!("/request/sent") view=pages::hosting_request::RequestSentPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/request/confirm/:token")
                    view=pages::hosting_request::RequestConfirmPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/admin/requests") view=pages::requests::RequestsPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/admin/requests/:id")
                    view=pages::requests::RequestDetailPage
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}
