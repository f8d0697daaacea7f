//! Prometheus metrics (`[metrics] listen`): recorded through the `metrics` facade wherever
//! something happens (HTTP requests, XMPP commands and reconnects, mail failures), and rendered
//! by `metrics-exporter-prometheus` on `/metrics` of a listener of its own, never the public
//! one. Queue depths are read from the database at each scrape, so every instance sharing a
//! database reports the same numbers. Without `[metrics]` no recorder is installed and
//! recording costs nothing.

use crate::{
    db::Db,
    jobs::{Kind, State},
    xmpp::AdminClient,
};
use axum::{
    extract::{MatchedPath, Request, State as Extract},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::{
    sync::OnceLock,
    time::{Duration, Instant},
};

pub const HTTP_REQUESTS: &str = "domaine_http_requests_total";
pub const HTTP_DURATION: &str = "domaine_http_request_duration_seconds";
pub const XMPP_COMMAND_DURATION: &str = "domaine_xmpp_command_duration_seconds";
pub const XMPP_RECONNECTS: &str = "domaine_xmpp_reconnects_total";
pub const XMPP_CONNECTED: &str = "domaine_xmpp_connected";
pub const JOBS: &str = "domaine_jobs";
pub const MAIL_OUTBOX: &str = "domaine_mail_outbox_depth";
pub const MAIL_FAILURES: &str = "domaine_mail_failures_total";

/// Seconds: from a fast page (a few ms) to an XMPP command at its timeout.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed the first time a portal with metrics starts (a recorder
/// is global: the tests' portals in one process share it).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .expect("buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics stays empty");
        }
        handle
    })
}

/// What a scrape needs besides the recorder.
#[derive(Clone)]
struct Scrape {
    db: Db,
    xmpp: AdminClient,
}

/// Serves `/metrics` on `listener` (and nothing else) until the task is dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: Db,
    xmpp: AdminClient,
) -> std::io::Result<()> {
    let handle = handle();
    // Histograms keep raw samples until upkeep folds them in: keep memory flat between scrapes.
    let upkeep = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            handle.run_upkeep();
        }
    });
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape { db, xmpp });
    crate::startup::without_nagle(&listener)?;
    let result = axum::serve(listener, app).await;
    upkeep.abort();
    result
}

async fn scrape(Extract(scrape): Extract<Scrape>) -> Response {
    if let Err(e) = refresh_gauges(&scrape).await {
        tracing::warn!(error = %e, "metrics: could not count the jobs");
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle().render(),
    )
        .into_response()
}

/// Sets the gauges read from the database and the XMPP link; every kind and open state gets
/// a value (0 included), so a series does not vanish when its queue empties.
async fn refresh_gauges(scrape: &Scrape) -> Result<(), sqlx::Error> {
    metrics::gauge!(XMPP_CONNECTED).set(if scrape.xmpp.is_connected() { 1.0 } else { 0.0 });
    let counts: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT kind, state, COUNT(*) FROM jobs WHERE state IN ('queued', 'running', 'failed') \
         GROUP BY kind, state",
    )
    .fetch_all(&scrape.db.pool)
    .await?;
    let count = |kind: Kind, state: State| {
        counts
            .iter()
            .find(|(k, s, _)| k == kind.as_str() && s == state.as_str())
            .map_or(0, |(_, _, n)| *n)
    };
    for kind in Kind::ALL {
        for state in [State::Queued, State::Running, State::Failed] {
            metrics::gauge!(JOBS, "kind" => kind.as_str(), "state" => state.as_str())
                .set(count(kind, state) as f64);
        }
    }
    let outbox = count(Kind::Mail, State::Queued) + count(Kind::Mail, State::Running);
    metrics::gauge!(MAIL_OUTBOX).set(outbox as f64);
    Ok(())
}

/// Middleware: counts each request by method, route template and status, and times it. The
/// label is the route as declared (`/domains/{name}/accounts`), never the raw path, so the
/// number of series stays bounded whatever is requested.
pub async fn track_http(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|path| route_label(path.as_str()))
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().as_str().to_string();
    let start = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "method" => method.clone(), "route" => route.clone(),
        "status" => status)
    .increment(1);
    metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    response
}

/// A nested service's template ends in axum's private wildcard: `/pkg/*` reads better.
fn route_label(template: &str) -> String {
    match template.find("{*") {
        Some(at) => format!("{}*", &template[..at]),
        None => template.to_string(),
    }
}

/// An ad-hoc command's whole exchange, by command node (a fixed set: the nodes the portal
/// sends) and whether it succeeded.
pub fn xmpp_command(node: &str, elapsed: Duration, ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    metrics::histogram!(XMPP_COMMAND_DURATION, "node" => node.to_string(), "outcome" => outcome)
        .record(elapsed.as_secs_f64());
}

/// The XMPP link came back after being up or after a failed attempt.
pub fn xmpp_reconnected() {
    metrics::counter!(XMPP_RECONNECTS).increment(1);
}

/// An attempt to deliver an e-mail failed (it is retried, or given up if permanent).
pub fn mail_failed(permanent: bool) {
    let permanent = if permanent { "true" } else { "false" };
    metrics::counter!(MAIL_FAILURES, "permanent" => permanent).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_wildcards_read_as_a_star() {
        assert_eq!(
            route_label("/pkg/{*__private__axum_nest_tail_param}"),
            "/pkg/*"
        );
        assert_eq!(route_label("/domains/{name}"), "/domains/{name}");
    }
}
