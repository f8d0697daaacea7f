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
pub mod invitations;
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

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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
                <link rel="stylesheet" href="/pkg/domaine.css"/>
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
            <Routes fallback=pages::public::not_found::NotFoundPage>
                <Route path=path!("") view=pages::public::home::HomePage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=pages::public::login::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/admin") view=pages::admin::console::AdminPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/accounts") view=pages::owner::accounts::AccountsPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/invites") view=pages::owner::invitations::InvitesPage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=pages::public::invitation_landing::InvitePage ssr=SsrMode::Async/>
                <Route path=path!("/welcome") view=pages::public::welcome::WelcomePage ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view=pages::public::reset::ResetPage ssr=SsrMode::Async/>
                <Route path=path!("/me") view=pages::member::me::MePage ssr=SsrMode::Async/>
                <Route path=path!("/audit") view=pages::owner::audit::AuditPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/domains/:name")
                    view=pages::owner::domain::DomainPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/request") view=pages::public::hosting_request::RequestPage ssr=SsrMode::Async/>
                <Route path=path!("/request/sent") view=pages::public::hosting_request::RequestSentPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/request/confirm/:token")
                    view=pages::public::hosting_request::RequestConfirmPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/admin/requests") view=pages::admin::requests::RequestsPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/admin/requests/:id")
                    view=pages::admin::requests::RequestDetailPage
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}
