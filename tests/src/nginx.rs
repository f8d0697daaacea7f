//! Debian's nginx as the TLS reverse proxy in front of the portal, configured with the site of
//! `deploy/nginx-domaine.conf` itself: the test runs the example a provider copies, with only
//! its addresses, ports and certificate paths replaced (loopback ports, the test CA's
//! certificate). Its own prefix, logs and pid file live in a temporary directory; the system
//! service is never involved.

use crate::process::{self, free_port, terminate, StartupFailure};
use crate::tls::IssuedCert;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tempfile::TempDir;

/// The site a provider installs, as the repository ships it.
pub const DEPLOY_SITE: &str = include_str!("../../deploy/nginx-domaine.conf");
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Nginx {
    dir: TempDir,
    https_port: u16,
    http_port: u16,
    child: Option<Child>,
}

impl Nginx {
    /// Starts nginx with the deploy site proxying to the portal at `upstream`, serving HTTPS on
    /// 127.0.0.1:`https_port` with `cert` (and plain HTTP, which redirects, on a free port).
    /// Panics with nginx's log if it is not accepting connections within 10 s.
    pub fn start(upstream: SocketAddr, cert: &IssuedCert, https_port: u16) -> Nginx {
        let dir = tempfile::Builder::new()
            .prefix("domaine-nginx-")
            .tempdir()
            .expect("create nginx's temporary directory");
        let http_port = free_port();
        let site = site(upstream, cert, https_port, http_port);
        let path = |name: &str| dir.path().join(name).display().to_string();
        // One process (no master, no workers to outlive the tests), in the foreground; every
        // path nginx writes is in the temporary directory.
        let config = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\n\
             error_log {error} info;\npid {pid};\n\
             events {{ worker_connections 256; }}\n\
             http {{\n\
             access_log {access};\n\
             client_body_temp_path {body};\nproxy_temp_path {proxy};\n\
             fastcgi_temp_path {fastcgi};\nuwsgi_temp_path {uwsgi};\nscgi_temp_path {scgi};\n\
             {site}\n}}\n",
            error = path("error.log"),
            pid = path("nginx.pid"),
            access = path("access.log"),
            body = path("client_body"),
            proxy = path("proxy"),
            fastcgi = path("fastcgi"),
            uwsgi = path("uwsgi"),
            scgi = path("scgi"),
        );
        let config_path = dir.path().join("nginx.conf");
        fs::write(&config_path, config).expect("write nginx's configuration");
        let console = fs::File::create(dir.path().join("console.log")).expect("nginx console log");
        let mut command = Command::new("nginx");
        command
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&config_path)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdin(Stdio::null())
            .stdout(console.try_clone().expect("duplicate the console log"))
            .stderr(console);
        let child =
            process::spawn_dying_with_tests(command).expect("start nginx (is it installed?)");
        let mut nginx = Nginx {
            dir,
            https_port,
            http_port,
            child: Some(child),
        };
        nginx.wait_until_accepting();
        nginx
    }

    /// `https://127.0.0.1:PORT` followed by `path`.
    pub fn https_url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.https_port)
    }

    /// The plain HTTP side (which only redirects to HTTPS and passes ACME challenges).
    pub fn http_url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.http_port)
    }

    /// nginx's error log and console, for failure messages.
    pub fn log(&self) -> String {
        ["error.log", "console.log"]
            .iter()
            .map(|name| {
                let text = fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
                format!("--- {name}\n{text}")
            })
            .collect()
    }

    /// The access log: one line per request nginx proxied or answered.
    pub fn access_log(&self) -> String {
        fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }

    fn wait_until_accepting(&mut self) {
        let ports = [self.https_port, self.http_port];
        let child = self.child.as_mut().expect("nginx was started");
        let started = process::wait_until_ready(child, STARTUP_TIMEOUT, || {
            ports.iter().all(|port| accepts(*port))
        });
        match started {
            Ok(()) => {}
            Err(StartupFailure::Exited(status)) => {
                self.child = None;
                panic!("nginx exited during start-up ({status}):\n{}", self.log());
            }
            Err(StartupFailure::TimedOut) => panic!(
                "nginx did not accept connections on {ports:?} within {STARTUP_TIMEOUT:?}:\n{}",
                self.log()
            ),
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }
}

fn accepts(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// The deploy site with the test's addresses: every `listen` on 127.0.0.1 only (the IPv6
/// wildcard ones dropped), the portal's address in `proxy_pass`, the test certificate. Panics
/// if the site no longer has what is replaced, so that a changed example is noticed here.
fn site(upstream: SocketAddr, cert: &IssuedCert, https_port: u16, http_port: u16) -> String {
    let path = |p: &Path| p.display().to_string();
    let replacements = [
        ("listen 80;", format!("listen 127.0.0.1:{http_port};")),
        (
            "listen 443 ssl",
            format!("listen 127.0.0.1:{https_port} ssl"),
        ),
        ("http://127.0.0.1:8080", format!("http://{upstream}")),
        (
            "/etc/letsencrypt/live/portal.example.org/fullchain.pem",
            path(&cert.cert),
        ),
        (
            "/etc/letsencrypt/live/portal.example.org/privkey.pem",
            path(&cert.key),
        ),
    ];
    let mut text: String = DEPLOY_SITE
        .lines()
        .filter(|line| !line.trim_start().starts_with("listen [::]"))
        .map(|line| format!("{line}\n"))
        .collect();
    for (from, to) in replacements {
        assert!(
            text.contains(from),
            "deploy/nginx-domaine.conf no longer has {from:?}"
        );
        text = text.replace(from, &to);
    }
    text
}
