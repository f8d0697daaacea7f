//! Two-factor login: enrolment on `/me` (the codes computed here, as an authenticator app
//! would, from the secret the page shows), the login's second step with its refusals (a wrong
//! code, a replayed one, a recovery code used twice), throttling, removal, the provider
//! requiring it of owners and admins, the audit log, and the secret sealed at rest. Real
//! Prosody, each database backend, the portal's clock moved instead of waiting.

use app::{
    audit::AuditAction,
    error::ErrorKind,
    pages::public::login::{LOGIN_ERROR_CODE, LOGIN_ERROR_THROTTLED},
};
use domaine_tests::{
    database::Backend,
    page, per_backend,
    portal::{Overrides, TestPortal},
    prosody::Prosody,
    web::{kind, WebClient},
};
use reqwest::StatusCode;
use totp_rs::{Builder, Secret, Totp};

const HOST: &str = "twofactor.test";
const PASSWORD: &str = "a long password 1";

/// An authenticator app, as it reads the secret shown on `/me`.
struct App {
    totp: Totp,
}

impl App {
    fn from_page(html: &str) -> (App, String) {
        let tags = page::marked_with(html, "data-two-factor-secret");
        let secret = page::attr(
            tags.first().expect("the secret is shown"),
            "data-two-factor-secret",
        )
        .unwrap()
        .to_string();
        let totp = Builder::new()
            .with_secret(Secret::try_from_base32(&secret).expect("base32"))
            .build()
            .unwrap();
        (App { totp }, secret)
    }

    /// The code it shows at the portal's now.
    fn code(&self, portal: &TestPortal) -> String {
        self.totp
            .generate(portal.state.clock.now() as u64)
            .to_string()
    }

    /// A code it never shows around now (the portal takes one step either side).
    fn wrong_code(&self, portal: &TestPortal) -> String {
        let now = portal.state.clock.now() as u64;
        let near: Vec<String> = (0..5)
            .map(|i| self.totp.generate(now + 30 * i - 60).to_string())
            .collect();
        (0..)
            .map(|n: u32| format!("{:06}", n * 7919 % 1_000_000))
            .find(|code| !near.contains(code))
            .unwrap()
    }
}

/// Enrols the logged-in `web` on `/me`: start, a wrong first code refused, the right one.
/// Returns the app and the recovery codes the page showed once.
async fn enrol(web: &WebClient, portal: &TestPortal, what: &str) -> (App, Vec<String>) {
    let me = web.get("/me").await;
    assert_eq!(me.status, StatusCode::OK, "{what}: /me");
    assert_eq!(
        page::marked(&me.html, "data-two-factor-start", "").len(),
        1,
        "{what}"
    );
    let (status, location) = web
        .post_form("/api/start_two_factor", &[("csrf", &me.csrf())])
        .await;
    assert!(status.is_redirection(), "{what}: {status}");
    assert!(location.unwrap().starts_with("/me"), "{what}");
    let me = web.get("/me").await;
    assert!(
        me.html.contains("<svg"),
        "{what}: the QR code is in the page"
    );
    let (app, secret) = App::from_page(&me.html);
    let code_input = page::tag(&me.html, "two-factor-code");
    assert_eq!(
        page::attr(code_input, "inputmode"),
        Some("numeric"),
        "{what}"
    );
    assert_eq!(
        page::attr(code_input, "autocomplete"),
        Some("one-time-code"),
        "{what}"
    );
    assert!(secret.len() >= 32, "{what}: 160 bits in base32");

    let wrong = web
        .server_fn_on(
            "/me",
            "confirm_two_factor",
            &[("code", &app.wrong_code(portal))],
        )
        .await;
    assert_eq!(kind(wrong), ErrorKind::WrongCode, "{what}");
    // Without JavaScript: the form's answer is /me, which shows the codes once.
    let csrf = web.get("/me").await.csrf();
    let (status, location) = web
        .post_form(
            "/api/confirm_two_factor",
            &[("csrf", &csrf), ("code", &app.code(portal))],
        )
        .await;
    assert!(status.is_redirection(), "{what}: {status}");
    assert!(location.unwrap().starts_with("/me"), "{what}");
    let me = web.get("/me").await;
    let codes: Vec<String> = page::marked_with(&me.html, "data-recovery-code")
        .into_iter()
        .map(|tag| page::attr(tag, "data-recovery-code").unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{what}: the recovery codes");
    assert_eq!(
        page::marked(&me.html, "data-two-factor", "on").len(),
        1,
        "{what}"
    );
    let again = web.get("/me").await;
    assert!(
        page::marked_with(&again.html, "data-recovery-code").is_empty(),
        "{what}: shown once"
    );
    // The code just used is spent: the next login needs the app's next code.
    portal.state.clock.advance(30);
    (app, codes)
}

/// Logs in with the password on a new client: the portal asks for the code, and grants
/// nothing meanwhile. Returns the client, half logged in.
async fn password_step(portal: &TestPortal, username: &str, password: &str) -> WebClient {
    let web = WebClient::new(&portal.url("/"), "en");
    let location = web.log_in(username, password, None).await.unwrap();
    assert!(
        location.starts_with("/login?step=code"),
        "{username}: {location}"
    );
    let step = web.get(&location).await;
    let input = page::tag(&step.html, "login-code");
    assert_eq!(page::attr(input, "inputmode"), Some("numeric"));
    assert_eq!(page::attr(input, "autocomplete"), Some("one-time-code"));
    assert_eq!(
        web.get("/me").await.status,
        StatusCode::FOUND,
        "{username}: no session before the code"
    );
    web
}

/// Sends `code` as the login's second step; returns where the portal sends the browser.
async fn send_code(web: &WebClient, code: &str) -> String {
    let csrf = web.get("/login?step=code").await.csrf();
    let (_, location) = web
        .post_form("/auth/login/code", &[("csrf", &csrf), ("code", code)])
        .await;
    location.expect("a redirect")
}

fn error_of(location: &str) -> Option<&str> {
    location
        .split(['?', '&'])
        .find_map(|part| part.strip_prefix("error="))
}

async fn audit_actions(portal: &TestPortal, domain: Option<&str>) -> Vec<AuditAction> {
    server::audit::list(&portal.state.db, domain, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// A portal on its own Prosody, with `user@HOST` logged in (in `language`) and enrolled. Bind
/// `_prosody` where it is taken apart, or Prosody stops at once.
struct Enrolled {
    portal: TestPortal,
    jid: String,
    web: WebClient,
    app: App,
    recovery: Vec<String>,
    _prosody: Prosody,
}

async fn enrolled(backend: &Backend, user: &str, language: &str) -> Enrolled {
    let prosody = Prosody::start(&[HOST]);
    let portal = TestPortal::start(&prosody, backend).await;
    let web = portal
        .xmpp_user(&prosody, user, HOST, PASSWORD, language)
        .await;
    let (app, recovery) = enrol(&web, &portal, user).await;
    Enrolled {
        jid: format!("{user}@{HOST}"),
        portal,
        web,
        app,
        recovery,
        _prosody: prosody,
    }
}

per_backend!(a_user_turns_on_two_factor_and_logs_in_with_codes);
async fn a_user_turns_on_two_factor_and_logs_in_with_codes(backend: Backend) {
    let Enrolled {
        portal,
        jid,
        web,
        app,
        recovery,
        _prosody,
    } = enrolled(&backend, "alice", "en").await;
    assert!(audit_actions(&portal, Some(HOST))
        .await
        .contains(&AuditAction::EnableTwoFactor));

    // Sealed at rest: neither the secret nor a recovery code is in the database.
    let (sealed,): (String,) = sqlx::query_as("SELECT sealed_secret FROM two_factor")
        .fetch_one(&portal.state.db.pool)
        .await
        .unwrap();
    let secret_bytes = app.totp.secret().as_bytes().to_vec();
    let raw = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &sealed).unwrap();
    assert!(!raw.windows(secret_bytes.len()).any(|w| w == secret_bytes));
    assert!(!sealed.contains(&app.totp.secret().to_base32()));
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT code_hash FROM two_factor_recovery_codes")
        .fetch_all(&portal.state.db.pool)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 10);
    for (hash,) in &hashes {
        assert!(recovery.iter().all(|code| !hash.contains(code.as_str())));
    }

    // The password alone is not enough; a wrong code is refused.
    let half = password_step(&portal, &jid, PASSWORD).await;
    assert_eq!(
        error_of(&send_code(&half, &app.wrong_code(&portal)).await),
        Some(LOGIN_ERROR_CODE)
    );
    assert_eq!(half.get("/me").await.status, StatusCode::FOUND);
    let code = app.code(&portal);
    assert_eq!(send_code(&half, &code).await, "/");
    assert_eq!(half.get("/me").await.status, StatusCode::OK, "logged in");

    // The same code again, from another browser: refused.
    let replay = password_step(&portal, &jid, PASSWORD).await;
    assert_eq!(
        error_of(&send_code(&replay, &code).await),
        Some(LOGIN_ERROR_CODE)
    );
    // The app's next code works.
    portal.state.clock.advance(30);
    assert_eq!(send_code(&replay, &app.code(&portal)).await, "/");

    // A recovery code works once (typed loosely), then never again; its use is in the audit
    // log (the app's codes are not).
    let recovery_logins = || async {
        audit_actions(&portal, Some(HOST))
            .await
            .into_iter()
            .filter(|a| *a == AuditAction::UseRecoveryCode)
            .count()
    };
    assert_eq!(recovery_logins().await, 0);
    let first = password_step(&portal, &jid, PASSWORD).await;
    assert_eq!(send_code(&first, &recovery[0].to_uppercase()).await, "/");
    let second = password_step(&portal, &jid, PASSWORD).await;
    assert_eq!(
        error_of(&send_code(&second, &recovery[0]).await),
        Some(LOGIN_ERROR_CODE)
    );
    assert_eq!(recovery_logins().await, 1);
    let me = first.get("/me").await;
    assert!(page::marked(&me.html, "data-two-factor", "on").len() == 1);

    // Removal needs a current code (or the password).
    portal.state.clock.advance(30);
    let wrong = web
        .server_fn_on(
            "/me",
            "remove_two_factor",
            &[("code", &app.wrong_code(&portal))],
        )
        .await;
    assert_eq!(kind(wrong), ErrorKind::WrongCode);
    let wrong = web
        .server_fn_on(
            "/me",
            "remove_two_factor",
            &[("current_password", "not it")],
        )
        .await;
    assert_eq!(kind(wrong), ErrorKind::WrongPassword);
    web.server_fn_on("/me", "remove_two_factor", &[("code", &app.code(&portal))])
        .await
        .unwrap();
    assert!(audit_actions(&portal, Some(HOST))
        .await
        .contains(&AuditAction::DisableTwoFactor));
    let none: Vec<(String,)> = sqlx::query_as("SELECT account FROM two_factor")
        .fetch_all(&portal.state.db.pool)
        .await
        .unwrap();
    assert!(none.is_empty(), "nothing kept");
    WebClient::logged_in(&portal.url("/"), "en", &jid, PASSWORD, "/").await;
}

per_backend!(repeated_wrong_codes_lock_the_login);
async fn repeated_wrong_codes_lock_the_login(backend: Backend) {
    // Prosody must outlive the test: bound, not dropped with the rest.
    let Enrolled {
        portal,
        jid,
        app,
        _prosody,
        ..
    } = enrolled(&backend, "bob", "fr").await;
    let half = password_step(&portal, &jid, PASSWORD).await;
    for attempt in 0..6 {
        let refused = send_code(&half, &app.wrong_code(&portal)).await;
        assert_eq!(
            error_of(&refused),
            Some(LOGIN_ERROR_CODE),
            "attempt {attempt}"
        );
    }
    // Locked now, even for the right code, and for the password step too.
    assert_eq!(
        error_of(&send_code(&half, &app.code(&portal)).await),
        Some(LOGIN_ERROR_THROTTLED)
    );
    assert_eq!(half.get("/me").await.status, StatusCode::FOUND);
    let location = WebClient::new(&portal.url("/"), "en")
        .log_in(&jid, PASSWORD, None)
        .await
        .unwrap();
    assert_eq!(error_of(&location), Some(LOGIN_ERROR_THROTTLED));
    // Once the lock is over, the right code opens the session.
    portal.state.clock.advance(60);
    assert_eq!(send_code(&half, &app.code(&portal)).await, "/");
}

per_backend!(the_provider_requires_two_factor_of_owners_and_admins);
async fn the_provider_requires_two_factor_of_owners_and_admins(backend: Backend) {
    let prosody = Prosody::start(&[HOST]);
    let overrides = Overrides {
        extra: "[two_factor]\nrequire_for_owners = true\nrequire_for_provider_admins = true\n"
            .into(),
        ..Overrides::default()
    };
    let portal =
        TestPortal::start_managing_overriding(&prosody, &backend, &[HOST], None, overrides).await;
    let console = format!("/domains/{HOST}");

    // An owner who has not enrolled can reach nothing but the enrolment.
    let owner = format!("olga@{HOST}");
    prosody.register("olga", HOST, PASSWORD);
    portal.add_owner(HOST, &owner).await;
    let web = WebClient::logged_in(&portal.url("/"), "fr", &owner, PASSWORD, "/").await;
    let res = web.get_with(&console, &[]).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/me");
    let me = web.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        page::marked(&me.html, "data-two-factor-required", "").len(),
        1
    );
    // A form posted without JavaScript goes to the enrolment, as a page load does; the hydrated
    // page's call gets the typed error that sends it there.
    let refused = web
        .post_form("/api/end_own_sessions", &[("csrf", &me.csrf())])
        .await;
    assert!(refused.0.is_redirection(), "{}", refused.0);
    assert_eq!(refused.1.as_deref(), Some("/me"));
    assert_eq!(
        kind(
            web.server_fn("end_own_sessions", &[("csrf", &me.csrf())])
                .await
        ),
        ErrorKind::TwoFactorRequired
    );
    enrol(&web, &portal, "the owner").await;
    assert_eq!(
        web.get(&console).await.status,
        StatusCode::OK,
        "enrolled: free"
    );

    // A member who owns nothing is not asked.
    let member = portal
        .xmpp_user(&prosody, "mia", HOST, PASSWORD, "en")
        .await;
    let me = member.get("/me").await;
    assert!(page::marked(&me.html, "data-two-factor-required", "").is_empty());
    assert_eq!(member.get("/").await.status, StatusCode::OK);

    // A provider admin with a local login: sent to enrolment, then logs in with a code.
    portal.create_admin("root", PASSWORD).await;
    let admin = WebClient::logged_in(&portal.url("/"), "en", "root", PASSWORD, "/admin").await;
    let res = admin.get_with("/admin", &[]).await;
    assert_eq!(res.headers()["location"], "/me");
    let (app, _) = enrol(&admin, &portal, "the admin").await;
    assert_eq!(admin.get("/admin").await.status, StatusCode::OK);
    assert!(audit_actions(&portal, None)
        .await
        .contains(&AuditAction::EnableTwoFactor));
    let half = password_step(&portal, "root", PASSWORD).await;
    assert_eq!(send_code(&half, &app.code(&portal)).await, "/admin");
}
