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
    let xmpp = admin_client(&config);
    let cookie_key = Key::from(&config.secret_key_bytes().expect("checked when loading"));
    let leptos = LeptosOptions::builder()
        // The content-hashed bundle that scripts/build.sh names in its manifest.
        .output_name(crate::web::assets::AssetNames::read(&config.site_root.join("pkg")).bundle)
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build();
    AppState {
        clock: db.clock.clone(),
        config: Arc::new(config),
        db,
        xmpp,
        cookie_key,
        leptos,
        reconcile: Arc::new(tokio::sync::Notify::new()),
        mail: Arc::new(tokio::sync::Notify::new()),
        tasks: Arc::new(tokio::sync::Notify::new()),
        invitation_lookups: Arc::default(),
        host_counts: Arc::default(),
    }
}

/// The service account's XMPP connection (it connects, and reconnects, in the background).
pub fn admin_client(config: &Config) -> AdminClient {
    let transport = config.xmpp.transport().expect("checked when loading");
    AdminClient::start_with(
        XmppConfig {
            server_addr: config.xmpp.server,
            jid: config.xmpp.jid.clone(),
            password: config.xmpp.password.clone(),
            request_timeout: config.xmpp_timeout(),
        },
        transport,
    )
}

/// Serves the portal on `listener` until `shutdown` resolves, with its background jobs.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Kept until the portal stops: `domaine restore` refuses while it is held.
    let _running = crate::backup::hold_while_running(&state.config.database_url)?;
    let checks = tokio::spawn(crate::check::log_at_start(state.clone()));
    let purge = tokio::spawn(purge_sessions_periodically(state.db.clone()));
    // One worker per lane of the job queue (`jobs::Lane`).
    let reconcile = tokio::spawn(crate::reconcile::worker(state.clone()));
    let mail = tokio::spawn(crate::mail::outbox::worker(
        state.db.clone(),
        state.config.smtp.clone(),
        state.mail.clone(),
    ));
    let health = tokio::spawn(crate::health::worker(state.clone()));
    let tasks = tokio::spawn(crate::tasks::worker(state.clone()));
    let acme = state
        .config
        .acme
        .is_some()
        .then(|| tokio::spawn(crate::acme::run(state.clone())));
    // Bound before serving, so that a taken address stops the start.
    let metrics = match state.config.metrics.listen {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            tracing::info!("metrics on http://{addr}/metrics");
            Some(tokio::spawn(crate::metrics::serve(
                listener,
                state.db.clone(),
                state.xmpp.clone(),
            )))
        }
        None => None,
    };
    without_nagle(&listener)?;
    let app = web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    checks.abort();
    purge.abort();
    reconcile.abort();
    mail.abort();
    health.abort();
    tasks.abort();
    if let Some(acme) = acme {
        acme.abort();
    }
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    result
}

/// `axum::serve` leaves Nagle's algorithm on: a response written as headers then a body (a
/// file, a streamed page) waits for the client's delayed ACK, 40 ms on Linux, before its second
/// segment leaves (BENCHMARKS.md: the style sheet's p50 was 43 ms whatever the load). Set on
/// the listening socket, whose accepted sockets inherit it, so that `ConnectInfo` still sees a
/// plain `TcpListener`.
pub fn without_nagle(listener: &tokio::net::TcpListener) -> std::io::Result<()> {
    socket2::SockRef::from(listener).set_tcp_nodelay(true)
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

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn accepted_connections_inherit_no_nagle_from_the_listener() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let plain = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (before, _) = listener.accept().await.unwrap();
        assert!(!before.nodelay().unwrap(), "Nagle is on by default");
        super::without_nagle(&listener).unwrap();
        let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        assert!(accepted.nodelay().unwrap());
        drop(plain);
    }
}
