//! The portal run the way a provider runs it: behind trusted reverse proxies, with security
//! headers, bad input answered clearly, backups. The whole set-up (nginx, a TLS-only Prosody,
//! `domaine check`) is in `production_shaped.rs`.

use app::error::ErrorKind;
use app::pages::public::login::{LOGIN_ERROR_INVALID, LOGIN_ERROR_THROTTLED};
use domaine_tests::page::{field_error, with_error};
use domaine_tests::{
    database::Backend, per_backend, portal::TestPortal, prosody::Prosody, smtp::SmtpServer,
    web::WebClient,
};
use std::net::IpAddr;

const DOMAIN: &str = "prod.test";

/// A client of the portal connecting from `source`, adding `headers` to every request.
fn client_from(portal: &TestPortal, source: &str, headers: &[(&'static str, &str)]) -> WebClient {
    WebClient::from_address(&portal.url("/"), source, headers, |builder| builder)
}

per_backend!(rate_limits_count_the_client_behind_a_trusted_proxy_not_the_proxy);
async fn rate_limits_count_the_client_behind_a_trusted_proxy_not_the_proxy(backend: Backend) {
    let prosody = Prosody::start(&[DOMAIN]);
    let smtp = SmtpServer::start();
    let portal = TestPortal::start_configured(
        &prosody,
        &backend,
        &smtp,
        "[http]\ntrusted_proxies = [\"127.0.0.1/32\", \"::1/128\"]\n",
    )
    .await;
    let name = backend.name();
    // An untrusted peer's forged address is ignored: its failures count against 127.0.0.2,
    // on a different account each time so that only the address can lock.
    let first = client_from(&portal, "127.0.0.2", &[("x-forwarded-for", "203.0.113.1")]);
    first
        .fail_logins_until_locked(&format!("{name}: the first client"))
        .await;
    // Another client, and the forged address itself, are not.
    let second = client_from(&portal, "127.0.0.3", &[]);
    assert_eq!(
        second.fail_login("someone-else").await,
        LOGIN_ERROR_INVALID,
        "{name}: the second client is not locked"
    );
    let forged = client_from(&portal, "127.0.0.1", &[("x-forwarded-for", "203.0.113.1")]);
    assert_eq!(
        forged.fail_login("someone-else").await,
        LOGIN_ERROR_INVALID,
        "{name}: 203.0.113.1 never failed"
    );
    // The trusted proxy's word is taken: its client 127.0.0.2 is the locked one.
    let proxied = client_from(
        &portal,
        "127.0.0.1",
        &[("x-forwarded-for", "198.51.100.1, 127.0.0.2")],
    );
    assert_eq!(
        proxied.fail_login("someone-else").await,
        LOGIN_ERROR_THROTTLED,
        "{name}: the proxied client is the locked one"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cookies_are_secure_when_a_trusted_proxy_says_https() {
    let prosody = Prosody::start(&[DOMAIN]);
    let smtp = SmtpServer::start();
    let backend = Backend::Sqlite;
    let portal = TestPortal::start_configured(
        &prosody,
        &backend,
        &smtp,
        "[http]\ntrusted_proxies = [\"127.0.0.1/32\"]\n",
    )
    .await;
    let set_cookie = |source: &str| {
        let source: IpAddr = source.parse().unwrap();
        let url = portal.url("/login");
        async move {
            let res = reqwest::Client::builder()
                .local_address(source)
                .build()
                .unwrap()
                .get(url)
                .header("x-forwarded-proto", "https")
                .send()
                .await
                .unwrap();
            res.headers()
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let trusted = set_cookie("127.0.0.1").await;
    assert!(!trusted.is_empty());
    assert!(trusted.iter().all(|c| c.contains("Secure")), "{trusted:?}");
    let untrusted = set_cookie("127.0.0.2").await;
    assert!(!untrusted.is_empty());
    assert!(
        untrusted.iter().all(|c| !c.contains("Secure")),
        "{untrusted:?}"
    );
}

/// Logs in `admin` with a raw cookie-keeping client, to read response headers.
async fn raw_logged_in(portal: &TestPortal, username: &str, password: &str) -> reqwest::Client {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http.get(portal.url("/login")).send().await.unwrap();
    let page = domaine_tests::web::Page {
        status: res.status(),
        html: res.text().await.unwrap(),
    };
    let res = http
        .post(portal.url("/auth/login"))
        .form(&[
            ("csrf", page.csrf().as_str()),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/admin", "logged in");
    http
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_carries_the_security_headers() {
    let prosody = Prosody::start(&[DOMAIN]);
    let backend = Backend::Sqlite;
    let portal = TestPortal::start(&prosody, &backend).await;
    let anonymous = reqwest::Client::new();

    let res = anonymous.get(portal.url("/login")).send().await.unwrap();
    let headers = res.headers().clone();
    let html = res.text().await.unwrap();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let script_src = domaine_tests::page::csp_directive(csp, "script-src").unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    // The inline scripts Leptos wrote carry the nonce the policy names.
    let nonce = script_src
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(headers.get("cache-control").is_none_or(|v| v != "no-store"));
    assert!(
        headers.get("strict-transport-security").is_none(),
        "no HSTS over plain HTTP"
    );
    let second = anonymous.get(portal.url("/login")).send().await.unwrap();
    assert_ne!(
        second.headers()["content-security-policy"],
        headers["content-security-policy"],
        "a new nonce for every response"
    );

    // Pages whose URL is a secret: no referrer, no cache.
    for path in [
        "/invite/some-token",
        "/reset/some-token",
        "/request/confirm/t",
    ] {
        let res = anonymous.get(portal.url(path)).send().await.unwrap();
        assert_eq!(res.headers()["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
        assert!(res.headers().contains_key("content-security-policy"));
    }

    // Every page seen logged in is not cached; the static files still are.
    portal.create_admin("admin", "correct horse battery").await;
    let admin = raw_logged_in(&portal, "admin", "correct horse battery").await;
    for path in ["/admin", &format!("/domains/{DOMAIN}/accounts")] {
        let res = admin.get(portal.url(path)).send().await.unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let res = admin
        .get(portal.url("/pkg/domaine.css"))
        .send()
        .await
        .unwrap();
    assert!(res
        .headers()
        .get("cache-control")
        .is_none_or(|v| v != "no-store"));
}

/// Writes audit rows `row 0`, `row 1`... until stopped; `committed` counts those committed.
fn keep_writing(
    db: server::db::Db,
    committed: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    use std::sync::atomic::Ordering;
    tokio::spawn(async move {
        let mut i = 0;
        while !stop.load(Ordering::SeqCst) {
            server::audit::record(
                &db,
                server::audit::Change {
                    actor: "writer",
                    domain: Some(DOMAIN),
                    action: server::audit::AuditAction::Quota,
                    target: &format!("row {i}"),
                    outcome: server::audit::Outcome::Done,
                    detail: "",
                },
            )
            .await
            .unwrap();
            i += 1;
            committed.store(i, Ordering::SeqCst);
        }
    })
}

/// Every row the writer had committed before `before` is in the portal's database.
async fn assert_rows_kept(portal: &TestPortal, before: usize) {
    let rows = server::audit::list(&portal.state.db, Some(DOMAIN), Some("quota"), 1_000_000)
        .await
        .unwrap();
    let kept: std::collections::HashSet<String> = rows.into_iter().map(|e| e.target).collect();
    for i in 0..before {
        assert!(
            kept.contains(&format!("row {i}")),
            "row {i} was committed before the backup"
        );
    }
}

per_backend!(a_backup_taken_while_the_portal_writes_restores_everything_committed_before_it);
async fn a_backup_taken_while_the_portal_writes_restores_everything_committed_before_it(
    backend: Backend,
) {
    use std::sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    };
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let dir = tempfile::tempdir().unwrap();
    let committed = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = keep_writing(portal.state.db.clone(), committed.clone(), stop.clone());
    while committed.load(Ordering::SeqCst) < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before = committed.load(Ordering::SeqCst);
    let restored_url = match &backend {
        domaine_tests::database::Backend::Sqlite => {
            let file = dir.path().join("backup.db");
            server::backup::backup(&portal.state.db, &file)
                .await
                .unwrap();
            let err = server::backup::backup(&portal.state.db, &file)
                .await
                .unwrap_err();
            assert!(err.to_string().contains("already exists"), "{err}");
            // Not onto the database a portal runs on.
            let err = server::backup::restore(&portal.database_url, &file)
                .await
                .unwrap_err();
            assert!(
                matches!(err, server::backup::BackupError::PortalRunning(_)),
                "{err}"
            );
            // Not from a file that is no backup: the target stays as it was.
            let junk = dir.path().join("junk.db");
            std::fs::write(&junk, b"not a database").unwrap();
            let target = format!("sqlite://{}", dir.path().join("restored.db").display());
            let err = server::backup::restore(&target, &junk).await.unwrap_err();
            assert!(err.to_string().contains("not a usable backup"), "{err}");
            assert!(!dir.path().join("restored.db").exists());
            server::backup::restore(&target, &file).await.unwrap();
            target
        }
        domaine_tests::database::Backend::Postgres { .. } => {
            // What the README tells PostgreSQL users: pg_dump, then pg_restore.
            let file = dir.path().join("backup.dump");
            let status = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--file"])
                .arg(&file)
                .arg(&portal.database_url)
                .status()
                .unwrap();
            assert!(status.success(), "pg_dump");
            let target = backend.fresh_database(dir.path()).await;
            let status = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", &target])
                .arg(&file)
                .status()
                .unwrap();
            assert!(status.success(), "pg_restore");
            target
        }
    };
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let restored = TestPortal::start_on_database(&prosody, &backend, restored_url).await;
    assert_rows_kept(&restored, before).await;
    // The restored portal serves pages.
    let page = WebClient::new(&restored.url("/"), "en").get("/login").await;
    assert_eq!(page.status, reqwest::StatusCode::OK, "{}", backend.name());
}

per_backend!(bad_input_gets_a_clear_answer_and_stores_nothing);
async fn bad_input_gets_a_clear_answer_and_stores_nothing(backend: Backend) {
    const ADMIN: &str = "admin";
    const PASSWORD: &str = "correct horse battery";
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let name = backend.name();
    portal.create_admin(ADMIN, PASSWORD).await;
    let web = WebClient::new(&portal.url("/"), "en");
    assert!(web.login(ADMIN, PASSWORD).await, "{name}");
    let db = &portal.state.db;
    let account_exists = || async {
        let jid = format!("eve@{DOMAIN}").parse().unwrap();
        portal.state.xmpp.user_stats(&jid).await.is_ok()
    };

    // No anti-forgery field at all: "the form expired", not "something went wrong".
    let err = web
        .server_fn(
            "create_account",
            &[
                ("domain", DOMAIN),
                ("username", "eve"),
                ("password", "long enough pw"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, app::error::ErrorKind::StaleForm, "{name}");
    assert!(!account_exists().await, "{name}: nothing created");

    // A value too long to keep: the no-JavaScript redirect still has a Location, with the
    // error and the short values but not the long one.
    let csrf = web.get("/admin").await.csrf();
    let long_name = format!("{}.test", "a".repeat(60_000));
    let (status, location) = web
        .post_form(
            "/api/add_domain",
            &[
                ("csrf", &csrf),
                ("name", &long_name),
                ("quota", "not a number"),
                ("owner", ""),
            ],
        )
        .await;
    assert!(status.is_redirection(), "{name}: {status}");
    let location = location.expect("a Location");
    assert!(location.len() < 4096, "{name}: {} bytes", location.len());
    // The error travels as base64 JSON in `__err`.
    let err = location
        .split("__err=")
        .nth(1)
        .map(|v| v.split('&').next().unwrap().replace("%3D", "="))
        .expect("the error in the redirect");
    let err: app::error::AppError = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::STANDARD, err).unwrap(),
    )
    .unwrap();
    assert_eq!(err.kind, app::error::ErrorKind::InvalidQuota, "{name}");
    assert_eq!(
        err.kept("quota"),
        Some("not a number"),
        "{name}: short values kept"
    );
    assert_eq!(err.kept("name"), None, "{name}: the long one is dropped");
    assert!(!server::domains::exists(db, &long_name).await.unwrap());

    // Above the form limit: 413 and a page in the user's language.
    for (lang, says) in [("en", "too large"), ("fr", "trop volumineux")] {
        let big = "x".repeat(server::web::FORM_LIMIT + 1);
        let res = reqwest::Client::new()
            .post(portal.url("/api/create_account"))
            .header("accept-language", lang)
            .form(&[
                ("csrf", csrf.as_str()),
                ("domain", DOMAIN),
                ("username", "eve"),
                ("password", &big),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            reqwest::StatusCode::PAYLOAD_TOO_LARGE,
            "{name}"
        );
        let page = res.text().await.unwrap();
        assert!(page.contains(says), "{name} {lang}: {page}");
        assert!(page.contains(&format!("lang=\"{lang}\"")), "{page}");
    }
    assert!(!account_exists().await, "{name}: nothing created");

    a_choice_none_of_those_offered_is_a_field_error(&portal, &web).await;
    other_choices_none_of_those_offered_are_refused(&portal, &web).await;
    text_that_is_not_utf8_is_a_field_error(&portal, &web).await;
    assert!(!account_exists().await, "{name}: nothing created");
}

/// The form's fields, URL-encoded, with `raw` (bytes as they are) appended last.
fn form_body(fields: &[(&str, &str)], raw: &[u8]) -> Vec<u8> {
    let mut body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
        .into_bytes();
    body.extend_from_slice(raw);
    body
}

/// A registration mode none of the radio buttons offers: said next to the choices, in the
/// user's language, and nothing changes or waits for Prosody.
async fn a_choice_none_of_those_offered_is_a_field_error(portal: &TestPortal, en: &WebClient) {
    use app::{error::Field, i18n::Locale};
    let name = portal.backend.name();
    let db = &portal.state.db;
    let before = server::domains::get(db, DOMAIN).await.unwrap().unwrap();
    let page = format!("/domains/{DOMAIN}");
    let expected = ErrorKind::InvalidChoice {
        field: Some(Field::Mode),
    };
    let err = en
        .server_fn_on(
            &page,
            "set_registration_mode",
            &[("domain", DOMAIN), ("mode", "bogus")],
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, expected, "{name}");
    let fr = WebClient::new(&portal.url("/"), "fr");
    assert!(fr.login("admin", "correct horse battery").await, "{name}");
    for (web, locale) in [(en, Locale::En), (&fr, Locale::Fr)] {
        let csrf = web.get(&page).await.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("domain", DOMAIN),
            ("mode", "bogus"),
        ];
        let (status, location, _) = web
            .post_bytes(
                &page,
                "/api/set_registration_mode",
                "text/html",
                form_body(&fields, b""),
            )
            .await;
        assert!(status.is_redirection(), "{name}: {status}");
        let html = web.get(&with_error(&page, &location.unwrap())).await.html;
        assert_eq!(
            field_error(&html, "mode").as_deref(),
            Some(expected.message(locale).as_str()),
            "{name} {locale:?}"
        );
    }
    let after = server::domains::get(db, DOMAIN).await.unwrap().unwrap();
    assert_eq!(after.registration_mode, before.registration_mode, "{name}");
    assert!(
        server::jobs::for_domain(db, DOMAIN)
            .await
            .unwrap()
            .is_empty(),
        "{name}: nothing queued"
    );
}

/// The other choices a form offers (how a password is made, how often and how long an
/// invitation works, suspend or resume): a value none of them is refused, and nothing is made
/// or changed.
async fn other_choices_none_of_those_offered_are_refused(portal: &TestPortal, en: &WebClient) {
    let name = portal.backend.name();
    let db = &portal.state.db;
    let csrf = en.get(&format!("/domains/{DOMAIN}")).await.csrf();
    let refused = ErrorKind::InvalidChoice { field: None };
    let attempts: [(&str, &[(&str, &str)]); 4] = [
        (
            "add_domain_account",
            &[("username", "zoe"), ("password_mode", "bogus")],
        ),
        ("create_invite", &[("uses", "bogus")]),
        ("create_invite", &[("validity", "1y")]),
        ("set_domain_suspended", &[("suspend", "maybe")]),
    ];
    for (function, fields) in attempts {
        let mut all = vec![("csrf", csrf.as_str()), ("domain", DOMAIN)];
        all.extend_from_slice(fields);
        let err = en.server_fn(function, &all).await.unwrap_err();
        assert_eq!(err.kind, refused, "{name}: {function} {fields:?}");
    }
    let invitations: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM invitations")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(invitations.0, 0, "{name}: no invitation made");
    let domain = server::domains::get(db, DOMAIN).await.unwrap().unwrap();
    assert_eq!(
        domain.status,
        app::provider::DomainStatus::Active,
        "{name}: not suspended"
    );
}

/// A field that is not UTF-8, percent-encoded or as raw bytes: a field error (the server
/// function does not run), in the user's language, and nothing stored.
async fn text_that_is_not_utf8_is_a_field_error(portal: &TestPortal, en: &WebClient) {
    use app::{error::Field, i18n::Locale};
    let name = portal.backend.name();
    let accounts = format!("/domains/{DOMAIN}/accounts");
    for raw in [&b"%FFeve"[..], &b"\xffeve"[..]] {
        let csrf = en.get(&accounts).await.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("domain", DOMAIN),
            ("password", "long enough pw"),
        ];
        let body = form_body(&fields, &[b"&username=", raw].concat());
        let (status, _, body) = en
            .post_bytes(&accounts, "/api/create_account", "application/json", body)
            .await;
        assert!(!status.is_success(), "{name}: {status}");
        let err: app::error::AppError = serde_json::from_str(&body).expect(&body);
        let expected = ErrorKind::InvalidText {
            field: Some(Field::Username),
        };
        assert_eq!(err.kind, expected, "{name}: {raw:?}");
    }

    // On the public form, without JavaScript: next to the message, in the visitor's language.
    let db = &portal.state.db;
    for (lang, locale) in [("en", Locale::En), ("fr", Locale::Fr)] {
        let visitor = WebClient::new(&portal.url("/"), lang);
        let csrf = visitor.get("/request").await.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("domain", "example.org"),
            ("name", "Marie"),
            ("email", "marie@example.net"),
            ("website", ""),
        ];
        let body = form_body(&fields, b"&message=caf\xe9");
        let (status, location, _) = visitor
            .post_bytes("/request", "/api/submit_hosting_request", "text/html", body)
            .await;
        assert!(status.is_redirection(), "{name}: {status}");
        let html = visitor
            .get(&with_error("/request", &location.unwrap()))
            .await
            .html;
        let expected = ErrorKind::InvalidText {
            field: Some(Field::Message),
        };
        assert_eq!(
            field_error(&html, "request-message").as_deref(),
            Some(expected.message(locale).as_str()),
            "{name} {lang}"
        );
    }
    for status in app::hosting_requests::RequestStatus::ALL {
        let stored = server::hosting_requests::by_status(db, status)
            .await
            .unwrap();
        assert!(stored.is_empty(), "{name}: no request stored");
    }

    // The login form (a plain post, not a server function): back to it with the reason, in
    // the visitor's language, and nobody logged in.
    for (lang, says) in [
        ("en", "The form could not be read"),
        ("fr", "Le formulaire n’a pas pu être lu"),
    ] {
        let visitor = WebClient::new(&portal.url("/"), lang);
        let csrf = visitor.get("/login").await.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("password", "correct horse battery"),
        ];
        let body = form_body(&fields, b"&username=adm\xefn");
        let (status, location, _) = visitor
            .post_bytes("/login", "/auth/login", "text/html", body)
            .await;
        let location = location.unwrap_or_default();
        assert!(
            status.is_redirection() && location.starts_with("/login?error=unreadable"),
            "{name}: {status} {location}"
        );
        let page = visitor.get(&location).await;
        assert!(page.html.contains(says), "{name} {lang}");
        assert!(
            !page.html.contains("Log out") && !page.html.contains("Se déconnecter"),
            "{name}: not logged in"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_xmpp_link_uses_starttls_and_checks_the_certificate() {
    use server::xmpp::{
        check_password,
        tls::{TlsMode, Transport},
        AdminClient, XmppConfig,
    };
    let ca = domaine_tests::tls::TestCa::new();
    let ca_file = ca.ca_file().to_owned();
    let other_ca = domaine_tests::tls::TestCa::new();
    let host_config = domaine_tests::prosody::requiring_tls(&ca.issue("host", &[DOMAIN]));
    let prosody = Prosody::start_configured(&[DOMAIN], &[(DOMAIN, &host_config)]);
    let addr = prosody.c2s_addr();
    let jid = prosody.service_jid();
    let within = std::time::Duration::from_secs(10);

    // STARTTLS, the certificate checked against the test CA: the portal's link works, and so do
    // user logins (the same transport).
    let tls = Transport::tls(addr, TlsMode::Starttls, Some(&ca_file)).unwrap();
    let config = XmppConfig {
        server_addr: addr,
        jid: jid.clone(),
        password: prosody.service_password().to_string(),
        request_timeout: within,
    };
    let client = AdminClient::start_with(config.clone(), tls.clone());
    client
        .wait_connected(within)
        .await
        .expect("connected over TLS");
    let host: server::xmpp::DomainPart = DOMAIN.parse().unwrap();
    assert!(client.count_accounts(&host).await.unwrap() >= 1);
    assert_eq!(
        check_password(&tls, &jid, prosody.service_password(), within).await,
        Ok(true)
    );
    assert_eq!(check_password(&tls, &jid, "wrong", within).await, Ok(false));

    // A certificate from another CA is refused, and so is plain TCP (the server requires TLS).
    let wrong = Transport::tls(addr, TlsMode::Starttls, Some(other_ca.ca_file())).unwrap();
    assert!(
        check_password(&wrong, &jid, prosody.service_password(), within)
            .await
            .is_err()
    );
    let plain = Transport::plain(addr);
    assert_ne!(
        check_password(&plain, &jid, prosody.service_password(), within).await,
        Ok(true)
    );
}
