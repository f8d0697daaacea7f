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
    /// The port `_xmpps-client._tcp` records (XEP-0368, direct TLS) must give; none: any port,
    /// as long as they name the provider's host.
    #[serde(default)]
    pub direct_tls_port: Option<u16>,
    /// The certificate authorities (their CAA issuer domain names) the provider's certificates
    /// come from: a domain's CAA records must allow one of them.
    #[serde(default = "default_caa_issuers")]
    pub caa_issuers: Vec<String>,
    /// The provider's ACME account URI: when set, the CAA `issue` record must carry it as
    /// `accounturi=` (RFC 8657), so that only the provider's account may issue.
    #[serde(default)]
    pub caa_account_uri: Option<String>,
}

impl DnsExpectations {
    /// The standard ports and CAA issuers, clients and servers sent to `server_host`, asked of
    /// the system's resolver.
    pub fn for_host(server_host: &str) -> DnsExpectations {
        DnsExpectations {
            server_host: server_host.to_owned(),
            server_addresses: Vec::new(),
            client_port: DEFAULT_CLIENT_PORT,
            server_port: DEFAULT_SERVER_PORT,
            resolver: None,
            direct_tls_port: None,
            caa_issuers: default_caa_issuers(),
            caa_account_uri: None,
        }
    }
}

fn default_caa_issuers() -> Vec<String> {
    vec!["letsencrypt.org".to_owned()]
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
    let client = route_of(
        client_srv,
        expect.client_port,
        DEFAULT_CLIENT_PORT,
        cname,
        addresses,
    );
    let server = route_of(
        server_srv,
        expect.server_port,
        DEFAULT_SERVER_PORT,
        cname,
        addresses,
    );
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

// ---- The health page's DNS lines: XEP-0368, CAA and TLSA (see `crate::health`). ----

const DIRECT_TLS_SERVICE: &str = "_xmpps-client._tcp";

/// One CAA record (RFC 8659): its flags, tag (`issue`, `issuewild`, `iodef`...) and value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaaRecord {
    pub flags: u8,
    pub tag: String,
    pub value: String,
}

impl CaaRecord {
    /// The issuer-critical flag: a CA that does not know the tag must not issue.
    pub fn critical(&self) -> bool {
        self.flags & 0x80 != 0
    }
}

/// The CAA records that apply to a domain: those of the closest name, the domain or one of its
/// parents, that has any (RFC 8659 §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaaCheck {
    pub lookup: LookupStatus,
    /// Where the records were found (the domain or a parent), without the final dot.
    pub at: Option<String>,
    pub records: Vec<CaaRecord>,
}

/// One TLSA record (RFC 6698): certificate usage, selector, matching type and data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsaRecord {
    pub usage: u8,
    pub selector: u8,
    pub matching: u8,
    pub data: Vec<u8>,
}

impl TlsaRecord {
    /// The record as a zone file writes it: `3 1 1 HEX`.
    pub fn presentation(&self) -> String {
        let hex: String = self.data.iter().map(|b| format!("{b:02x}")).collect();
        format!("{} {} {} {hex}", self.usage, self.selector, self.matching)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsaCheck {
    /// `_PORT._tcp.HOST`, where clients connect.
    pub name: String,
    pub lookup: LookupStatus,
    pub records: Vec<TlsaRecord>,
}

/// Everything the health page asks the DNS about a domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthLookups {
    /// Today's readiness check: the SRV records, CNAME and addresses.
    pub report: DnsReport,
    /// `_xmpps-client._tcp.DOMAIN` (XEP-0368), judged against the provider's host and
    /// `direct_tls_port`.
    pub direct_tls_srv: SrvCheck,
    pub caa: CaaCheck,
    pub tlsa: TlsaCheck,
}

/// Where clients connect to for `report`'s domain: the target and port of its best
/// `_xmpp-client._tcp` record (lowest priority, then highest weight), or the domain itself on
/// the standard port when it has none (RFC 6120 §3.2.2).
pub fn client_endpoint(report: &DnsReport) -> (String, u16) {
    report
        .client_srv
        .records
        .iter()
        .filter(|record| record.target != ".")
        .min_by_key(|record| (record.priority, std::cmp::Reverse(record.weight)))
        .map(|record| (record.target.clone(), record.port))
        .unwrap_or_else(|| (report.domain.clone(), DEFAULT_CLIENT_PORT))
}

/// The TLSA name of a TLS service on `host` and `port`.
pub fn tlsa_name(host: &str, port: u16) -> String {
    format!("_{port}._tcp.{}", ascii_domain(host))
}

/// The names whose CAA records may apply to `domain`, closest first: the domain, then each
/// parent down to the top-level domain (the root is never asked).
pub fn caa_candidates(domain: &str) -> Vec<String> {
    let domain = ascii_domain(domain);
    let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
    (0..labels.len()).map(|i| labels[i..].join(".")).collect()
}

/// The DNS side of the health page: [`check`], the XEP-0368 SRV records, the CAA records that
/// apply (climbing to the parents) and the TLSA records where clients connect. Each lookup is
/// bounded by [`CHECK_TIMEOUT`].
pub async fn health_lookups(domain: &str, expect: &DnsExpectations) -> HealthLookups {
    let domain = ascii_domain(domain);
    let resolver = match resolver(expect) {
        Ok(resolver) => resolver,
        Err(reason) => {
            let reason = format!("resolver: {reason}");
            let report = judge(&domain, Answers::all_failed(&reason), expect);
            let (host, port) = client_endpoint(&report);
            let failed = LookupStatus::Failed(reason.clone());
            return HealthLookups {
                direct_tls_srv: judge_direct_tls(&domain, &Answer::Failed(reason), expect),
                caa: CaaCheck {
                    lookup: failed.clone(),
                    at: None,
                    records: Vec::new(),
                },
                tlsa: TlsaCheck {
                    name: tlsa_name(&host, port),
                    lookup: failed,
                    records: Vec::new(),
                },
                report,
            };
        }
    };
    let direct_name = srv_name(DIRECT_TLS_SERVICE, &domain);
    let (answers, direct, caa) = tokio::join!(
        lookup_all(&resolver, &domain),
        lookup(&resolver, &direct_name, RecordType::SRV, srv_data),
        climb_caa(&resolver, &domain),
    );
    let report = judge(&domain, answers, expect);
    let (host, port) = client_endpoint(&report);
    let name = tlsa_name(&host, port);
    let tlsa = lookup(&resolver, &name, RecordType::TLSA, |data| {
        parse_tlsa_rdata(&rdata_bytes(data)?)
    })
    .await;
    HealthLookups {
        direct_tls_srv: judge_direct_tls(&domain, &direct, expect),
        caa,
        tlsa: TlsaCheck {
            name,
            lookup: tlsa.status(),
            records: tlsa.records().to_vec(),
        },
        report,
    }
}

fn judge_direct_tls(domain: &str, answer: &Answer<RawSrv>, expect: &DnsExpectations) -> SrvCheck {
    let mut check = judge_srv(
        srv_name(DIRECT_TLS_SERVICE, domain),
        answer,
        &expect.server_host,
        0,
    );
    // Without a configured port, any port on the provider's host will do.
    for record in &mut check.records {
        record.ok = same_host(&record.target, &expect.server_host)
            && expect
                .direct_tls_port
                .is_none_or(|port| port == record.port);
    }
    check.ok = !check.records.is_empty() && check.records.iter().all(|r| r.ok);
    check
}

/// Asks each of [`caa_candidates`] in turn until one has CAA records (a failed lookup stops
/// the climb: what a parent says cannot be trusted to apply).
async fn climb_caa(resolver: &TokioResolver, domain: &str) -> CaaCheck {
    for name in caa_candidates(domain) {
        let answer = lookup(resolver, &name, RecordType::CAA, |data| {
            parse_caa_rdata(&rdata_bytes(data)?)
        })
        .await;
        match answer {
            Answer::Failed(reason) => {
                return CaaCheck {
                    lookup: LookupStatus::Failed(format!("{name}: {reason}")),
                    at: None,
                    records: Vec::new(),
                }
            }
            Answer::Records(records) if !records.is_empty() => {
                return CaaCheck {
                    lookup: LookupStatus::Found,
                    at: Some(name),
                    records,
                }
            }
            _ => {}
        }
    }
    CaaCheck {
        lookup: LookupStatus::NotFound,
        at: None,
        records: Vec::new(),
    }
}

/// A record's data as the wire carries it (RDATA), which the parsers below read.
fn rdata_bytes(data: &RData) -> Option<Vec<u8>> {
    use hickory_resolver::proto::serialize::binary::BinEncodable;
    data.to_bytes().ok()
}

/// A CAA RDATA: flags (1 byte), tag length (1 byte), tag, value (the rest).
pub fn parse_caa_rdata(rdata: &[u8]) -> Option<CaaRecord> {
    let (&flags, rest) = rdata.split_first()?;
    let (&tag_len, rest) = rest.split_first()?;
    let tag_len = usize::from(tag_len);
    if tag_len == 0 || rest.len() < tag_len {
        return None;
    }
    let (tag, value) = rest.split_at(tag_len);
    Some(CaaRecord {
        flags,
        tag: std::str::from_utf8(tag).ok()?.to_ascii_lowercase(),
        value: String::from_utf8_lossy(value).into_owned(),
    })
}

/// A TLSA RDATA: usage, selector, matching type (1 byte each), then the data.
pub fn parse_tlsa_rdata(rdata: &[u8]) -> Option<TlsaRecord> {
    match rdata {
        [usage, selector, matching, data @ ..] => Some(TlsaRecord {
            usage: *usage,
            selector: *selector,
            matching: *matching,
            data: data.to_vec(),
        }),
        _ => None,
    }
}

/// An `issue` (or `issuewild`) value: the issuer's domain name, then `; key=value` parameters
/// (RFC 8659 §4.2). An empty issuer (`;`) allows no CA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueValue {
    pub issuer: String,
    pub parameters: Vec<(String, String)>,
}

pub fn parse_issue_value(value: &str) -> IssueValue {
    let mut parts = value.split(';');
    let issuer = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let parameters = parts
        .filter_map(|part| {
            let (key, value) = part.split_once('=')?;
            Some((key.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect();
    IssueValue {
        issuer: issuer.trim_end_matches('.').to_owned(),
        parameters,
    }
}

/// What the CAA records say of the provider's certificates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaaVerdict {
    /// An `issue` record allows one of the provider's CAs (with its account, if configured).
    Allowed,
    /// Allowed, but not restricted to the provider's ACME account (no `accounturi`).
    AllowedWithoutAccount,
    /// No CAA record at the domain or any parent: any CA may issue.
    Absent,
    /// CAA records exist and none lets the provider's CA issue (or an unknown critical tag
    /// forbids every CA): certificates cannot be issued or renewed.
    Forbidden,
    /// The lookup failed: nothing can be said.
    Unknown,
}

/// Judges the CAA records that apply to a domain for the provider's CAs and account.
pub fn judge_caa(caa: &CaaCheck, expect: &DnsExpectations) -> CaaVerdict {
    match caa.lookup {
        LookupStatus::Failed(_) => return CaaVerdict::Unknown,
        LookupStatus::NotFound => return CaaVerdict::Absent,
        LookupStatus::Found => {}
    }
    const KNOWN: [&str; 5] = ["issue", "issuewild", "iodef", "issuemail", "contactemail"];
    if caa
        .records
        .iter()
        .any(|r| r.critical() && !KNOWN.contains(&r.tag.as_str()))
    {
        return CaaVerdict::Forbidden;
    }
    let issues: Vec<IssueValue> = caa
        .records
        .iter()
        .filter(|r| r.tag == "issue")
        .map(|r| parse_issue_value(&r.value))
        .collect();
    // Records without any `issue` tag (only iodef, say) restrict nobody's certificates.
    if issues.is_empty() {
        return match expect.caa_account_uri {
            Some(_) => CaaVerdict::AllowedWithoutAccount,
            None => CaaVerdict::Allowed,
        };
    }
    let ours: Vec<&IssueValue> = issues
        .iter()
        .filter(|v| expect.caa_issuers.iter().any(|i| same_host(i, &v.issuer)))
        .collect();
    let Some(account) = &expect.caa_account_uri else {
        return if ours.is_empty() {
            CaaVerdict::Forbidden
        } else {
            CaaVerdict::Allowed
        };
    };
    let accounts = |v: &IssueValue| -> Vec<String> {
        v.parameters
            .iter()
            .filter(|(k, _)| k == "accounturi")
            .map(|(_, uri)| uri.clone())
            .collect()
    };
    if ours.iter().any(|v| accounts(v).contains(account)) {
        CaaVerdict::Allowed
    } else if ours.iter().any(|v| accounts(v).is_empty()) {
        CaaVerdict::AllowedWithoutAccount
    } else {
        CaaVerdict::Forbidden
    }
}

/// The CAA record to add for `domain`, as a zone file line.
pub fn caa_record_to_add(domain: &str, expect: &DnsExpectations) -> String {
    let issuer = expect
        .caa_issuers
        .first()
        .map(String::as_str)
        .unwrap_or("letsencrypt.org");
    let value = match &expect.caa_account_uri {
        Some(uri) => format!("{issuer}; accounturi={uri}"),
        None => issuer.to_owned(),
    };
    format!(
        "{}. {PROPOSED_TTL} IN CAA 0 issue \"{value}\"",
        ascii_domain(domain)
    )
}

/// The XEP-0368 record to add for `domain`.
pub fn direct_tls_record_to_add(domain: &str, expect: &DnsExpectations) -> String {
    format!(
        "{}. {PROPOSED_TTL} IN SRV 0 5 {} {}.",
        srv_name(DIRECT_TLS_SERVICE, &ascii_domain(domain)),
        expect.direct_tls_port.unwrap_or(443),
        ascii_domain(&expect.server_host)
    )
}

/// A TLSA record to add at `name`, as a zone file line.
pub fn tlsa_record_to_add(name: &str, record: &TlsaRecord) -> String {
    format!("{name}. {PROPOSED_TTL} IN TLSA {}", record.presentation())
}

/// Whether clients (`client == true`) or servers reach the provider according to `report`:
/// through SRV records, or without them through the domain's own name on the standard port.
/// `None` when a failed lookup leaves it open.
pub fn route(report: &DnsReport, expect: &DnsExpectations, client: bool) -> Option<bool> {
    let (srv, port, default_port) = if client {
        (&report.client_srv, expect.client_port, DEFAULT_CLIENT_PORT)
    } else {
        (&report.server_srv, expect.server_port, DEFAULT_SERVER_PORT)
    };
    route_of(srv, port, default_port, &report.cname, &report.addresses)
}

fn route_of(
    srv: &SrvCheck,
    port: u16,
    default_port: u16,
    cname: &CnameCheck,
    addresses: &AddressCheck,
) -> Option<bool> {
    // Where the domain's own name leads, for a service without SRV records: Some(true) to the
    // provider, None when a failed lookup leaves it open.
    let fallback = if cname.ok || addresses.ok {
        Some(true)
    } else if cname.lookup.failed() || addresses.lookup.failed() {
        None
    } else {
        Some(false)
    };
    match srv.lookup {
        LookupStatus::Failed(_) => None,
        LookupStatus::Found => Some(srv.ok),
        LookupStatus::NotFound if port != default_port => Some(false),
        LookupStatus::NotFound => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROVIDER_V4: &str = "192.0.2.10";
    const PROVIDER_V6: &str = "2001:db8::10";

    fn expect() -> DnsExpectations {
        DnsExpectations {
            server_addresses: vec![PROVIDER_V4.parse().unwrap(), PROVIDER_V6.parse().unwrap()],
            ..DnsExpectations::for_host("jabberfr.org")
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

    fn caa(records: &[(u8, &str, &str)]) -> CaaCheck {
        CaaCheck {
            lookup: LookupStatus::Found,
            at: Some("example.org".into()),
            records: records
                .iter()
                .map(|(flags, tag, value)| CaaRecord {
                    flags: *flags,
                    tag: tag.to_string(),
                    value: value.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn caa_climbs_from_the_domain_to_its_top_level_domain() {
        assert_eq!(
            caa_candidates("Chat.Example.org."),
            ["chat.example.org", "example.org", "org"]
        );
        assert_eq!(caa_candidates("localhost"), ["localhost"]);
    }

    #[test]
    fn issue_values_are_an_issuer_and_parameters() {
        assert_eq!(
            parse_issue_value(
                " LetsEncrypt.org ; accounturi=https://acme/acct/1 ;validationmethods=http-01"
            ),
            IssueValue {
                issuer: "letsencrypt.org".into(),
                parameters: vec![
                    ("accounturi".into(), "https://acme/acct/1".into()),
                    ("validationmethods".into(), "http-01".into()),
                ],
            }
        );
        assert_eq!(parse_issue_value(";").issuer, "");
    }

    #[test]
    fn caa_must_allow_the_providers_ca() {
        let expect = expect();
        let absent = CaaCheck {
            lookup: LookupStatus::NotFound,
            at: None,
            records: vec![],
        };
        assert_eq!(judge_caa(&absent, &expect), CaaVerdict::Absent);
        let failed = CaaCheck {
            lookup: LookupStatus::Failed("timed out".into()),
            ..absent
        };
        assert_eq!(judge_caa(&failed, &expect), CaaVerdict::Unknown);
        let ours = caa(&[(0, "issue", "letsencrypt.org")]);
        assert_eq!(judge_caa(&ours, &expect), CaaVerdict::Allowed);
        let several = caa(&[(0, "issue", "sectigo.com"), (0, "issue", "letsencrypt.org")]);
        assert_eq!(judge_caa(&several, &expect), CaaVerdict::Allowed);
        let other = caa(&[
            (0, "issue", "sectigo.com"),
            (0, "issuewild", "letsencrypt.org"),
        ]);
        assert_eq!(judge_caa(&other, &expect), CaaVerdict::Forbidden);
        let nobody = caa(&[(0, "issue", ";")]);
        assert_eq!(judge_caa(&nobody, &expect), CaaVerdict::Forbidden);
        // An unknown tag flagged critical forbids every CA (RFC 8659 §4.1).
        let critical = caa(&[(128, "issue", "letsencrypt.org"), (128, "future", "x")]);
        assert_eq!(judge_caa(&critical, &expect), CaaVerdict::Forbidden);
        let only_iodef = caa(&[(0, "iodef", "mailto:a@example.org")]);
        assert_eq!(judge_caa(&only_iodef, &expect), CaaVerdict::Allowed);
    }

    #[test]
    fn caa_with_an_account_must_name_the_providers() {
        let expect = DnsExpectations {
            caa_account_uri: Some("https://acme/acct/1".into()),
            ..expect()
        };
        let right = caa(&[(
            0,
            "issue",
            "letsencrypt.org; accounturi=https://acme/acct/1",
        )]);
        assert_eq!(judge_caa(&right, &expect), CaaVerdict::Allowed);
        let wrong = caa(&[(
            0,
            "issue",
            "letsencrypt.org; accounturi=https://acme/acct/2",
        )]);
        assert_eq!(judge_caa(&wrong, &expect), CaaVerdict::Forbidden);
        let any = caa(&[(0, "issue", "letsencrypt.org")]);
        assert_eq!(judge_caa(&any, &expect), CaaVerdict::AllowedWithoutAccount);
        assert_eq!(
            caa_record_to_add("Example.org", &expect),
            "example.org. 3600 IN CAA 0 issue \"letsencrypt.org; accounturi=https://acme/acct/1\""
        );
        assert_eq!(
            caa_record_to_add("example.org", &DnsExpectations::for_host("jabberfr.org")),
            "example.org. 3600 IN CAA 0 issue \"letsencrypt.org\""
        );
    }

    #[test]
    fn record_data_is_read_from_the_wire_format() {
        let caa = parse_caa_rdata(b"\x80\x05issueletsencrypt.org").unwrap();
        assert!(caa.critical());
        assert_eq!(
            (caa.tag.as_str(), caa.value.as_str()),
            ("issue", "letsencrypt.org")
        );
        assert_eq!(parse_caa_rdata(b"\x00\x09issue"), None);
        assert_eq!(parse_caa_rdata(b""), None);
        let tlsa = parse_tlsa_rdata(&[3, 1, 1, 0xab, 0x01]).unwrap();
        assert_eq!(tlsa.presentation(), "3 1 1 ab01");
        assert_eq!(parse_tlsa_rdata(&[3, 1]), None);
        assert_eq!(
            tlsa_record_to_add("_5222._tcp.jabberfr.org", &tlsa),
            "_5222._tcp.jabberfr.org. 3600 IN TLSA 3 1 1 ab01"
        );
    }

    #[test]
    fn clients_connect_to_the_best_srv_target_or_the_domain() {
        let answers = Answers {
            client_srv: Answer::Records(vec![
                (10, 5, 5222, "backup.jabberfr.org".into()),
                (0, 1, 5222, "low.jabberfr.org".into()),
                (0, 9, 5223, "heavy.jabberfr.org".into()),
            ]),
            ..nothing()
        };
        let report = judge("example.org", answers, &expect());
        assert_eq!(
            client_endpoint(&report),
            ("heavy.jabberfr.org".into(), 5223)
        );
        assert_eq!(
            tlsa_name("heavy.jabberfr.org", 5223),
            "_5223._tcp.heavy.jabberfr.org"
        );
        let report = judge("example.org", nothing(), &expect());
        assert_eq!(client_endpoint(&report), ("example.org".into(), 5222));
        let no_service = Answers {
            client_srv: Answer::Records(vec![(0, 0, 0, ".".into())]),
            ..nothing()
        };
        let report = judge("example.org", no_service, &expect());
        assert_eq!(client_endpoint(&report), ("example.org".into(), 5222));
    }

    #[test]
    fn direct_tls_records_need_the_providers_host_and_configured_port() {
        let answer = Answer::Records(vec![srv(5223, "jabberfr.org")]);
        assert!(judge_direct_tls("example.org", &answer, &expect()).ok);
        let with_port = DnsExpectations {
            direct_tls_port: Some(443),
            ..expect()
        };
        assert!(!judge_direct_tls("example.org", &answer, &with_port).ok);
        let elsewhere = Answer::Records(vec![srv(443, "elsewhere.net")]);
        assert!(!judge_direct_tls("example.org", &elsewhere, &with_port).ok);
        let report = judge_direct_tls("example.org", &Answer::NoRecords, &with_port);
        assert_eq!(report.name, "_xmpps-client._tcp.example.org");
        assert_eq!(report.lookup, LookupStatus::NotFound);
        assert_eq!(
            direct_tls_record_to_add("example.org", &with_port),
            "_xmpps-client._tcp.example.org. 3600 IN SRV 0 5 443 jabberfr.org."
        );
    }

    #[test]
    fn routes_follow_srv_records_or_the_domains_name() {
        let e = expect();
        let report = judge("example.org", srv_ready(), &e);
        assert_eq!(
            (route(&report, &e, true), route(&report, &e, false)),
            (Some(true), Some(true))
        );
        let cname = Answers {
            client_srv: Answer::Records(vec![srv(5222, "elsewhere.net")]),
            cname: Answer::Records(vec!["jabberfr.org".into()]),
            server_srv: Answer::Failed("timed out".into()),
            ..nothing()
        };
        let report = judge("example.org", cname, &e);
        assert_eq!(
            (route(&report, &e, true), route(&report, &e, false)),
            (Some(false), None)
        );
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
