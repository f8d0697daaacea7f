//! The certificate Prosody presents for a name, fetched the way a client meets it: a STARTTLS
//! handshake on the client port, the stream addressed to the hosted domain and SNI set to the
//! name, and judged afterwards (chain to the trusted roots, the name covered, days to expiry)
//! with the portal's clock, so that tests can move time. The handshake itself accepts any
//! certificate (the signatures of the handshake are still checked): a wrong certificate is a
//! finding to show, not an error that hides what was presented.

use std::{path::Path, sync::Arc, time::Duration};

use sha2::{Digest, Sha256, Sha512};
use tokio::net::TcpStream;
use tokio_rustls::{
    rustls::{
        self,
        client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
        client::WebPkiServerVerifier,
        crypto::CryptoProvider,
        pki_types::{CertificateDer, ServerName, UnixTime},
        CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme,
    },
    TlsConnector,
};
use tokio_xmpp::xmlstream::Timeouts;

use crate::dns_check::TlsaRecord;
use crate::xmpp::tls::{crypto_provider, negotiate_starttls, root_store, TlsSetupError};

/// Below this many days left, a certificate is a warning.
pub const WARN_DAYS: i64 = 30;

/// What a handshake brought back: the chain as presented, leaf first.
#[derive(Clone, Debug)]
pub struct Presented {
    pub chain: Vec<CertificateDer<'static>>,
}

/// The roots a presented certificate must chain to: the system's plus `[xmpp] ca_file`.
pub fn trusted_roots(ca_file: Option<&Path>) -> Result<Arc<RootCertStore>, TlsSetupError> {
    let mut roots = root_store(None).unwrap_or_else(|_| RootCertStore::empty());
    if let Some(path) = ca_file {
        roots.roots.extend(root_store(Some(path))?.roots);
    }
    Ok(Arc::new(roots))
}

/// STARTTLS to `addr` with the stream to `domain` and SNI `name`; the chain Prosody presented.
pub async fn fetch(
    addr: std::net::SocketAddr,
    domain: &str,
    name: &str,
    within: Duration,
) -> Result<Presented, String> {
    let attempt = async {
        let tcp = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connecting to {addr}: {e}"))?;
        let tcp = negotiate_starttls(tcp, domain, "jabber:client", Timeouts::tight()).await?;
        let provider = crypto_provider();
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAndKeep(provider)))
            .with_no_client_auth();
        let sni = ServerName::try_from(name.to_owned()).map_err(|e| e.to_string())?;
        let tls = TlsConnector::from(Arc::new(config))
            .connect(sni, tcp)
            .await
            .map_err(|e| format!("TLS handshake: {e}"))?;
        let chain = tls
            .get_ref()
            .1
            .peer_certificates()
            .map(|certs| certs.iter().map(|c| c.clone().into_owned()).collect())
            .unwrap_or_default();
        Ok::<_, String>(Presented { chain })
    };
    match tokio::time::timeout(within, attempt).await {
        Ok(result) => result,
        Err(_) => Err(format!("no TLS handshake with {addr} within {within:?}")),
    }
}

/// Accepts whatever certificate is presented (it is judged afterwards, see [`judge`]) but
/// checks the handshake's signatures with it, as any client does.
#[derive(Debug)]
struct AcceptAndKeep(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAndKeep {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// How a presented certificate stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// Valid, with fewer than [`WARN_DAYS`] left.
    ExpiresSoon,
    Expired,
    /// Not valid for the name asked.
    WrongName,
    /// Does not chain to a trusted root (or is otherwise invalid).
    Untrusted,
    /// Nothing presented, or not a certificate.
    Unreadable,
}

/// A presented certificate, judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    pub verdict: Verdict,
    /// The names the leaf covers (its DNS subject alternative names).
    pub names: Vec<String>,
    /// Unix seconds of its end of validity.
    pub not_after: Option<i64>,
    /// Whole days from `now` to `not_after` (negative once expired).
    pub days_left: Option<i64>,
    /// The verifier's words, for a certificate that is not valid.
    pub error: Option<String>,
}

/// Judges `chain` (leaf first) for `name` against `roots` at `now` (Unix seconds).
pub fn judge(
    chain: &[CertificateDer<'_>],
    name: &str,
    roots: Arc<RootCertStore>,
    now: i64,
) -> Judgement {
    let Some((leaf, intermediates)) = chain.split_first() else {
        return unreadable("no certificate presented".into());
    };
    let Ok((_, parsed)) = x509_parser::parse_x509_certificate(leaf.as_ref()) else {
        return unreadable("the certificate cannot be read".into());
    };
    let not_after = parsed.validity().not_after.timestamp();
    let names = match parsed.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                x509_parser::extensions::GeneralName::DNSName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let days_left = (not_after - now).div_euclid(86_400);
    let checked = verify(leaf, intermediates, name, roots, now);
    let (verdict, error) = match checked {
        Ok(()) if days_left < WARN_DAYS => (Verdict::ExpiresSoon, None),
        Ok(()) => (Verdict::Valid, None),
        Err(e) => (classify(&e), Some(e.to_string())),
    };
    Judgement {
        verdict,
        names,
        not_after: Some(not_after),
        days_left: Some(days_left),
        error,
    }
}

fn unreadable(error: String) -> Judgement {
    Judgement {
        verdict: Verdict::Unreadable,
        names: Vec::new(),
        not_after: None,
        days_left: None,
        error: Some(error),
    }
}

fn verify(
    leaf: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    name: &str,
    roots: Arc<RootCertStore>,
    now: i64,
) -> Result<(), rustls::Error> {
    let verifier = WebPkiServerVerifier::builder_with_provider(roots, crypto_provider())
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;
    let name =
        ServerName::try_from(name.to_owned()).map_err(|e| rustls::Error::General(e.to_string()))?;
    let now = UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(now).unwrap_or(0)));
    verifier
        .verify_server_cert(leaf, intermediates, &name, &[], now)
        .map(|_| ())
}

fn classify(error: &rustls::Error) -> Verdict {
    match error {
        rustls::Error::InvalidCertificate(e) => match e {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Verdict::Expired,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Verdict::WrongName
            }
            _ => Verdict::Untrusted,
        },
        _ => Verdict::Untrusted,
    }
}

/// The certificate a TLSA record designates in `chain` (leaf first): the leaf for the
/// end-entity usages (3 DANE-EE, 1 PKIX-EE), the others for the trust-anchor usages (2 DANE-TA,
/// 0 PKIX-TA); whether one of them matches the record.
pub fn tlsa_matches(record: &TlsaRecord, chain: &[CertificateDer<'_>]) -> bool {
    let Some((leaf, issuers)) = chain.split_first() else {
        return false;
    };
    let candidates: Vec<&CertificateDer<'_>> = match record.usage {
        1 | 3 => vec![leaf],
        0 | 2 => issuers.iter().collect(),
        _ => return false,
    };
    candidates.into_iter().any(|cert| {
        tlsa_data(cert, record.selector, record.matching).is_some_and(|data| data == record.data)
    })
}

/// The data a TLSA record with `selector` (0 full certificate, 1 SubjectPublicKeyInfo) and
/// `matching` (0 exact, 1 SHA-256, 2 SHA-512) has for `cert`.
pub fn tlsa_data(cert: &CertificateDer<'_>, selector: u8, matching: u8) -> Option<Vec<u8>> {
    let selected: Vec<u8> = match selector {
        0 => cert.to_vec(),
        1 => {
            let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
            parsed.public_key().raw.to_vec()
        }
        _ => return None,
    };
    match matching {
        0 => Some(selected),
        1 => Some(Sha256::digest(&selected).to_vec()),
        2 => Some(Sha512::digest(&selected).to_vec()),
        _ => None,
    }
}

/// The record DANE clients should find for `cert`: `3 1 1` (DANE-EE, its public key, SHA-256),
/// which survives renewals that keep the key.
pub fn recommended_tlsa(cert: &CertificateDer<'_>) -> Option<TlsaRecord> {
    Some(TlsaRecord {
        usage: 3,
        selector: 1,
        matching: 1,
        data: tlsa_data(cert, 1, 1)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

    /// 2026-01-01 and 2027-01-01, the test certificates' validity.
    const FROM: i64 = 1_767_225_600;
    const UNTIL: i64 = 1_798_761_600;
    const DAY: i64 = 86_400;

    struct Pki {
        roots: Arc<RootCertStore>,
        ca: CertificateDer<'static>,
        leaf: CertificateDer<'static>,
        leaf_key: KeyPair,
    }

    fn pki() -> Pki {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap().der().clone();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec![
            "example.test".into(),
            "conference.example.test".into(),
        ])
        .unwrap();
        params.not_before = rcgen::date_time_ymd(2026, 1, 1);
        params.not_after = rcgen::date_time_ymd(2027, 1, 1);
        let leaf = params.signed_by(&leaf_key, &issuer).unwrap().der().clone();
        let mut roots = RootCertStore::empty();
        roots.add(ca.clone()).unwrap();
        Pki {
            roots: Arc::new(roots),
            ca,
            leaf,
            leaf_key,
        }
    }

    #[test]
    fn a_certificate_is_judged_at_the_portals_now() {
        let p = pki();
        let chain = [p.leaf.clone()];
        let valid = judge(&chain, "example.test", p.roots.clone(), FROM + DAY);
        assert_eq!(valid.verdict, Verdict::Valid, "{valid:?}");
        assert_eq!(valid.names, ["example.test", "conference.example.test"]);
        assert_eq!(valid.not_after, Some(UNTIL));
        assert_eq!(valid.days_left, Some(364));
        let component = judge(
            &chain,
            "conference.example.test",
            p.roots.clone(),
            FROM + DAY,
        );
        assert_eq!(component.verdict, Verdict::Valid);

        let soon = judge(&chain, "example.test", p.roots.clone(), UNTIL - 10 * DAY);
        assert_eq!(
            (soon.verdict, soon.days_left),
            (Verdict::ExpiresSoon, Some(10))
        );
        let expired = judge(&chain, "example.test", p.roots.clone(), UNTIL + DAY);
        assert_eq!(
            (expired.verdict, expired.days_left),
            (Verdict::Expired, Some(-1))
        );
        assert!(expired.error.is_some());
    }

    #[test]
    fn a_certificate_must_cover_the_name_and_chain_to_a_root() {
        let p = pki();
        let chain = [p.leaf.clone()];
        let other = judge(&chain, "upload.example.test", p.roots.clone(), FROM + DAY);
        assert_eq!(other.verdict, Verdict::WrongName);
        let strangers = Arc::new(RootCertStore {
            roots: pki().roots.roots.clone(),
        });
        let untrusted = judge(&chain, "example.test", strangers, FROM + DAY);
        assert_eq!(untrusted.verdict, Verdict::Untrusted);
        let nothing = judge(&[], "example.test", p.roots.clone(), FROM);
        assert_eq!(nothing.verdict, Verdict::Unreadable);
        let garbage = judge(
            &[CertificateDer::from(vec![1, 2, 3])],
            "example.test",
            p.roots,
            FROM,
        );
        assert_eq!(garbage.verdict, Verdict::Unreadable);
    }

    fn tlsa(usage: u8, selector: u8, matching: u8, data: Vec<u8>) -> TlsaRecord {
        TlsaRecord {
            usage,
            selector,
            matching,
            data,
        }
    }

    #[test]
    fn tlsa_records_match_the_designated_certificate() {
        let p = pki();
        let chain = [p.leaf.clone(), p.ca.clone()];
        let spki = rcgen::PublicKeyData::subject_public_key_info(&p.leaf_key);
        let spki_sha256 = Sha256::digest(&spki).to_vec();
        assert!(tlsa_matches(&tlsa(3, 1, 1, spki_sha256.clone()), &chain));
        assert!(tlsa_matches(&tlsa(3, 1, 0, spki.clone()), &chain));
        assert!(tlsa_matches(
            &tlsa(3, 1, 2, Sha512::digest(&spki).to_vec()),
            &chain
        ));
        assert!(tlsa_matches(&tlsa(3, 0, 0, p.leaf.to_vec()), &chain));
        assert!(tlsa_matches(
            &tlsa(3, 0, 1, Sha256::digest(p.leaf.as_ref()).to_vec()),
            &chain
        ));
        // DANE-TA designates the CA, not the leaf.
        assert!(tlsa_matches(
            &tlsa(2, 0, 1, Sha256::digest(p.ca.as_ref()).to_vec()),
            &chain
        ));
        assert!(!tlsa_matches(&tlsa(2, 1, 1, spki_sha256.clone()), &chain));
        // A wrong hash, an unknown matching type or selector, no certificate.
        let mut wrong = spki_sha256.clone();
        wrong[0] ^= 1;
        assert!(!tlsa_matches(&tlsa(3, 1, 1, wrong), &chain));
        assert!(!tlsa_matches(&tlsa(3, 1, 9, spki_sha256.clone()), &chain));
        assert!(!tlsa_matches(&tlsa(3, 7, 1, spki_sha256.clone()), &chain));
        assert!(!tlsa_matches(&tlsa(3, 1, 1, spki_sha256.clone()), &[]));

        let recommended = recommended_tlsa(&p.leaf).unwrap();
        assert_eq!(recommended, tlsa(3, 1, 1, spki_sha256));
    }
}
