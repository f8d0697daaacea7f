//! A hosted domain's health (DNS, TLS, certificates) as the UI shows it, and the one status
//! every check, certificate and alert speaks in.

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
