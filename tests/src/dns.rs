//! A throw-away DNS server per test: dnsmasq on a loopback port (UDP and TCP), answering only
//! from the records a [`TestZone`] declares, for names under `.test` (RFC 2606). Other `.test`
//! names get NXDOMAIN; nothing is ever forwarded upstream.
//!
//! [`DnsServer::start`] is synchronous, like [`crate::prosody::Prosody::start`]. The server dies
//! with the `DnsServer` value, and with the test process even if that is killed hard
//! (parent-death signal). When the tests run as root, dnsmasq is told to stay root: its usual
//! switch to `nobody` would clear that signal.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::process;

const DNSMASQ: &str = "/usr/sbin/dnsmasq";
/// The suffix every declared name must end with; dnsmasq answers NXDOMAIN for the rest of it.
const SUFFIX: &str = ".test";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
/// Starts on another port when the one picked was taken in the meantime.
const START_ATTEMPTS: usize = 5;

/// The records a test DNS server answers with. Names are absolute, without the final dot, and
/// end in `.test`.
#[derive(Clone, Debug, Default)]
pub struct TestZone {
    /// dnsmasq options, one per record.
    options: Vec<String>,
    /// Names with an address, which dnsmasq requires of CNAME targets.
    with_addresses: BTreeSet<String>,
    cname_targets: Vec<String>,
}

impl TestZone {
    pub fn new() -> TestZone {
        TestZone::default()
    }

    /// An SRV record at `name` (e.g. `_xmpp-client._tcp.example.test`). An empty `target`
    /// makes the "no such service" record (target `.`).
    pub fn srv(mut self, name: &str, target: &str, port: u16, priority: u16, weight: u16) -> Self {
        check_name(name);
        self.options.push(format!(
            "--srv-host={name},{target},{port},{priority},{weight}"
        ));
        self
    }

    /// `_xmpp-client._tcp.DOMAIN` and `_xmpp-server._tcp.DOMAIN` pointing at `target` with the
    /// given ports (priority 0, weight 5).
    pub fn xmpp_srv(self, domain: &str, target: &str, client_port: u16, server_port: u16) -> Self {
        self.srv(
            &format!("_xmpp-client._tcp.{domain}"),
            target,
            client_port,
            0,
            5,
        )
        .srv(
            &format!("_xmpp-server._tcp.{domain}"),
            target,
            server_port,
            0,
            5,
        )
    }

    /// A CNAME from `name` to `target`. dnsmasq only serves CNAMEs to names it knows: give
    /// `target` an [`address`](TestZone::address) too ([`DnsServer::start`] checks).
    pub fn cname(mut self, name: &str, target: &str) -> Self {
        check_name(name);
        check_name(target);
        self.options.push(format!("--cname={name},{target}"));
        self.cname_targets.push(target.to_owned());
        self
    }

    /// A CAA record (RFC 8659) at `name`, e.g. `caa("example.test", 0, "issue",
    /// "letsencrypt.org")`. dnsmasq has no CAA syntax: it serves the RDATA given in hex.
    pub fn caa(self, name: &str, flags: u8, tag: &str, value: &str) -> Self {
        self.raw(name, CAA, &caa_rdata(flags, tag, value))
    }

    /// A TLSA record (RFC 6698) at `name` (e.g. `_5222._tcp.xmpp.example.test`), its data
    /// given in hex.
    pub fn tlsa(self, name: &str, usage: u8, selector: u8, matching: u8, data_hex: &str) -> Self {
        self.raw(name, TLSA, &tlsa_rdata(usage, selector, matching, data_hex))
    }

    /// A record of type `rr_type` with this RDATA.
    fn raw(mut self, name: &str, rr_type: u16, rdata: &[u8]) -> Self {
        check_name(name);
        self.options
            .push(format!("--dns-rr={name},{rr_type},{}", hex(rdata)));
        self
    }

    /// An A or AAAA record; call again for more addresses of the same name.
    pub fn address(mut self, name: &str, address: IpAddr) -> Self {
        check_name(name);
        self.options.push(format!("--host-record={name},{address}"));
        self.with_addresses.insert(name.to_owned());
        self
    }
}

const CAA: u16 = 257;
const TLSA: u16 = 52;

/// CAA RDATA: flags, the tag's length, the tag, the value.
fn caa_rdata(flags: u8, tag: &str, value: &str) -> Vec<u8> {
    let tag_len = u8::try_from(tag.len()).expect("a CAA tag is at most 255 bytes");
    let mut rdata = vec![flags, tag_len];
    rdata.extend_from_slice(tag.as_bytes());
    rdata.extend_from_slice(value.as_bytes());
    rdata
}

/// TLSA RDATA: usage, selector, matching type, then the data.
fn tlsa_rdata(usage: u8, selector: u8, matching: u8, data_hex: &str) -> Vec<u8> {
    let mut rdata = vec![usage, selector, matching];
    rdata.extend(unhex(data_hex));
    rdata
}

/// Lower-case hex, as dnsmasq reads `--dns-rr` data.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    assert!(
        text.len().is_multiple_of(2),
        "hex data of odd length: {text:?}"
    );
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex data"))
        .collect()
}

fn check_name(name: &str) {
    assert!(
        name.ends_with(SUFFIX) && !name.contains(','),
        "test DNS names must end in {SUFFIX} (without the final dot): {name:?}"
    );
}

pub struct DnsServer {
    dir: TempDir,
    port: u16,
    child: Option<Child>,
}

impl DnsServer {
    /// Starts dnsmasq with the zone's records on a free loopback port. Panics (with its log)
    /// if it does not answer queries within 10 s.
    pub fn start(zone: &TestZone) -> DnsServer {
        for target in &zone.cname_targets {
            assert!(
                zone.with_addresses.contains(target),
                "dnsmasq only serves CNAMEs to names it has addresses for: add one for {target}"
            );
        }
        for attempt in 1..=START_ATTEMPTS {
            let mut server = DnsServer {
                dir: tempfile::Builder::new()
                    .prefix("domaine-dns-")
                    .tempdir()
                    .expect("create the DNS server's temporary directory"),
                port: free_udp_and_tcp_port(),
                child: None,
            };
            match server.spawn(zone) {
                Ok(()) => return server,
                // The port was taken between our check and dnsmasq's bind: another one.
                Err(log) if attempt < START_ATTEMPTS && log.contains("Address already in use") => {}
                Err(log) => panic!("dnsmasq did not start: {log}"),
            }
        }
        unreachable!("the last attempt panics")
    }

    /// Serves `zone` instead, on the same port (a portal configured with this server keeps
    /// asking it): a zone whose records change during a test.
    pub fn replace_zone(&mut self, zone: &TestZone) {
        if let Some(mut child) = self.child.take() {
            process::terminate(&mut child);
        }
        if let Err(log) = self.spawn(zone) {
            panic!("dnsmasq did not start again: {log}");
        }
    }

    /// Where to send queries (UDP or TCP).
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// dnsmasq's log (with every query, `--log-queries`) and console output, for failure
    /// messages.
    pub fn log(&self) -> String {
        let mut text = String::new();
        for name in ["dnsmasq.log", "console.log"] {
            let content = fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
            text.push_str(&format!("--- {name}\n{content}"));
        }
        text
    }

    /// Spawns dnsmasq and waits until it answers; `Err` holds the log when it did not.
    fn spawn(&mut self, zone: &TestZone) -> Result<(), String> {
        let console = File::create(self.dir.path().join("console.log"))
            .expect("create the DNS server's console log");
        let mut command = Command::new(DNSMASQ);
        command
            .arg("--keep-in-foreground")
            // No /etc/dnsmasq.conf, /etc/resolv.conf, /etc/hosts, PID file or upstream server:
            // only the zone.
            .arg("--conf-file=/dev/null")
            .arg("--no-resolv")
            .arg("--no-hosts")
            .arg("--pid-file=")
            .arg(format!("--local=/{}/", SUFFIX.trim_start_matches('.')))
            .arg(format!("--port={}", self.port))
            .arg("--listen-address=127.0.0.1")
            .arg("--bind-interfaces")
            .arg("--log-queries")
            .arg(format!(
                "--log-facility={}",
                self.dir.path().join("dnsmasq.log").display()
            ))
            .args(&zone.options)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(console.try_clone().expect("duplicate the console log"))
            .stderr(console);
        if unsafe { libc::geteuid() } == 0 {
            // Changing uid or gid would clear the parent-death signal.
            command.arg("--user=root").arg("--group=root");
        }
        self.child = Some(process::spawn_dying_with_tests(command).expect("start dnsmasq"));
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let child = self.child.as_mut().expect("dnsmasq was started");
            if let Some(status) = child.try_wait().expect("poll dnsmasq") {
                self.child = None;
                return Err(format!("dnsmasq exited ({status}):\n{}", self.log()));
            }
            if answers_a_query(self.addr()) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "dnsmasq did not answer on {} within {STARTUP_TIMEOUT:?}:\n{}",
                    self.addr(),
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            process::terminate(&mut child);
        }
    }
}

/// Whether a DNS server answers a query (any answer, even NXDOMAIN) on `addr` within 200 ms.
fn answers_a_query(addr: SocketAddr) -> bool {
    let attempt = || -> io::Result<bool> {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        socket.connect(addr)?;
        socket.set_read_timeout(Some(Duration::from_millis(200)))?;
        let id: u16 = rand::random();
        // Header: id, flags (RD), one question; then `ready.test. IN A`.
        let mut query = Vec::new();
        query.extend_from_slice(&id.to_be_bytes());
        query.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        for label in ["ready", "test"] {
            query.push(label.len() as u8);
            query.extend_from_slice(label.as_bytes());
        }
        query.extend_from_slice(&[0, 0, 1, 0, 1]);
        socket.send(&query)?;
        let mut answer = [0; 512];
        let len = socket.recv(&mut answer)?;
        // Same id, and the QR bit says it is a response.
        Ok(len >= 12 && answer[..2] == id.to_be_bytes() && answer[2] & 0x80 != 0)
    };
    attempt().unwrap_or(false)
}

/// A loopback port free for both UDP and TCP that nobody in this process got before.
fn free_udp_and_tcp_port() -> u16 {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback UDP port");
        let port = udp.local_addr().expect("local address").port();
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() && handed_out.insert(port) {
            return port;
        }
    }
}

/// A loopback address where nothing answers DNS: a UDP port nobody listens on (queries get
/// ICMP "port unreachable") and no TCP listener either. Held ports are released at once, so
/// another process could take it, which only a few tests would mind.
pub fn unused_dns_addr() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, free_udp_and_tcp_port()))
}

/// A "resolver" that receives queries and never answers (a black hole, as a firewall that
/// drops packets makes one): the UDP socket and the TCP listener live as long as the value.
pub struct SilentDns {
    udp: UdpSocket,
    _tcp: TcpListener,
}

impl SilentDns {
    pub fn start() -> SilentDns {
        let port = free_udp_and_tcp_port();
        SilentDns {
            udp: UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).expect("bind the silent UDP port"),
            // Connections are accepted by the kernel (backlog) but never read.
            _tcp: TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("bind the silent TCP port"),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.udp.local_addr().expect("local address")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caa_rdata_is_flags_tag_length_tag_value() {
        let rdata = caa_rdata(128, "issue", "letsencrypt.org; accounturi=https://a/1");
        assert_eq!(&rdata[..7], &[128, 5, b'i', b's', b's', b'u', b'e']);
        assert_eq!(&rdata[7..], b"letsencrypt.org; accounturi=https://a/1");
        // What the portal reads back from such a record.
        let parsed = server::dns_check::parse_caa_rdata(&rdata).unwrap();
        assert_eq!(
            (parsed.flags, parsed.tag.as_str(), parsed.value.as_str()),
            (128, "issue", "letsencrypt.org; accounturi=https://a/1")
        );
        assert_eq!(hex(&caa_rdata(0, "iodef", "x")), "0005696f64656678");
    }

    #[test]
    fn tlsa_rdata_is_usage_selector_matching_data() {
        let rdata = tlsa_rdata(3, 1, 1, "00ff10");
        assert_eq!(rdata, [3, 1, 1, 0x00, 0xff, 0x10]);
        let parsed = server::dns_check::parse_tlsa_rdata(&rdata).unwrap();
        assert_eq!(parsed.presentation(), "3 1 1 00ff10");
        let zone = TestZone::new().tlsa("_5222._tcp.x.test", 3, 1, 1, "ABCD");
        assert_eq!(zone.options, ["--dns-rr=_5222._tcp.x.test,52,030101abcd"]);
    }
}
