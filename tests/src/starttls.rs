//! What certificate Prosody presents for a domain, as a client sees it: a STARTTLS handshake
//! on the c2s port (rustls, SNI set to the domain), the chain verified for the domain against
//! the roots the test trusts.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls::{
    self,
    pki_types::{pem::PemObject, CertificateDer, ServerName},
    ClientConfig, RootCertStore,
};
use tokio_rustls::TlsConnector;

const TIMEOUT: Duration = Duration::from_secs(5);

/// The leaf certificate (DER) `addr` presents for `domain` after STARTTLS, verified against
/// `roots_pem`; the error says what failed (no STARTTLS, handshake, verification).
pub async fn presented_certificate(
    addr: SocketAddr,
    domain: &str,
    roots_pem: &str,
) -> Result<Vec<u8>, String> {
    tokio::time::timeout(TIMEOUT, handshake(addr, domain, roots_pem))
        .await
        .map_err(|_| format!("no TLS with {domain} within {TIMEOUT:?}"))?
}

/// SHA-256 of a certificate (DER), lowercase hex: how the portal records it.
pub fn fingerprint(der: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn handshake(addr: SocketAddr, domain: &str, roots_pem: &str) -> Result<Vec<u8>, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let mut tcp = TcpStream::connect(addr).await.map_err(|e| err(&e))?;
    tcp.write_all(
        format!(
            "<?xml version='1.0'?><stream:stream to='{domain}' version='1.0' \
             xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
        )
        .as_bytes(),
    )
    .await
    .map_err(|e| err(&e))?;
    let features = read_until(&mut tcp, "</stream:features>").await?;
    if !features.contains("urn:ietf:params:xml:ns:xmpp-tls") {
        return Err(format!("{domain}: no STARTTLS offered: {features}"));
    }
    tcp.write_all(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        .await
        .map_err(|e| err(&e))?;
    let answer = read_until(&mut tcp, "/>").await?;
    if !answer.contains("<proceed") {
        return Err(format!("{domain}: STARTTLS refused: {answer}"));
    }
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(roots_pem.as_bytes()) {
        roots.add(cert.map_err(|e| err(&e))?).map_err(|e| err(&e))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(&e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(domain.to_owned()).map_err(|e| err(&e))?;
    let tls = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS with {domain}: {e}"))?;
    let (_, session) = tls.get_ref();
    session
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|leaf| leaf.to_vec())
        .ok_or_else(|| format!("{domain}: no certificate presented"))
}

/// Reads from `tcp` until what was read contains `end` (the stream's first elements are small).
async fn read_until(tcp: &mut TcpStream, end: &str) -> Result<String, String> {
    let mut text = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&text).contains(end) {
        let n = tcp.read(&mut buf).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err(format!(
                "the server closed the stream: {}",
                String::from_utf8_lossy(&text)
            ));
        }
        text.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}
