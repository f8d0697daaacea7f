//! A hosted domain's health (DNS, TLS, certificates) as the UI shows it, and the one status
//! every check, certificate and alert speaks in.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// How one check of a domain went: ✓, ⚠ or ✗ on the health page.
    pub enum CheckStatus("check status"), label "health-status-" {
        /// As expected.
        Ok = "ok",
        /// Works, but not as recommended (e.g. no CAA record, a certificate expiring soon).
        Warning = "warning",
        /// Broken for some clients or servers (e.g. a wrong TLSA record, no valid certificate).
        Failing = "failing",
    }
}

impl CheckStatus {
    /// The sign shown beside the label (never alone: the label says it in words).
    pub fn sign(self) -> &'static str {
        match self {
            CheckStatus::Ok => "✓",
            CheckStatus::Warning => "⚠",
            CheckStatus::Failing => "✗",
        }
    }
}

crate::text_enum! {
    /// What one line of the health page checks.
    pub enum CheckKind("health check kind"), label "health-kind-" {
        /// `_xmpp-client._tcp` SRV records (or the domain's own name): where clients go.
        ClientSrv = "client-srv",
        /// `_xmpp-server._tcp` SRV records: where other servers go.
        ServerSrv = "server-srv",
        /// `_xmpps-client._tcp` SRV records (XEP-0368, direct TLS).
        DirectTlsSrv = "direct-tls-srv",
        /// Which certificate authorities may issue for the domain.
        Caa = "caa",
        /// DANE records where clients connect.
        Tlsa = "tlsa",
        /// The certificate Prosody presents for a name (the domain or a component).
        Certificate = "certificate",
        /// The virtual host answers on Prosody (disco#info).
        Host = "host",
        /// Prosody's registration mode is the portal's.
        Registration = "registration",
        /// The certificate the portal obtains by ACME (`[acme]`) and installs on Prosody.
        AutoCertificate = "auto-certificate",
    }
}

crate::text_enum! {
    /// What a check found worth saying, beyond its status (the message `health-finding-NAME`).
    pub enum Finding("health finding"), label "health-finding-" {
        LookupFailed = "lookup-failed",
        SrvFallback = "srv-fallback",
        SrvMissing = "srv-missing",
        SrvWrong = "srv-wrong",
        DirectTlsMissing = "direct-tls-missing",
        CaaMissing = "caa-missing",
        CaaForbids = "caa-forbids",
        CaaNoAccount = "caa-no-account",
        TlsaMissing = "tlsa-missing",
        TlsaWrong = "tlsa-wrong",
        TlsaUnverifiable = "tlsa-unverifiable",
        CertUnreachable = "cert-unreachable",
        CertExpiring = "cert-expiring",
        CertExpired = "cert-expired",
        CertWrongName = "cert-wrong-name",
        CertUntrusted = "cert-untrusted",
        HostDown = "host-down",
        RegistrationDiffers = "registration-differs",
        AcmeWaiting = "acme-waiting",
        AcmeFailing = "acme-failing",
    }
}

impl Finding {
    /// The finding in the user's language; `days_left` for the certificate's.
    pub fn text(self, locale: crate::i18n::Locale, days_left: Option<i64>) -> String {
        match (self, days_left) {
            (Finding::CertExpiring, Some(days)) => locale.t_with(
                "health-finding-cert-expiring",
                &[("days", days.to_string())],
            ),
            _ => self.label(locale),
        }
    }
}

/// The worst of `statuses` (failing over warning over ok); `None` for none.
pub fn worst(statuses: impl IntoIterator<Item = CheckStatus>) -> Option<CheckStatus> {
    let rank = |s: CheckStatus| match s {
        CheckStatus::Ok => 0,
        CheckStatus::Warning => 1,
        CheckStatus::Failing => 2,
    };
    statuses.into_iter().max_by_key(|s| rank(*s))
}

/// One line of a domain's health page, as last checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthLine {
    pub kind: CheckKind,
    /// What was checked: a DNS name, the domain, a component's name.
    pub name: String,
    pub status: CheckStatus,
    pub finding: Option<Finding>,
    /// What was found, as technical text (records, names, dates).
    pub found: String,
    /// What was expected.
    pub expected: String,
    /// The zone-file line to add, if a record would fix or complete it.
    pub record: String,
    /// For a certificate: whole days to its expiry.
    pub days_left: Option<i64>,
    /// Unix seconds.
    pub checked_at: i64,
    /// Unix seconds: when the status last changed.
    pub changed_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthReport {
    pub domain: String,
    /// In the page's order; empty until the first check.
    pub lines: Vec<HealthLine>,
    /// Seconds between scheduled checks; 0: only on demand.
    pub interval_secs: u64,
}

/// A domain's health page: the last results (owners of the domain and provider admins).
#[server(prefix = "/api", endpoint = "domain_health")]
pub async fn domain_health(domain: String) -> Result<HealthReport, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.domain_health(&ctx, &domain).await
}

/// Checks the domain now ("Check now") and shows the page again.
#[server(prefix = "/api", endpoint = "check_health")]
pub async fn check_health(csrf: String, domain: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.check_health(&ctx, &domain).await?;
    leptos_axum::redirect(&format!("/domains/{domain}/health"));
    Ok(())
}

/// The server's side of the health server functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait HealthBackend {
    async fn domain_health(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<HealthReport, AppError>;

    /// Runs every check of the domain now (audited), recording what changed.
    async fn check_health(&self, ctx: &RequestContext, domain: &str) -> Result<(), AppError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn the_worst_status_wins() {
        use CheckStatus::{Failing, Ok as Good, Warning};
        assert_eq!(worst([Good, Warning, Good]), Some(Warning));
        assert_eq!(worst([Good, Failing, Warning]), Some(Failing));
        assert_eq!(worst([Good]), Some(Good));
        assert_eq!(worst([]), None);
    }

    #[test]
    fn every_kind_status_and_finding_is_said_in_both_languages() {
        let labels = CheckKind::ALL
            .into_iter()
            .map(|k| (k.label(Locale::En), k.label(Locale::Fr)))
            .chain(
                Finding::ALL
                    .into_iter()
                    .map(|f| (f.text(Locale::En, Some(3)), f.text(Locale::Fr, Some(3)))),
            )
            .chain(
                CheckStatus::ALL
                    .into_iter()
                    .map(|s| (s.label(Locale::En), s.label(Locale::Fr))),
            );
        for (en, fr) in labels {
            assert!(
                !en.starts_with("health-") && !fr.starts_with("health-"),
                "{en} / {fr}"
            );
            assert_ne!(en, fr, "{en} is not translated");
        }
        assert!(Finding::CertExpiring
            .text(Locale::En, Some(3))
            .contains('3'));
    }
}
