//! A throw-away Prosody server per test, on loopback ports, with its data in
//! a temporary directory, and client-side helpers to check its state: logins,
//! in-band registrations, and live sessions ([`Session`]).
//!
//! [`Prosody::start`] is synchronous (it blocks for the ~150 ms start-up) so
//! that it works from plain and async tests alike. When the tests run as
//! root, Prosody runs as the `prosody` user, which owns the directory.
//! The server dies with the `Prosody` value, and with the test process even
//! if that is killed hard (parent-death signal).

use std::borrow::Cow;
use std::ffi::CString;
use std::fs::{self, OpenOptions};
use std::future::Future;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::fs::chown;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tempfile::TempDir;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio_xmpp::client_login;
use tokio_xmpp::connect::{DnsConfig, ServerConnector, TcpServerConnector};
use tokio_xmpp::parsers::bind::{BindQuery, BindResponse};
use tokio_xmpp::parsers::ibr::LegacyQuery;
use tokio_xmpp::parsers::iq::{Iq, IqGetPayload};
use tokio_xmpp::parsers::jid::{BareJid, FullJid, Jid};
use tokio_xmpp::parsers::message::{Message, MessageType};
use tokio_xmpp::parsers::minidom::rxml::{self, xml_ncname};
use tokio_xmpp::parsers::minidom::tree_builder::TreeBuilder;
use tokio_xmpp::parsers::minidom::Element;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::ping::Ping;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::xmlstream::{
    FallibleStreamElement, StreamHeader, Timeouts, XmppStream, XmppStreamElement,
};
use tokio_xmpp::Stanza;

/// Also here for the browser tests' chromedriver, which predates [`crate::process`].
pub use crate::process::spawn_from_long_lived_thread;
use crate::process::{self, free_port, log_offset, log_since, terminate, StartupFailure};

const TEMPLATE: &str = include_str!("../prosody/test.cfg.lua.in");
/// Where Prosody loads the portal's own module (mod_domaine) from: the
/// repository itself, so that tests always run the current version. Found
/// at run time (cargo sets CARGO_MANIFEST_DIR for the tests it runs): a
/// target directory shared by two clones keeps a test library built in the
/// other clone, whose compile-time path would load the other clone's Lua.
const PLUGIN_DIR: &str = "../server/prosody";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
const LOGIN_TIMEOUT: Duration = Duration::from_secs(5);
const SERVICE_USER: &str = "portal";
const SERVICE_PASSWORD: &str = "portal-secret";

pub struct Prosody {
    dir: TempDir,
    config: PathBuf,
    c2s_port: u16,
    hosts: Vec<String>,
    /// The `prosody` user's uid and gid when we run as root.
    run_as: Option<(u32, u32)>,
    child: Option<Child>,
    next_user: AtomicU32,
}

impl Prosody {
    /// Starts a server for the given virtual hosts, with the service account
    /// `portal@` the first host as a global admin. Panics (with the server's
    /// log) if it is not accepting connections within 10 s.
    pub fn start(hosts: &[&str]) -> Prosody {
        Prosody::start_configured(hosts, &[])
    }

    /// Like [`Prosody::start`], with configuration lines for some hosts (host, lines), e.g.
    /// `modules_disabled = { "domaine" }`.
    pub fn start_configured(hosts: &[&str], host_config: &[(&str, &str)]) -> Prosody {
        Prosody::start_with_modules(hosts, &[], host_config)
    }

    /// Like [`Prosody::start_configured`], with `modules` added to the global modules, which
    /// hosts brought up at run time get too (e.g. `tls`, as in production).
    pub fn start_with_modules(
        hosts: &[&str],
        modules: &[&str],
        host_config: &[(&str, &str)],
    ) -> Prosody {
        assert!(!hosts.is_empty(), "Prosody needs at least one virtual host");
        let run_as = prosody_user_when_root();
        let dir = tempfile::Builder::new()
            .prefix("domaine-prosody-")
            .tempdir()
            .expect("create Prosody's temporary directory");
        let config = dir.path().join("prosody.cfg.lua");
        let c2s_port = free_port();
        let hosts: Vec<String> = hosts.iter().map(|host| host.to_string()).collect();
        for sub in ["data", "certs"] {
            fs::create_dir(dir.path().join(sub)).expect("create Prosody directory");
        }
        let path = |name: &str| lua_string(&dir.path().join(name).to_string_lossy());
        let virtual_hosts: String = hosts
            .iter()
            .map(|host| {
                let lines: String = host_config
                    .iter()
                    .filter(|(h, _)| *h == host.as_str())
                    .map(|(_, lines)| format!("\t{lines}\n"))
                    .collect();
                format!("VirtualHost {}\n{lines}", lua_string(host))
            })
            .collect();
        let text = fill(
            TEMPLATE,
            &[
                ("C2S_PORT", c2s_port.to_string()),
                ("DATA_DIR", path("data")),
                ("CERTS_DIR", path("certs")),
                ("PID_FILE", path("prosody.pid")),
                ("LOG_FILE", path("prosody.log")),
                (
                    "ADMIN_JID",
                    lua_string(&format!("{SERVICE_USER}@{}", hosts[0])),
                ),
                ("PLUGIN_DIR", lua_string(&plugin_dir())),
                ("VIRTUAL_HOSTS", virtual_hosts),
                (
                    "GLOBAL_MODULES",
                    modules
                        .iter()
                        .map(|m| format!("\t{};\n", lua_string(m)))
                        .collect(),
                ),
            ],
        );
        fs::write(&config, text).expect("write Prosody's configuration");
        if let Some((uid, gid)) = run_as {
            for path in [
                dir.path(),
                &config,
                &dir.path().join("data"),
                &dir.path().join("certs"),
            ] {
                chown(path, Some(uid), Some(gid)).expect("hand the directory to the prosody user");
            }
        }
        let mut prosody = Prosody {
            dir,
            config,
            c2s_port,
            hosts,
            run_as,
            child: None,
            next_user: AtomicU32::new(1),
        };
        let host = prosody.hosts[0].clone();
        prosody.register(SERVICE_USER, &host, SERVICE_PASSWORD);
        prosody.start_again();
        prosody
    }

    pub fn c2s_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.c2s_port))
    }

    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    pub fn service_jid(&self) -> BareJid {
        bare_jid(&format!("{SERVICE_USER}@{}", self.hosts[0]))
    }

    pub fn service_password(&self) -> &str {
        SERVICE_PASSWORD
    }

    /// Creates an account with prosodyctl (works whether or not the server
    /// is running). Panics if prosodyctl fails.
    pub fn register(&self, user: &str, host: &str, password: &str) {
        let output = Command::new("prosodyctl")
            .arg("--config")
            .arg(&self.config)
            .args(["register", user, host, password])
            .stdin(Stdio::null())
            .output()
            .expect("run prosodyctl");
        assert!(
            output.status.success(),
            "prosodyctl register {user} {host} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Registers a fresh account without admin rights on the first host.
    pub fn register_non_admin(&self) -> (BareJid, String) {
        let n = self.next_user.fetch_add(1, Ordering::Relaxed);
        let (user, password) = (format!("user{n}"), format!("password{n}"));
        self.register(&user, &self.hosts[0], &password);
        (bare_jid(&format!("{user}@{}", self.hosts[0])), password)
    }

    /// Stops the server (SIGTERM, then SIGKILL after a grace period); data
    /// and ports are kept for [`Prosody::start_again`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }

    /// Starts the server after [`Prosody::stop`], with the same
    /// configuration, ports and data.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "Prosody is already running");
        let log = self.dir.path().join("prosody.log");
        let log_offset = log_offset(&log);
        let console = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("console.log"))
            .expect("open console log");
        let mut command = Command::new("prosody");
        command
            .arg("--config")
            .arg(&self.config)
            .arg("-F")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(console.try_clone().expect("duplicate console log"))
            .stderr(console);
        if let Some((uid, gid)) = self.run_as {
            command.uid(uid).gid(gid);
        }
        self.child = Some(process::spawn_dying_with_tests(command).expect("start prosody"));
        self.wait_until_accepting(&log, log_offset);
    }

    /// Prosody's `certificates` directory, where mod_domaine installs certificates.
    pub fn certificates_dir(&self) -> PathBuf {
        self.dir.path().join("certs")
    }

    /// Prosody's whole log (`prosody.log`).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("prosody.log")).unwrap_or_default()
    }

    /// The end of Prosody's log, for failure messages.
    pub fn log_tail(&self) -> String {
        log_tail(self.dir.path())
    }

    /// The file of a per-user record in Prosody's internal storage
    /// (`data/HOST/STORE/USER.dat`, names encoded the way Prosody does).
    pub fn store_file(&self, host: &str, store: &str, user: &str) -> PathBuf {
        self.dir
            .path()
            .join("data")
            .join(encode_path_part(host, false))
            .join(encode_path_part(store, true))
            .join(format!("{}.dat", encode_path_part(user, false)))
    }

    /// Writes per-user records straight into the internal storage, owned by
    /// the user Prosody runs as: the fast way to create thousands of accounts
    /// (copies of a registered account's `accounts` record) or their state.
    /// Prosody reads these files on every access, running or not.
    pub fn write_store_files<'a>(
        &self,
        host: &str,
        store: &str,
        records: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let data = self.dir.path().join("data");
        let host_dir = data.join(encode_path_part(host, false));
        let store_dir = host_dir.join(encode_path_part(store, true));
        fs::create_dir_all(&store_dir).expect("create a storage directory");
        for dir in [&host_dir, &store_dir] {
            self.hand_over(dir);
        }
        for (user, contents) in records {
            let file = self.store_file(host, store, user);
            fs::write(&file, contents).expect("write a storage record");
            self.hand_over(&file);
        }
    }

    fn hand_over(&self, path: &Path) {
        if let Some((uid, gid)) = self.run_as {
            chown(path, Some(uid), Some(gid)).expect("hand the file to the prosody user");
        }
    }

    fn wait_until_accepting(&mut self, log: &Path, log_offset: u64) {
        // Prosody logs this once it listens, which also proves the port is
        // ours and not another process's.
        let activated = format!("Activated service 'c2s' on [127.0.0.1]:{}", self.c2s_port);
        let (addr, dir) = (self.c2s_addr(), self.dir.path());
        let host = &self.hosts[0];
        let child = self.child.as_mut().expect("Prosody was started");
        let started = process::wait_until_ready(child, STARTUP_TIMEOUT, || {
            let log_now = log_since(log, log_offset);
            if log_now.contains("Failed to open server port") {
                panic!("Prosody could not listen on its port:\n{}", log_tail(dir));
            }
            // The port accepts (kernel backlog) before start-up is over; an
            // answered stream header proves the main loop runs, so every
            // host has loaded its modules by then.
            if !(log_now.contains(&activated) && answers_a_stream(addr, host)) {
                return false;
            }
            // A module that failed to load (mod_domaine with a Lua error,
            // or unreadable by the prosody user) would otherwise only
            // show up later as service-unavailable answers.
            let log_now = log_since(log, log_offset);
            if log_now.contains("Unable to load module")
                || log_now.contains("Error initializing module")
            {
                panic!("Prosody could not load a module:\n{}", log_tail(dir));
            }
            true
        });
        match started {
            Ok(()) => {}
            Err(StartupFailure::Exited(status)) => {
                self.child = None;
                panic!(
                    "Prosody exited during start-up ({status}):\n{}",
                    self.log_tail()
                );
            }
            Err(StartupFailure::TimedOut) => panic!(
                "Prosody did not accept connections on {addr} within {STARTUP_TIMEOUT:?}:\n{}",
                self.log_tail()
            ),
        }
    }
}

/// The end of the logs of the Prosody in `dir`, for failure messages.
fn log_tail(dir: &Path) -> String {
    let mut text = String::new();
    for name in ["prosody.log", "console.log"] {
        let content = fs::read_to_string(dir.join(name)).unwrap_or_default();
        let lines: Vec<&str> = content.lines().collect();
        let tail = lines[lines.len().saturating_sub(30)..].join("\n");
        text.push_str(&format!("--- {name}\n{tail}\n"));
    }
    text
}

/// Whether the server at `addr` answers a stream header for `host` within a second.
fn answers_a_stream(addr: SocketAddr, host: &str) -> bool {
    let answer = || -> io::Result<bool> {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200))?;
        stream.set_read_timeout(Some(Duration::from_secs(1)))?;
        stream.set_write_timeout(Some(Duration::from_secs(1)))?;
        stream.write_all(stream_header(host).as_bytes())?;
        let mut buffer = [0; 64];
        Ok(stream.read(&mut buffer)? > 0)
    };
    answer().unwrap_or(false)
}

/// The opening of a client stream to `host`.
fn stream_header(host: &str) -> String {
    format!(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams' to={} version='1.0'>",
        xml_attr(host)
    )
}

impl Drop for Prosody {
    fn drop(&mut self) {
        self.stop();
    }
}

fn prosody_user_when_root() -> Option<(u32, u32)> {
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let name = CString::new("prosody").expect("no NUL");
    let entry = unsafe { libc::getpwnam(name.as_ptr()) };
    assert!(
        !entry.is_null(),
        "running as root, but there is no prosody user to run Prosody as"
    );
    let entry = unsafe { &*entry };
    Some((entry.pw_uid, entry.pw_gid))
}

fn plugin_dir() -> String {
    let manifest_dir =
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into());
    let dir = Path::new(&manifest_dir).join(PLUGIN_DIR);
    assert!(
        dir.join("mod_domaine.lua").is_file(),
        "mod_domaine.lua not found in {}",
        dir.display()
    );
    fs::canonicalize(&dir)
        .unwrap_or(dir)
        .to_string_lossy()
        .into_owned()
}

fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in values {
        let placeholder = format!("@{name}@");
        assert!(text.contains(&placeholder), "template lacks {placeholder}");
        text = text.replace(&placeholder, value);
    }
    text
}

/// Prosody's datamanager encoding of host, store and user names: every
/// character but ASCII letters and digits (and `_` in store names) as `%xx`.
fn encode_path_part(name: &str, keep_underscore: bool) -> String {
    name.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || (keep_underscore && byte == b'_') {
                (byte as char).to_string()
            } else {
                format!("%{byte:02x}")
            }
        })
        .collect()
}

fn lua_string(value: &str) -> String {
    format!("{value:?}")
}

/// The bare JID `jid`; panics if it is not one.
pub fn bare_jid(jid: &str) -> BareJid {
    BareJid::new(jid).unwrap_or_else(|e| panic!("invalid JID {jid:?}: {e}"))
}

/// An authenticated client stream, as returned by [`authenticate`].
pub type ClientStream = XmppStream<<TcpServerConnector as ServerConnector>::Stream>;
type Io = <TcpServerConnector as ServerConnector>::Stream;

/// `client_login` takes `sasl::common::Credentials`, which tokio-xmpp does
/// not re-export: take the type from its signature.
fn default_third_argument<A, B, C: Default, R>(_: impl FnOnce(A, B, C) -> R) -> C {
    C::default()
}

/// Connects and authenticates with SASL (tokio-xmpp's low-level steps, which
/// fail at once on a wrong password, unlike its `Client`, which retries
/// forever). No resource is bound yet.
pub async fn authenticate(
    addr: SocketAddr,
    jid: &BareJid,
    password: &str,
) -> Result<ClientStream, String> {
    let username = jid.node().ok_or("JID without a node")?.as_str();
    let connector = TcpServerConnector::from(DnsConfig::Addr {
        addr: addr.to_string(),
    });
    let (pending, channel_binding) = connector
        .connect(
            &Jid::from(jid.clone()),
            ns::JABBER_CLIENT,
            Timeouts::tight(),
        )
        .await
        .map_err(|e| e.to_string())?;
    let (features, stream) = pending
        .recv_features::<FallibleStreamElement>()
        .await
        .map_err(|e| e.to_string())?;
    let credentials = default_third_argument(client_login::<Io>)
        .with_username(username)
        .with_password(password)
        .with_channel_binding(channel_binding);
    let stream = client_login(stream, features.sasl_mechanisms, credentials)
        .await
        .map_err(|e| e.to_string())?;
    let pending = stream
        .send_header(StreamHeader {
            to: Some(Cow::Borrowed(jid.domain().as_str())),
            from: None,
            id: None,
        })
        .await
        .map_err(|e| e.to_string())?;
    let (_, stream) = pending
        .recv_features::<FallibleStreamElement>()
        .await
        .map_err(|e| e.to_string())?;
    Ok(stream)
}

/// How long an administration client of the tests waits for one answer, and for its connection.
pub const ADMIN_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const ADMIN_CONNECT_WITHIN: Duration = Duration::from_secs(10);

/// An administration client of the portal's kind logging in as `jid` (it connects in the
/// background; see [`Prosody::connected_admin_client`] for the service account, connected).
pub fn admin_client(
    addr: SocketAddr,
    jid: BareJid,
    password: &str,
    request_timeout: Duration,
) -> server::xmpp::AdminClient {
    server::xmpp::AdminClient::start(server::xmpp::XmppConfig {
        server_addr: addr,
        jid,
        password: password.to_owned(),
        request_timeout,
    })
}

impl Prosody {
    /// A fresh administration client on the service account (a global admin, as the portal's),
    /// connected; panics with Prosody's log if it cannot connect. After a restart make a new
    /// one: an old client may not have noticed yet that its connection is gone.
    pub async fn connected_admin_client(&self) -> server::xmpp::AdminClient {
        self.connected_admin_client_as(self.service_jid(), self.service_password())
            .await
    }

    /// [`Prosody::connected_admin_client`] logged in as another account, `jid`.
    pub async fn connected_admin_client_as(
        &self,
        jid: BareJid,
        password: &str,
    ) -> server::xmpp::AdminClient {
        let client = admin_client(self.c2s_addr(), jid, password, ADMIN_REQUEST_TIMEOUT);
        client
            .wait_connected(ADMIN_CONNECT_WITHIN)
            .await
            .unwrap_or_else(|_| panic!("admin client not connected:\n{}", self.log_tail()));
        client
    }

    /// Whether the service account (the portal's) can still log in.
    pub async fn service_account_logs_in(&self) -> bool {
        can_login(
            self.c2s_addr(),
            &self.service_jid(),
            self.service_password(),
        )
        .await
    }

    /// A server for `hosts` and a connected administration client on its service account.
    pub async fn start_with_admin_client(hosts: &[&str]) -> (Prosody, server::xmpp::AdminClient) {
        let prosody = Prosody::start(hosts);
        let client = prosody.connected_admin_client().await;
        (prosody, client)
    }
}

/// The lines of a virtual host that requires TLS on c2s (STARTTLS) with `cert`, as a
/// production server does: for [`Prosody::start_configured`].
pub fn requiring_tls(cert: &crate::tls::IssuedCert) -> String {
    format!(
        "modules_enabled = {{ \"tls\" }}\n\tc2s_require_encryption = true\n\t\
         ssl = {{ certificate = {}; key = {} }}",
        lua_string(&cert.cert.to_string_lossy()),
        lua_string(&cert.key.to_string_lossy())
    )
}

/// Now as Prosody's records and invitations count time: seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Waits until Prosody's clock has passed the second `t`. Lua's `os.time()` reads the kernel's
/// coarse clock, which may still show the old second for a few milliseconds after ours has
/// turned: hence the margin, without which "later than `t`" can still be stamped `t`.
pub async fn wait_past_second(t: i64) {
    while unix_now() <= t {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Whether `jid` can log in with `password`: a real SASL exchange on a
/// short-lived connection. A wrong password answers `false` at once; an
/// unreachable or silent server `false` after at most 5 s.
pub async fn can_login(addr: SocketAddr, jid: &BareJid, password: &str) -> bool {
    matches!(
        tokio::time::timeout(LOGIN_TIMEOUT, authenticate(addr, jid, password)).await,
        Ok(Ok(_))
    )
}

/// In-band registration (XEP-0077) as an XMPP client does it, on a fresh
/// unauthenticated stream: optionally an invite token first (XEP-0401,
/// `<preauth xmlns='urn:xmpp:pars:0' token='…'/>`, which mod_invites_register
/// expects in Prosody 0.12), then `<query xmlns='jabber:iq:register'>` with
/// the username and password. `Err` holds the condition of the stanza error
/// that refused it (`preauth:` prefixed when the token itself was refused),
/// or `transport: …` for a connection failure. Bounded by 5 s.
pub async fn register_in_band(
    addr: SocketAddr,
    host: &str,
    username: &str,
    password: &str,
    preauth_token: Option<&str>,
) -> Result<(), String> {
    register_in_band_with_text(addr, host, username, password, preauth_token)
        .await
        .map_err(|(condition, _)| condition)
}

/// [`register_in_band`], also returning the text of the refusal.
pub async fn register_in_band_with_text(
    addr: SocketAddr,
    host: &str,
    username: &str,
    password: &str,
    preauth_token: Option<&str>,
) -> Result<(), StanzaRefusal> {
    let transport = |e: io::Error| (format!("transport: {e}"), None);
    let attempt = async {
        let mut stream = InBandStream::open(addr, host).await.map_err(transport)?;
        if let Some(token) = preauth_token {
            stream
                .preauth(token)
                .await
                .map_err(transport)?
                .map_err(|(condition, text)| (format!("preauth:{condition}"), text))?;
        }
        let result = stream
            .register(username, password)
            .await
            .map_err(transport)?;
        stream.close().await;
        result
    };
    tokio::time::timeout(LOGIN_TIMEOUT, attempt)
        .await
        .unwrap_or_else(|_| Err(("transport: timed out".into(), None)))
}

/// A logged-in client with a bound resource, as a user's app has: it stays connected until it
/// is dropped or the server ends it, so that tests can see sessions being ended.
pub struct Session {
    stream: ClientStream,
    jid: FullJid,
    /// Chat messages that arrived while waiting for something else (messages kept offline
    /// come with the initial presence), for [`Session::next_chat`].
    early_chats: std::collections::VecDeque<(Option<Jid>, String)>,
}

impl Session {
    /// Logs in as `jid` and binds a resource the server chooses. Panics if that fails or takes
    /// more than 5 s.
    pub async fn open(prosody: &Prosody, jid: &BareJid, password: &str) -> Session {
        let open = async {
            let mut stream = authenticate(prosody.c2s_addr(), jid, password).await?;
            let bind = Iq::from_set("bind", BindQuery::new(None));
            stream.send(&bind).await.map_err(|e| e.to_string())?;
            let payload = next_iq_result(&mut stream, "bind").await?;
            let bound = BindResponse::try_from(payload).map_err(|e| e.to_string())?;
            Ok::<_, String>(Session {
                stream,
                jid: bound.into(),
                early_chats: Default::default(),
            })
        };
        tokio::time::timeout(LOGIN_TIMEOUT, open)
            .await
            .unwrap_or_else(|_| panic!("{jid} cannot open a session in time"))
            .unwrap_or_else(|e| panic!("{jid} cannot open a session: {e}"))
    }

    /// The full JID the session is bound to.
    pub fn jid(&self) -> &FullJid {
        &self.jid
    }

    /// Sends `<iq type='get'/>` with `payload` and returns the payload of its result (an error
    /// answer is not one: then the wait runs out). Bounded by 5 s.
    pub async fn get(&mut self, id: &str, payload: impl IqGetPayload) -> Result<Element, String> {
        let get = Iq::from_get(id, payload);
        let exchange = async {
            self.stream.send(&get).await.map_err(|e| e.to_string())?;
            next_iq_result(&mut self.stream, id).await
        };
        tokio::time::timeout(LOGIN_TIMEOUT, exchange)
            .await
            .unwrap_or_else(|_| Err(format!("no answer to {id} in time")))
    }

    /// Whether the server ends this session within `within`.
    pub async fn closed_within(&mut self, within: Duration) -> bool {
        let closed = async {
            while let Some(Ok(FallibleStreamElement::Ok(element))) = self.stream.next().await {
                if let XmppStreamElement::StreamError(_) = element {
                    return;
                }
            }
        };
        tokio::time::timeout(within, closed).await.is_ok()
    }

    /// Sends initial presence, so that messages to the bare JID reach this resource, and waits
    /// until the server has handled it (a ping sent after it is answered in order).
    pub async fn become_available(&mut self) {
        let domain = Jid::from(self.jid.to_bare().domain().to_owned());
        let available = async {
            let presence = Presence::new(PresenceType::None);
            self.stream
                .send(&presence)
                .await
                .map_err(|e| e.to_string())?;
            let ping = Iq::from_get("ping", Ping).with_to(domain);
            self.stream.send(&ping).await.map_err(|e| e.to_string())?;
            loop {
                let element = self.stream.next().await.ok_or("stream closed")?;
                let Ok(FallibleStreamElement::Ok(XmppStreamElement::Stanza(stanza))) = element
                else {
                    continue;
                };
                match stanza {
                    Stanza::Iq(Iq::Result { id, .. }) if id == "ping" => {
                        return Ok::<(), String>(())
                    }
                    Stanza::Message(message) => self.early_chats.extend(chat_of(&message)),
                    _ => {}
                }
            }
        };
        tokio::time::timeout(LOGIN_TIMEOUT, available)
            .await
            .expect("presence not handled in time")
            .expect("cannot send presence");
    }

    /// The sender and body of the next chat message, within `within`.
    pub async fn next_chat(&mut self, within: Duration) -> Option<(Option<Jid>, String)> {
        if let Some(early) = self.early_chats.pop_front() {
            return Some(early);
        }
        let next = async {
            while let Some(element) = self.stream.next().await {
                if let Ok(FallibleStreamElement::Ok(XmppStreamElement::Stanza(Stanza::Message(
                    message,
                )))) = element
                {
                    if let Some(chat) = chat_of(&message) {
                        return Some(chat);
                    }
                }
            }
            None
        };
        tokio::time::timeout(within, next).await.ok().flatten()
    }
}

/// The sender and body of a chat message.
fn chat_of(message: &Message) -> Option<(Option<Jid>, String)> {
    if message.type_ != MessageType::Chat {
        return None;
    }
    let (_, body) = message.get_best_body(vec![])?;
    Some((message.from.clone(), body.clone()))
}

/// The payload of the next `<iq type='result'/>` with this id (an empty element for a result
/// without one); other stanzas are skipped.
async fn next_iq_result(stream: &mut ClientStream, id: &str) -> Result<Element, String> {
    loop {
        let element = stream.next().await.ok_or("stream closed")?;
        if let Ok(FallibleStreamElement::Ok(XmppStreamElement::Stanza(Stanza::Iq(Iq::Result {
            id: answered,
            payload,
            ..
        })))) = element
        {
            if answered == id {
                return Ok(payload.unwrap_or_else(|| Element::bare("empty", "urn:domaine:test")));
            }
        }
    }
}

/// An unauthenticated client stream for in-band registration step by step, as an app does it:
/// it can present an invite token (XEP-0401) and register later, when its user has picked a
/// username. XML out, minidom elements in. Every step is bounded by 5 s; `Err` is a transport
/// failure (or a step that ran out of time), the inner `Err` the stanza error that refused the
/// step.
pub struct InBandStream {
    reader: rxml::AsyncRawReader<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
    tree: TreeBuilder,
}

/// A stanza error: its condition and text.
pub type StanzaRefusal = (String, Option<String>);

impl InBandStream {
    /// Connects and opens the stream to `host`; the server's features are skipped.
    pub async fn open(addr: SocketAddr, host: &str) -> io::Result<InBandStream> {
        bounded(async {
            let (read, writer) = tokio::net::TcpStream::connect(addr).await?.into_split();
            let mut stream = InBandStream {
                reader: rxml::AsyncRawReader::new(BufReader::new(read)),
                writer,
                tree: TreeBuilder::new(),
            };
            stream
                .writer
                .write_all(stream_header(host).as_bytes())
                .await?;
            loop {
                let element = stream.next_element().await?;
                if element.is("features", "http://etherx.jabber.org/streams") {
                    return Ok(stream);
                }
            }
        })
        .await
    }

    /// Presents an invite token: `<preauth xmlns='urn:xmpp:pars:0' token='…'/>`, which
    /// mod_invites_register expects in Prosody 0.12.
    pub async fn preauth(&mut self, token: &str) -> io::Result<Result<(), StanzaRefusal>> {
        let preauth = Element::builder("preauth", "urn:xmpp:pars:0")
            .attr(xml_ncname!("token").to_owned(), token)
            .build();
        self.iq_set("preauth", preauth).await
    }

    /// Registers: `<query xmlns='jabber:iq:register'>` with the username and password.
    pub async fn register(
        &mut self,
        username: &str,
        password: &str,
    ) -> io::Result<Result<(), StanzaRefusal>> {
        let query = LegacyQuery {
            username: Some(username.to_owned()),
            password: Some(password.to_owned()),
            ..LegacyQuery::default()
        };
        self.iq_set("register", Element::from(query)).await
    }

    /// Closes the stream.
    pub async fn close(mut self) {
        let _ = self.writer.write_all(b"</stream:stream>").await;
        let _ = self.writer.shutdown().await;
    }

    /// Sends `<iq type='set'/>` with `payload` and waits for its answer.
    async fn iq_set(
        &mut self,
        id: &str,
        payload: Element,
    ) -> io::Result<Result<(), StanzaRefusal>> {
        let iq = Element::from(Iq::Set {
            from: None,
            to: None,
            id: id.to_owned(),
            payload,
        });
        let mut bytes = Vec::new();
        iq.write_to(&mut bytes).map_err(io::Error::other)?;
        bounded(async {
            self.writer.write_all(&bytes).await?;
            loop {
                let element = self.next_element().await?;
                if !element.is("iq", ns::JABBER_CLIENT) || element.attr("id") != Some(id) {
                    continue;
                }
                return match Iq::try_from(element).map_err(io::Error::other)? {
                    Iq::Result { .. } => Ok(Ok(())),
                    Iq::Error { error, .. } => {
                        let condition = Element::from(error.defined_condition.clone());
                        let text = error.texts.values().next().cloned();
                        Ok(Err((condition.name().to_owned(), text)))
                    }
                    other => Err(io::Error::other(format!("unexpected IQ {other:?}"))),
                };
            }
        })
        .await
    }

    /// The next complete top-level element of the server's stream.
    async fn next_element(&mut self) -> io::Result<Element> {
        loop {
            let Some(event) = self.reader.read().await? else {
                return Err(io::ErrorKind::UnexpectedEof.into());
            };
            let closes_element = matches!(event, rxml::RawEvent::ElementFoot(_));
            self.tree.process_event(event).map_err(io::Error::other)?;
            match self.tree.depth() {
                // The server closed its stream.
                0 if closes_element => return Err(io::ErrorKind::ConnectionAborted.into()),
                1 if closes_element => {
                    if let Some(element) = self.tree.unshift_child() {
                        return Ok(element);
                    }
                }
                _ => {}
            }
        }
    }
}

/// `step`, failing with `TimedOut` after 5 s.
async fn bounded<T>(step: impl Future<Output = io::Result<T>>) -> io::Result<T> {
    tokio::time::timeout(LOGIN_TIMEOUT, step)
        .await
        .unwrap_or_else(|_| Err(io::ErrorKind::TimedOut.into()))
}

fn xml_attr(value: &str) -> String {
    let escaped = value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('\'', "&apos;");
    format!("'{escaped}'")
}
