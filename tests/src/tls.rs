//! A certificate authority made for one test, and certificates it signs, written to files that
//! every server of the test can read (Prosody runs as its own user when the tests run as root).

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub struct TestCa {
    dir: TempDir,
    issuer: Issuer<'static, KeyPair>,
    ca_file: PathBuf,
}

/// A certificate the CA signed, and its key, as PEM files.
pub struct IssuedCert {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    pub fn new() -> TestCa {
        let dir = tempfile::Builder::new()
            .prefix("domaine-ca-")
            .tempdir()
            .expect("a directory for the test CA");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("make the CA directory readable");
        let key = KeyPair::generate().expect("a CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).expect("a self-signed CA");
        let ca_file = write_readable(dir.path(), "ca.pem", &cert.pem());
        TestCa {
            issuer: Issuer::new(params, key),
            dir,
            ca_file,
        }
    }

    /// The CA's certificate (PEM), as clients are told to trust it.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    pub fn ca_pem(&self) -> String {
        std::fs::read_to_string(&self.ca_file).expect("read the CA certificate")
    }

    /// A certificate for `names` (DNS names, or IP addresses such as `127.0.0.1`), written as
    /// `NAME.crt` and `NAME.key`.
    pub fn issue(&self, name: &str, names: &[&str]) -> IssuedCert {
        let key = KeyPair::generate().expect("a key");
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let cert = CertificateParams::new(names)
            .expect("certificate parameters")
            .signed_by(&key, &self.issuer)
            .expect("a signed certificate");
        IssuedCert {
            cert: write_readable(self.dir.path(), &format!("{name}.crt"), &cert.pem()),
            key: write_readable(
                self.dir.path(),
                &format!("{name}.key"),
                &key.serialize_pem(),
            ),
        }
    }
}

impl Default for TestCa {
    fn default() -> Self {
        TestCa::new()
    }
}

fn write_readable(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a certificate file");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
        .expect("make a certificate file readable");
    path
}
