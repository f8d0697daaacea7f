//! The portal, running in the test process on a free loopback port, configured through a real
//! `domaine.toml` against a test Prosody and a fresh database.

use crate::{database::Backend, prosody::Prosody, smtp::SmtpServer, web::WebClient};
use server::{auth::admins, config::Config, db::Db, domains, startup, state::AppState};
use std::{net::SocketAddr, path::PathBuf, time::Duration};
use tokio::sync::oneshot;

pub struct TestPortal {
    pub addr: SocketAddr,
    pub database_url: String,
    pub state: AppState,
    pub backend: Backend,
    /// The `[smtp]` port: an [`SmtpServer`]'s, or [`NO_SMTP`].
    pub smtp_port: u16,
    /// What the generated configuration changes or adds; a second instance gets it too.
    overrides: Overrides,
    stop: Option<oneshot::Sender<()>>,
    /// The serving task, which ends once it stopped (its workers with it).
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// What a portal's generated `domaine.toml` changes or adds (see
/// [`TestPortal::start_overriding`]).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `public_url` (by default the portal's own `http://` address).
    pub public_url: Option<String>,
    /// Lines added to `[xmpp]` (e.g. `tls = "starttls"`, `ca_file = "..."`).
    pub xmpp: String,
    /// Lines added to `[health]`, which otherwise only has `interval_secs = 0` (no scheduled
    /// checks: they would ask the system's resolver), e.g. `components = ["conference"]`.
    pub health: String,
    /// Appended to the configuration (sections of their own, e.g. `[http]`).
    pub extra: String,
    /// The provider's `time_zone` (by default none: UTC).
    pub time_zone: Option<String>,
}

impl Overrides {
    fn extra(extra: &str) -> Overrides {
        Overrides {
            extra: extra.to_string(),
            ..Overrides::default()
        }
    }
}

/// The `[smtp]` port of a portal started without an [`SmtpServer`]: nothing listens on port 0,
/// so its mails are refused and stay queued, and never reach a mail server of the machine.
pub const NO_SMTP: u16 = 0;

/// The XMPP address every test portal lists as a provider admin (`provider_admins`); the
/// account itself exists only if a test registers it.
pub fn provider_admin_jid(prosody: &Prosody) -> String {
    format!("provider@{}", prosody.hosts()[0])
}

/// The `[hosting]` configuration of the hosting-request tests: `notify` told of new requests,
/// a default quota of 25, and DNS checks that want `server_host` and ask `resolver`.
pub fn hosting_config(notify: &str, server_host: &str, resolver: SocketAddr) -> String {
    format!(
        "[hosting]\nnotify_emails = [\"{notify}\"]\ndefault_quota = 25\n\
         [hosting.dns]\nserver_host = \"{server_host}\"\nresolver = \"{resolver}\"\n"
    )
}

/// Writes the `domaine.toml` of a test portal listening on `addr` into `dir`: `prosody`'s
/// service account, `database_url`, the mail server on `smtp_port` ([`NO_SMTP`]: none), a fresh
/// secret key, and what `overrides` changes.
pub fn write_config(
    dir: &std::path::Path,
    addr: SocketAddr,
    prosody: &Prosody,
    database_url: &str,
    smtp_port: u16,
    overrides: &Overrides,
) -> PathBuf {
    let config_path = dir.join("domaine.toml");
    std::fs::write(
        &config_path,
        format!(
            r#"
listen = "{addr}"
public_url = "{public_url}"
provider_name = "Test provider"
{time_zone}
provider_admins = ["{provider_admin}"]
database_url = "{database_url}"
site_root = "{site}"
secret_key = "{secret}"
[xmpp]
server = "{xmpp}"
jid = "{jid}"
password = "{password}"
timeout_secs = 3
{xmpp_overrides}
[smtp]
host = "127.0.0.1"
port = {smtp_port}
from = "Domaine <noreply@example.test>"
security = "none"
[health]
{health}
{extra_config}
"#,
            public_url = overrides
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}")),
            time_zone = overrides
                .time_zone
                .as_ref()
                .map(|zone| format!("time_zone = \"{zone}\""))
                .unwrap_or_default(),
            xmpp_overrides = overrides.xmpp,
            health = if overrides.health.contains("interval_secs") {
                overrides.health.clone()
            } else {
                format!("interval_secs = 0\n{}", overrides.health)
            },
            extra_config = overrides.extra,
            site = site_root().display(),
            provider_admin = provider_admin_jid(prosody),
            secret = base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                rand::random::<[u8; 32]>().repeat(2)
            ),
            xmpp = prosody.c2s_addr(),
            jid = prosody.service_jid(),
            password = prosody.service_password(),
        ),
    )
    .expect("write domaine.toml");
    config_path
}

/// Where `scripts/build.sh` put the site; only browser tests need it.
pub fn site_root() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    target.join("site")
}

impl TestPortal {
    /// Starts the portal with every Prosody host recorded as a managed domain.
    pub async fn start(prosody: &Prosody, backend: &Backend) -> TestPortal {
        let hosts: Vec<&str> = prosody.hosts().iter().map(String::as_str).collect();
        TestPortal::start_managing(prosody, backend, &hosts).await
    }

    /// Starts the portal with every Prosody host managed, sending its e-mails to `smtp`.
    pub async fn start_with_smtp(
        prosody: &Prosody,
        backend: &Backend,
        smtp: &SmtpServer,
    ) -> TestPortal {
        TestPortal::start_overriding(prosody, backend, smtp, Overrides::default()).await
    }

    /// Like [`TestPortal::start_with_smtp`], with more configuration appended to the generated
    /// `domaine.toml` (e.g. a `[hosting]` section).
    pub async fn start_configured(
        prosody: &Prosody,
        backend: &Backend,
        smtp: &SmtpServer,
        extra_config: &str,
    ) -> TestPortal {
        TestPortal::start_overriding(prosody, backend, smtp, Overrides::extra(extra_config)).await
    }

    /// Like [`TestPortal::start_with_smtp`], with its configuration changed by `overrides`
    /// (the production-shaped test: `public_url` behind a proxy, the XMPP link over TLS).
    pub async fn start_overriding(
        prosody: &Prosody,
        backend: &Backend,
        smtp: &SmtpServer,
        overrides: Overrides,
    ) -> TestPortal {
        let hosts: Vec<&str> = prosody.hosts().iter().map(String::as_str).collect();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let database_url = backend.fresh_database(dir.path()).await;
        TestPortal::launch(
            prosody,
            backend,
            database_url,
            &hosts,
            smtp.port(),
            &overrides,
            dir,
        )
        .await
    }

    /// Starts the portal with only `managed` recorded as managed domains.
    pub async fn start_managing(
        prosody: &Prosody,
        backend: &Backend,
        managed: &[&str],
    ) -> TestPortal {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let database_url = backend.fresh_database(dir.path()).await;
        let none = Overrides::default();
        TestPortal::launch(prosody, backend, database_url, managed, NO_SMTP, &none, dir).await
    }

    /// Starts the portal with only `managed` recorded as managed domains, its configuration
    /// changed by `overrides`, sending its e-mails to `smtp` (none: [`NO_SMTP`]).
    pub async fn start_managing_overriding(
        prosody: &Prosody,
        backend: &Backend,
        managed: &[&str],
        smtp: Option<&SmtpServer>,
        overrides: Overrides,
    ) -> TestPortal {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let database_url = backend.fresh_database(dir.path()).await;
        TestPortal::launch(
            prosody,
            backend,
            database_url,
            managed,
            smtp.map_or(NO_SMTP, SmtpServer::port),
            &overrides,
            dir,
        )
        .await
    }

    /// Starts the portal on an existing database (one restored from a backup, say).
    pub async fn start_on_database(
        prosody: &Prosody,
        backend: &Backend,
        database_url: String,
    ) -> TestPortal {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let none = Overrides::default();
        TestPortal::launch(prosody, backend, database_url, &[], NO_SMTP, &none, dir).await
    }

    /// Another portal instance sharing this one's database (and mail server), as a provider
    /// running several.
    pub async fn second_instance(&self, prosody: &Prosody) -> TestPortal {
        let dir = tempfile::tempdir().expect("a temporary directory");
        self.another(prosody, dir).await
    }

    /// Another instance like this one (database, mail server, configuration), in `dir`.
    async fn another(&self, prosody: &Prosody, dir: tempfile::TempDir) -> TestPortal {
        TestPortal::launch(
            prosody,
            &self.backend,
            self.database_url.clone(),
            &[],
            self.smtp_port,
            &self.overrides,
            dir,
        )
        .await
    }

    async fn launch(
        prosody: &Prosody,
        backend: &Backend,
        database_url: String,
        managed: &[&str],
        smtp_port: u16,
        overrides: &Overrides,
        dir: tempfile::TempDir,
    ) -> TestPortal {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("bound address");
        let config_path = write_config(
            dir.path(),
            addr,
            prosody,
            &database_url,
            smtp_port,
            overrides,
        );
        let config = Config::load(Some(&config_path)).expect("a valid test configuration");
        let db = Db::connect(&config.database_url)
            .await
            .expect("the test database");
        for host in managed {
            domains::add(&db, host).await.expect("record a domain");
        }
        let state = startup::build_state(config, db);
        let (stop, stopped) = oneshot::channel::<()>();
        let served = tokio::spawn(startup::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        state
            .xmpp
            .wait_connected(Duration::from_secs(10))
            .await
            .expect("the portal connects to Prosody");
        TestPortal {
            addr,
            database_url,
            state,
            backend: backend.clone(),
            smtp_port,
            overrides: overrides.clone(),
            stop: Some(stop),
            served: Some(served),
            _dir: dir,
        }
    }

    /// Stops this portal and starts it again on the same database, configuration and mail
    /// server, as a restart of the service: what its workers were doing is cut off where it
    /// was. The new instance listens on another port.
    pub async fn restart(mut self, prosody: &Prosody) -> TestPortal {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(served) = self.served.take() {
            let _ = served.await;
        }
        // The database (an SQLite file) lives in the directory: the new instance keeps it.
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().expect("a directory"));
        self.another(prosody, dir).await
    }

    /// The `domaine.toml` this portal was started with.
    pub fn config_path(&self) -> PathBuf {
        self._dir.path().join("domaine.toml")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The token of the invitation whose id a creation server function answered with.
    pub async fn invitation_token(&self, domain: &str, created: &str) -> String {
        let id: i64 = created.parse().expect("the new invitation's id");
        server::invitations::by_id(&self.state.db, domain, id)
            .await
            .unwrap()
            .expect("the invitation is recorded")
            .token
    }

    /// `owner` makes an invitation to `domain` with the form's defaults (one use, a week), on
    /// the domain's invitations page; the portal's record of it.
    pub async fn invitation_by(
        &self,
        owner: &WebClient,
        domain: &str,
    ) -> server::invitations::InvitationRecord {
        let created = owner
            .server_fn_on(
                &format!("/domains/{domain}/invites"),
                "create_invite",
                &[("domain", domain)],
            )
            .await
            .expect("the owner makes an invitation");
        let id: i64 = created.parse().expect("the new invitation's id");
        server::invitations::by_id(&self.state.db, domain, id)
            .await
            .unwrap()
            .expect("the invitation is recorded")
    }

    pub async fn create_admin(&self, username: &str, password: &str) {
        admins::create(&self.state.db, username, password, 10)
            .await
            .expect("create a provider admin");
    }

    /// A web client (accepting `language`) of a new provider admin with a local login,
    /// logged in.
    pub async fn admin_web(&self, username: &str, password: &str, language: &str) -> WebClient {
        self.create_admin(username, password).await;
        let web = WebClient::new(&self.url("/"), language);
        assert!(
            web.login(username, password).await,
            "{}: {username} logs in",
            self.backend.name()
        );
        web
    }

    /// A web client (accepting `language`) of `user@host`, an XMPP account registered now,
    /// logged in with its XMPP password.
    pub async fn xmpp_user(
        &self,
        prosody: &Prosody,
        user: &str,
        host: &str,
        password: &str,
        language: &str,
    ) -> WebClient {
        prosody.register(user, host, password);
        let jid = format!("{user}@{host}");
        WebClient::logged_in(&self.url("/"), language, &jid, password, "/").await
    }

    /// Records `jid` as an owner of the managed domain `domain`, straight in the database (the
    /// admin page's way is [`WebClient::add_owner`]); false if it was one already.
    pub async fn add_owner(&self, domain: &str, jid: &str) -> bool {
        let db = &self.state.db;
        let row = domains::get(db, domain)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{domain} is a managed domain"));
        domains::add_owner(db, row.id, jid).await.unwrap()
    }
}

impl Drop for TestPortal {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
