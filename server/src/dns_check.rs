//! Whether a domain's DNS sends XMPP clients and servers to the provider, and the records its
//! owner should add.
//!
//! XMPP finds a domain's server with the SRV records `_xmpp-client._tcp.DOMAIN` (clients, port
//! 5222) and `_xmpp-server._tcp.DOMAIN` (other servers, port 5269). When a name has no such
//! records, clients and servers fall back to the domain's own addresses on those default ports
//! (RFC 6120 §3.2.2): a CNAME from the domain to the provider's host, or A/AAAA records with the
//! provider's addresses, work too. (SRV records that exist win over that fallback, so a domain
//! with a correct CNAME but SRV records pointing elsewhere is not ready.)
//!
//! [`check`] asks a resolver (the system's, or the one configured) with every lookup bounded in
//! time, and tells a failing resolver apart from a domain that has no records.
//! [`records_to_add`] gives the zone-file lines to show whoever asked for the domain to be
//! hosted.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::TokioResolver;
use serde::{Deserialize, Serialize};

/// The standard ports, which the CNAME and A/AAAA fallbacks can only reach.
pub const DEFAULT_CLIENT_PORT: u16 = 5222;
pub const DEFAULT_SERVER_PORT: u16 = 5269;
/// The TTL of the records [`records_to_add`] proposes.
const PROPOSED_TTL: u32 = 3600;
/// One try of one query, all the configured name servers included (hickory's own deadline);
/// a query is tried twice (one retry, for a lost UDP packet).
const QUERY_TIMEOUT: Duration = Duration::from_millis(1500);
/// The whole check: the lookups run in parallel, each cut off at this bound (which the two
/// tries stay under).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(4);

/// What the provider's DNS set-up looks like, for the check; the configuration embeds it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsExpectations {
    /// The host name clients and servers should reach (SRV target or CNAME target), e.g.
    /// "jabberfr.org".
    pub server_host: String,
    /// Its addresses, for domains that use A/AAAA records directly instead. Empty: such domains
    /// are never recognised as ready.
    #[serde(default)]
    pub server_addresses: Vec<IpAddr>,
    /// The port `_xmpp-client._tcp` records must give.
    #[serde(default = "default_client_port")]
    pub client_port: u16,
    /// The port `_xmpp-server._tcp` records must give.
    #[serde(default = "default_server_port")]
    pub server_port: u16,
    /// The resolver to ask, e.g. "127.0.0.1:5353" (plain DNS over UDP and TCP); none: the
    /// system's (`/etc/resolv.conf`).
    #[serde(default)]
    pub resolver: Option<SocketAddr>,
}

fn default_client_port() -> u16 {
    DEFAULT_CLIENT_PORT
}

fn default_server_port() -> u16 {
    DEFAULT_SERVER_PORT
}

/// The outcome of a check, for the provider admins (every method, what was found) and the
/// requester (the verdict).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsReport {
    /// The domain checked, in its ASCII form without the final dot.
    pub domain: String,
    pub verdict: Verdict,
    /// `_xmpp-client._tcp.DOMAIN`.
    pub client_srv: SrvCheck,
    /// `_xmpp-server._tcp.DOMAIN`.
    pub server_srv: SrvCheck,
    /// A CNAME on the domain itself.
    pub cname: CnameCheck,
    /// The domain's A and AAAA records (through its CNAME if it has one).
    pub addresses: AddressCheck,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Clients and servers both reach the provider: through SRV records, or (where there are no
    /// SRV records) through a CNAME to the provider's host or the provider's addresses.
    Ready,
    /// Some of the work is done, or done wrong: SRV records that exist but are not (all) right
    /// or only for one of clients and servers, or a CNAME or addresses pointing at the
    /// provider that SRV records elsewhere override, or addresses only partly the provider's.
    Partial,
    /// Nothing points at the provider and there are no XMPP SRV records (the domain may well
    /// have other records, such as a web site's addresses: see the details).
    NotReady,
    /// A lookup failed (resolver unreachable, timed out, or answering with an error), so the
    /// check could not tell; what was found is in the details. A domain that does not exist
    /// or has no records is `NotReady`, not this.
    Unavailable,
}

/// How one lookup went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum LookupStatus {
    /// The resolver answered with records.
    Found,
    /// The name does not exist (NXDOMAIN) or has no records of this type.
    NotFound,
    /// The resolver failed or did not answer in time.
    Failed(String),
}

impl LookupStatus {
    pub fn failed(&self) -> bool {
        matches!(self, LookupStatus::Failed(_))
    }
}

/// The SRV records of one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrvCheck {
    /// The name asked, e.g. `_xmpp-client._tcp.example.org`.
    pub name: String,
    pub lookup: LookupStatus,
    pub records: Vec<SrvRecord>,
    /// There are records and every one of them points at the provider's host and port.
    pub ok: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrvRecord {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    /// ASCII, without the final dot; "." means "no such service here" (RFC 2782).
    pub target: String,
    /// Target and port are the provider's.
    pub ok: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CnameCheck {
    pub lookup: LookupStatus,
    /// ASCII, without the final dot.
    pub target: Option<String>,
    /// The target is the provider's host.
    pub ok: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressCheck {
    /// `Failed` if either the A or the AAAA lookup failed, else `Found` if either found some.
    pub lookup: LookupStatus,
    /// IPv4 first, in the order received.
    pub addresses: Vec<IpAddr>,
    /// Those of `addresses` that are not the provider's.
    pub unexpected: Vec<IpAddr>,
    /// The lookups succeeded, found addresses, and all are the provider's.
    pub ok: bool,
}

/// Checks `domain_ascii` (a Unicode name is converted) against the expectations. Never takes
/// much longer than [`CHECK_TIMEOUT`]; a resolver that cannot be reached, or the system's
/// configuration that cannot be read, gives [`Verdict::Unavailable`].
pub async fn check(domain_ascii: &str, expect: &DnsExpectations) -> DnsReport {
    let domain = ascii_domain(domain_ascii);
    let answers = match resolver(expect) {
        Ok(resolver) => lookup_all(&resolver, &domain).await,
        Err(reason) => Answers::all_failed(&format!("resolver: {reason}")),
    };
    judge(&domain, answers, expect)
}

/// The zone-file lines to show the requester: the two SRV records (the standard way, which
/// also works at the top of a zone) and then, as the alternative, a CNAME of the domain itself
/// (only possible for a name with no other records, so not for the top of a zone, which has
/// SOA and NS records). E.g. for `example.org` and `jabberfr.org`:
///
/// ```text
/// _xmpp-client._tcp.example.org. 3600 IN SRV 0 5 5222 jabberfr.org.
/// _xmpp-server._tcp.example.org. 3600 IN SRV 0 5 5269 jabberfr.org.
/// example.org. 3600 IN CNAME jabberfr.org.
/// ```
pub fn records_to_add(domain: &str, expect: &DnsExpectations) -> Vec<String> {
    let domain = ascii_domain(domain);
    let host = ascii_domain(&expect.server_host);
    vec![
        format!(
            "{}. {PROPOSED_TTL} IN SRV 0 5 {} {host}.",
            srv_name(CLIENT_SERVICE, &domain),
            expect.client_port
        ),
        format!(
            "{}. {PROPOSED_TTL} IN SRV 0 5 {} {host}.",
            srv_name(SERVER_SERVICE, &domain),
            expect.server_port
        ),
        format!("{domain}. {PROPOSED_TTL} IN CNAME {host}."),
    ]
}

/// A domain name as DNS carries it: IDNA (punycode) for Unicode names, lower case, without
/// surrounding spaces or the final dot. A name that cannot be converted is only lowercased.
pub fn ascii_domain(domain: &str) -> String {
    let trimmed = domain.trim();
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    match url::Host::parse(trimmed) {
        Ok(url::Host::Domain(ascii)) => ascii,
        _ => trimmed.to_lowercase(),
    }
}

/// Whether two host names are the same: case-insensitively, the final dot ignored.
pub fn same_host(a: &str, b: &str) -> bool {
    fn bare(name: &str) -> &str {
        let name = name.trim();
        name.strip_suffix('.').unwrap_or(name)
    }
    bare(a).eq_ignore_ascii_case(bare(b))
}

const CLIENT_SERVICE: &str = "_xmpp-client._tcp";
const SERVER_SERVICE: &str = "_xmpp-server._tcp";

fn srv_name(service: &str, domain: &str) -> String {
    format!("{service}.{domain}")
}

/// What one lookup gave, before judging.
#[derive(Clone, Debug)]
enum Answer<T> {
    Records(Vec<T>),
    NoRecords,
    Failed(String),
}

impl<T> Answer<T> {
    fn status(&self) -> LookupStatus {
        match self {
            Answer::Records(records) if !records.is_empty() => LookupStatus::Found,
            Answer::Records(_) | Answer::NoRecords => LookupStatus::NotFound,
            Answer::Failed(reason) => LookupStatus::Failed(reason.clone()),
        }
    }

    fn records(&self) -> &[T] {
        match self {
            Answer::Records(records) => records,
            _ => &[],
        }
    }
}

/// SRV data as received: (priority, weight, port, target).
type RawSrv = (u16, u16, u16, String);

/// Everything [`check`] asks.
#[derive(Clone, Debug)]
struct Answers {
    client_srv: Answer<RawSrv>,
    server_srv: Answer<RawSrv>,
    cname: Answer<String>,
    a: Answer<IpAddr>,
    aaaa: Answer<IpAddr>,
}

impl Answers {
    fn all_failed(reason: &str) -> Answers {
        let failed = || reason.to_owned();
        Answers {
            client_srv: Answer::Failed(failed()),
            server_srv: Answer::Failed(failed()),
            cname: Answer::Failed(failed()),
            a: Answer::Failed(failed()),
            aaaa: Answer::Failed(failed()),
        }
    }
}

fn resolver(expect: &DnsExpectations) -> Result<TokioResolver, String> {
    let mut builder = match expect.resolver {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let server = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(vec![server]),
                TokioRuntimeProvider::default(),
            )
        }
        None => TokioResolver::builder_tokio().map_err(|e| e.to_string())?,
    };
    let options = builder.options_mut();
    options.timeout = QUERY_TIMEOUT;
    // Hickory counts retries here: one retry, two tries.
    options.attempts = 1;
    // Only the DNS counts: an /etc/hosts entry on the portal's machine says nothing of what
    // the world sees.
    options.use_hosts_file = ResolveHosts::Never;
    builder.build().map_err(|e| e.to_string())
}

async fn lookup_all(resolver: &TokioResolver, domain: &str) -> Answers {
    let client_name = srv_name(CLIENT_SERVICE, domain);
    let server_name = srv_name(SERVER_SERVICE, domain);
    let (client_srv, server_srv, cname, a, aaaa) = tokio::join!(
        lookup(resolver, &client_name, RecordType::SRV, srv_data),
        lookup(resolver, &server_name, RecordType::SRV, srv_data),
        lookup(resolver, domain, RecordType::CNAME, |data| match data {
            RData::CNAME(cname) => Some(name_text(&cname.0)),
            _ => None,
        }),
        lookup(resolver, domain, RecordType::A, |data| match data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            _ => None,
        }),
        lookup(resolver, domain, RecordType::AAAA, |data| match data {
            RData::AAAA(aaaa) => Some(IpAddr::V6(aaaa.0)),
            _ => None,
        }),
    );
    Answers {
        client_srv,
        server_srv,
        cname,
        a,
        aaaa,
    }
}

fn srv_data(data: &RData) -> Option<RawSrv> {
    match data {
        RData::SRV(srv) => Some((srv.priority, srv.weight, srv.port, name_text(&srv.target))),
        _ => None,
    }
}

/// ASCII, without the final dot (but the root stays ".").
fn name_text(name: &Name) -> String {
    let text = name.to_ascii();
    match text.strip_suffix('.') {
        Some(bare) if !bare.is_empty() => bare.to_owned(),
        _ => text,
    }
}

/// One query for `name` (taken as fully qualified), bounded by [`CHECK_TIMEOUT`]; the answer's
/// records of the type asked (a CNAME chain's other records are left out) through `extract`.
async fn lookup<T>(
    resolver: &TokioResolver,
    name: &str,
    record_type: RecordType,
    extract: impl Fn(&RData) -> Option<T>,
) -> Answer<T> {
    let name = match Name::from_ascii(format!("{name}.")) {
        Ok(name) => name,
        Err(e) => return Answer::Failed(format!("invalid name {name:?}: {e}")),
    };
    match tokio::time::timeout(CHECK_TIMEOUT, resolver.lookup(name, record_type)).await {
        Err(_) => Answer::Failed("timed out".into()),
        Ok(Err(e)) if e.is_no_records_found() => Answer::NoRecords,
        Ok(Err(e)) => Answer::Failed(e.to_string()),
        Ok(Ok(lookup)) => Answer::Records(
            lookup
                .answers()
                .iter()
                .filter(|record| record.record_type() == record_type)
                .filter_map(|record| extract(&record.data))
                .collect(),
        ),
    }
}

fn judge(domain: &str, answers: Answers, expect: &DnsExpectations) -> DnsReport {
    let client_srv = judge_srv(
        srv_name(CLIENT_SERVICE, domain),
        &answers.client_srv,
        &expect.server_host,
        expect.client_port,
    );
    let server_srv = judge_srv(
        srv_name(SERVER_SERVICE, domain),
        &answers.server_srv,
        &expect.server_host,
        expect.server_port,
    );
    let cname = CnameCheck {
        lookup: answers.cname.status(),
        target: answers.cname.records().first().cloned(),
        ok: answers
            .cname
            .records()
            .first()
            .is_some_and(|target| same_host(target, &expect.server_host)),
    };
    let addresses = judge_addresses(&answers.a, &answers.aaaa, &expect.server_addresses);
    let verdict = verdict(&client_srv, &server_srv, &cname, &addresses, expect);
    DnsReport {
        domain: domain.to_owned(),
        verdict,
        client_srv,
        server_srv,
        cname,
        addresses,
    }
}

fn judge_srv(name: String, answer: &Answer<RawSrv>, host: &str, port: u16) -> SrvCheck {
    let records: Vec<SrvRecord> = answer
        .records()
        .iter()
        .map(|(priority, weight, record_port, target)| SrvRecord {
            priority: *priority,
            weight: *weight,
            port: *record_port,
            target: target.clone(),
            ok: *record_port == port && same_host(target, host),
        })
        .collect();
    SrvCheck {
        name,
        lookup: answer.status(),
        ok: !records.is_empty() && records.iter().all(|record| record.ok),
        records,
    }
}

fn judge_addresses(a: &Answer<IpAddr>, aaaa: &Answer<IpAddr>, expected: &[IpAddr]) -> AddressCheck {
    let addresses: Vec<IpAddr> = a.records().iter().chain(aaaa.records()).copied().collect();
    let unexpected: Vec<IpAddr> = addresses
        .iter()
        .filter(|address| !expected.contains(address))
        .copied()
        .collect();
    let lookup = match (a.status(), aaaa.status()) {
        (LookupStatus::Failed(reason), _) => LookupStatus::Failed(format!("A: {reason}")),
        (_, LookupStatus::Failed(reason)) => LookupStatus::Failed(format!("AAAA: {reason}")),
        (LookupStatus::Found, _) | (_, LookupStatus::Found) => LookupStatus::Found,
        _ => LookupStatus::NotFound,
    };
    AddressCheck {
        ok: !lookup.failed() && !addresses.is_empty() && unexpected.is_empty(),
        lookup,
        addresses,
        unexpected,
    }
}

fn verdict(
    client_srv: &SrvCheck,
    server_srv: &SrvCheck,
    cname: &CnameCheck,
    addresses: &AddressCheck,
    expect: &DnsExpectations,
) -> Verdict {
    // Where the domain's own name leads, for a service without SRV records: Some(true) to the
    // provider, None when a failed lookup leaves it open.
    let fallback = if cname.ok || addresses.ok {
        Some(true)
    } else if cname.lookup.failed() || addresses.lookup.failed() {
        None
    } else {
        Some(false)
    };
    let route = |srv: &SrvCheck, port: u16, default_port: u16| match srv.lookup {
        LookupStatus::Failed(_) => None,
        LookupStatus::Found => Some(srv.ok),
        LookupStatus::NotFound if port != default_port => Some(false),
        LookupStatus::NotFound => fallback,
    };
    let client = route(client_srv, expect.client_port, DEFAULT_CLIENT_PORT);
    let server = route(server_srv, expect.server_port, DEFAULT_SERVER_PORT);
    if client == Some(true) && server == Some(true) {
        return Verdict::Ready;
    }
    let lookups = [
        &client_srv.lookup,
        &server_srv.lookup,
        &cname.lookup,
        &addresses.lookup,
    ];
    if lookups.iter().any(|lookup| lookup.failed()) {
        return Verdict::Unavailable;
    }
    let points_at_provider = cname.ok
        || addresses
            .addresses
            .iter()
            .any(|address| expect.server_addresses.contains(address));
    if !client_srv.records.is_empty() || !server_srv.records.is_empty() || points_at_provider {
        Verdict::Partial
    } else {
        Verdict::NotReady
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROVIDER_V4: &str = "192.0.2.10";
    const PROVIDER_V6: &str = "2001:db8::10";

    fn expect() -> DnsExpectations {
        DnsExpectations {
            server_host: "jabberfr.org".into(),
            server_addresses: vec![PROVIDER_V4.parse().unwrap(), PROVIDER_V6.parse().unwrap()],
            client_port: DEFAULT_CLIENT_PORT,
            server_port: DEFAULT_SERVER_PORT,
            resolver: None,
        }
    }

    fn srv(port: u16, target: &str) -> RawSrv {
        (0, 5, port, target.to_owned())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// A domain with no records at all.
    fn nothing() -> Answers {
        Answers {
            client_srv: Answer::NoRecords,
            server_srv: Answer::NoRecords,
            cname: Answer::NoRecords,
            a: Answer::NoRecords,
            aaaa: Answer::NoRecords,
        }
    }

    fn srv_ready() -> Answers {
        Answers {
            client_srv: Answer::Records(vec![srv(5222, "jabberfr.org")]),
            server_srv: Answer::Records(vec![srv(5269, "jabberfr.org")]),
            ..nothing()
        }
    }

    fn verdict_of(answers: Answers) -> Verdict {
        judge("example.org", answers, &expect()).verdict
    }

    #[test]
    fn srv_records_to_the_provider_are_ready() {
        let report = judge("example.org", srv_ready(), &expect());
        assert_eq!(report.verdict, Verdict::Ready);
        assert!(report.client_srv.ok && report.server_srv.ok);
        assert_eq!(report.client_srv.name, "_xmpp-client._tcp.example.org");
        assert_eq!(report.server_srv.name, "_xmpp-server._tcp.example.org");
        assert_eq!(report.client_srv.lookup, LookupStatus::Found);
        assert_eq!(report.cname.lookup, LookupStatus::NotFound);
    }

    #[test]
    fn names_compare_case_insensitively_and_without_the_final_dot() {
        let answers = Answers {
            client_srv: Answer::Records(vec![srv(5222, "JabberFR.org.")]),
            server_srv: Answer::Records(vec![srv(5269, "jabberfr.ORG")]),
            ..nothing()
        };
        assert_eq!(verdict_of(answers), Verdict::Ready);
        let cname = Answers {
            cname: Answer::Records(vec!["JABBERFR.org.".into()]),
            ..nothing()
        };
        assert_eq!(verdict_of(cname), Verdict::Ready);
        assert!(same_host("a.example.", "A.Example"));
        assert!(!same_host("a.example", "b.example"));
    }

    #[test]
    fn a_cname_to_the_provider_is_ready() {
        let answers = Answers {
            cname: Answer::Records(vec!["jabberfr.org".into()]),
            // What a resolver gives for A through the CNAME: the provider's addresses.
            a: Answer::Records(vec![ip(PROVIDER_V4)]),
            ..nothing()
        };
        let report = judge("chat.example.org", answers, &expect());
        assert_eq!(report.verdict, Verdict::Ready);
        assert!(report.cname.ok);
        assert_eq!(report.cname.target.as_deref(), Some("jabberfr.org"));
    }

    #[test]
    fn the_providers_addresses_are_ready_and_others_are_not() {
        let ready = Answers {
            a: Answer::Records(vec![ip(PROVIDER_V4)]),
            aaaa: Answer::Records(vec![ip(PROVIDER_V6)]),
            ..nothing()
        };
        let report = judge("example.org", ready, &expect());
        assert_eq!(report.verdict, Verdict::Ready);
        assert!(report.addresses.ok);
        assert_eq!(
            report.addresses.addresses,
            [ip(PROVIDER_V4), ip(PROVIDER_V6)]
        );

        // An IPv6 address elsewhere sends IPv6 clients elsewhere.
        let mixed = Answers {
            a: Answer::Records(vec![ip(PROVIDER_V4)]),
            aaaa: Answer::Records(vec![ip("2001:db8::99")]),
            ..nothing()
        };
        let report = judge("example.org", mixed, &expect());
        assert_eq!(report.verdict, Verdict::Partial);
        assert!(!report.addresses.ok);
        assert_eq!(report.addresses.unexpected, [ip("2001:db8::99")]);

        // A web site's address only: nothing XMPP about it.
        let website = Answers {
            a: Answer::Records(vec![ip("198.51.100.7")]),
            ..nothing()
        };
        assert_eq!(verdict_of(website), Verdict::NotReady);

        // Without configured addresses, addresses never make a domain ready.
        let mut no_addresses = expect();
        no_addresses.server_addresses.clear();
        let answers = Answers {
            a: Answer::Records(vec![ip(PROVIDER_V4)]),
            ..nothing()
        };
        assert_eq!(
            judge("example.org", answers, &no_addresses).verdict,
            Verdict::NotReady
        );
    }

    #[test]
    fn wrong_srv_records_are_partial_with_details() {
        let answers = Answers {
            client_srv: Answer::Records(vec![srv(5222, "xmpp.elsewhere.net")]),
            server_srv: Answer::Records(vec![srv(5270, "jabberfr.org")]),
            ..nothing()
        };
        let report = judge("example.org", answers, &expect());
        assert_eq!(report.verdict, Verdict::Partial);
        assert!(!report.client_srv.ok && !report.server_srv.ok);
        assert_eq!(
            report.client_srv.records,
            [SrvRecord {
                priority: 0,
                weight: 5,
                port: 5222,
                target: "xmpp.elsewhere.net".into(),
                ok: false,
            }]
        );
        assert_eq!(report.server_srv.records[0].port, 5270);
        assert!(!report.server_srv.records[0].ok);
    }

    #[test]
    fn one_wrong_record_among_right_ones_is_partial() {
        let answers = Answers {
            client_srv: Answer::Records(vec![
                srv(5222, "jabberfr.org"),
                srv(5222, "old.example.org"),
            ]),
            ..srv_ready()
        };
        let report = judge("example.org", answers, &expect());
        assert_eq!(report.verdict, Verdict::Partial);
        assert_eq!(
            report
                .client_srv
                .records
                .iter()
                .map(|r| r.ok)
                .collect::<Vec<_>>(),
            [true, false]
        );
    }

    #[test]
    fn the_no_service_target_is_not_ready() {
        let answers = Answers {
            client_srv: Answer::Records(vec![(0, 0, 0, ".".into())]),
            server_srv: Answer::Records(vec![(0, 0, 0, ".".into())]),
            ..nothing()
        };
        assert_eq!(verdict_of(answers), Verdict::Partial);
    }

    #[test]
    fn only_the_client_srv_is_partial() {
        let answers = Answers {
            client_srv: Answer::Records(vec![srv(5222, "jabberfr.org")]),
            ..nothing()
        };
        let report = judge("example.org", answers, &expect());
        assert_eq!(report.verdict, Verdict::Partial);
        assert!(report.client_srv.ok);
        assert!(!report.server_srv.ok);
        assert_eq!(report.server_srv.lookup, LookupStatus::NotFound);
    }

    #[test]
    fn only_the_client_srv_with_a_cname_for_servers_is_ready() {
        // Servers, finding no SRV record, fall back to the domain's name.
        let answers = Answers {
            client_srv: Answer::Records(vec![srv(5222, "jabberfr.org")]),
            cname: Answer::Records(vec!["jabberfr.org".into()]),
            ..nothing()
        };
        assert_eq!(verdict_of(answers), Verdict::Ready);
    }

    #[test]
    fn srv_records_elsewhere_override_a_right_cname() {
        let answers = Answers {
            client_srv: Answer::Records(vec![srv(5222, "xmpp.elsewhere.net")]),
            cname: Answer::Records(vec!["jabberfr.org".into()]),
            ..nothing()
        };
        assert_eq!(verdict_of(answers), Verdict::Partial);
    }

    #[test]
    fn a_cname_elsewhere_is_not_ready() {
        let answers = Answers {
            cname: Answer::Records(vec!["ghs.elsewhere.net".into()]),
            ..nothing()
        };
        let report = judge("chat.example.org", answers, &expect());
        assert_eq!(report.verdict, Verdict::NotReady);
        assert_eq!(report.cname.target.as_deref(), Some("ghs.elsewhere.net"));
        assert!(!report.cname.ok);
    }

    #[test]
    fn nothing_is_not_ready() {
        let report = judge("example.org", nothing(), &expect());
        assert_eq!(report.verdict, Verdict::NotReady);
        assert_eq!(report.addresses.lookup, LookupStatus::NotFound);
        assert!(report.client_srv.records.is_empty());
        // A NOERROR answer without records of the type asked counts as none.
        let empty = Answers {
            client_srv: Answer::Records(vec![]),
            ..nothing()
        };
        assert_eq!(verdict_of(empty), Verdict::NotReady);
    }

    #[test]
    fn a_failing_resolver_is_unavailable() {
        let report = judge("example.org", Answers::all_failed("timed out"), &expect());
        assert_eq!(report.verdict, Verdict::Unavailable);
        assert_eq!(
            report.client_srv.lookup,
            LookupStatus::Failed("timed out".into())
        );
        assert_eq!(
            report.addresses.lookup,
            LookupStatus::Failed("A: timed out".into())
        );

        // One failed lookup that could have changed the outcome.
        let answers = Answers {
            server_srv: Answer::Failed("SERVFAIL".into()),
            ..srv_ready()
        };
        assert_eq!(verdict_of(answers), Verdict::Unavailable);
        let answers = Answers {
            aaaa: Answer::Failed("timed out".into()),
            a: Answer::Records(vec![ip(PROVIDER_V4)]),
            ..nothing()
        };
        assert_eq!(verdict_of(answers), Verdict::Unavailable);
    }

    #[test]
    fn a_failed_lookup_that_does_not_matter_is_still_ready() {
        let answers = Answers {
            cname: Answer::Failed("timed out".into()),
            aaaa: Answer::Failed("timed out".into()),
            ..srv_ready()
        };
        assert_eq!(verdict_of(answers), Verdict::Ready);
    }

    #[test]
    fn fallbacks_need_the_standard_ports() {
        let mut odd_port = expect();
        odd_port.client_port = 5223;
        let answers = Answers {
            cname: Answer::Records(vec!["jabberfr.org".into()]),
            ..nothing()
        };
        assert_eq!(
            judge("example.org", answers, &odd_port).verdict,
            Verdict::Partial
        );
        let answers = Answers {
            client_srv: Answer::Records(vec![srv(5223, "jabberfr.org")]),
            server_srv: Answer::Records(vec![srv(5269, "jabberfr.org")]),
            ..nothing()
        };
        assert_eq!(
            judge("example.org", answers, &odd_port).verdict,
            Verdict::Ready
        );
    }

    #[test]
    fn records_to_add_are_zone_file_lines() {
        assert_eq!(
            records_to_add("example.org", &expect()),
            [
                "_xmpp-client._tcp.example.org. 3600 IN SRV 0 5 5222 jabberfr.org.",
                "_xmpp-server._tcp.example.org. 3600 IN SRV 0 5 5269 jabberfr.org.",
                "example.org. 3600 IN CNAME jabberfr.org.",
            ]
        );
        let mut other = expect();
        other.server_host = "XMPP.Provider.net.".into();
        other.client_port = 5223;
        assert_eq!(
            records_to_add(" Café.Example. ", &other),
            [
                "_xmpp-client._tcp.xn--caf-dma.example. 3600 IN SRV 0 5 5223 xmpp.provider.net.",
                "_xmpp-server._tcp.xn--caf-dma.example. 3600 IN SRV 0 5 5269 xmpp.provider.net.",
                "xn--caf-dma.example. 3600 IN CNAME xmpp.provider.net.",
            ]
        );
    }

    #[test]
    fn expectations_read_with_defaults() {
        let expect: DnsExpectations = toml::from_str(r#"server_host = "jabberfr.org""#).unwrap();
        assert_eq!(expect.server_host, "jabberfr.org");
        assert!(expect.server_addresses.is_empty());
        assert_eq!(
            (expect.client_port, expect.server_port),
            (DEFAULT_CLIENT_PORT, DEFAULT_SERVER_PORT)
        );
        assert_eq!(expect.resolver, None);
        let expect: DnsExpectations = toml::from_str(
            r#"
            server_host = "jabberfr.org"
            server_addresses = ["192.0.2.10", "2001:db8::10"]
            resolver = "127.0.0.1:5353"
            "#,
        )
        .unwrap();
        assert_eq!(expect.server_addresses.len(), 2);
        assert_eq!(expect.resolver, Some("127.0.0.1:5353".parse().unwrap()));
    }

    #[test]
    fn reports_round_trip_through_json() {
        let report = judge("example.org", Answers::all_failed("down"), &expect());
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains(r#""verdict":"unavailable""#), "{json}");
        assert!(
            json.contains(r#""lookup":{"status":"failed","reason":"down"}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<DnsReport>(&json).unwrap(), report);
    }
}
