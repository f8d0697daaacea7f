//! The HTTP side: routes, the per-request context middleware, and the few form handlers that
//! are not server functions (they set cookies and need a full page load).

pub mod assets;
mod auth;
mod body_limit;
mod bulk_invitations;
pub use body_limit::FORM_LIMIT;
pub mod client_ip;
mod context;
mod domain_paths;
mod form_input;
pub mod invitation_qr;
mod lang;
mod page_cache;
pub mod security_headers;

use crate::{portal::PortalService, state::AppState};
use app::{backend::SharedPortal, context::RequestContext, shell, App, StylesheetHref};
use axum::{
    middleware,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::{Arc, LazyLock};
use tower_http::compression::CompressionLayer;

pub const SESSION_COOKIE: &str = "domaine_session";
pub const CSRF_COOKIE: &str = "domaine_csrf";
pub const LANG_COOKIE: &str = "domaine_lang";
/// A login waiting for its second factor (`auth::two_factor`): never a session.
pub const CHALLENGE_COOKIE: &str = "domaine_login_challenge";

/// The app's routes, worked out once per process. `generate_route_list` renders the app with
/// resource loading suppressed by a process-wide flag (leptos_server's `SuppressResourceLoad`):
/// a resource that first polls meanwhile, in a page another router of the process is serving
/// (several portals in one process, as in the tests), waits forever (leptos#4773).
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

pub fn router(state: AppState) -> Router {
    let portal: SharedPortal = Arc::new(PortalService(state.clone()));
    let pkg_dir = std::path::Path::new(&*state.leptos.site_root).join(&*state.leptos.site_pkg_dir);
    let stylesheet = StylesheetHref(format!(
        "/{}/{}",
        state.leptos.site_pkg_dir,
        assets::AssetNames::read(&pkg_dir).stylesheet
    ));
    // Server functions and pages read the request context the middleware stored in the request.
    let leptos_context = move || {
        if let Some(parts) = use_context::<axum::http::request::Parts>() {
            if let Some(ctx) = parts.extensions.get::<RequestContext>() {
                provide_context(ctx.clone());
            }
            // Names the field of a form the decoding refuses (`form_input`).
            if let Some(form) = parts.extensions.get::<app::form_input::SubmittedForm>() {
                provide_context(form.clone());
            }
            // The scripts Leptos writes carry the nonce the Content-Security-Policy names.
            if let Some(nonce) = parts.extensions.get::<security_headers::CspNonce>() {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
            }
        }
        provide_context(portal.clone());
        provide_context(stylesheet.clone());
    };
    let shell_options = state.leptos.clone();
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/login/code", post(auth::login_code))
        .route("/auth/logout", post(auth::logout))
        .route("/lang/{code}", get(lang::switch))
        .route("/health", get(health))
        // The CA's HTTP-01 validation, for every hosted domain (see `acme`).
        .route(
            "/.well-known/acme-challenge/{token}",
            get(crate::acme::challenges::answer),
        )
        .route("/invite/{token}/qr.svg", get(invitation_qr::qr_code))
        .route(
            "/domains/{name}/invites/bulk",
            post(bulk_invitations::submit),
        )
        .leptos_routes_with_context(&state, ROUTES.clone(), leptos_context.clone(), move || {
            shell(shell_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(leptos_context, shell))
        .layer(middleware::from_fn(run_to_completion))
        .layer(middleware::from_fn(domain_paths::ascii_domain_paths))
        .layer(middleware::from_fn(form_input::read_form))
        .layer(middleware::from_fn(body_limit::limit_body))
        .layer(middleware::from_fn_with_state(
            page_cache::PageCache::default(),
            page_cache::cached_pages,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            context::request_context,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_ip::client_addr,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers::security_headers,
        ))
        .layer(CompressionLayer::new())
        // After the layers: files get neither the request context nor its cookie, and come
        // compressed at build time.
        .nest_service("/pkg", assets::service(&pkg_dir))
        // Outermost: it sees the route template (files included) and times the rest.
        .layer(middleware::from_fn(crate::metrics::track_http))
        .with_state(state)
}

/// A client that goes away (a closed tab, a proxy's timeout) makes hyper drop its response
/// future. Cut off there, a page render disposes its reactive owner while the tasks it spawned
/// (resources, server actions) still run, and they panic reading its values. So each request
/// runs in a task of its own, which outlives the client: every render finishes as if someone
/// read it (pages render in full before sending anyway, `SsrMode::Async`).
async fn run_to_completion(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}

/// Liveness for scripts and load balancers: the database answers and the XMPP link is up.
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, String) {
    let db_ok = sqlx::query("SELECT 1")
        .execute(&state.db.pool)
        .await
        .is_ok();
    let xmpp_ok = state.xmpp.is_connected();
    let status = if db_ok && xmpp_ok {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        format!("database: {}\nxmpp: {}\n", ok(db_ok), ok(xmpp_ok)),
    )
}

fn ok(up: bool) -> &'static str {
    if up {
        "ok"
    } else {
        "down"
    }
}
