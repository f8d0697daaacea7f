//! Assembling the running portal from its configuration; shared by `domaine serve` and the tests.

use crate::{
    config::Config,
    db::Db,
    state::AppState,
    web,
    xmpp::{AdminClient, XmppConfig},
};
use axum_extra::extract::cookie::Key;
use leptos::config::LeptosOptions;
use std::{future::Future, sync::Arc, time::Duration};

/// Starts the XMPP administration client and gathers what the handlers share.
pub fn build_state(config: Config, db: Db) -> AppState {
    let xmpp = AdminClient::start(XmppConfig {
        server_addr: config.xmpp.server,
        jid: config.xmpp.jid.clone(),
        password: config.xmpp.password.clone(),
        request_timeout: config.xmpp_timeout(),
    });
    let cookie_key = Key::from(&config.secret_key_bytes().expect("checked when loading"));
    let leptos = LeptosOptions::builder()
        // The content-hashed bundle that scripts/build.sh names in its manifest.
        .output_name(crate::web::assets::AssetNames::read(&config.site_root.join("pkg")).bundle)
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build();
    AppState {
        config: Arc::new(config),
        db,
        xmpp,
        cookie_key,
        leptos,
        clock: crate::clock::Clock::default(),
        reconcile: Arc::new(tokio::sync::Notify::new()),
        mail: Arc::new(tokio::sync::Notify::new()),
    }
}

/// Serves the portal on `listener` until `shutdown` resolves, with its background jobs.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purge = tokio::spawn(purge_sessions_periodically(state.db.clone()));
    let reconcile = tokio::spawn(crate::reconcile::worker(
        state.clone(),
        state.reconcile.clone(),
    ));
    let mail = tokio::spawn(crate::mail::outbox::worker(
        state.db.clone(),
        state.config.smtp.clone(),
        state.mail.clone(),
    ));
    let app = web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    purge.abort();
    reconcile.abort();
    mail.abort();
    result
}

async fn purge_sessions_periodically(db: Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = crate::auth::sessions::purge_expired(&db).await {
            tracing::warn!(error = %e, "could not purge expired sessions");
        }
    }
}
