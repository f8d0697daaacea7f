//! A throw-away Prosody server per test, on loopback ports, with its data in
//! a temporary directory, and client-side login helpers to check its state.
//!
//! [`Prosody::start`] is synchronous (it blocks for the ~150 ms start-up) so
//! that it works from plain and async tests alike. When the tests run as
//! root, Prosody runs as the `prosody` user, which owns the directory.
//! The server dies with the `Prosody` value, and with the test process even
//! if that is killed hard (parent-death signal).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ffi::CString;
use std::fs::{self, OpenOptions};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::chown;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use tokio_xmpp::client_login;
use tokio_xmpp::connect::{DnsConfig, ServerConnector, TcpServerConnector};
use tokio_xmpp::parsers::jid::{BareJid, Jid};
use tokio_xmpp::parsers::ns;
use tokio_xmpp::xmlstream::{FallibleStreamElement, StreamHeader, Timeouts, XmppStream};

const TEMPLATE: &str = include_str!("../prosody/test.cfg.lua.in");
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
const STOP_GRACE: Duration = Duration::from_secs(3);
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
            .map(|host| format!("VirtualHost {}\n", lua_string(host)))
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
                ("VIRTUAL_HOSTS", virtual_hosts),
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
        let log_offset = fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
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
        let parent = std::process::id();
        // std runs pre_exec after switching uid/gid, so the credential change
        // cannot clear the parent-death signal.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(io::Error::last_os_error());
                }
                // The test process may have died before the prctl. (No
                // allocation here: this runs between fork and exec.)
                if libc::getppid() as u32 != parent {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
        self.child = Some(spawn_from_long_lived_thread(command).expect("start prosody"));
        self.wait_until_accepting(&log, log_offset);
    }

    /// The end of Prosody's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let mut text = String::new();
        for name in ["prosody.log", "console.log"] {
            let content = fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
            let lines: Vec<&str> = content.lines().collect();
            let tail = lines[lines.len().saturating_sub(30)..].join("\n");
            text.push_str(&format!("--- {name}\n{tail}\n"));
        }
        text
    }

    fn wait_until_accepting(&mut self, log: &Path, log_offset: u64) {
        // Prosody logs this once it listens, which also proves the port is
        // ours and not another process's.
        let activated = format!("Activated service 'c2s' on [127.0.0.1]:{}", self.c2s_port);
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let child = self.child.as_mut().expect("Prosody was started");
            if let Some(status) = child.try_wait().expect("poll prosody") {
                self.child = None;
                panic!(
                    "Prosody exited during start-up ({status}):\n{}",
                    self.log_tail()
                );
            }
            let log_bytes = fs::read(log).unwrap_or_default();
            let new_log =
                String::from_utf8_lossy(log_bytes.get(log_offset as usize..).unwrap_or_default());
            if new_log.contains("Failed to open server port") {
                panic!("Prosody could not listen on its port:\n{}", self.log_tail());
            }
            if new_log.contains(&activated)
                && TcpStream::connect_timeout(&self.c2s_addr(), Duration::from_millis(200)).is_ok()
            {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "Prosody did not accept connections on {} within {STARTUP_TIMEOUT:?}:\n{}",
                    self.c2s_addr(),
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Prosody {
    fn drop(&mut self) {
        self.stop();
    }
}

fn terminate(child: &mut Child) {
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let deadline = Instant::now() + STOP_GRACE;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The parent-death signal fires when the *thread* that forked the child
/// ends, not the process; test threads (and tokio workers) end early, so all
/// servers are forked from one thread that lives as long as the process.
fn spawn_from_long_lived_thread(command: Command) -> io::Result<Child> {
    type Job = (Command, mpsc::Sender<io::Result<Child>>);
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("prosody-spawner".into())
            .spawn(move || {
                for (mut command, reply) in rx {
                    let _ = reply.send(command.spawn());
                }
            })
            .expect("spawn the prosody spawner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send((command, reply_tx))
        .expect("prosody spawner thread is gone");
    reply_rx.recv().expect("prosody spawner thread is gone")
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

/// A loopback port nobody in this process got before; the kernel picks it.
fn free_port() -> u16 {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        if handed_out.insert(port) {
            return port;
        }
    }
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

fn lua_string(value: &str) -> String {
    format!("{value:?}")
}

fn bare_jid(jid: &str) -> BareJid {
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

/// Whether `jid` can log in with `password`: a real SASL exchange on a
/// short-lived connection. A wrong password answers `false` at once; an
/// unreachable or silent server `false` after at most 5 s.
pub async fn can_login(addr: SocketAddr, jid: &BareJid, password: &str) -> bool {
    matches!(
        tokio::time::timeout(LOGIN_TIMEOUT, authenticate(addr, jid, password)).await,
        Ok(Ok(_))
    )
}
