//! Who the client is when the portal runs behind reverse proxies. The TCP peer is the client
//! unless it is one of `[http] trusted_proxies`: then the forwarding headers it wrote are read
//! from the right (the hops nearest to us first), skipping trusted proxies, and the first
//! untrusted hop is the client. Everything a client could forge (anything left of that hop) is
//! never read, and headers from an untrusted peer are ignored altogether.

use crate::state::AppState;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use axum_extra::extract::cookie::Cookie;
use forwarded_header_value::{ForwardedHeaderValue, Protocol};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tracing::Instrument;

/// The client of a request, as every rate limit, the audit log and the logs should see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr {
    pub ip: IpAddr,
    /// The client reached a trusted proxy over HTTPS (`X-Forwarded-Proto: https`).
    pub https: bool,
}

/// The client of the request being served, from inside a page render or a server function;
/// `None` elsewhere (the portal's background work).
pub fn of_current_request() -> Option<ClientAddr> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddr>().copied())
}

/// Stores the [`ClientAddr`] in the request, logs under it, and marks cookies `Secure` when
/// the client came over HTTPS through a trusted proxy.
pub async fn client_addr(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let client = resolve(peer, req.headers(), &state.config.http.trusted_proxies);
    req.extensions_mut().insert(client);
    let span = tracing::info_span!("request", client = %client.ip);
    let mut response = next.run(req).instrument(span).await;
    if client.https && !state.config.secure_cookies() {
        secure_cookies(response.headers_mut());
    }
    response
}

/// The client's address and scheme, given the TCP peer and the request's headers.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> ClientAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return ClientAddr {
            ip: peer,
            https: false,
        };
    }
    let forwarded = joined(headers, &header::FORWARDED);
    let hops = match &forwarded {
        Some(value) => ForwardedHeaderValue::from_forwarded(value),
        None => match joined(headers, &header::HeaderName::from_static("x-forwarded-for")) {
            Some(value) => ForwardedHeaderValue::from_x_forwarded_for(&value),
            None => {
                return ClientAddr {
                    ip: peer,
                    https: forwarded_proto(headers, None),
                }
            }
        },
    };
    // A malformed header is the proxy passing on something a client wrote: believe only the peer.
    let Ok(hops) = hops else {
        tracing::debug!("unreadable forwarding header from a trusted proxy");
        return ClientAddr {
            ip: peer,
            https: forwarded_proto(headers, None),
        };
    };
    let mut client = peer;
    for hop in hops.iter().rev() {
        // An obfuscated or unknown hop ends what can be known; the last proxy seen stands in.
        let Some(ip) = hop.forwarded_for_ip() else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    ClientAddr {
        ip: canonical(client),
        https: forwarded_proto(headers, Some(&hops)),
    }
}

/// The scheme the nearest proxy saw: `proto=` of the nearest `Forwarded` hop, or the last
/// `X-Forwarded-Proto` value.
fn forwarded_proto(headers: &HeaderMap, forwarded: Option<&ForwardedHeaderValue>) -> bool {
    if let Some(proto) = forwarded.and_then(|f| f.proximate().forwarded_proto) {
        return proto == Protocol::Https;
    }
    joined(
        headers,
        &header::HeaderName::from_static("x-forwarded-proto"),
    )
    .and_then(|v| {
        v.rsplit(',')
            .next()
            .map(|p| p.trim().eq_ignore_ascii_case("https"))
    })
    .unwrap_or(false)
}

/// Every instance of a header as one comma-separated list, in order (RFC 9110, 5.3).
fn joined(headers: &HeaderMap, name: &header::HeaderName) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// IPv4 clients of a dual-stack socket appear as `::ffff:a.b.c.d`; count them as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// Adds `Secure` to every cookie the response sets.
fn secure_cookies(headers: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| {
            let mut cookie = Cookie::parse(value.to_str().ok()?.to_string()).ok()?;
            cookie.set_secure(true);
            HeaderValue::from_str(&cookie.to_string()).ok()
        })
        .collect();
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn trusted() -> Vec<IpNet> {
        vec![
            "127.0.0.1/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ]
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let client = resolve(ip("127.0.0.2"), &h, &trusted());
        assert_eq!(client.ip, ip("127.0.0.2"));
        assert!(!client.https);
        assert_eq!(resolve(ip("127.0.0.1"), &h, &[]).ip, ip("127.0.0.1"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        // A forged first value, then what nginx appended, then an inner trusted proxy.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &h, &trusted()).ip,
            ip("198.51.100.7")
        );
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &h, &trusted()).ip,
            ip("198.51.100.7")
        );
        // Only trusted hops: the left-most of them.
        let h = headers(&[("x-forwarded-for", "10.0.0.5, 10.0.0.6")]);
        assert_eq!(resolve(ip("127.0.0.1"), &h, &trusted()).ip, ip("10.0.0.5"));
    }

    #[test]
    fn forwarded_is_read_before_x_forwarded_for() {
        let h = headers(&[
            (
                "forwarded",
                "for=1.1.1.1, for=\"[2001:db8::1]:4711\";proto=https",
            ),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        let client = resolve(ip("127.0.0.1"), &h, &trusted());
        assert_eq!(client.ip, ip("2001:db8::1"));
        assert!(client.https);
    }

    #[test]
    fn a_malformed_header_or_no_header_leaves_the_peer() {
        let h = headers(&[("x-forwarded-for", "junk, 198.51.100.7")]);
        assert_eq!(resolve(ip("127.0.0.1"), &h, &trusted()).ip, ip("127.0.0.1"));
        let h = headers(&[("x-forwarded-proto", "https")]);
        let client = resolve(ip("127.0.0.1"), &h, &trusted());
        assert_eq!(client.ip, ip("127.0.0.1"));
        assert!(client.https);
    }

    #[test]
    fn mapped_ipv4_peers_match_ipv4_networks() {
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            resolve(ip("::ffff:127.0.0.1"), &h, &trusted()).ip,
            ip("198.51.100.7")
        );
    }

    #[test]
    fn cookies_become_secure() {
        let mut h = headers(&[
            ("set-cookie", "a=1; Path=/; HttpOnly"),
            ("set-cookie", "b=2; Path=/"),
        ]);
        secure_cookies(&mut h);
        let values: Vec<_> = h.get_all("set-cookie").iter().collect();
        assert_eq!(values.len(), 2);
        assert!(values
            .iter()
            .all(|v| v.to_str().unwrap().contains("Secure")));
    }
}
