//! The DNS readiness check (`server::dns_check`) against a real DNS server (dnsmasq on
//! loopback) serving hand-made `.test` zones, and against resolvers that are down or silent.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use domaine_tests::dns::{unused_dns_addr, DnsServer, SilentDns, TestZone};
use server::dns_check::{
    check, records_to_add, DnsExpectations, DnsReport, LookupStatus, SrvRecord, Verdict,
    CHECK_TIMEOUT,
};

const PROVIDER: &str = "xmpp.provider.test";
const PROVIDER_V4: &str = "192.0.2.10";
const PROVIDER_V6: &str = "2001:db8::10";

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// The provider's host with its addresses, which CNAME tests need (dnsmasq serves CNAMEs only
/// to names it knows).
fn provider_zone() -> TestZone {
    TestZone::new()
        .address(PROVIDER, ip(PROVIDER_V4))
        .address(PROVIDER, ip(PROVIDER_V6))
}

fn expect(resolver: SocketAddr) -> DnsExpectations {
    DnsExpectations {
        server_addresses: vec![ip(PROVIDER_V4), ip(PROVIDER_V6)],
        resolver: Some(resolver),
        ..DnsExpectations::for_host(PROVIDER)
    }
}

async fn check_with(dns: &DnsServer, domain: &str) -> DnsReport {
    let report = check(domain, &expect(dns.addr())).await;
    eprintln!("{domain}: {report:#?}");
    report
}

#[tokio::test]
async fn srv_records_to_the_provider_are_ready() {
    let dns = DnsServer::start(&provider_zone().xmpp_srv("srv.test", PROVIDER, 5222, 5269));
    let report = check_with(&dns, "srv.test").await;
    assert_eq!(report.verdict, Verdict::Ready, "{}", dns.log());
    assert_eq!(report.domain, "srv.test");
    assert_eq!(
        report.client_srv.records,
        [SrvRecord {
            priority: 0,
            weight: 5,
            port: 5222,
            target: PROVIDER.into(),
            ok: true,
        }]
    );
    assert!(report.server_srv.ok);
    assert_eq!(report.server_srv.records[0].port, 5269);
    // The domain itself has no records: that does not matter with SRV records.
    assert_eq!(report.cname.lookup, LookupStatus::NotFound);
    assert_eq!(report.addresses.lookup, LookupStatus::NotFound);

    // The configured host may be written differently.
    let mut other_spelling = expect(dns.addr());
    other_spelling.server_host = "XMPP.Provider.TEST.".into();
    let report = check("SRV.test.", &other_spelling).await;
    assert_eq!(report.verdict, Verdict::Ready, "{report:#?}");
}

#[tokio::test]
async fn a_cname_to_the_provider_is_ready() {
    let dns = DnsServer::start(&provider_zone().cname("chat.cname.test", PROVIDER));
    let report = check_with(&dns, "chat.cname.test").await;
    assert_eq!(report.verdict, Verdict::Ready, "{}", dns.log());
    assert_eq!(report.cname.target.as_deref(), Some(PROVIDER));
    assert!(report.cname.ok);
    // The addresses come through the CNAME: the provider's.
    assert_eq!(
        report.addresses.addresses,
        [ip(PROVIDER_V4), ip(PROVIDER_V6)]
    );
    assert_eq!(report.client_srv.lookup, LookupStatus::NotFound);
}

#[tokio::test]
async fn the_providers_addresses_are_ready_and_others_are_not() {
    let zone = provider_zone()
        .address("direct.test", ip(PROVIDER_V4))
        .address("mixed.test", ip(PROVIDER_V4))
        .address("mixed.test", ip("2001:db8::99"))
        .address("website.test", ip("198.51.100.7"));
    let dns = DnsServer::start(&zone);

    let report = check_with(&dns, "direct.test").await;
    assert_eq!(report.verdict, Verdict::Ready, "{}", dns.log());
    assert_eq!(report.addresses.addresses, [ip(PROVIDER_V4)]);
    assert!(report.addresses.ok);

    let report = check_with(&dns, "mixed.test").await;
    assert_eq!(report.verdict, Verdict::Partial);
    assert_eq!(report.addresses.unexpected, [ip("2001:db8::99")]);

    let report = check_with(&dns, "website.test").await;
    assert_eq!(report.verdict, Verdict::NotReady);
    assert_eq!(report.addresses.addresses, [ip("198.51.100.7")]);
}

#[tokio::test]
async fn srv_records_to_another_host_are_partial_with_details() {
    let zone = provider_zone()
        .address("xmpp.elsewhere.test", ip("198.51.100.8"))
        .xmpp_srv("wrong.test", "xmpp.elsewhere.test", 5222, 5269)
        .srv("_xmpp-client._tcp.port.test", PROVIDER, 5222, 0, 5)
        .srv("_xmpp-server._tcp.port.test", PROVIDER, 5270, 0, 5);
    let dns = DnsServer::start(&zone);

    let report = check_with(&dns, "wrong.test").await;
    assert_eq!(report.verdict, Verdict::Partial, "{}", dns.log());
    assert!(!report.client_srv.ok && !report.server_srv.ok);
    assert_eq!(report.client_srv.records[0].target, "xmpp.elsewhere.test");
    assert!(!report.client_srv.records[0].ok);

    let report = check_with(&dns, "port.test").await;
    assert_eq!(report.verdict, Verdict::Partial);
    assert!(report.client_srv.ok);
    assert_eq!(report.server_srv.records[0].port, 5270);
    assert!(!report.server_srv.ok);
}

#[tokio::test]
async fn only_the_client_srv_record_is_partial() {
    let zone = provider_zone().srv("_xmpp-client._tcp.half.test", PROVIDER, 5222, 0, 5);
    let dns = DnsServer::start(&zone);
    let report = check_with(&dns, "half.test").await;
    assert_eq!(report.verdict, Verdict::Partial, "{}", dns.log());
    assert!(report.client_srv.ok);
    assert_eq!(report.server_srv.lookup, LookupStatus::NotFound);
    assert!(report.server_srv.records.is_empty());
}

#[tokio::test]
async fn a_domain_without_records_is_not_ready() {
    let dns = DnsServer::start(&provider_zone());
    let report = check_with(&dns, "nothing.test").await;
    assert_eq!(report.verdict, Verdict::NotReady, "{}", dns.log());
    for lookup in [
        &report.client_srv.lookup,
        &report.server_srv.lookup,
        &report.cname.lookup,
        &report.addresses.lookup,
    ] {
        assert_eq!(*lookup, LookupStatus::NotFound);
    }
}

#[tokio::test]
async fn the_records_to_add_make_a_domain_ready() {
    let expect_lines = expect(unused_dns_addr());
    let lines = records_to_add("new.test", &expect_lines);
    assert_eq!(
        lines,
        [
            "_xmpp-client._tcp.new.test. 3600 IN SRV 0 5 5222 xmpp.provider.test.",
            "_xmpp-server._tcp.new.test. 3600 IN SRV 0 5 5269 xmpp.provider.test.",
            "new.test. 3600 IN CNAME xmpp.provider.test.",
        ]
    );
    // Each alternative on its own: the SRV pair, then the CNAME.
    let mut srv_zone = provider_zone();
    let mut cname_zone = provider_zone();
    for line in &lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let name = fields[0].trim_end_matches('.');
        match fields[3] {
            "SRV" => {
                let number = |i: usize| fields[i].parse::<u16>().unwrap();
                let target = fields[7].trim_end_matches('.');
                srv_zone = srv_zone.srv(name, target, number(6), number(4), number(5));
            }
            "CNAME" => cname_zone = cname_zone.cname(name, fields[4].trim_end_matches('.')),
            other => panic!("unexpected record type {other} in {line}"),
        }
    }
    for zone in [srv_zone, cname_zone] {
        let dns = DnsServer::start(&zone);
        let report = check_with(&dns, "new.test").await;
        assert_eq!(report.verdict, Verdict::Ready, "{}", dns.log());
    }
}

#[tokio::test]
async fn a_resolver_that_is_down_is_unavailable_within_the_time_bound() {
    // UDP queries to a closed port are simply lost (the resolver's socket is not connected, so
    // the ICMP error does not reach it): this is the timeout path too.
    let started = Instant::now();
    let report = check("srv.test", &expect(unused_dns_addr())).await;
    let elapsed = started.elapsed();
    eprintln!("{report:#?} after {elapsed:?}");
    assert_eq!(report.verdict, Verdict::Unavailable);
    assert!(report.client_srv.lookup.failed());
    assert!(report.addresses.lookup.failed());
    assert!(
        elapsed < CHECK_TIMEOUT + Duration::from_secs(1),
        "took {elapsed:?}"
    );
}

#[tokio::test]
async fn a_silent_resolver_is_unavailable_within_the_time_bound() {
    let silent = SilentDns::start();
    let started = Instant::now();
    let report = check("srv.test", &expect(silent.addr())).await;
    let elapsed = started.elapsed();
    eprintln!("{report:#?} after {elapsed:?}");
    assert_eq!(report.verdict, Verdict::Unavailable);
    for lookup in [
        &report.client_srv.lookup,
        &report.server_srv.lookup,
        &report.cname.lookup,
        &report.addresses.lookup,
    ] {
        assert!(lookup.failed(), "{lookup:?}");
    }
    assert!(
        elapsed < CHECK_TIMEOUT + Duration::from_secs(1),
        "took {elapsed:?}"
    );
}

#[tokio::test]
async fn a_resolver_answering_with_errors_is_unavailable() {
    // dnsmasq has no upstream server for names outside `.test`: it refuses them.
    let dns = DnsServer::start(&provider_zone());
    let started = Instant::now();
    let report = check_with(&dns, "outside.example").await;
    assert_eq!(report.verdict, Verdict::Unavailable, "{}", dns.log());
    assert!(
        matches!(&report.client_srv.lookup, LookupStatus::Failed(reason) if reason.contains("Refused")),
        "{:?}",
        report.client_srv.lookup
    );
    // An answer, not a timeout.
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
}
