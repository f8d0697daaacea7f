//! Installing a domain's certificate on Prosody through mod_domaine's
//! `urn:domaine:certificates#install` (`server/prosody/mod_domaine.lua`). The
//! private key crosses only the portal's own admin link (TLS unless Prosody is
//! on loopback: the rule of `[xmpp] tls`).

use xmpp_parsers::jid::DomainRef;

use super::client::AdminClient;
use super::domaine_module::{field, host_jid};
use super::error::XmppError;

/// Command nodes of mod_domaine about certificates (FORM_TYPE = the node).
pub mod certificate_node {
    /// Fields `host`, `certificate` (PEM chain, leaf first) and `key` (PEM).
    pub const INSTALL: &str = "urn:domaine:certificates#install";
}

impl AdminClient {
    /// Makes Prosody serve `host` with `chain` (PEM, leaf first) and `key` (PEM) at once,
    /// without a restart. Prosody checks that the pair loads and is for `host`:
    /// [`XmppError::InvalidCertificate`], [`XmppError::InvalidKey`], or
    /// [`XmppError::CertificateWriteFailed`] when it cannot store them.
    pub async fn install_certificate(
        &self,
        host: &DomainRef,
        chain: &str,
        key: &str,
    ) -> Result<(), XmppError> {
        self.execute(
            host_jid(host),
            certificate_node::INSTALL,
            vec![
                field("host", host.as_str()),
                pem_lines("certificate", chain),
                pem_lines("key", key),
            ],
        )
        .await?;
        Ok(())
    }
}

/// A text-multi field: one value per line, as XEP-0004 has it.
fn pem_lines(var: &str, pem: &str) -> super::FormField {
    (
        var.to_owned(),
        pem.lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_goes_as_one_value_per_line() {
        let (var, values) = pem_lines("key", "-----BEGIN X-----\r\nAAAA\n\n-----END X-----\n");
        assert_eq!(var, "key");
        assert_eq!(values, ["-----BEGIN X-----", "AAAA", "-----END X-----"]);
    }
}
