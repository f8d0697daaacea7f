//! A throw-away ACME CA per test: Debian's `pebble` on loopback ports, its own HTTPS API
//! certificate made by a [`TestCa`] of the test (the portal's `[acme] ca_file`), resolving the
//! names it validates through the test's DNS server, and validating HTTP-01 for real against
//! the port given (the portal's). Only the random pause before validating is switched off
//! (`PEBBLE_VA_NOSLEEP`); its random nonce rejections stay (the ACME client retries them).
//!
//! [`Pebble::new`] picks the ports and writes the files, so the portal can be configured
//! first; [`Pebble::start`] then needs the portal's port. The server dies with the `Pebble`
//! value, and with the test process even if that is killed hard.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::process::{self, free_port, terminate, StartupFailure};
use crate::tls::TestCa;

const PEBBLE: &str = "/usr/bin/pebble";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);

pub struct Pebble {
    dir: TempDir,
    api_ca: TestCa,
    api_port: u16,
    management_port: u16,
    child: Option<Child>,
}

impl Pebble {
    /// Picks the ports and writes the API's certificate; nothing runs yet.
    pub fn new() -> Pebble {
        let dir = tempfile::Builder::new()
            .prefix("domaine-pebble-")
            .tempdir()
            .expect("a directory for pebble");
        Pebble {
            dir,
            api_ca: TestCa::new(),
            api_port: free_port(),
            management_port: free_port(),
            child: None,
        }
    }

    /// The ACME directory, for `[acme] directory`.
    pub fn directory_url(&self) -> String {
        format!("https://127.0.0.1:{}/dir", self.api_port)
    }

    /// The CA of the API's HTTPS certificate, for `[acme] ca_file`.
    pub fn api_ca_file(&self) -> &Path {
        self.api_ca.ca_file()
    }

    /// The `[acme]` section of a portal that gets its certificates here.
    pub fn portal_config(&self, renew_before_days: u32) -> String {
        format!(
            "[acme]\ndirectory = \"{}\"\ncontact = \"certs@example.test\"\nca_file = \"{}\"\n\
             renew_before_days = {renew_before_days}\n",
            self.directory_url(),
            self.api_ca_file().display()
        )
    }

    /// Starts pebble, validating HTTP-01 on `http_port` of the addresses `dns` gives. Panics
    /// (with its log) if its API is not up within 15 s.
    pub fn start(&mut self, http_port: u16, dns: SocketAddr) {
        assert!(self.child.is_none(), "pebble is already running");
        let api = self.api_ca.issue("pebble-api", &["127.0.0.1"]);
        let config = serde_json::json!({
            "pebble": {
                "listenAddress": format!("127.0.0.1:{}", self.api_port),
                "managementListenAddress": format!("127.0.0.1:{}", self.management_port),
                "certificate": api.cert,
                "privateKey": api.key,
                "httpPort": http_port,
                "tlsPort": free_port(),
                "ocspResponderURL": "",
                "externalAccountBindingRequired": false,
            }
        });
        let config_path = self.dir.path().join("pebble-config.json");
        std::fs::write(&config_path, config.to_string()).expect("write pebble's configuration");
        let log = std::fs::File::create(self.log_path()).expect("create pebble's log");
        let mut command = Command::new(PEBBLE);
        command
            .arg("-config")
            .arg(&config_path)
            .arg("-dnsserver")
            .arg(dns.to_string())
            .env("PEBBLE_VA_NOSLEEP", "1")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("duplicate pebble's log"))
            .stderr(log);
        let mut child = process::spawn_dying_with_tests(command).expect("start pebble");
        let api = SocketAddr::from((Ipv4Addr::LOCALHOST, self.api_port));
        let management = SocketAddr::from((Ipv4Addr::LOCALHOST, self.management_port));
        let ready = process::wait_until_ready(&mut child, STARTUP_TIMEOUT, || {
            [api, management]
                .iter()
                .all(|addr| TcpStream::connect_timeout(addr, Duration::from_millis(200)).is_ok())
        });
        if let Err(failure) = ready {
            if matches!(failure, StartupFailure::TimedOut) {
                terminate(&mut child);
            }
            panic!("pebble did not start ({failure:?}):\n{}", self.log());
        }
        self.child = Some(child);
    }

    /// The root that signs the certificates pebble issues (PEM; a new one at every start).
    pub async fn root_pem(&self) -> String {
        let roots = std::fs::read(self.api_ca_file()).expect("read the API's CA");
        let client = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&roots).expect("a PEM CA"))
            .build()
            .expect("an HTTPS client");
        let url = format!("https://127.0.0.1:{}/roots/0", self.management_port);
        let res = client
            .get(&url)
            .send()
            .await
            .expect("ask pebble for its root");
        assert!(res.status().is_success(), "{url}: {}", res.status());
        res.text().await.expect("pebble's root")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("pebble.log")
    }

    /// What pebble logged, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }
}

impl Default for Pebble {
    fn default() -> Self {
        Pebble::new()
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }
}
