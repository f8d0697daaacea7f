//! A domain's health page (`/domains/NAME/health`) against real servers: dnsmasq serving the
//! domain's SRV, CAA and TLSA records, and a Prosody presenting a certificate of a CA made in
//! the test over STARTTLS, which the portal trusts through `[xmpp] ca_file`.

use app::health::CheckKind;
use domaine_tests::{
    database::Backend,
    dns::{hex, DnsServer, TestZone},
    page::{attr, marked},
    per_backend,
    portal::{Overrides, TestPortal},
    prosody::{requiring_tls, Prosody},
    smtp::SmtpServer,
    tls::{IssuedCert, TestCa},
    wait,
    web::{kind, WebClient},
};
use reqwest::StatusCode;
use server::jobs::{Kind, State};
use sha2::{Digest, Sha256};
use std::time::Duration;

const DOMAIN: &str = "health.test";
const OTHER: &str = "other.test";
/// Where the provider tells hosted domains to send clients and servers.
const PROVIDER: &str = "xmpp.provider.test";
const DIRECT_TLS_PORT: u16 = 5223;
const ACCOUNT: &str = "https://acme.provider.test/acct/42";
const PASSWORD: &str = "owner password 1";
/// Where clients connect (the SRV target on the standard port), so where TLSA records live.
const TLSA_NAME: &str = "_5222._tcp.xmpp.provider.test";
const ALL_CHECKS: [&str; 8] = [
    "client-srv",
    "server-srv",
    "direct-tls-srv",
    "caa",
    "tlsa",
    "certificate",
    "host",
    "registration",
];

struct Site {
    portal: TestPortal,
    prosody: Prosody,
    dns: DnsServer,
    cert: IssuedCert,
    owner: WebClient,
    _ca: TestCa,
    _smtp: SmtpServer,
}

/// SHA-256 of the certificate's public key (SubjectPublicKeyInfo), as `3 1 1` TLSA records
/// carry it, computed here from the key file (not with the portal's code).
fn spki_sha256(cert: &IssuedCert) -> String {
    let key = rcgen::KeyPair::from_pem(&std::fs::read_to_string(&cert.key).unwrap()).unwrap();
    hex(&Sha256::digest(
        rcgen::PublicKeyData::subject_public_key_info(&key),
    ))
}

/// The domain's records, all right: SRV for clients, servers and direct TLS to the provider,
/// CAA allowing the provider's CA and account, TLSA matching `cert` (or another hash).
fn zone(tlsa_hex: &str, with_caa: bool) -> TestZone {
    let zone = TestZone::new()
        .xmpp_srv(DOMAIN, PROVIDER, 5222, 5269)
        .srv(
            &format!("_xmpps-client._tcp.{DOMAIN}"),
            PROVIDER,
            DIRECT_TLS_PORT,
            0,
            5,
        )
        .tlsa(TLSA_NAME, 3, 1, 1, tlsa_hex);
    if with_caa {
        zone.caa(
            DOMAIN,
            0,
            "issue",
            &format!("letsencrypt.org; accounturi={ACCOUNT}"),
        )
    } else {
        zone
    }
}

impl Site {
    async fn start(backend: &Backend) -> Site {
        let ca = TestCa::new();
        let conference = format!("conference.{DOMAIN}");
        let cert = ca.issue("xmpp", &[DOMAIN, &conference, OTHER]);
        let tls = requiring_tls(&cert);
        let prosody = Prosody::start_configured(&[DOMAIN, OTHER], &[(DOMAIN, &tls), (OTHER, &tls)]);
        let dns = DnsServer::start(&zone(&spki_sha256(&cert), true));
        let smtp = SmtpServer::start();
        let overrides = Overrides {
            xmpp: format!(
                "tls = \"starttls\"\nca_file = \"{}\"\n",
                ca.ca_file().display()
            ),
            health: "components = [\"conference\"]\n".into(),
            extra: format!(
                "[hosting.dns]\nserver_host = \"{PROVIDER}\"\nresolver = \"{}\"\n\
                 direct_tls_port = {DIRECT_TLS_PORT}\ncaa_account_uri = \"{ACCOUNT}\"\n",
                dns.addr()
            ),
            ..Overrides::default()
        };
        let portal = TestPortal::start_overriding(&prosody, backend, &smtp, overrides).await;
        let owner_jid = format!("olivia@{DOMAIN}");
        assert!(portal.add_owner(DOMAIN, &owner_jid).await);
        let owner = portal
            .xmpp_user(&prosody, "olivia", DOMAIN, PASSWORD, "en")
            .await;
        Site {
            portal,
            prosody,
            dns,
            cert,
            owner,
            _ca: ca,
            _smtp: smtp,
        }
    }

    fn name(&self) -> &'static str {
        self.portal.backend.name()
    }

    fn path() -> String {
        format!("/domains/{DOMAIN}/health")
    }

    /// "Check now" as a browser without JavaScript sends it; the page it comes back to.
    async fn check_now(&self, web: &WebClient) -> String {
        let page = web.get(&Site::path()).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let csrf = page.csrf();
        let (status, location) = web
            .post_form(
                "/api/check_health",
                &[("csrf", csrf.as_str()), ("domain", DOMAIN)],
            )
            .await;
        assert!(status.is_redirection(), "{}: {status}", self.name());
        assert_eq!(location.as_deref(), Some(Site::path().as_str()));
        web.get(&Site::path()).await.html
    }
}

/// The status of the line `check` named `name` on the page.
fn status_of<'a>(html: &'a str, check: &str, name: &str) -> Option<&'a str> {
    marked(html, "data-check", check)
        .into_iter()
        .find(|tag| attr(tag, "data-name") == Some(name))
        .and_then(|tag| attr(tag, "data-status"))
}

per_backend!(the_health_page_shows_each_check_and_follows_changes);
async fn the_health_page_shows_each_check_and_follows_changes(backend: Backend) {
    let mut s = Site::start(&backend).await;
    everything_right_is_ok_on_every_line(&s).await;
    a_wrong_tlsa_and_no_caa_are_shown_and_audited(&mut s).await;
    the_console_shows_the_worst_status(&s).await;
    the_french_page_says_it_in_french(&s).await;
    another_owners_domain_is_refused(&s).await;
}

async fn everything_right_is_ok_on_every_line(s: &Site) {
    let b = s.name();
    let before = s.owner.get(&Site::path()).await.html;
    assert!(
        marked(&before, "data-check", "tlsa").is_empty(),
        "{b}: nothing checked before the first check"
    );
    let html = s.check_now(&s.owner).await;
    for check in ALL_CHECKS {
        let lines = marked(&html, "data-check", check);
        assert!(!lines.is_empty(), "{b}: a {check} line\n{html}");
        for line in lines {
            assert_eq!(attr(line, "data-status"), Some("ok"), "{b}: {line}\n{html}");
        }
    }
    assert_eq!(
        status_of(&html, "certificate", &format!("conference.{DOMAIN}")),
        Some("ok"),
        "{b}: the component's certificate"
    );
    assert_eq!(status_of(&html, "tlsa", TLSA_NAME), Some("ok"), "{b}");
    assert_eq!(
        status_of(
            &html,
            "direct-tls-srv",
            &format!("_xmpps-client._tcp.{DOMAIN}")
        ),
        Some("ok"),
        "{b}"
    );
    // The record DANE clients should find is the one the test computed from the key.
    assert!(
        html.contains(&format!("TLSA 3 1 1 {}", spki_sha256(&s.cert))),
        "{b}: the expected TLSA data\n{html}"
    );
    assert!(html.contains("Check now"), "{b}");
}

async fn a_wrong_tlsa_and_no_caa_are_shown_and_audited(s: &mut Site) {
    let b = s.name();
    let wrong = hex(&Sha256::digest(b"not this certificate"));
    s.dns.replace_zone(&zone(&wrong, false));
    let html = s.check_now(&s.owner).await;
    assert_eq!(
        status_of(&html, "tlsa", TLSA_NAME),
        Some("failing"),
        "{b}\n{html}"
    );
    assert_eq!(status_of(&html, "caa", DOMAIN), Some("warning"), "{b}");
    assert_eq!(status_of(&html, "certificate", DOMAIN), Some("ok"), "{b}");
    assert!(
        html.contains("a wrong TLSA record breaks DANE clients"),
        "{b}: the finding says why it matters"
    );
    // The exact records to add: the right TLSA, and a CAA for the provider's CA and account.
    let right = format!("{TLSA_NAME}. 3600 IN TLSA 3 1 1 {}", spki_sha256(&s.cert));
    assert!(html.contains(&right), "{b}: {right}\n{html}");
    let caa = format!("{DOMAIN}. 3600 IN CAA 0 issue \"letsencrypt.org; accounturi={ACCOUNT}\"");
    assert!(html.contains(&caa), "{b}: {caa}\n{html}");

    let db = &s.portal.state.db;
    let changes = server::audit::list(db, Some(DOMAIN), Some("health-changed"), 20)
        .await
        .unwrap();
    let tlsa = changes
        .iter()
        .find(|e| e.target == format!("tlsa {TLSA_NAME}"))
        .unwrap_or_else(|| panic!("{b}: the TLSA change is audited: {changes:?}"));
    assert_eq!(tlsa.detail, "ok → failing", "{b}");
    assert!(
        changes
            .iter()
            .any(|e| e.target == format!("caa {DOMAIN}") && e.detail == "ok → warning"),
        "{b}: {changes:?}"
    );
    // Nothing that stayed the same is reported.
    assert!(
        !changes.iter().any(|e| e.target.starts_with("certificate ")),
        "{b}: {changes:?}"
    );
    let checks = server::audit::list(db, Some(DOMAIN), Some("check-health"), 20)
        .await
        .unwrap();
    assert_eq!(checks.len(), 2, "{b}: each check now is audited");
    assert!(
        checks.iter().all(
            |e| e.outcome == app::audit::Outcome::Done && e.actor == format!("olivia@{DOMAIN}")
        ),
        "{b}: {checks:?}"
    );
}

async fn the_console_shows_the_worst_status(s: &Site) {
    let b = s.name();
    let admin = s.portal.admin_web("admin", "admin password 1", "en").await;
    let console = admin.get("/admin").await.html;
    let failing = marked(&console, "data-health", "failing");
    assert_eq!(failing.len(), 1, "{b}: {DOMAIN} is failing\n{console}");
    assert!(
        console.contains(&format!("href=\"/domains/{DOMAIN}/health\"")),
        "{b}: the console links to the page"
    );
    // Provider admins see every domain's page.
    let page = admin.get(&Site::path()).await.html;
    assert_eq!(status_of(&page, "tlsa", TLSA_NAME), Some("failing"), "{b}");
    // The domain's dashboard links to it.
    let dashboard = s.owner.get(&format!("/domains/{DOMAIN}")).await.html;
    assert!(
        !marked(&dashboard, "data-health-link", "").is_empty(),
        "{b}"
    );
}

async fn the_french_page_says_it_in_french(s: &Site) {
    let b = s.name();
    let french = WebClient::logged_in(
        &s.portal.url("/"),
        "fr",
        &format!("olivia@{DOMAIN}"),
        PASSWORD,
        "/",
    )
    .await;
    let html = french.get(&Site::path()).await.html;
    assert!(html.contains("Vérifier maintenant"), "{b}\n{html}");
    assert!(
        html.contains("un enregistrement TLSA erroné casse les clients DANE"),
        "{b}: the finding in French"
    );
    assert!(html.contains("En panne"), "{b}: the status in French");
}

async fn another_owners_domain_is_refused(s: &Site) {
    let b = s.name();
    assert!(s.portal.add_owner(OTHER, &format!("bob@{OTHER}")).await);
    let bob = s
        .portal
        .xmpp_user(&s.prosody, "bob", OTHER, PASSWORD, "en")
        .await;
    let page = bob.get(&Site::path()).await.html;
    assert!(
        page.contains("You are not allowed to do this."),
        "{b}\n{page}"
    );
    assert!(marked(&page, "data-check", "tlsa").is_empty(), "{b}");
    let csrf = bob.get(&format!("/domains/{OTHER}/health")).await.csrf();
    let fields = [("domain", DOMAIN)];
    for result in [
        bob.server_fn("domain_health", &fields).await,
        bob.server_fn(
            "check_health",
            &[("csrf", csrf.as_str()), ("domain", DOMAIN)],
        )
        .await,
    ] {
        assert_eq!(kind(result), app::error::ErrorKind::Forbidden, "{b}");
    }
    let checks = server::audit::list(&s.portal.state.db, Some(DOMAIN), Some("check-health"), 20)
        .await
        .unwrap();
    assert_eq!(checks.len(), 2, "{b}: a refused check is not run");
}

per_backend!(checks_run_on_a_schedule_and_queue_themselves_again);
async fn checks_run_on_a_schedule_and_queue_themselves_again(backend: Backend) {
    let b = backend.name();
    // A plain-TCP Prosody: the certificate line fails, which is beside the point here.
    let prosody = Prosody::start(&[DOMAIN]);
    let dns = DnsServer::start(&zone(&hex(&[0; 32]), true));
    let smtp = SmtpServer::start();
    let overrides = Overrides {
        health: "interval_secs = 3600\n".into(),
        extra: format!(
            "[hosting.dns]\nserver_host = \"{PROVIDER}\"\nresolver = \"{}\"\n",
            dns.addr()
        ),
        ..Overrides::default()
    };
    let portal = TestPortal::start_overriding(&prosody, &backend, &smtp, overrides).await;
    let db = &portal.state.db;
    // Nobody asked: the scheduler gives the new domain its first check.
    let lines = wait::until_some(
        "a first scheduled check",
        Duration::from_secs(20),
        || async {
            let lines = server::health::lines(db, DOMAIN).await.unwrap();
            (!lines.is_empty()).then_some(lines)
        },
    )
    .await;
    assert!(
        lines.iter().any(|l| l.kind == CheckKind::Tlsa),
        "{b}: {lines:?}"
    );
    let job = wait::until_some("the next check queued", Duration::from_secs(10), || async {
        server::jobs::find(db, Kind::HealthCheck, DOMAIN, "")
            .await
            .unwrap()
            .filter(|job| job.state == State::Queued && job.last_error.is_empty())
    })
    .await;
    let now = portal.state.clock.now();
    assert!(
        (now + 3500..=now + 3600).contains(&job.next_attempt_at),
        "{b}: the next check an interval later: {job:?} (now {now})"
    );
    // Scheduled checks are the portal's: no "check now" in the log.
    let asked = server::audit::list(db, Some(DOMAIN), Some("check-health"), 10)
        .await
        .unwrap();
    assert!(asked.is_empty(), "{b}: {asked:?}");
}
