//! How the portal's connections reach Prosody: plain TCP (loopback only, unless the
//! configuration insists), STARTTLS or direct TLS, the certificate checked against the XMPP
//! domain with the system's roots or a configured CA. tokio-xmpp's own TLS connectors only
//! know the system roots, so the handshake is done here, with tokio-rustls (ring).

use std::{borrow::Cow, net::SocketAddr, sync::Arc};

use tokio::{
    io::{AsyncRead, AsyncWrite, BufStream},
    net::TcpStream,
};
use tokio_rustls::{
    rustls::{self, pki_types::ServerName, ClientConfig, RootCertStore},
    TlsConnector,
};
use tokio_xmpp::{
    parsers::starttls,
    xmlstream::{
        initiate_stream, FallibleStreamElement, PendingFeaturesRecv, ReadError, StreamHeader,
        Timeouts, XmppStreamElement,
    },
};

use futures::{SinkExt, StreamExt};

/// What a connection runs over once set up: TCP, or TLS over TCP.
pub trait Connection: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Connection for T {}

pub type Io = BufStream<Box<dyn Connection>>;

/// The `[xmpp] tls` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain TCP: refused for a non-loopback server unless `insecure_plaintext = true`.
    None,
    /// `<starttls/>` on the client port (5222), as Prosody offers it.
    Starttls,
    /// TLS from the first byte (XEP-0368, port 5223).
    Direct,
}

/// Everything needed to open one connection.
#[derive(Clone)]
pub struct Transport {
    pub addr: SocketAddr,
    pub mode: TlsMode,
    /// Roots the server's certificate must chain to (none for `TlsMode::None`).
    pub tls: Option<Arc<ClientConfig>>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("addr", &self.addr)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read the CA file {path}: {error}")]
    CaFile { path: String, error: String },
    #[error("the CA file {0} holds no certificate")]
    EmptyCaFile(String),
    #[error("no usable system root certificate")]
    NoSystemRoots,
}

impl Transport {
    /// Plain TCP (tests, and a Prosody on loopback).
    pub fn plain(addr: SocketAddr) -> Transport {
        Transport {
            addr,
            mode: TlsMode::None,
            tls: None,
        }
    }

    /// A TLS transport trusting `ca_file` (PEM), or the system's roots without one.
    pub fn tls(
        addr: SocketAddr,
        mode: TlsMode,
        ca_file: Option<&std::path::Path>,
    ) -> Result<Transport, TlsSetupError> {
        if mode == TlsMode::None {
            return Ok(Transport::plain(addr));
        }
        let config = ClientConfig::builder_with_provider(crypto_provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .with_root_certificates(root_store(ca_file)?)
            .with_no_client_auth();
        Ok(Transport {
            addr,
            mode,
            tls: Some(Arc::new(config)),
        })
    }

    /// Opens a stream to `domain` ready for SASL: the features after TLS, if any.
    pub async fn connect(
        &self,
        domain: &str,
        ns: &'static str,
        timeouts: Timeouts,
    ) -> Result<PendingFeaturesRecv<Io>, String> {
        let err = |e: &dyn std::fmt::Display| e.to_string();
        let tcp = TcpStream::connect(self.addr).await.map_err(|e| err(&e))?;
        let header = || StreamHeader {
            to: Some(Cow::Owned(domain.to_string())),
            from: None,
            id: None,
        };
        let io: Box<dyn Connection> = match (self.mode, &self.tls) {
            (TlsMode::None, _) | (_, None) => Box::new(tcp),
            (TlsMode::Direct, Some(config)) => Box::new(handshake(config, domain, tcp).await?),
            (TlsMode::Starttls, Some(config)) => {
                let tcp = negotiate_starttls(tcp, domain, ns, timeouts).await?;
                Box::new(handshake(config, domain, tcp).await?)
            }
        };
        initiate_stream(BufStream::new(io), ns, header(), timeouts)
            .await
            .map_err(|e| err(&e))
    }
}

/// The roots a certificate of Prosody must chain to: those of `ca_file` (PEM), or the
/// system's without one.
pub fn root_store(ca_file: Option<&std::path::Path>) -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            use rustls::pki_types::{pem::PemObject, CertificateDer};
            let shown = path.display().to_string();
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| TlsSetupError::CaFile {
                    path: shown.clone(),
                    error: e.to_string(),
                })?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| TlsSetupError::CaFile {
                    path: shown.clone(),
                    error: e.to_string(),
                })?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(TlsSetupError::EmptyCaFile(shown));
            }
        }
        None => {
            let (added, _) =
                roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            if added == 0 {
                return Err(TlsSetupError::NoSystemRoots);
            }
        }
    }
    Ok(roots)
}

/// The portal's one TLS implementation (ring).
pub fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Opens a client stream to `domain` on `tcp` and asks for STARTTLS; the TCP connection,
/// ready for the TLS handshake, once the server said proceed.
pub async fn negotiate_starttls(
    tcp: TcpStream,
    domain: &str,
    ns: &'static str,
    timeouts: Timeouts,
) -> Result<TcpStream, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let header = StreamHeader {
        to: Some(Cow::Owned(domain.to_string())),
        from: None,
        id: None,
    };
    let pending = initiate_stream(BufStream::new(tcp), ns, header, timeouts)
        .await
        .map_err(|e| err(&e))?;
    let (features, mut stream) = pending
        .recv_features::<FallibleStreamElement>()
        .await
        .map_err(|e| err(&e))?;
    if !features.can_starttls() {
        return Err("the server does not offer STARTTLS".into());
    }
    stream
        .send(&XmppStreamElement::Starttls(starttls::Nonza::Request(
            starttls::Request,
        )))
        .await
        .map_err(|e| err(&e))?;
    loop {
        match stream.next().await {
            Some(Ok(FallibleStreamElement::Ok(XmppStreamElement::Starttls(
                starttls::Nonza::Proceed(_),
            )))) => break,
            Some(Ok(_)) | Some(Err(ReadError::SoftTimeout)) => {}
            Some(Err(e)) => return Err(format!("during STARTTLS: {e}")),
            None => return Err("the server closed the stream during STARTTLS".into()),
        }
    }
    Ok(stream.into_inner().into_inner())
}

/// The TLS handshake, the certificate verified for the XMPP domain (RFC 6120, 13.7.2).
async fn handshake(
    config: &Arc<ClientConfig>,
    domain: &str,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, String> {
    let name = ServerName::try_from(domain.to_string()).map_err(|e| e.to_string())?;
    TlsConnector::from(config.clone())
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS with {domain}: {e}"))
}
