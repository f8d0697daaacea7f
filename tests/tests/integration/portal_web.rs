//! The portal over HTTP, as a browser without JavaScript uses it, against a real Prosody and
//! each database backend: login, language, anti-forgery, and account creation.

use app::error::ErrorKind;
use domaine_tests::{
    database::Backend,
    page, per_backend,
    portal::TestPortal,
    prosody::{can_login, Prosody},
    web::WebClient,
};
use reqwest::StatusCode;
use server::xmpp::BareJid;

const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "correct horse battery";
const DOMAIN: &str = "one.test";

async fn logged_in(portal: &TestPortal, lang: &str) -> WebClient {
    portal.admin_web(ADMIN, ADMIN_PASSWORD, lang).await
}

per_backend!(login_opens_a_session_and_logout_closes_it);
async fn login_opens_a_session_and_logout_closes_it(backend: Backend) {
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &backend).await;
    portal.create_admin(ADMIN, ADMIN_PASSWORD).await;
    let web = WebClient::new(&portal.url("/"), "en");

    // Not logged in: the admin page sends to the login page.
    let page = web.get("/admin").await;
    assert_eq!(page.status, StatusCode::FOUND, "{}", backend.name());

    let location = web
        .log_in(ADMIN, "wrong password", Some("/admin"))
        .await
        .unwrap();
    assert!(
        location.starts_with("/login?error=invalid&username=admin"),
        "{location}"
    );
    let page = web.get(&location).await;
    assert!(page.html.contains("Wrong username or password."));
    assert!(
        page.html.contains(r#"value="admin""#),
        "the username is kept"
    );

    assert!(web.login(ADMIN, ADMIN_PASSWORD).await);
    let page = web.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains(DOMAIN), "the domains are listed");

    let csrf = page.csrf();
    let (_, location) = web.post_form("/auth/logout", &[("csrf", &csrf)]).await;
    assert_eq!(location.as_deref(), Some("/"));
    assert_eq!(
        web.get("/admin").await.status,
        StatusCode::FOUND,
        "logged out"
    );
}

per_backend!(forms_without_the_right_token_or_from_another_site_are_refused);
async fn forms_without_the_right_token_or_from_another_site_are_refused(backend: Backend) {
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let web = logged_in(&portal, "en").await;

    let err = web
        .server_fn(
            "create_account",
            &[
                ("csrf", "forged"),
                ("domain", DOMAIN),
                ("username", "eve"),
                ("password", "long enough pw"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::StaleForm);

    // A login form posted without the cookie's token does not log in.
    let other = WebClient::new(&portal.url("/"), "en");
    let (_, location) = other
        .post_form(
            "/auth/login",
            &[
                ("csrf", "forged"),
                ("username", ADMIN),
                ("password", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert!(location.unwrap().starts_with("/login?error=stale"));

    let res = reqwest::Client::new()
        .post(portal.url("/auth/logout"))
        .header("Origin", "https://evil.example")
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let anonymous = WebClient::new(&portal.url("/"), "en");
    let csrf = anonymous.get("/").await.csrf();
    let err = anonymous
        .server_fn(
            "create_account",
            &[
                ("csrf", &csrf),
                ("domain", DOMAIN),
                ("username", "eve"),
                ("password", "long enough pw"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotLoggedIn);
    assert!(anonymous.server_fn("list_domains", &[]).await.is_err());
}

per_backend!(an_admin_creates_an_account_that_can_log_in_to_prosody);
async fn an_admin_creates_an_account_that_can_log_in_to_prosody(backend: Backend) {
    let prosody = Prosody::start(&[DOMAIN, "two.test"]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let web = logged_in(&portal, "en").await;
    let username = format!("alice-{}", backend.name());
    let csrf = web.get("/admin").await.csrf();

    let (status, location) = web
        .post_form(
            "/api/create_account",
            &[
                ("csrf", &csrf),
                ("domain", DOMAIN),
                ("username", &username.to_uppercase()),
                ("password", "a good password"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    let location = location.unwrap();
    let jid = format!("{username}@{DOMAIN}");
    assert!(
        location.contains(&format!("created={}", jid.replace('@', "%40"))),
        "{location}"
    );
    let page = web.get(location.trim_start_matches(&portal.url(""))).await;
    assert!(
        page.html
            .contains(&format!("The account {jid} was created.")),
        "the page says so"
    );

    let jid: BareJid = jid.parse().unwrap();
    assert!(
        can_login(prosody.c2s_addr(), &jid, "a good password").await,
        "the account logs in"
    );
    assert!(!can_login(prosody.c2s_addr(), &jid, "another password").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_a_clear_error_in_the_users_language_and_keeps_the_input() {
    let mut prosody = Prosody::start(&[DOMAIN]);
    let backend = Backend::Sqlite;
    let portal = TestPortal::start(&prosody, &backend).await;
    let web = logged_in(&portal, "fr-FR,fr;q=0.9").await;
    let csrf = web.get("/admin").await.csrf();
    let create = |username: &'static str, password: &'static str, domain: &'static str| {
        let csrf = csrf.clone();
        let web = &web;
        async move {
            web.server_fn(
                "create_account",
                &[
                    ("csrf", &csrf),
                    ("domain", domain),
                    ("username", username),
                    ("password", password),
                ],
            )
            .await
        }
    };

    assert_eq!(
        create("bad name", "a good password", DOMAIN)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::InvalidUsername
    );
    assert_eq!(
        create("b@d", "a good password", DOMAIN)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::InvalidUsername
    );
    assert_eq!(
        create("carol", "short", DOMAIN).await.unwrap_err().kind,
        ErrorKind::PasswordTooShort { min: 10 }
    );
    assert_eq!(
        create("carol", "a good password", "elsewhere.test")
            .await
            .unwrap_err()
            .kind,
        ErrorKind::UnknownDomain
    );
    create("carol", "a good password", DOMAIN).await.unwrap();
    let exists = create("carol", "a good password", DOMAIN)
        .await
        .unwrap_err();
    assert_eq!(exists.kind, ErrorKind::AccountExists);
    assert_eq!(exists.kept("username"), Some("carol"));

    // Without JavaScript the error comes back in the URL and the page shows it in French,
    // next to the field, with the username still filled in.
    let (_, location) = web
        .post_form(
            "/api/create_account",
            &[
                ("csrf", &csrf),
                ("domain", DOMAIN),
                ("username", "carol"),
                ("password", "a good password"),
            ],
        )
        .await;
    let page = web
        .get(location.unwrap().trim_start_matches(&portal.url("")))
        .await;
    assert!(
        page.html.contains("Ce compte existe déjà."),
        "{}",
        page.html
    );
    assert!(page.html.contains(r#"value="carol""#));

    // Prosody down: a clear error at once, nothing stored for later, and the portal recovers.
    prosody.stop();
    let down = create("dave", "a good password", DOMAIN).await.unwrap_err();
    assert_eq!(down.kind, ErrorKind::XmppUnavailable);
    assert_eq!(down.kept("username"), Some("dave"));
    prosody.start_again();
    portal
        .state
        .xmpp
        .wait_connected(std::time::Duration::from_secs(15))
        .await
        .unwrap();
    create("dave", "a good password", DOMAIN).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_follows_the_browser_and_the_switch_is_remembered() {
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    let web = WebClient::new(&portal.url("/"), "fr-CA,fr;q=0.8,en;q=0.5");
    let page = web.get("/login").await;
    assert!(page.html.contains(r#"<html lang="fr""#));
    assert!(page.html.contains("Se connecter"));

    assert_eq!(
        web.get("/lang/en?next=/login").await.status,
        StatusCode::SEE_OTHER
    );
    let page = web.get("/login").await;
    assert!(
        page.html.contains(r#"<html lang="en""#),
        "the choice is remembered over Accept-Language"
    );
    assert!(page.html.contains("Log in"));

    let english = WebClient::new(&portal.url("/"), "en-GB");
    assert!(english.get("/").await.html.contains(r#"<html lang="en""#));
    let missing = english.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.html.contains("Page not found"));
}

per_backend!(repeated_failed_logins_lock_the_account_for_a_while);
async fn repeated_failed_logins_lock_the_account_for_a_while(backend: Backend) {
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &backend).await;
    portal.create_admin(ADMIN, ADMIN_PASSWORD).await;
    let web = WebClient::new(&portal.url("/"), "en");
    for _ in 0..5 {
        assert!(!web.login(ADMIN, "a wrong guess").await);
    }
    let location = web.log_in(ADMIN, "a wrong guess", None).await;
    assert!(
        location.unwrap().contains("error=invalid"),
        "the sixth failure still answers normally"
    );
    // Now locked: even the right password is refused, with a clear message.
    let location = web.log_in(ADMIN, ADMIN_PASSWORD, None).await.unwrap();
    assert!(location.contains("error=throttled"), "{location}");
    let page = web.get(&location).await;
    assert!(
        page.html.contains("Too many failed attempts"),
        "{}",
        backend.name()
    );
}

/// Static files are served as a CDN would: the pages name content-hashed files, which come
/// precompressed (brotli, gzip) with a year of caching and no cookie.
#[tokio::test(flavor = "multi_thread")]
async fn assets_are_hashed_precompressed_cached_and_cookieless() {
    use reqwest::header::{
        ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, SET_COOKIE, VARY,
    };
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    let web = WebClient::new(&portal.url("/"), "en");
    let login = web.get_with("/login", &[]).await;
    // The page itself sets the anti-forgery cookie.
    assert!(login.headers().contains_key(SET_COOKIE));
    let html = login.text().await.unwrap();
    let href = |suffix: &str| -> String {
        let end = html
            .find(suffix)
            .unwrap_or_else(|| panic!("no {suffix} in the page"));
        let start = html[..end].rfind("/pkg/domaine-").expect("a hashed name");
        html[start..end + suffix.len()].to_owned()
    };
    let site = domaine_tests::portal::site_root();
    for (path, plain, content_type) in [
        (href(".css"), "pkg/domaine.css", "text/css"),
        (href(".js"), "pkg/domaine.js", "text/javascript"),
        (href("_bg.wasm"), "pkg/domaine_bg.wasm", "application/wasm"),
    ] {
        let plain = std::fs::read(site.join(plain)).unwrap();
        // A coding refused with q=0 is not sent.
        for (accepted, encoding) in [
            ("br", "br"),
            ("gzip", "gzip"),
            ("br;q=0, gzip", "gzip"),
            ("identity", "identity"),
        ] {
            let response = web.get_with(&path, &[(ACCEPT_ENCODING, accepted)]).await;
            assert_eq!(response.status(), StatusCode::OK, "{path} {accepted}");
            let headers = response.headers().clone();
            assert!(
                headers[CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with(content_type),
                "{path}: {:?}",
                headers[CONTENT_TYPE]
            );
            assert_eq!(headers[VARY], "accept-encoding", "{path}");
            assert_eq!(
                headers[CACHE_CONTROL], "public, max-age=31536000, immutable",
                "{path}"
            );
            assert!(!headers.contains_key(SET_COOKIE), "{path} sets a cookie");
            assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
            let body = response.bytes().await.unwrap();
            if encoding == "identity" {
                assert!(!headers.contains_key(CONTENT_ENCODING), "{path}");
                assert_eq!(body, plain, "{path}: the hashed copy is the built file");
            } else {
                assert_eq!(headers[CONTENT_ENCODING], encoding, "{path}");
                assert!(body.len() < plain.len(), "{path} {encoding} is compressed");
            }
        }
    }
}

/// The login page is rendered once per language and then filled in (`web/page_cache.rs`): each
/// visitor still gets a token of its own, which its login accepts, and the nonce its
/// Content-Security-Policy names; a French visitor gets the French page.
#[tokio::test(flavor = "multi_thread")]
async fn the_login_page_is_kept_and_each_visitor_gets_its_own_token_and_nonce() {
    use reqwest::header::CONTENT_SECURITY_POLICY;
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    portal.create_admin(ADMIN, ADMIN_PASSWORD).await;
    let visit = |lang: &'static str| {
        let web = WebClient::new(&portal.url("/"), lang);
        async move {
            let response = web.get_with("/login", &[]).await;
            assert_eq!(response.status(), StatusCode::OK);
            let policy = response.headers()[CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap();
            let nonce = policy
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .expect("a nonce in the policy")
                .to_owned();
            let html = response.text().await.unwrap();
            let csrf = domaine_tests::web::Page {
                status: StatusCode::OK,
                html: html.clone(),
            }
            .csrf();
            assert!(
                html.contains(&format!("nonce=\"{nonce}\"")),
                "{lang}: the page's scripts carry its nonce"
            );
            (web, html, csrf, nonce)
        }
    };
    let (_, first, first_csrf, first_nonce) = visit("en").await;
    let (second_web, second, second_csrf, second_nonce) = visit("en").await;
    assert_ne!(first_csrf, second_csrf);
    assert_ne!(first_nonce, second_nonce);
    let blank = |html: &str, csrf: &str, nonce: &str| html.replace(csrf, "").replace(nonce, "");
    assert_eq!(
        blank(&first, &first_csrf, &first_nonce),
        blank(&second, &second_csrf, &second_nonce),
        "the same page but for its token and nonce"
    );
    assert!(
        second_web.login(ADMIN, ADMIN_PASSWORD).await,
        "the filled-in token is the cookie's"
    );
    let (_, french, _, _) = visit("fr").await;
    assert!(
        french.contains(r#"<html lang="fr""#) && first.contains(r#"<html lang="en""#),
        "{}",
        &french[..french.len().min(300)]
    );
}

per_backend!(the_provider_console_counts_every_domain_as_each_domain_does);
/// The provider console's account counts (one command for all domains, from mod_domaine's
/// indexes) equal each domain's own count, including accounts made outside the portal.
async fn the_provider_console_counts_every_domain_as_each_domain_does(backend: Backend) {
    const OTHER: &str = "two.test";
    let prosody = Prosody::start(&[DOMAIN, OTHER]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let web = logged_in(&portal, "en").await;
    for user in ["ann", "bob", "cid"] {
        prosody.register(user, OTHER, "a password");
    }
    let client = prosody.connected_admin_client().await;
    let body = web.server_fn("provider_domains", &[]).await.unwrap();
    let rows: Vec<app::provider::ProviderDomainRow> = serde_json::from_str(&body).unwrap();
    assert_eq!(rows.len(), 2, "{}: {body}", backend.name());
    for row in &rows {
        let host = BareJid::new(&row.name).unwrap();
        let own = client.count_accounts(host.domain()).await.unwrap();
        assert_eq!(row.accounts, Some(own), "{}: {}", backend.name(), row.name);
    }

    // Each row's owners and waiting changes are its own, however many domains there are.
    let db = &portal.state.db;
    let other = server::domains::get(db, OTHER).await.unwrap().unwrap();
    for owner in ["zed@elsewhere.test", "amy@elsewhere.test"] {
        server::domains::add_owner(db, other.id, owner)
            .await
            .unwrap();
    }
    // A change waiting for its next attempt, far off: the worker leaves it alone.
    sqlx::query(
        "INSERT INTO jobs (domain, kind, target, created_at, next_attempt_at) \
         VALUES ($1, 'quota', '', 0, $2)",
    )
    .bind(OTHER)
    .bind(i64::MAX / 2)
    .execute(&db.pool)
    .await
    .unwrap();
    let body = web.server_fn("provider_domains", &[]).await.unwrap();
    let rows: Vec<app::provider::ProviderDomainRow> = serde_json::from_str(&body).unwrap();
    let row = |name: &str| rows.iter().find(|r| r.name == name).unwrap();
    assert_eq!(
        row(OTHER).owners,
        ["amy@elsewhere.test", "zed@elsewhere.test"],
        "{}",
        backend.name()
    );
    assert!(row(OTHER).pending, "{}", backend.name());
    assert!(
        !row(DOMAIN).pending
            && !row(DOMAIN)
                .owners
                .contains(&"amy@elsewhere.test".to_string())
    );
}

per_backend!(international_domain_names_read_in_unicode);
/// A domain stored in ASCII (`xn--…`) is shown in Unicode on the provider console, its suspend
/// form and the domain's pages, while links and forms keep the ASCII name.
async fn international_domain_names_read_in_unicode(backend: Backend) {
    const ASCII: &str = "xn--caf-libre-d4a.localhost";
    const UNICODE: &str = "café-libre.localhost";
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let b = backend.name();
    server::domains::add(&portal.state.db, ASCII).await.unwrap();
    let web = logged_in(&portal, "fr").await;

    let console = web.get("/admin").await.html;
    let text = page::main_text(&console);
    assert!(text.contains(UNICODE), "{b}: {text}");
    assert!(!text.contains(ASCII), "{b}: the ASCII form is not shown");
    assert!(
        console.contains(&format!("href=\"/domains/{ASCII}\"")),
        "{b}"
    );
    assert!(
        console.contains(&format!("value=\"{ASCII}\"")),
        "{b}: the form sends ASCII"
    );

    for path in [
        format!("/domains/{ASCII}"),
        format!("/domains/{ASCII}/accounts"),
        format!("/domains/{ASCII}/invites"),
        format!("/domains/{ASCII}/health"),
    ] {
        let html = web.get(&path).await.html;
        let between = |open: &str, close: &str| {
            html.split(open)
                .nth(1)
                .and_then(|rest| rest.split(close).next())
                .unwrap_or_default()
                .to_string()
        };
        let heading = between("<h1", "</h1>");
        assert!(heading.contains(UNICODE), "{b} {path}: {heading}");
        let title = between("<title>", "</title>");
        assert!(title.contains(UNICODE), "{b} {path}: {title}");
        let text = page::main_text(&html);
        let shown = text
            .find(ASCII)
            .map(|at| &text[at.saturating_sub(80)..at + ASCII.len()]);
        assert_eq!(shown, None, "{b} {path}: the ASCII form is not shown");
    }

    // The Unicode name typed in the address bar leads to the same pages.
    let typed = web
        .get_with("/domains/caf%C3%A9-libre.localhost/accounts?q=a", &[])
        .await;
    assert_eq!(typed.status(), StatusCode::PERMANENT_REDIRECT, "{b}");
    assert_eq!(
        typed.headers()[reqwest::header::LOCATION],
        format!("/domains/{ASCII}/accounts?q=a").as_str(),
        "{b}"
    );
}

/// Pages keep rendering while another router of the same process is built (a second portal
/// starting, as in this test suite): building one used to suppress resource loading for the
/// whole process, and a page whose resource first polled meanwhile never answered.
#[tokio::test(flavor = "multi_thread")]
async fn pages_render_while_another_router_is_built() {
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    let web = logged_in(&portal, "en").await;
    let state = portal.state.clone();
    let builds = tokio::task::spawn_blocking(move || {
        for _ in 0..200 {
            drop(server::web::router(state.clone()));
        }
    });
    for view in 0..50 {
        let page = tokio::time::timeout(std::time::Duration::from_secs(20), web.get("/admin"))
            .await
            .unwrap_or_else(|_| panic!("view {view} of /admin never answered"));
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains(DOMAIN), "the resource resolved");
    }
    builds.await.unwrap();
}
