//! Automatic certificates against a real ACME CA (Debian's pebble), validating HTTP-01 for real
//! against the portal: a domain the provider adds, or a hosting request they approve (its host
//! brought up at run time), gets a certificate that Prosody then presents
//! (checked by a STARTTLS handshake trusting pebble's root), renewed when the portal's clock
//! reaches `renew_before_days` before expiry and not before; with Prosody down the certificate
//! waits as a pending change and lands once it is back; the private key is neither in the
//! database nor in the logs. And mod_domaine's install command refuses bad input.

use app::{
    audit::{AuditAction, Outcome},
    health::{CheckKind, CheckStatus, HealthLine},
};
use domaine_tests::{
    database::Backend,
    dns::{DnsServer, TestZone},
    pebble::Pebble,
    per_backend,
    portal::{Overrides, TestPortal},
    prosody::Prosody,
    smtp::SmtpServer,
    starttls::{fingerprint, presented_certificate},
    tls::TestCa,
    wait,
};
use server::{
    acme,
    hosting_requests::{self, NewRequest},
    xmpp::XmppError,
};
use std::{
    io::Write,
    net::{IpAddr, Ipv4Addr},
    os::unix::fs::PermissionsExt,
    sync::{Mutex, Once},
    time::Duration,
};
use xmpp_parsers::jid::DomainPart;

/// The provider's own host (the portal's service account lives there).
const PROVIDER: &str = "provider-acme.test";
/// The hosted domain: its DNS points at the portal (127.0.0.1), Prosody serves it with TLS.
const DOMAIN: &str = "certified-acme.test";
/// A hosted domain without DNS records: the CA cannot validate it.
const UNREACHABLE: &str = "unreachable-acme.test";
/// How long an order may take, from queued to installed.
const ISSUANCE: Duration = Duration::from_secs(90);
const DAY: i64 = 86_400;

/// The servers of one test: DNS, Prosody, the portal with `[acme]`, and pebble.
struct Setup {
    dns: DnsServer,
    prosody: Prosody,
    portal: TestPortal,
    pebble: Pebble,
    /// pebble's root, which signs what it issues.
    root: String,
}

/// A Prosody serving [`DOMAIN`] with mod_tls (and no certificate yet), and a portal managing
/// `managed` that gets its certificates from pebble.
async fn setup(backend: &Backend, managed: &[&str]) -> Setup {
    let prosody = Prosody::start_configured(
        &[PROVIDER, DOMAIN],
        &[(DOMAIN, "modules_enabled = { \"tls\" }")],
    );
    setup_on(prosody, backend, managed, None).await
}

/// What a portal whose health checks run needs besides: where its mails go, who is alerted,
/// and its `[xmpp] ca_file` (the XMPP link is plain on loopback; the health checks trust that
/// file), which gets pebble's root once pebble is up.
struct Watched<'a> {
    smtp: &'a SmtpServer,
    notify: &'a str,
    trust: &'a std::path::Path,
}

/// The servers of a test on `prosody`, with the health checks and alerts of `watched` (asking
/// the test's DNS) if any.
async fn setup_on(
    prosody: Prosody,
    backend: &Backend,
    managed: &[&str],
    watched: Option<Watched<'_>>,
) -> Setup {
    capture_logs();
    let dns = DnsServer::start(&zone());
    let mut pebble = Pebble::new();
    let mut overrides = Overrides {
        extra: pebble.portal_config(30),
        ..Overrides::default()
    };
    if let Some(w) = &watched {
        overrides.xmpp = format!("ca_file = \"{}\"\n", w.trust.display());
        overrides.extra += &format!(
            "[hosting]\nnotify_emails = [\"{}\"]\n[hosting.dns]\nserver_host = \"{DOMAIN}\"\n\
             server_addresses = [\"127.0.0.1\"]\nresolver = \"{}\"\n",
            w.notify,
            dns.addr()
        );
    }
    let portal = TestPortal::start_managing_overriding(
        &prosody,
        backend,
        managed,
        watched.as_ref().map(|w| w.smtp),
        overrides,
    )
    .await;
    pebble.start(portal.addr.port(), dns.addr());
    let root = pebble.root_pem().await;
    if let Some(w) = &watched {
        std::fs::write(w.trust, &root).unwrap();
    }
    Setup {
        dns,
        prosody,
        portal,
        pebble,
        root,
    }
}

/// [`DOMAIN`]'s records: its address is the portal's (pebble validates there), and with
/// `tlsa` a `3 0 1` record (SHA-256 of the whole certificate) where clients connect.
fn zone_with(tlsa: Option<&str>) -> TestZone {
    let zone = TestZone::new().address(DOMAIN, IpAddr::V4(Ipv4Addr::LOCALHOST));
    match tlsa {
        Some(hash) => zone.tlsa(&format!("_5222._tcp.{DOMAIN}"), 3, 0, 1, hash),
        None => zone,
    }
}

fn zone() -> TestZone {
    zone_with(None)
}

impl Setup {
    /// Calls `function` of the provider console as a provider admin (a new one: once a test).
    async fn on_console(&self, function: &str, fields: &[(&str, &str)]) {
        let admin = self
            .portal
            .admin_web("admin", "admin-password-1", "en")
            .await;
        admin
            .server_fn_on("/admin", function, fields)
            .await
            .unwrap_or_else(|e| panic!("{function}: {e:?}"));
    }

    /// A provider admin adds [`DOMAIN`] on the console, which queues its certificate.
    async fn provider_adds_domain(&self) {
        self.on_console(
            "add_domain",
            &[("name", DOMAIN), ("quota", ""), ("owner", "")],
        )
        .await;
    }

    async fn status(&self) -> Option<acme::CertificateStatus> {
        acme::status(&self.portal.state.db, DOMAIN).await.unwrap()
    }

    /// Waits until a certificate other than `previous` is installed and its job is done; its
    /// status.
    async fn installed(&self, previous: &str) -> acme::CertificateStatus {
        let found = wait::eventually(ISSUANCE, || async {
            self.status().await.is_some_and(|s| {
                !s.fingerprint.is_empty() && s.fingerprint != previous && !s.pending
            })
        })
        .await;
        assert!(
            found,
            "{}: no certificate installed: {:?}\n--- pebble\n{}\n--- prosody\n{}",
            self.portal.backend.name(),
            self.status().await,
            self.pebble.log(),
            self.prosody.log_tail()
        );
        self.status().await.unwrap()
    }

    /// The fingerprint of what Prosody presents for [`DOMAIN`], verified against pebble's root.
    async fn presented(&self) -> String {
        let der = presented_certificate(self.prosody.c2s_addr(), DOMAIN, &self.root)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", self.prosody.log_tail()));
        fingerprint(&der)
    }

    /// The health page's last `kind` line about [`DOMAIN`] itself.
    async fn line(&self, kind: CheckKind) -> HealthLine {
        server::health::lines(&self.portal.state.db, DOMAIN)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.kind == kind && l.name.contains(DOMAIN))
            .unwrap_or_else(|| panic!("no {kind:?} line"))
    }

    async fn audit(&self, action: AuditAction, outcome: Outcome) -> usize {
        server::audit::list(&self.portal.state.db, Some(DOMAIN), None, 500)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == action && e.outcome == outcome)
            .count()
    }
}

per_backend!(a_domain_the_provider_adds_gets_a_certificate_that_prosody_presents);
async fn a_domain_the_provider_adds_gets_a_certificate_that_prosody_presents(backend: Backend) {
    let setup = setup(&backend, &[PROVIDER]).await;
    let portal = &setup.portal;
    assert_eq!(setup.status().await, None);
    setup.provider_adds_domain().await;

    let status = setup.installed("").await;
    assert!(status.last_error.is_empty(), "{status:?}");
    let not_after = status.not_after.expect("an expiry");
    assert!(
        not_after > portal.state.clock.now() + 30 * DAY,
        "{status:?}"
    );
    // Prosody serves it now, without a restart, chained to pebble's root.
    assert_eq!(setup.presented().await, status.fingerprint);
    // The CA fetched the challenge from the portal; it is gone once the order is over.
    let (challenges,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM acme_challenges")
        .fetch_one(&portal.state.db.pool)
        .await
        .unwrap();
    assert_eq!(challenges, 0);
    assert_eq!(
        setup
            .audit(AuditAction::IssueCertificate, Outcome::Done)
            .await,
        1
    );
    assert_eq!(
        setup
            .audit(AuditAction::InstallCertificate, Outcome::Done)
            .await,
        1
    );

    // The key is on Prosody's side only, readable by Prosody alone.
    let key_file = setup
        .prosody
        .certificates_dir()
        .join(format!("{DOMAIN}.key"));
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{key_file:?} is private");
    let key = std::fs::read_to_string(&key_file).unwrap();
    let key_lines: Vec<&str> = key
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 16)
        .collect();
    assert!(!key_lines.is_empty(), "{key}");
    let stored = everything_stored(portal).await;
    assert!(
        stored.contains(&status.fingerprint),
        "the dump reads the tables"
    );
    for line in &key_lines {
        assert!(!stored.contains(line), "the key is in the database");
    }
    assert!(!stored.contains("PRIVATE KEY"));
    let logs = captured_logs();
    assert!(
        logs.contains("certificate installed"),
        "the capture sees the portal's log: {logs}"
    );
    for text in [&setup.prosody.log(), &logs] {
        assert!(!text.contains("PRIVATE KEY"));
        for line in &key_lines {
            assert!(!text.contains(line), "the key is in a log");
        }
    }
}

per_backend!(an_approved_domain_gets_a_certificate_and_is_healthy_until_a_wrong_tlsa_alerts);
/// The whole path: the provider approves a hosting request for a domain whose DNS points at the
/// portal, which brings its host up on Prosody at run time (it is in no configuration file;
/// `tls` is among the global modules, as the deploy guide says); the certificate comes from
/// pebble by itself and Prosody presents it; the requester hears their domain is ready; the
/// health checks see it (✓ for the certificate, the automatic certificate and a matching TLSA
/// record); then a TLSA record with the wrong hash turns that line ✗ and sends one alert
/// e-mail, once.
async fn an_approved_domain_gets_a_certificate_and_is_healthy_until_a_wrong_tlsa_alerts(
    backend: Backend,
) {
    const OPS: &str = "ops@provider-acme.test";
    const REQUESTER: &str = "marie@example.net";
    let watch = Watch::new();
    let smtp = &watch.smtp;
    let prosody = Prosody::start_with_modules(&[PROVIDER], &["tls"], &[]);
    let mut setup = setup_on(prosody, &backend, &[PROVIDER], Some(watch.watched(OPS))).await;
    let state = setup.portal.state.clone();
    // Filed and confirmed by its requester (hosting_flow tests that part through the form).
    let now = state.clock.now();
    let id = hosting_requests::insert(
        &state.db,
        NewRequest {
            domain: DOMAIN,
            name: "Marie Curie",
            email: REQUESTER,
            xmpp: None,
            member: false,
            message: "",
            locale: "fr",
            ip: "127.0.0.1",
            token: "confirmation-token",
            now,
        },
    )
    .await
    .unwrap();
    assert!(hosting_requests::confirm(&state.db, id, now).await.unwrap());
    assert_eq!(
        setup.status().await,
        None,
        "nothing is ordered before approval"
    );
    setup
        .on_console(
            "approve_hosting_request",
            &[("id", &id.to_string()), ("quota", "")],
        )
        .await;
    let installed = setup.installed("").await;
    assert_eq!(setup.presented().await, installed.fingerprint);
    let approved = smtp.wait_for_mail(REQUESTER, Duration::from_secs(30)).await;
    assert!(approved.subject.contains("hébergé"), "{}", approved.subject);

    // Clients connect to the domain itself (no SRV records), so its TLSA record is there.
    setup
        .dns
        .replace_zone(&zone_with(Some(&installed.fingerprint)));
    server::health::run(&state, DOMAIN).await.unwrap();
    for kind in [
        CheckKind::Certificate,
        CheckKind::AutoCertificate,
        CheckKind::Tlsa,
    ] {
        let line = setup.line(kind).await;
        assert_eq!(line.status, CheckStatus::Ok, "{line:?}");
    }
    let days = setup.line(CheckKind::Certificate).await.days_left.unwrap();
    assert!(days > 30, "pebble's certificate has {days} days left");
    assert!(
        smtp.mails_to(OPS).is_empty(),
        "nothing fails, nobody is alerted"
    );

    // A wrong hash: DANE clients would refuse the server.
    let wrong = "00".repeat(31) + "ff";
    setup.dns.replace_zone(&zone_with(Some(&wrong)));
    server::health::run(&state, DOMAIN).await.unwrap();
    let tlsa = setup.line(CheckKind::Tlsa).await;
    assert_eq!(tlsa.status, CheckStatus::Failing, "{tlsa:?}");
    assert_eq!(
        setup.line(CheckKind::Certificate).await.status,
        CheckStatus::Ok,
        "the certificate itself is still right"
    );
    let alert = smtp.wait_for_mail(OPS, Duration::from_secs(30)).await;
    assert!(alert.subject.contains("DANE (TLSA)"), "{}", alert.subject);
    assert!(
        alert.text.contains(&wrong),
        "the mail says what was found: {}",
        alert.text
    );
    // Checked again, still wrong: no second mail.
    server::health::run(&state, DOMAIN).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(smtp.mails_to(OPS).len(), 1, "one alert, not one per check");
}

/// Where the tests' health checks and alerts go, and the file of their `[xmpp] ca_file`.
struct Watch {
    smtp: SmtpServer,
    _dir: tempfile::TempDir,
    trust: std::path::PathBuf,
}

impl Watch {
    fn new() -> Watch {
        let dir = tempfile::tempdir().unwrap();
        let trust = dir.path().join("pebble-root.pem");
        std::fs::write(&trust, "").unwrap();
        Watch {
            smtp: SmtpServer::start(),
            _dir: dir,
            trust,
        }
    }

    fn watched<'a>(&'a self, notify: &'a str) -> Watched<'a> {
        Watched {
            smtp: &self.smtp,
            notify,
            trust: &self.trust,
        }
    }
}

per_backend!(a_certificate_is_renewed_renew_before_days_before_it_expires);
async fn a_certificate_is_renewed_renew_before_days_before_it_expires(backend: Backend) {
    let setup = setup(&backend, &[PROVIDER]).await;
    let state = &setup.portal.state;
    // Recorded after the portal's start (whose check would have queued it at once): the
    // hourly check finds a domain without a certificate.
    server::domains::add(&state.db, DOMAIN).await.unwrap();
    assert_eq!(acme::queue_renewals(state).await.unwrap(), [DOMAIN]);
    let first = setup.installed("").await;
    assert_eq!(setup.presented().await, first.fingerprint);
    let not_after = first.not_after.unwrap();

    // Up to renew_before_days (30) before expiry, nothing to do.
    assert!(acme::queue_renewals(state).await.unwrap().is_empty());
    state
        .clock
        .advance(not_after - 30 * DAY - 60 - state.clock.now());
    assert!(acme::queue_renewals(state).await.unwrap().is_empty());
    assert_eq!(setup.status().await.unwrap().fingerprint, first.fingerprint);

    // Past it, a new certificate, which Prosody presents at once.
    state.clock.advance(120);
    assert_eq!(acme::queue_renewals(state).await.unwrap(), [DOMAIN]);
    // Queued once: the open job is not queued again.
    assert!(acme::queue_renewals(state).await.unwrap().is_empty());
    let second = setup.installed(&first.fingerprint).await;
    assert!(second.not_after.unwrap() >= not_after, "{second:?}");
    assert_eq!(setup.presented().await, second.fingerprint);
    assert_eq!(
        setup
            .audit(AuditAction::InstallCertificate, Outcome::Done)
            .await,
        2
    );
}

per_backend!(with_prosody_down_the_certificate_waits_and_lands_when_it_is_back);
async fn with_prosody_down_the_certificate_waits_and_lands_when_it_is_back(backend: Backend) {
    let mut setup = setup(&backend, &[PROVIDER]).await;
    setup.prosody.stop();
    let state = setup.portal.state.clone();
    assert!(
        wait::eventually(Duration::from_secs(10), || async {
            !state.xmpp.is_connected()
        })
        .await
    );
    server::domains::add(&state.db, DOMAIN).await.unwrap();
    assert_eq!(acme::queue_renewals(&state).await.unwrap(), [DOMAIN]);
    // Past a few ticks of the worker: still waiting, no attempt spent, shown as pending.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let waiting = setup.status().await.expect("a status while pending");
    assert!(waiting.pending, "{waiting:?}");
    assert_eq!(waiting.not_after, None);
    let changes = server::domains::pending(&state.db, DOMAIN).await.unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].kind, app::domains::ChangeKind::Certificate);
    assert_eq!(changes[0].attempts, 0);

    setup.prosody.start_again();
    let installed = setup.installed("").await;
    assert_eq!(setup.presented().await, installed.fingerprint);
    assert!(server::domains::pending(&state.db, DOMAIN)
        .await
        .unwrap()
        .is_empty());
}

per_backend!(a_domain_the_ca_cannot_reach_fails_visibly_and_backs_off);
async fn a_domain_the_ca_cannot_reach_fails_visibly_and_backs_off(backend: Backend) {
    let setup = setup(&backend, &[PROVIDER]).await;
    let state = &setup.portal.state;
    server::domains::add(&state.db, UNREACHABLE).await.unwrap();
    assert_eq!(acme::queue_renewals(state).await.unwrap(), [UNREACHABLE]);
    let status = || async { acme::status(&state.db, UNREACHABLE).await.unwrap() };
    assert!(
        wait::eventually(ISSUANCE, || async {
            status().await.is_some_and(|s| !s.last_error.is_empty())
        })
        .await,
        "no failure recorded: {:?}\n{}",
        status().await,
        setup.pebble.log()
    );
    let failed = status().await.unwrap();
    assert_eq!(failed.not_after, None);
    assert!(failed.fingerprint.is_empty());
    // Still on its way: it backs off a minute, then more, and never gives up.
    assert!(failed.pending, "{failed:?}");
    let job = server::jobs::find(&state.db, server::jobs::Kind::Certificate, UNREACHABLE, "")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.attempts, 1);
    assert_eq!(job.state, server::jobs::State::Queued);
    assert!(job.next_attempt_at >= state.clock.now() + 50, "{job:?}");
    assert_eq!(job.last_error, failed.last_error);
    let entries = server::audit::list(&state.db, Some(UNREACHABLE), None, 50)
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == AuditAction::IssueCertificate && e.outcome == Outcome::Failed),
        "{entries:?}"
    );
    // The hourly check leaves it to its backoff.
    assert!(acme::queue_renewals(state).await.unwrap().is_empty());
}

per_backend!(every_instance_answers_a_challenge_whatever_the_host);
async fn every_instance_answers_a_challenge_whatever_the_host(backend: Backend) {
    let prosody = Prosody::start(&[PROVIDER]);
    let first = TestPortal::start(&prosody, &backend).await;
    let second = first.second_instance(&prosody).await;
    acme::challenges::put(&first.state.db, "tok-en_1", DOMAIN, "tok-en_1.thumbprint")
        .await
        .unwrap();
    let client = reqwest::Client::new();
    for host in [DOMAIN, "anything.test"] {
        let res = client
            .get(second.url("/.well-known/acme-challenge/tok-en_1"))
            .header("Host", host)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{host}");
        assert_eq!(res.text().await.unwrap(), "tok-en_1.thumbprint");
    }
    let unknown = client
        .get(second.url("/.well-known/acme-challenge/other"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    acme::challenges::clear(&first.state.db, DOMAIN)
        .await
        .unwrap();
    let cleared = client
        .get(first.url("/.well-known/acme-challenge/tok-en_1"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_install_command_refuses_what_prosody_could_not_serve() {
    let (prosody, client) = Prosody::start_with_admin_client(&[PROVIDER, DOMAIN]).await;
    let host = DomainPart::new(DOMAIN).unwrap();
    let ca = TestCa::new();
    let good = ca.issue("good", &[DOMAIN]);
    let other = ca.issue("other", &["elsewhere.test"]);
    let read = |path: &std::path::Path| std::fs::read_to_string(path).unwrap();
    let (cert, key) = (read(&good.cert), read(&good.key));
    let install = |cert: String, key: String| {
        let (client, host) = (&client, &host);
        async move { client.install_certificate(host, &cert, &key).await }
    };
    let refused = [
        (
            install("not a certificate".into(), key.clone()).await,
            "garbage",
        ),
        (
            install(read(&other.cert), read(&other.key)).await,
            "another name",
        ),
    ];
    for (result, what) in refused {
        assert!(
            matches!(result, Err(XmppError::InvalidCertificate(_))),
            "{what}: {result:?}"
        );
    }
    let refused_keys = [
        (install(cert.clone(), "not a key".into()).await, "garbage"),
        (
            install(cert.clone(), read(&other.key)).await,
            "not the pair",
        ),
    ];
    for (result, what) in refused_keys {
        assert!(
            matches!(result, Err(XmppError::InvalidKey(_))),
            "{what}: {result:?}"
        );
    }
    let dir = prosody.certificates_dir();
    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_none(),
        "nothing refused was left in {dir:?}"
    );

    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let unwritable = install(cert.clone(), key.clone()).await;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(unwritable, Err(XmppError::CertificateWriteFailed));

    install(cert.clone(), key.clone()).await.unwrap();
    for name in [format!("{DOMAIN}.crt"), format!("{DOMAIN}.key")] {
        let mode = std::fs::metadata(dir.join(&name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{name} is private");
    }
    assert!(!prosody.log().contains("PRIVATE KEY"));
}

/// The text of every table the certificate flow writes, for looking for the key.
async fn everything_stored(portal: &TestPortal) -> String {
    let pool = &portal.state.db.pool;
    let mut text = String::new();
    for query in [
        "SELECT sealed_credentials FROM acme_accounts",
        "SELECT key_authorization FROM acme_challenges",
        "SELECT fingerprint || ' ' || last_error FROM certificates",
        "SELECT detail || ' ' || target FROM audit_log",
        "SELECT payload || ' ' || last_error FROM jobs",
    ] {
        let rows: Vec<(String,)> = sqlx::query_as(query).fetch_all(pool).await.unwrap();
        for (row,) in rows {
            text.push_str(&row);
            text.push('\n');
        }
    }
    text
}

/// The lines of the portal's log (at debug) that mention [`DOMAIN`] or a private key, from
/// every test of this binary.
static LOGS: Mutex<String> = Mutex::new(String::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let line = String::from_utf8_lossy(buf);
        if line.contains(DOMAIN) || line.contains("PRIVATE") {
            LOGS.lock().unwrap().push_str(&line);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends the portal's log at debug to [`LOGS`] (once for the process: the in-process portal
/// logs through the global subscriber).
fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with_ansi(false)
            .with_writer(|| Capture)
            .try_init();
    });
}

fn captured_logs() -> String {
    LOGS.lock().unwrap().clone()
}
