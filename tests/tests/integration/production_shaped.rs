//! The portal set up the way a provider runs it: Debian's nginx with the site of
//! `deploy/nginx-domaine.conf` terminating TLS in front of it (a certificate from a CA made
//! here), and a Prosody that requires TLS on c2s and already holds 1,000 accounts the portal
//! did not create, which the portal reaches over STARTTLS trusting that CA. Every client goes
//! through nginx over HTTPS, from its own loopback address; one set-up, checked in stages.

use app::pages::public::login::{LOGIN_ERROR_INVALID, LOGIN_ERROR_THROTTLED};
use domaine_tests::{
    database::Backend,
    nginx::Nginx,
    page, per_backend,
    portal::{Overrides, TestPortal},
    process::free_port,
    prosody::{bare_jid, requiring_tls, Prosody},
    smtp::SmtpServer,
    tls::TestCa,
    wait,
    web::WebClient,
};
use reqwest::StatusCode;
use server::xmpp::{
    check_password,
    tls::{TlsMode, Transport},
};
use std::time::Duration;

const DOMAIN: &str = "provider.test";
/// Hosts of the same Prosody that `domaine check` must find broken once they are managed.
const NO_INVITES: &str = "noinvites.test";
const NO_MODULE: &str = "nomodule.test";
/// Accounts that existed before the portal.
const FOREIGN: usize = 1_000;
const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "correct horse battery";
/// The domain's owner, `olivia@DOMAIN`, logs in with this XMPP password.
const OWNER_PASSWORD: &str = "olivia's password";
const XMPP_TIMEOUT: Duration = Duration::from_secs(10);

struct Production {
    nginx: Nginx,
    portal: TestPortal,
    prosody: Prosody,
    ca: TestCa,
    _smtp: SmtpServer,
}

impl Production {
    async fn start(backend: &Backend) -> Production {
        let ca = TestCa::new();
        let xmpp_cert = ca.issue("xmpp", &[DOMAIN, NO_INVITES, NO_MODULE]);
        let tls = requiring_tls(&xmpp_cert);
        let no_invites = format!("{tls}\n\tmodules_disabled = {{ \"invites_register\" }}");
        let no_module = format!("{tls}\n\tmodules_disabled = {{ \"domaine\" }}");
        let prosody = Prosody::start_configured(
            &[DOMAIN, NO_INVITES, NO_MODULE],
            &[
                (DOMAIN, &tls),
                (NO_INVITES, &no_invites),
                (NO_MODULE, &no_module),
            ],
        );
        // Copies of the service account's record: real accounts, sharing its password.
        let template =
            std::fs::read_to_string(prosody.store_file(DOMAIN, "accounts", "portal")).unwrap();
        let users: Vec<String> = (0..FOREIGN).map(|i| format!("foreign{i:04}")).collect();
        prosody.write_store_files(
            DOMAIN,
            "accounts",
            users.iter().map(|u| (u.as_str(), template.as_str())),
        );

        let smtp = SmtpServer::start();
        let https_port = free_port();
        let overrides = Overrides {
            public_url: Some(format!("https://127.0.0.1:{https_port}")),
            xmpp: format!(
                "tls = \"starttls\"\nca_file = \"{}\"\n",
                ca.ca_file().display()
            ),
            extra: "[http]\ntrusted_proxies = [\"127.0.0.1/32\", \"::1/128\"]\n".into(),
            ..Overrides::default()
        };
        let portal = TestPortal::start_overriding(&prosody, backend, &smtp, overrides).await;
        // The broken hosts are managed later, once the correct setup has been checked.
        for host in [NO_INVITES, NO_MODULE] {
            sqlx::query("DELETE FROM domains WHERE name = $1")
                .bind(host)
                .execute(&portal.state.db.pool)
                .await
                .unwrap();
        }
        let nginx = Nginx::start(portal.addr, &ca.issue("portal", &["127.0.0.1"]), https_port);
        Production {
            nginx,
            portal,
            prosody,
            ca,
            _smtp: smtp,
        }
    }

    fn name(&self) -> &'static str {
        self.portal.backend.name()
    }

    /// A browser at `source` reaching the portal through nginx, trusting the test CA only. It
    /// sends the `Origin` of the page as browsers do on their form posts (the portal compares
    /// it with `public_url`, which nginx's `Host` without the port would not match).
    fn browser(&self, source: &str, headers: &[(&'static str, &str)]) -> WebClient {
        let ca = reqwest::Certificate::from_pem(self.ca.ca_pem().as_bytes()).unwrap();
        let origin = self.nginx.https_url("");
        let mut headers = headers.to_vec();
        headers.push(("origin", &origin));
        WebClient::from_address(&self.nginx.https_url("/"), source, &headers, |builder| {
            builder.add_root_certificate(ca).https_only(true)
        })
    }

    /// A raw HTTPS client through nginx, to read response headers.
    fn raw(&self, source: &str) -> reqwest::Client {
        let ca = reqwest::Certificate::from_pem(self.ca.ca_pem().as_bytes()).unwrap();
        reqwest::Client::builder()
            .add_root_certificate(ca)
            .local_address(source.parse::<std::net::IpAddr>().unwrap())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// The XMPP link as the portal makes it: STARTTLS, the certificate checked against the CA.
    fn tls(&self) -> Transport {
        Transport::tls(
            self.prosody.c2s_addr(),
            TlsMode::Starttls,
            Some(self.ca.ca_file()),
        )
        .unwrap()
    }
}

per_backend!(a_provider_setup_behind_nginx_with_a_tls_only_prosody_works);
async fn a_provider_setup_behind_nginx_with_a_tls_only_prosody_works(backend: Backend) {
    let mut p = Production::start(&backend).await;
    pages_through_nginx_carry_the_security_headers(&p).await;
    plain_http_moves_to_https(&p).await;
    a_large_form_gets_the_portals_page_through_nginx(&p).await;
    failed_logins_lock_the_client_behind_nginx_not_the_proxy(&p).await;
    a_forged_forwarded_address_from_an_untrusted_peer_is_ignored(&p).await;
    the_hosting_request_limit_counts_each_client(&p).await;
    the_owner_console_lists_the_foreign_accounts_and_creates_one(&p).await;
    the_portal_reconnects_over_tls_after_prosody_restarts(&mut p).await;
    domaine_check_passes_then_names_what_is_broken(&p).await;
}

async fn pages_through_nginx_carry_the_security_headers(p: &Production) {
    let name = p.name();
    let http = p.raw("127.0.0.4");
    let res = http.get(p.nginx.https_url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{name}: {}", p.nginx.log());
    let headers = res.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{name}: {csp}");
    let script_src = page::csp_directive(csp, "script-src").unwrap();
    assert!(
        script_src.contains("'nonce-") && !script_src.contains("unsafe-inline"),
        "{name}: {csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff", "{name}");
    assert_eq!(
        headers["referrer-policy"], "strict-origin-when-cross-origin",
        "{name}"
    );
    let hsts = headers["strict-transport-security"].to_str().unwrap();
    assert!(hsts.contains("max-age="), "{name}: HSTS over https: {hsts}");
    let cookies: Vec<&str> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(!cookies.is_empty(), "{name}");
    assert!(
        cookies.iter().all(|c| c.contains("Secure")),
        "{name}: {cookies:?}"
    );
    // A page whose URL is a secret.
    let res = http
        .get(p.nginx.https_url("/invite/some-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["referrer-policy"], "no-referrer", "{name}");
    assert_eq!(res.headers()["cache-control"], "no-store", "{name}");
}

async fn plain_http_moves_to_https(p: &Production) {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(p.nginx.http_url("/login?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY, "{}", p.name());
    assert_eq!(res.headers()["location"], "https://127.0.0.1/login?x=1");
    // ACME HTTP-01 challenges reach the portal on plain HTTP: its answer carries its headers.
    let res = reqwest::get(p.nginx.http_url("/.well-known/acme-challenge/some-token"))
        .await
        .unwrap();
    assert!(!res.status().is_redirection(), "{}", p.name());
    assert!(res.headers().contains_key("content-security-policy"));
}

/// A form body above the portal's limit but within nginx's gets the portal's own page, in the
/// visitor's language, not a 502 from nginx finding the connection closed while it still sends
/// the body (it did, one time in three, before the portal read refused bodies to their end).
async fn a_large_form_gets_the_portals_page_through_nginx(p: &Production) {
    let http = p.raw("127.0.0.4");
    for size in [server::web::FORM_LIMIT + 1, 900 * 1024] {
        for attempt in 0..5 {
            let big = "x".repeat(size);
            let res = http
                .post(p.nginx.https_url("/api/create_account"))
                .header("accept-language", "fr")
                .form(&[("domain", DOMAIN), ("username", "eve"), ("password", &big)])
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "{}: {size} bytes, attempt {attempt}: {}",
                p.name(),
                p.nginx.log()
            );
            let page = res.text().await.unwrap();
            assert!(page.contains("trop volumineux"), "{}: {page}", p.name());
        }
    }
}

async fn failed_logins_lock_the_client_behind_nginx_not_the_proxy(p: &Production) {
    let name = p.name();
    // Each time another account, so that only the client's address can lock. The address it
    // claims (X-Forwarded-For) is not what counts: nginx appends the one it saw.
    let first = p.browser("127.0.0.2", &[("x-forwarded-for", "203.0.113.1")]);
    first
        .fail_logins_until_locked(&format!("{name}: the first client"))
        .await;
    // Another client behind the same proxy is not.
    let second = p.browser("127.0.0.3", &[]);
    assert_eq!(
        second.fail_login("second-client").await,
        LOGIN_ERROR_INVALID,
        "{name}: the second client is not locked"
    );
    // Nor is the address the first one claimed: the portal read it from the right.
    let claimed = p.browser("127.0.0.7", &[("x-forwarded-for", "127.0.0.2")]);
    assert_eq!(
        claimed.fail_login("claimed-client").await,
        LOGIN_ERROR_INVALID,
        "{name}: 127.0.0.7 is not locked by claiming 127.0.0.2"
    );
    // nginx did proxy them from both addresses.
    let log = p.nginx.access_log();
    assert!(
        log.contains("127.0.0.2 ") && log.contains("127.0.0.3 "),
        "{log}"
    );
}

async fn a_forged_forwarded_address_from_an_untrusted_peer_is_ignored(p: &Production) {
    let name = p.name();
    let direct = |source: &str, forged: &str| {
        WebClient::from_address(
            &p.portal.url("/"),
            source,
            &[("x-forwarded-for", forged), ("x-forwarded-proto", "https")],
            |builder| builder,
        )
    };
    // Straight to the portal, not through nginx: the peer's own address counts.
    assert_eq!(
        direct("127.0.0.3", "127.0.0.2")
            .fail_login("forged-one")
            .await,
        LOGIN_ERROR_INVALID,
        "{name}: 127.0.0.3 is not the locked 127.0.0.2"
    );
    assert_eq!(
        direct("127.0.0.2", "127.0.0.3")
            .fail_login("forged-two")
            .await,
        LOGIN_ERROR_THROTTLED,
        "{name}: 127.0.0.2 stays locked whatever it claims"
    );
}

/// Submits hosting request number `i` (its own domain and e-mail address) as the hydrated
/// form does.
async fn submit_request(web: &WebClient, i: usize) -> Result<String, app::error::AppError> {
    let (domain, email) = (format!("d{i}.example"), format!("applicant{i}@example.net"));
    let csrf = web.get("/request").await.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("domain", domain.as_str()),
        ("name", "Marie Curie"),
        ("email", email.as_str()),
        ("xmpp", ""),
        ("message", ""),
        ("website", ""),
    ];
    web.server_fn("submit_hosting_request", &fields).await
}

/// The public form takes 5 requests an hour from one client address: behind nginx, one client
/// using them up leaves the form open to the others.
async fn the_hosting_request_limit_counts_each_client(p: &Production) {
    let name = p.name();
    let first = p.browser("127.0.0.8", &[]);
    for i in 0..5 {
        submit_request(&first, i)
            .await
            .unwrap_or_else(|e| panic!("{name}: request {i}: {e:?}"));
    }
    assert_eq!(
        domaine_tests::web::kind(submit_request(&first, 5).await),
        app::error::ErrorKind::TooManyRequests,
        "{name}: the 6th from one client"
    );
    submit_request(&p.browser("127.0.0.9", &[]), 6)
        .await
        .unwrap_or_else(|e| panic!("{name}: another client's request: {e:?}"));
}

async fn the_owner_console_lists_the_foreign_accounts_and_creates_one(p: &Production) {
    let name = p.name();
    let owner_jid = format!("olivia@{DOMAIN}");
    p.prosody.register("olivia", DOMAIN, OWNER_PASSWORD);
    // The provider admin names the owner, through nginx.
    p.portal.create_admin(ADMIN, ADMIN_PASSWORD).await;
    let admin = p.browser("127.0.0.4", &[]);
    assert!(admin.login(ADMIN, ADMIN_PASSWORD).await, "{name}");
    admin.add_owner(DOMAIN, &owner_jid).await;

    // The owner logs in with the XMPP password: the portal checks it over STARTTLS.
    let owner = p.browser("127.0.0.5", &[]);
    assert_eq!(
        owner
            .log_in(&owner_jid, OWNER_PASSWORD, None)
            .await
            .as_deref(),
        Some("/"),
        "{name}: the owner logs in"
    );
    let accounts = format!("/domains/{DOMAIN}/accounts");
    let page = owner.get(&accounts).await;
    assert_eq!(page.status, StatusCode::OK, "{name}: {}", page.html);
    // The foreign accounts, the service account and the owner's.
    let total = FOREIGN + 2;
    assert!(
        page::main_text(&page.html).contains(&format!("{total} accounts")),
        "{name}: {}",
        page::main_text(&page.html)
    );
    let found = owner.get(&format!("{accounts}?q=foreign0999")).await;
    assert!(
        found.html.contains(&format!("foreign0999@{DOMAIN}")),
        "{name}: a foreign account is listed"
    );

    // A new account, created from the console, logs in to Prosody over TLS only.
    let password = "a new account's password";
    owner
        .server_fn_on(
            &accounts,
            "add_domain_account",
            &[
                ("domain", DOMAIN),
                ("username", "newcomer"),
                ("password_mode", "choose"),
                ("password", password),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: create newcomer: {e:?}"));
    // The audit log has the owner's own address, not nginx's.
    let (client,): (Option<String>,) = sqlx::query_as(
        "SELECT client_addr FROM audit_log WHERE action = 'create-account' AND target = $1",
    )
    .bind("newcomer")
    .fetch_one(&p.portal.state.db.pool)
    .await
    .unwrap();
    assert_eq!(client.as_deref(), Some("127.0.0.5"), "{name}");
    let jid = bare_jid(&format!("newcomer@{DOMAIN}"));
    assert_eq!(
        check_password(&p.tls(), &jid, password, XMPP_TIMEOUT).await,
        Ok(true),
        "{name}"
    );
    let plain = Transport::plain(p.prosody.c2s_addr());
    assert_ne!(
        check_password(&plain, &jid, password, XMPP_TIMEOUT).await,
        Ok(true),
        "{name}: Prosody requires TLS"
    );
    let page = owner.get(&accounts).await;
    assert!(
        page::main_text(&page.html).contains(&format!("{} accounts", total + 1)),
        "{name}"
    );
    // And to the portal, through nginx.
    let newcomer = p.browser("127.0.0.6", &[]);
    assert_eq!(
        newcomer
            .log_in(jid.as_str(), password, None)
            .await
            .as_deref(),
        Some("/"),
        "{name}"
    );
}

async fn the_portal_reconnects_over_tls_after_prosody_restarts(p: &mut Production) {
    let name = p.name();
    let owner = p.browser("127.0.0.5", &[]);
    assert_eq!(
        owner
            .log_in(&format!("olivia@{DOMAIN}"), OWNER_PASSWORD, None)
            .await
            .as_deref(),
        Some("/"),
        "{name}"
    );
    p.prosody.stop();
    p.prosody.start_again();
    // The list comes from Prosody: it shows again once the portal's TLS link is back.
    let accounts = format!("/domains/{DOMAIN}/accounts");
    let listed = wait::eventually(Duration::from_secs(30), || async {
        let page = owner.get(&accounts).await;
        page::main_text(&page.html).contains(&format!("{} accounts", FOREIGN + 3))
    })
    .await;
    assert!(listed, "{name}: {}", p.prosody.log_tail());
    assert!(p.portal.state.xmpp.is_connected(), "{name}");
}

fn failed_lines(lines: &[server::check::Line]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.ok)
        .map(|l| l.to_string())
        .collect()
}

/// `domaine check` as the command line runs it, on the configuration at `path`.
async fn domaine_check(path: &std::path::Path) -> Result<(), server::cli::CliError> {
    <server::cli::Cli as clap::Parser>::parse_from([
        "domaine".as_ref(),
        "--config".as_ref(),
        path.as_os_str(),
        "check".as_ref(),
    ])
    .run()
    .await
}

async fn domaine_check_passes_then_names_what_is_broken(p: &Production) {
    let name = p.name();
    let config = p.portal.config_path();
    let jid = p.prosody.service_jid();

    // Correct: every line is a ✓ (the link to Prosody over TLS, public_url through nginx).
    let lines = server::check::report(&config).await;
    assert_eq!(failed_lines(&lines), Vec::<String>::new(), "{name}");
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    for expected in [
        "✓ the database answers".to_string(),
        "✓ the database's migrations are current".to_string(),
        format!("✓ Prosody is reachable at {}", p.prosody.c2s_addr()),
        format!("✓ the service account {jid} logs in"),
        format!("✓ {jid} is an admin of Prosody"),
        format!("✓ mod_domaine answers on {DOMAIN}"),
        format!(
            "✓ mod_domaine on {DOMAIN} speaks version {}",
            server::check::MODULE_PROTOCOL_VERSION
        ),
        format!("✓ {DOMAIN} has the invitation and registration modules"),
        format!("✓ the SMTP server 127.0.0.1:{} answers", p.portal.smtp_port),
        format!(
            "✓ public_url {} accepts connections",
            p.nginx.https_url("/")
        ),
    ] {
        assert!(
            text.contains(&expected),
            "{name}: {expected:?} in {text:#?}"
        );
    }
    assert!(domaine_check(&config).await.is_ok(), "{name}");

    // Managed hosts where a module the portal needs is not loaded: one line each, with the fix.
    for host in [NO_INVITES, NO_MODULE] {
        server::domains::add(&p.portal.state.db, host)
            .await
            .unwrap();
    }
    let failed = failed_lines(&server::check::report(&config).await);
    assert_eq!(failed.len(), 2, "{name}: {failed:#?}");
    assert!(
        failed.iter().any(|l| l.starts_with(&format!(
            "✗ {NO_INVITES} has the invitation and registration modules (missing: invites_register)"
        )) && l.contains("fix: add them to `modules_enabled`")),
        "{name}: {failed:#?}"
    );
    assert!(
        failed.iter().any(
            |l| l.starts_with(&format!("✗ mod_domaine answers on {NO_MODULE}"))
                && l.contains("fix: load mod_domaine")
        ),
        "{name}: {failed:#?}"
    );
    assert!(
        matches!(
            domaine_check(&config).await,
            Err(server::cli::CliError::ChecksFailed(2))
        ),
        "{name}"
    );

    // A service account that is not an admin.
    let (other, password) = p.prosody.register_non_admin();
    let text = std::fs::read_to_string(&config).unwrap();
    let broken = text
        .replace(&format!("jid = \"{jid}\""), &format!("jid = \"{other}\""))
        .replace(
            &format!("password = \"{}\"", p.prosody.service_password()),
            &format!("password = \"{password}\""),
        );
    assert_ne!(broken, text);
    let broken_path = config.with_file_name("not-admin.toml");
    std::fs::write(&broken_path, broken).unwrap();
    let lines = server::check::report(&broken_path).await;
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    assert!(
        text.contains(&format!("✓ the service account {other} logs in")),
        "{name}: it logs in, over TLS: {text:#?}"
    );
    let failed = failed_lines(&lines);
    assert_eq!(failed.len(), 1, "{name}: {failed:#?}");
    assert!(
        failed[0].starts_with(&format!("✗ {other} is an admin of Prosody"))
            && failed[0].contains("to `admins`"),
        "{name}: {failed:#?}"
    );
    assert!(matches!(
        domaine_check(&broken_path).await,
        Err(server::cli::CliError::ChecksFailed(1))
    ));

    // A configuration that does not load: that is the one line.
    let bad_path = config.with_file_name("bad.toml");
    std::fs::write(&bad_path, "listen = 1\n").unwrap();
    let lines = server::check::report(&bad_path).await;
    assert_eq!(lines.len(), 1, "{name}");
    assert!(
        lines[0].to_string().starts_with("✗ the configuration"),
        "{name}: {:?}",
        lines[0]
    );
}
