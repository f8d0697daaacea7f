//! Secrets at rest and in the logs: the portal run as `domaine serve` runs (its own process,
//! logging at `debug`) through a whole flow — logins, an account, a reset link, a hosting
//! request confirmed by e-mail, an invitation sent by e-mail and used — and neither its log nor
//! its database holds a password, token or key used.

use clap::Parser;
use domaine_tests::{
    database::Backend,
    portal::{write_config, Overrides},
    process::{self, free_port},
    prosody::Prosody,
    smtp::SmtpServer,
    wait,
    web::WebClient,
};
use server::{auth::tokens::token_hash, db::Db};
use std::{path::Path, process::Stdio, time::Duration};

const DOMAIN: &str = "secrets.test";
const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "admin-pw-Kq7vXz2";
const OWNER: &str = "olga";
const OWNER_PASSWORD: &str = "owner-pw-Ld9wYb4";
const ACCOUNT_PASSWORD: &str = "account-pw-Tn3cRm8";
const RESET_PASSWORD: &str = "reset-pw-Hs5gJp1";
const INVITEE_PASSWORD: &str = "invitee-pw-Vf6kWq0";

/// The variable that makes [`serve_as_the_portal_process`] serve: the configuration file.
const SERVE_CONFIG: &str = "SECRETS_TEST_PORTAL_CONFIG";

/// Not a test on its own: the portal process of the test below, which runs this same test
/// binary with [`SERVE_CONFIG`] set, so that the portal serves exactly as `domaine serve` does
/// (its logging set up by the command line from `RUST_LOG`) and with the code under test.
/// Without the variable it returns at once.
#[test]
fn serve_as_the_portal_process() {
    let Ok(config) = std::env::var(SERVE_CONFIG) else {
        return;
    };
    let cli = server::cli::Cli::parse_from(["domaine", "--config", &config, "serve"]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(cli.run()).expect("the portal serves");
}

/// The portal in its own process, logging at `debug` into `log`.
struct PortalProcess {
    child: std::process::Child,
    base: String,
    log: std::path::PathBuf,
}

impl PortalProcess {
    fn spawn(config: &Path, addr: std::net::SocketAddr, log: &Path) -> PortalProcess {
        let out = std::fs::File::create(log).unwrap();
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "secrets::serve_as_the_portal_process",
                "--exact",
                "--nocapture",
            ])
            .env(SERVE_CONFIG, config)
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        let child = process::spawn_dying_with_tests(command).expect("start the portal");
        PortalProcess {
            child,
            base: format!("http://{addr}"),
            log: log.to_path_buf(),
        }
    }

    /// Until `/health` says the database and the XMPP link are up.
    async fn wait_ready(&self) {
        let health = format!("{}/health", self.base);
        assert!(
            wait::eventually(Duration::from_secs(60), || async {
                reqwest::get(&health)
                    .await
                    .is_ok_and(|r| r.status().is_success())
            })
            .await,
            "the portal process serves: {}",
            process::log_since(&self.log, 0)
        );
    }

    fn web(&self, language: &str) -> WebClient {
        WebClient::new(&format!("{}/", self.base), language)
    }
}

/// What the configuration holds that must stay secret: the signing key.
fn config_secret_key(config: &Path) -> String {
    let text = std::fs::read_to_string(config).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("secret_key = "))
        .expect("a secret_key line");
    line.trim_start_matches("secret_key = ")
        .trim_matches('"')
        .to_string()
}

/// A link's path on the portal at `base`.
fn path_of(link: &str, base: &str) -> String {
    link.trim_start_matches(base).to_string()
}

/// The path and the token of the link under `prefix` in the mail `to` gets.
async fn mailed_link(smtp: &SmtpServer, to: &str, prefix: &str, base: &str) -> (String, String) {
    let mail = smtp.wait_for_mail(to, Duration::from_secs(20)).await;
    let path = path_of(&mail.link(prefix), base);
    let token = path.trim_start_matches(prefix).to_string();
    (path, token)
}

#[tokio::test(flavor = "multi_thread")]
async fn no_password_token_or_key_reaches_the_debug_log_or_the_database() {
    let prosody = Prosody::start(&[DOMAIN]);
    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().unwrap();
    let database_url = Backend::Sqlite.fresh_database(dir.path()).await;
    let db = Db::connect(&database_url).await.unwrap();
    server::auth::admins::create(&db, ADMIN, ADMIN_PASSWORD, 10)
        .await
        .unwrap();
    server::domains::add(&db, DOMAIN).await.unwrap();
    let owner_jid = format!("{OWNER}@{DOMAIN}");
    prosody.register(OWNER, DOMAIN, OWNER_PASSWORD);
    let row = server::domains::get(&db, DOMAIN).await.unwrap().unwrap();
    server::domains::add_owner(&db, row.id, &owner_jid)
        .await
        .unwrap();
    let addr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let config = write_config(
        dir.path(),
        addr,
        &prosody,
        &database_url,
        smtp.port(),
        &Overrides::default(),
    );
    let log = dir.path().join("portal.log");
    let mut portal = PortalProcess::spawn(&config, addr, &log);
    portal.wait_ready().await;
    let base = portal.base.clone();

    // A provider admin logs in and creates an account with a chosen password.
    let admin = portal.web("en");
    assert!(
        admin.login(ADMIN, ADMIN_PASSWORD).await,
        "the admin logs in"
    );
    let accounts = format!("/domains/{DOMAIN}/accounts");
    admin
        .server_fn_on(
            &accounts,
            "create_account",
            &[
                ("domain", DOMAIN),
                ("username", "alice"),
                ("password", ACCOUNT_PASSWORD),
            ],
        )
        .await
        .expect("the account is created");

    // The owner (an XMPP login) makes a reset link; alice sets a new password with it.
    let owner =
        WebClient::logged_in(&format!("{base}/"), "en", &owner_jid, OWNER_PASSWORD, "/").await;
    let link = owner
        .server_fn_on(
            &accounts,
            "create_reset_link",
            &[("domain", DOMAIN), ("username", "alice")],
        )
        .await
        .expect("a reset link");
    let link: serde_json::Value = serde_json::from_str(&link).unwrap();
    let reset_path = path_of(link["link"].as_str().unwrap(), &base);
    let reset_token = reset_path.trim_start_matches("/reset/").to_string();
    let alice = portal.web("en");
    let location = alice.reset_password(&reset_path, RESET_PASSWORD).await;
    assert!(
        location.is_some_and(|l| l.starts_with("/welcome")),
        "the new password is set"
    );

    // A hosting request, confirmed from the link in its e-mail.
    let marie = portal.web("fr");
    let csrf = marie.get("/request").await.csrf();
    marie
        .server_fn(
            "submit_hosting_request",
            &[
                ("csrf", &csrf),
                ("domain", "marie.example"),
                ("name", "Marie"),
                ("email", "marie@example.net"),
                ("xmpp", ""),
                ("message", ""),
                ("website", ""),
            ],
        )
        .await
        .expect("the request is filed");
    let (confirm_path, confirm_token) =
        mailed_link(&smtp, "marie@example.net", "/request/confirm/", &base).await;
    let page = marie.get(&confirm_path).await;
    marie
        .server_fn(
            "confirm_hosting_request",
            &[("csrf", &page.csrf()), ("token", &confirm_token)],
        )
        .await
        .expect("the request is confirmed");

    // An invitation sent by e-mail, used on the web.
    owner
        .server_fn_on(
            &format!("/domains/{DOMAIN}/invites"),
            "create_invite",
            &[
                ("domain", DOMAIN),
                ("email", "guest@example.net"),
                ("email_locale", "en"),
            ],
        )
        .await
        .expect("the invitation is made");
    let (invite_path, invite_token) =
        mailed_link(&smtp, "guest@example.net", "/invite/", &base).await;
    let guest = portal.web("en");
    let page = guest.get(&invite_path).await;
    let (_, location) = guest
        .post_form(
            "/api/register_with_invite",
            &[
                ("csrf", &page.csrf()),
                ("token", &invite_token),
                ("username", "bob"),
                ("password", INVITEE_PASSWORD),
                ("confirm", INVITEE_PASSWORD),
            ],
        )
        .await;
    assert!(
        location.is_some_and(|l| l.starts_with("/welcome")),
        "the invitation is used"
    );

    process::terminate(&mut portal.child);
    let log_text = process::log_since(&log, 0);
    assert!(
        log_text.contains("DEBUG"),
        "the portal logged at debug: {log_text}"
    );
    let secrets = [
        ("the admin's password", ADMIN_PASSWORD.to_string()),
        ("the owner's password", OWNER_PASSWORD.to_string()),
        ("the new account's password", ACCOUNT_PASSWORD.to_string()),
        ("the password set by reset link", RESET_PASSWORD.to_string()),
        ("the invitee's password", INVITEE_PASSWORD.to_string()),
        (
            "the service account's password",
            prosody.service_password().to_string(),
        ),
        ("the secret key", config_secret_key(&config)),
        ("the reset token", reset_token.clone()),
        ("the confirmation token", confirm_token.clone()),
        ("the invitation token", invite_token.clone()),
    ];
    for (what, secret) in &secrets {
        assert!(!log_text.contains(secret.as_str()), "{what} is in the log");
    }

    // At rest: the portal's own tokens as their hashes only.
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM password_resets")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(stored, token_hash(&reset_token));
    let (stored,): (String,) = sqlx::query_as("SELECT confirm_token_hash FROM hosting_requests")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(stored, token_hash(&confirm_token));
}
