//! `/metrics` on its own address: what a Prometheus scrape finds after real traffic, and that
//! the public listener does not serve it.

use domaine_tests::{
    portal::TestPortal, process::free_port, prosody::Prosody, smtp::SmtpServer, wait,
};
use server::metrics::{
    HTTP_DURATION, HTTP_REQUESTS, JOBS, MAIL_FAILURES, MAIL_OUTBOX, XMPP_COMMAND_DURATION,
    XMPP_CONNECTED, XMPP_RECONNECTS,
};
use std::{collections::BTreeMap, time::Duration};

const DOMAIN: &str = "metrics.test";
const ADD_USER: &str = "http://jabber.org/protocol/admin#add-user";

/// One line of the Prometheus text format: name, labels, value.
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("`series value`");
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            // The values here (routes, nodes, kinds) hold no `",`.
            let labels = labels
                .split("\",")
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once("=\"").expect("key=\"value\"");
                    (key.to_string(), value.trim_end_matches('"').to_string())
                })
                .collect();
            Sample {
                name: name.to_string(),
                labels,
                value: value.parse().expect("a number"),
            }
        })
        .collect()
}

/// The sum of the samples of `name` that have all of `labels`; `None` if there is none.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let matching: Vec<f64> = samples
        .iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
        .collect();
    (!matching.is_empty()).then(|| matching.iter().sum())
}

async fn scrape(addr: &str) -> Vec<Sample> {
    let res = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    parse(&res.text().await.unwrap())
}

// One backend: the metrics read the job queue through the same SQL on both.
#[tokio::test(flavor = "multi_thread")]
async fn a_scrape_counts_requests_commands_reconnects_and_queues() {
    let mut prosody = Prosody::start(&[DOMAIN]);
    let mut smtp = SmtpServer::start();
    let metrics_addr = format!("127.0.0.1:{}", free_port());
    let portal = TestPortal::start_configured(
        &prosody,
        &domaine_tests::database::Backend::Sqlite,
        &smtp,
        &format!("[metrics]\nlisten = \"{metrics_addr}\"\n"),
    )
    .await;

    // Traffic: pages (one with a path parameter), a 404, a login, an XMPP command.
    let web = portal
        .admin_web("admin", "correct horse battery", "en")
        .await;
    for _ in 0..3 {
        assert_eq!(web.get("/login").await.status, reqwest::StatusCode::OK);
    }
    let accounts = format!("/domains/{DOMAIN}/accounts");
    assert_eq!(web.get(&accounts).await.status, reqwest::StatusCode::OK);
    assert_eq!(
        web.get("/no/such/page").await.status,
        reqwest::StatusCode::NOT_FOUND
    );
    web.server_fn_on(
        &accounts,
        "create_account",
        &[
            ("domain", DOMAIN),
            ("username", "counted"),
            ("password", "long enough pw"),
        ],
    )
    .await
    .expect("the account is created");

    // A mail the mail server cannot take: a failure, and one mail waiting.
    smtp.stop();
    let mail = server::mail::Email {
        to: "someone@example.test".into(),
        subject: "queued".into(),
        text: "text".into(),
        html: "<p>html</p>".into(),
    };
    server::mail::outbox::send(&portal.state.db, &portal.state.mail, &mail)
        .await
        .unwrap();

    // The XMPP link drops and comes back.
    prosody.stop();
    assert!(
        wait::eventually(Duration::from_secs(10), || async {
            !portal.state.xmpp.is_connected()
        })
        .await
    );
    prosody.start_again();
    portal
        .state
        .xmpp
        .wait_connected(Duration::from_secs(20))
        .await
        .expect("the portal reconnects");

    let samples = wait::until_some(
        "a mail failure counted",
        Duration::from_secs(20),
        || async {
            let samples = scrape(&metrics_addr).await;
            value(&samples, MAIL_FAILURES, &[("permanent", "false")])
                .is_some_and(|n| n >= 1.0)
                .then_some(samples)
        },
    )
    .await;

    // Requests by route template and status; the raw path never becomes a label. (The
    // recorder is the process's: other tests' portals count too, hence the lower bounds.)
    let login = [("method", "GET"), ("route", "/login"), ("status", "200")];
    assert!(value(&samples, HTTP_REQUESTS, &login).unwrap() >= 3.0);
    let template = [("route", "/domains/{name}/accounts"), ("status", "200")];
    assert!(value(&samples, HTTP_REQUESTS, &template).unwrap() >= 1.0);
    assert!(
        samples
            .iter()
            .all(|s| s.labels.get("route").is_none_or(|r| !r.contains(DOMAIN))),
        "no raw path as a label"
    );
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert!(value(&samples, HTTP_REQUESTS, &unmatched).unwrap() >= 1.0);
    let server_fn = [("method", "POST"), ("route", "/api/create_account")];
    assert!(value(&samples, HTTP_REQUESTS, &server_fn).unwrap() >= 1.0);

    // Latency histograms: as many observations as requests, in buckets.
    let login_timing = [("method", "GET"), ("route", "/login")];
    let count = value(&samples, &format!("{HTTP_DURATION}_count"), &login_timing).unwrap();
    assert!(count >= 3.0, "{count}");
    let all = [("method", "GET"), ("route", "/login"), ("le", "+Inf")];
    assert_eq!(
        value(&samples, &format!("{HTTP_DURATION}_bucket"), &all),
        Some(count),
        "every request falls in the +Inf bucket"
    );
    let sum = value(&samples, &format!("{HTTP_DURATION}_sum"), &login_timing).unwrap();
    assert!(sum > 0.0 && sum < count * 10.0, "{sum} s for {count} pages");

    // XMPP: the command's round trip by node, and the reconnect.
    let add_user = [("node", ADD_USER), ("outcome", "ok")];
    let commands = value(
        &samples,
        &format!("{XMPP_COMMAND_DURATION}_count"),
        &add_user,
    );
    assert!(commands.unwrap() >= 1.0);
    assert!(value(&samples, XMPP_RECONNECTS, &[]).unwrap() >= 1.0);
    assert_eq!(value(&samples, XMPP_CONNECTED, &[]), Some(1.0));

    // Queues from this portal's database: the one mail waits (queued, or being retried),
    // every other kind has nothing open, and each series is there at 0.
    assert_eq!(value(&samples, MAIL_OUTBOX, &[]), Some(1.0));
    let mail_open = value(&samples, JOBS, &[("kind", "mail"), ("state", "queued")]).unwrap()
        + value(&samples, JOBS, &[("kind", "mail"), ("state", "running")]).unwrap();
    assert_eq!(mail_open, 1.0);
    assert_eq!(
        value(&samples, JOBS, &[("kind", "quota"), ("state", "failed")]),
        Some(0.0)
    );

    // The public listener has no /metrics.
    let public = reqwest::get(portal.url("/metrics")).await.unwrap();
    assert_eq!(public.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(!public.text().await.unwrap().contains(HTTP_REQUESTS));
}
