//! A real SMTP server per test (Python's aiosmtpd, Debian package python3-aiosmtpd) on a free
//! loopback port, storing what it receives in a Maildir that the tests read back.
//!
//! Like [`crate::prosody::Prosody`], [`SmtpServer::start`] is synchronous, the server can be
//! stopped and started again on the same port (to test a mail server that is down), and it dies
//! with the value and with the test process.

use crate::process::{
    free_port, log_offset, log_since, spawn_dying_with_tests, terminate, wait_until_ready,
    StartupFailure,
};
use mailparse::{MailHeaderMap, ParsedMail};
use std::fs;
use std::io::{self, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Debian's interpreter, which has the aiosmtpd package (a `python3` earlier on PATH, e.g.
/// pyenv's, may not).
const PYTHON: &str = "/usr/bin/python3";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

pub struct SmtpServer {
    dir: TempDir,
    port: u16,
    child: Option<Child>,
}

/// A mail as the server received it.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// The decoded `Subject:`.
    pub subject: String,
    /// The `From:` and `To:` headers, decoded (display names included).
    pub from: String,
    pub to: String,
    /// The envelope recipients (`RCPT TO`), bare addresses.
    pub envelope_to: Vec<String>,
    /// The decoded text/plain and text/html parts (empty if missing).
    pub text: String,
    pub html: String,
    /// The `Content-Type` of the whole mail, e.g. `multipart/alternative`.
    pub content_type: String,
    /// The mail as stored (the server adds its `X-Peer`, `X-MailFrom` and `X-RcptTo` headers).
    pub raw: Vec<u8>,
}

impl SmtpServer {
    /// Starts a server on a free loopback port; panics (with its output) if it does not greet
    /// within 10 s.
    pub fn start() -> SmtpServer {
        let dir = tempfile::Builder::new()
            .prefix("domaine-smtp-")
            .tempdir()
            .expect("create the SMTP server's temporary directory");
        let mut server = SmtpServer {
            dir,
            port: 0,
            child: None,
        };
        // The port is free when chosen but may be taken before the server binds it: then the
        // server exits, and another port is tried.
        for _ in 0..5 {
            server.port = free_port();
            if server.launch().is_ok() {
                return server;
            }
        }
        panic!(
            "the SMTP server could not listen on any of 5 free ports:\n{}",
            server.log()
        );
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// Stops the server (SIGTERM, then SIGKILL after a grace period); the mails received so far
    /// and the port are kept for [`SmtpServer::start_again`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }

    /// Starts the server after [`SmtpServer::stop`], on the same port.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "the SMTP server is already running");
        if self.launch().is_err() {
            panic!(
                "the SMTP server could not listen on port {} again:\n{}",
                self.port,
                self.log()
            );
        }
    }

    /// Every mail received so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = fs::read_dir(self.maildir().join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let modified = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                files.push((modified, entry.path()));
            }
        }
        files.sort();
        files
            .into_iter()
            .map(|(_, path)| {
                let raw = fs::read(&path).expect("read a received mail");
                ReceivedMail::parse(raw)
                    .unwrap_or_else(|e| panic!("{} is not a mail: {e}", path.display()))
            })
            .collect()
    }

    /// The mails received so far whose envelope names `address` (a bare address).
    pub fn mails_to(&self, address: &str) -> Vec<ReceivedMail> {
        self.received()
            .into_iter()
            .filter(|mail| mail.is_for(address))
            .collect()
    }

    /// Waits for the first mail to `address` (a bare address); panics after `within`.
    pub async fn wait_for_mail(&self, address: &str, within: Duration) -> ReceivedMail {
        self.wait_for_mail_where(address, within, |mails| mails.into_iter().next())
            .await
    }

    /// Waits for the mail that `pick` finds among the mails to `address` (a bare address,
    /// oldest first), e.g. the third, or the first that is not a confirmation; panics after
    /// `within`.
    pub async fn wait_for_mail_where(
        &self,
        address: &str,
        within: Duration,
        pick: impl Fn(Vec<ReceivedMail>) -> Option<ReceivedMail>,
    ) -> ReceivedMail {
        let deadline = Instant::now() + within;
        loop {
            if let Some(mail) = pick(self.mails_to(address)) {
                return mail;
            }
            assert!(
                Instant::now() < deadline,
                "no such mail to {address} within {within:?}; the server has {} mail(s): {:?}",
                self.received().len(),
                self.mails_to(address)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The server's own output, for failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    /// Spawns the server and waits for its greeting; `Err` if it exited (its port was taken).
    fn launch(&mut self) -> Result<(), Exited> {
        let log_path = self.dir.path().join("aiosmtpd.log");
        let log_offset = log_offset(&log_path);
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .expect("open the SMTP server's log");
        let mut command = Command::new(PYTHON);
        command
            // `--debug` makes it log when it listens.
            .args(["-m", "aiosmtpd", "--nosetuid", "--debug", "--listen"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["--class", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("duplicate the log"))
            .stderr(log);
        let child = spawn_dying_with_tests(command).unwrap_or_else(|e| {
            panic!("cannot run {PYTHON} -m aiosmtpd (install python3-aiosmtpd): {e}")
        });
        // The log line proves the port is ours; the greeting, that it serves.
        let listening = format!("Server is listening on 127.0.0.1:{}", self.port);
        let addr = self.addr();
        let child = self.child.insert(child);
        let started = wait_until_ready(child, STARTUP_TIMEOUT, || {
            log_since(&log_path, log_offset).contains(&listening)
                && greeting(addr).is_some_and(|g| g.starts_with("220 "))
        });
        match started {
            Ok(()) => Ok(()),
            Err(StartupFailure::Exited(_)) => {
                self.child = None;
                if self.log().contains("No module named aiosmtpd") {
                    panic!("{PYTHON} has no aiosmtpd: install python3-aiosmtpd");
                }
                Err(Exited)
            }
            Err(StartupFailure::TimedOut) => panic!(
                "the SMTP server did not greet on {addr} within {STARTUP_TIMEOUT:?}:\n{}",
                self.log()
            ),
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl ReceivedMail {
    fn parse(raw: Vec<u8>) -> Result<ReceivedMail, mailparse::MailParseError> {
        let parsed = mailparse::parse_mail(&raw)?;
        let header = |name: &str| parsed.headers.get_first_value(name).unwrap_or_default();
        let mut text = String::new();
        let mut html = String::new();
        collect_bodies(&parsed, &mut text, &mut html)?;
        Ok(ReceivedMail {
            subject: header("Subject"),
            from: header("From"),
            to: header("To"),
            envelope_to: header("X-RcptTo")
                .split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            text,
            html,
            content_type: parsed.ctype.mimetype.clone(),
            raw,
        })
    }

    fn is_for(&self, address: &str) -> bool {
        self.envelope_to
            .iter()
            .any(|a| a.eq_ignore_ascii_case(address))
    }

    /// The first link of the text part that contains `part` (e.g. `/request/confirm/`);
    /// panics if there is none.
    pub fn link(&self, part: &str) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.contains(part))
            .unwrap_or_else(|| panic!("a link with {part} in {}", self.text))
            .to_string()
    }
}

/// The first text/plain and text/html leaves, decoded (transfer encoding and charset).
fn collect_bodies(
    part: &ParsedMail,
    text: &mut String,
    html: &mut String,
) -> Result<(), mailparse::MailParseError> {
    if part.subparts.is_empty() {
        let slot = match part.ctype.mimetype.as_str() {
            "text/plain" => text,
            "text/html" => html,
            _ => return Ok(()),
        };
        if slot.is_empty() {
            *slot = part.get_body()?;
        }
        return Ok(());
    }
    for sub in &part.subparts {
        collect_bodies(sub, text, html)?;
    }
    Ok(())
}

/// The server exited during start-up.
struct Exited;

/// The first line the server at `addr` sends, if it sends one within a second.
fn greeting(addr: SocketAddr) -> Option<String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
    let mut buffer = [0; 128];
    let n = stream.read(&mut buffer).ok()?;
    let line = String::from_utf8_lossy(&buffer[..n]).into_owned();
    // Say goodbye, so the server does not log a dropped connection.
    let _ = io::Write::write_all(&mut stream, b"QUIT\r\n");
    Some(line)
}
