//! The portal's configuration: one typed struct, read from a TOML file and then from
//! `DOMAINE_*` environment variables (nested keys joined by `__`, e.g. `DOMAINE_XMPP__PASSWORD`).

use figment::{
    providers::{Env, Format, Toml},
    Figment,
};
use serde::Deserialize;
use std::{net::SocketAddr, path::PathBuf, time::Duration};
use xmpp_parsers::jid::BareJid;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address the web server listens on.
    pub listen: SocketAddr,
    /// The address users type in their browser, used in links and e-mails.
    pub public_url: url::Url,
    /// The provider's name, shown in the header and in e-mails.
    pub provider_name: String,
    /// The provider's time zone (an IANA name like `Europe/Paris`): dates in e-mails, and in
    /// pages until the reader's browser has told its own.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// `sqlite://PATH` (created if missing) or `postgres://...`.
    pub database_url: String,
    /// Where the built site (`pkg/` with the WebAssembly bundle and CSS) lives.
    #[serde(default = "default_site_root")]
    pub site_root: PathBuf,
    /// Signs the session cookies: at least 64 random bytes, base64-encoded.
    pub secret_key: String,
    /// XMPP addresses of provider admins, who log in with their XMPP password.
    #[serde(default)]
    pub provider_admins: Vec<String>,
    #[serde(default)]
    pub accounts: AccountsConfig,
    #[serde(default)]
    pub two_factor: TwoFactorSettings,
    pub xmpp: XmppSettings,
    pub smtp: SmtpSettings,
    #[serde(default)]
    pub hosting: HostingSettings,
    #[serde(default)]
    pub http: HttpSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
    #[serde(default)]
    pub health: HealthSettings,
    #[serde(default)]
    pub announcements: AnnouncementSettings,
    #[serde(default)]
    pub bulk: BulkSettings,
    /// Automatic certificates (`[acme]`); off when absent.
    #[serde(default)]
    pub acme: Option<AcmeSettings>,
    /// `text` (the default) or `json`, one object a line, for log collectors.
    #[serde(default)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// How the portal sits on the network (`[http]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// Reverse proxies (CIDRs) whose `X-Forwarded-For` / `Forwarded` / `X-Forwarded-Proto` are
    /// believed; from anyone else those headers are ignored (see `web::client_ip`).
    #[serde(default)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// Who must log in with a second factor (`[two_factor]`); anyone may turn it on on `/me`.
/// Someone required to who has not enrolled yet can do nothing but enrol after logging in.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorSettings {
    /// Provider admins, local logins and listed XMPP addresses alike.
    #[serde(default)]
    pub require_for_provider_admins: bool,
    /// The owners of hosted domains.
    #[serde(default)]
    pub require_for_owners: bool,
}

/// Prometheus metrics (`[metrics]`), off unless `listen` is set.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// Where `/metrics` is served, apart from the portal's own `listen` so that it is never
    /// public by accident (e.g. `127.0.0.1:9187`).
    #[serde(default)]
    pub listen: Option<SocketAddr>,
}

/// The health checks of hosted domains (`[health]`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthSettings {
    /// Seconds between two checks of a domain; 0: only when asked ("Check now").
    #[serde(default = "default_health_interval")]
    pub interval_secs: u64,
    /// Components of every hosted domain whose certificate is checked too: `conference`
    /// checks `conference.DOMAIN`.
    #[serde(default)]
    pub components: Vec<String>,
}

impl Default for HealthSettings {
    fn default() -> Self {
        HealthSettings {
            interval_secs: default_health_interval(),
            components: Vec::new(),
        }
    }
}

fn default_health_interval() -> u64 {
    3600
}

/// How fast an owner's announcement goes out (`[announcements]`): Prosody serves every user of
/// the provider on one thread, so 10,000 messages are sent in batches with a pause between
/// them.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementSettings {
    /// Accounts per command to Prosody (1 to 200).
    #[serde(default = "default_announcement_batch")]
    pub batch_size: u32,
    /// At most this many accounts a second, on average (the pause after each batch).
    #[serde(default = "default_announcement_rate")]
    pub per_second: u32,
}

impl Default for AnnouncementSettings {
    fn default() -> Self {
        AnnouncementSettings {
            batch_size: default_announcement_batch(),
            per_second: default_announcement_rate(),
        }
    }
}

fn default_announcement_batch() -> u32 {
    100
}

fn default_announcement_rate() -> u32 {
    100
}

impl AnnouncementSettings {
    /// The pause after a batch of `sent` accounts, so that they go out at `per_second`.
    pub fn pause_after(&self, sent: u32) -> Duration {
        Duration::from_secs_f64(f64::from(sent) / f64::from(self.per_second.max(1)))
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |setting, problem: &str| {
            Err(ConfigError::Invalid {
                setting,
                problem: problem.to_string(),
            })
        };
        if !(1..=crate::xmpp::MAX_PAGE_SIZE).contains(&self.batch_size) {
            return invalid("announcements.batch_size", "must be between 1 and 200");
        }
        if self.per_second == 0 {
            return invalid("announcements.per_second", "must be at least 1");
        }
        // The pause is within the task's lease, renewed after each batch.
        if self.pause_after(self.batch_size).as_secs() > (crate::jobs::TASK_LEASE_SECS / 2) as u64 {
            return invalid(
                "announcements.per_second",
                "is too slow for batch_size: one batch may not wait more than a minute",
            );
        }
        Ok(())
    }
}

/// The pace of bulk work on accounts (`[bulk]`): Prosody serves every user on one thread, so a
/// bulk task handles a few items, then lets other work through.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkSettings {
    /// Items (accounts, addresses) handled per run of a bulk task, 1 to 200.
    #[serde(default = "default_bulk_batch")]
    pub batch_size: u32,
    /// Seconds between two runs of a bulk task (by the portal's clock: the task is queued
    /// again, so it never holds the tasks' worker while it waits).
    #[serde(default = "default_bulk_pause")]
    pub pause_secs: u64,
}

impl Default for BulkSettings {
    fn default() -> Self {
        BulkSettings {
            batch_size: default_bulk_batch(),
            pause_secs: default_bulk_pause(),
        }
    }
}

fn default_bulk_batch() -> u32 {
    20
}

fn default_bulk_pause() -> u64 {
    1
}

/// Hosting requests from the public form (`[hosting]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostingSettings {
    /// Only members of the provider's association may ask (the form then requires the box).
    #[serde(default)]
    pub require_membership: bool,
    /// The quota an approval proposes; none: unlimited.
    #[serde(default)]
    pub default_quota: Option<u32>,
    /// Where confirmed requests are announced by e-mail (provider admins listed by XMPP address
    /// get a chat message too).
    #[serde(default)]
    pub notify_emails: Vec<String>,
    /// The provider's own domains: nobody may ask for them or names under them. The portal's
    /// XMPP domain always counts.
    #[serde(default)]
    pub own_domains: Vec<String>,
    /// What a hosted domain's DNS must point at (`[hosting.dns]`); by default the portal's XMPP
    /// domain with the standard ports, asked through the system's resolver.
    #[serde(default)]
    pub dns: Option<crate::dns_check::DnsExpectations>,
}

/// Certificates for hosted domains from an ACME CA, by HTTP-01 (`[acme]`, see `acme`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcmeSettings {
    /// The CA's directory, e.g. `https://acme-v02.api.letsencrypt.org/directory`.
    pub directory: url::Url,
    /// The e-mail address the CA writes to about the account.
    pub contact: String,
    /// PEM file of the CA that signed the ACME server's own HTTPS certificate (a test CA such
    /// as pebble's); default: the system's roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Renew this many days before expiry (1 to 60).
    #[serde(default = "default_renew_before_days")]
    pub renew_before_days: u32,
}

fn default_renew_before_days() -> u32 {
    30
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsConfig {
    pub min_password_length: usize,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        AccountsConfig {
            min_password_length: 10,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XmppSettings {
    /// The main server's client port; plain TCP, so keep it on loopback or a private link.
    pub server: SocketAddr,
    /// The portal's own account, an admin of the server.
    pub jid: BareJid,
    pub password: String,
    #[serde(default = "default_xmpp_timeout")]
    pub timeout_secs: u64,
    /// `none`, `starttls` or `direct`; by default `none` for a loopback `server` and
    /// `starttls` for any other.
    #[serde(default)]
    pub tls: Option<crate::xmpp::tls::TlsMode>,
    /// PEM file of the CA that signed Prosody's certificate; default: the system's roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Allows `tls = "none"` to a server that is not on loopback (a private link).
    #[serde(default)]
    pub insecure_plaintext: bool,
}

impl XmppSettings {
    /// The TLS mode in force (see `tls`).
    pub fn tls_mode(&self) -> crate::xmpp::tls::TlsMode {
        use crate::xmpp::tls::TlsMode;
        self.tls.unwrap_or(if self.server.ip().is_loopback() {
            TlsMode::None
        } else {
            TlsMode::Starttls
        })
    }

    /// How to reach the server: reads the CA file or the system's roots.
    pub fn transport(
        &self,
    ) -> Result<crate::xmpp::tls::Transport, crate::xmpp::tls::TlsSetupError> {
        crate::xmpp::tls::Transport::tls(self.server, self.tls_mode(), self.ca_file.as_deref())
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// `From:` of every e-mail the portal sends.
    pub from: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub security: SmtpSecurity,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain SMTP: only for a relay on loopback.
    None,
    #[default]
    Starttls,
    Tls,
}

fn default_site_root() -> PathBuf {
    PathBuf::from("target/site")
}

fn default_time_zone() -> String {
    "UTC".into()
}

fn default_xmpp_timeout() -> u64 {
    10
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Parse(String),
    #[error("configuration: `{setting}` {problem}")]
    Invalid {
        setting: &'static str,
        problem: String,
    },
}

impl AcmeSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |setting, problem: &str| {
            Err(ConfigError::Invalid {
                setting,
                problem: problem.to_string(),
            })
        };
        if self.directory.scheme() != "https" {
            return invalid("acme.directory", "must be an https:// address");
        }
        if self.contact.parse::<lettre::Address>().is_err() {
            return invalid("acme.contact", "must be an e-mail address");
        }
        if !(1..=60).contains(&self.renew_before_days) {
            return invalid("acme.renew_before_days", "must be between 1 and 60");
        }
        if let Some(path) = &self.ca_file {
            if let Err(e) = std::fs::metadata(path) {
                return invalid("acme.ca_file", &format!("{}: {e}", path.display()));
            }
        }
        Ok(())
    }
}

impl Config {
    /// Reads `path` (if it exists) then the environment, and checks every setting.
    pub fn load(path: Option<&std::path::Path>) -> Result<Config, ConfigError> {
        let mut figment = Figment::new();
        if let Some(path) = path {
            if !path.exists() {
                return Err(ConfigError::Parse(format!(
                    "the file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        // `DOMAINE_CONFIG` names the file itself (see the CLI), it is not a setting.
        Self::from_figment(figment.merge(Env::prefixed("DOMAINE_").ignore(&["CONFIG"]).split("__")))
    }

    fn from_figment(figment: Figment) -> Result<Config, ConfigError> {
        let config: Config = figment.extract().map_err(|e| {
            // figment names the missing or malformed key; keep every error, not just the first.
            ConfigError::Parse(
                e.into_iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |setting, problem: &str| {
            Err(ConfigError::Invalid {
                setting,
                problem: problem.to_string(),
            })
        };
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return invalid("database_url", "must start with sqlite:// or postgres://");
        }
        if !matches!(self.public_url.scheme(), "http" | "https") {
            return invalid("public_url", "must be an http:// or https:// address");
        }
        if !(1..=200).contains(&self.bulk.batch_size) {
            return invalid("bulk.batch_size", "must be between 1 and 200");
        }
        if self.metrics.listen.is_some_and(|addr| addr == self.listen) {
            return invalid(
                "metrics.listen",
                "must differ from `listen`: the metrics are not for the public",
            );
        }
        if self.provider_name.trim().is_empty() {
            return invalid("provider_name", "must not be empty");
        }
        if crate::time_zones::find(&self.time_zone).is_none() {
            return invalid(
                "time_zone",
                "must be a time zone of the tz database, e.g. \"Europe/Paris\" or \"UTC\"",
            );
        }
        match self.secret_key_bytes() {
            Some(bytes) if bytes.len() >= 64 => {}
            _ => return invalid(
                "secret_key",
                "must be at least 64 random bytes, base64-encoded (try `openssl rand -base64 64`)",
            ),
        }
        if self.xmpp.jid.node().is_none() {
            return invalid(
                "xmpp.jid",
                "must be an account address like portal@example.org",
            );
        }
        if self.xmpp.password.is_empty() {
            return invalid("xmpp.password", "must not be empty");
        }
        if self.xmpp.tls_mode() == crate::xmpp::tls::TlsMode::None
            && !self.xmpp.server.ip().is_loopback()
            && !self.xmpp.insecure_plaintext
        {
            return invalid(
                "xmpp.tls",
                "is none for a server that is not on loopback: passwords would cross the \
                 network in clear; use tls = \"starttls\" (or insecure_plaintext = true on a \
                 private link)",
            );
        }
        if let Err(e) = self.xmpp.transport() {
            return invalid("xmpp.ca_file", &e.to_string());
        }
        if self.xmpp.timeout_secs == 0 {
            return invalid("xmpp.timeout_secs", "must be at least 1");
        }
        if self.accounts.min_password_length < 8 {
            return invalid("accounts.min_password_length", "must be at least 8");
        }
        if self.smtp.host.trim().is_empty() {
            return invalid("smtp.host", "must not be empty");
        }
        if self
            .hosting
            .notify_emails
            .iter()
            .any(|e| e.parse::<lettre::message::Mailbox>().is_err())
        {
            return invalid("hosting.notify_emails", "must be e-mail addresses");
        }
        if let Some(acme) = &self.acme {
            acme.validate()?;
        }
        self.announcements.validate()?;
        if !(1..=crate::xmpp::MAX_PAGE_SIZE).contains(&self.bulk.batch_size) {
            return invalid("bulk.batch_size", "must be between 1 and 200");
        }
        if self.smtp.from.parse::<lettre::message::Mailbox>().is_err() {
            return invalid(
                "smtp.from",
                "must be an e-mail address, e.g. \"Domaine <noreply@example.org>\"",
            );
        }
        Ok(())
    }

    pub fn secret_key_bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(self.secret_key.trim())
            .ok()
    }

    /// What hosted domains' DNS must point at (`[hosting.dns]`); by default the portal's XMPP
    /// domain with the standard ports, asked through the system's resolver.
    pub fn dns_expectations(&self) -> crate::dns_check::DnsExpectations {
        self.hosting.dns.clone().unwrap_or_else(|| {
            crate::dns_check::DnsExpectations::for_host(self.xmpp.jid.domain().as_str())
        })
    }

    pub fn xmpp_timeout(&self) -> Duration {
        Duration::from_secs(self.xmpp.timeout_secs)
    }

    /// The portal's address of `path`, for links in pages and e-mails: always from
    /// `public_url`, never from a request's `Host` (which anyone can forge).
    pub fn link(&self, path: &str) -> String {
        let mut url = self.public_url.clone();
        url.set_path(path);
        url.to_string()
    }

    /// Cookies are `Secure` unless the portal is served over plain HTTP (local development).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = include_str!("../tests/domaine.toml");

    fn load(toml: &str) -> Result<Config, ConfigError> {
        Config::from_figment(Figment::from(Toml::string(toml)))
    }

    #[test]
    fn a_complete_file_loads() {
        let config = load(VALID).unwrap();
        assert_eq!(config.xmpp.jid.to_string(), "portal@example.test");
        assert_eq!(config.accounts.min_password_length, 10);
        assert!(!config.secure_cookies());
        assert_eq!(config.health.interval_secs, 3600);
        assert!(config.health.components.is_empty());
        let dns = config.dns_expectations();
        assert_eq!(dns.server_host, "example.test");
        assert_eq!(dns.caa_issuers, ["letsencrypt.org"]);
        assert_eq!((dns.direct_tls_port, dns.caa_account_uri), (None, None));
    }

    #[test]
    fn plain_xmpp_is_only_for_loopback_unless_insisted() {
        let remote = VALID.replace("server = \"127.0.0.1:5222\"", "server = \"192.0.2.1:5222\"");
        let config = load(&remote).unwrap();
        assert_eq!(config.xmpp.tls_mode(), crate::xmpp::tls::TlsMode::Starttls);
        let plain = remote.replace(
            "password = \"secret\"",
            "password = \"secret\"\ntls = \"none\"",
        );
        let err = load(&plain).unwrap_err();
        assert!(err.to_string().contains("xmpp.tls"), "{err}");
        let insisted = plain.replace(
            "tls = \"none\"",
            "tls = \"none\"\ninsecure_plaintext = true",
        );
        assert_eq!(
            load(&insisted).unwrap().xmpp.tls_mode(),
            crate::xmpp::tls::TlsMode::None
        );
        assert_eq!(
            load(VALID).unwrap().xmpp.tls_mode(),
            crate::xmpp::tls::TlsMode::None
        );
        let missing_ca = VALID.replace(
            "password = \"secret\"",
            "password = \"secret\"\ntls = \"starttls\"\nca_file = \"/nonexistent/ca.pem\"",
        );
        let err = load(&missing_ca).unwrap_err();
        assert!(err.to_string().contains("xmpp.ca_file"), "{err}");
    }

    #[test]
    fn announcements_are_paced_within_bounds() {
        let config = load(VALID).unwrap();
        assert_eq!(config.announcements.batch_size, 100);
        assert_eq!(
            config.announcements.pause_after(100),
            Duration::from_secs(1)
        );
        assert_eq!(
            config.announcements.pause_after(25),
            Duration::from_millis(250)
        );
        let with = |lines: &str| load(&format!("{VALID}\n[announcements]\n{lines}\n"));
        let slow = with("batch_size = 10\nper_second = 2").unwrap();
        assert_eq!(slow.announcements.pause_after(10), Duration::from_secs(5));
        for (lines, setting) in [
            ("batch_size = 0", "announcements.batch_size"),
            ("batch_size = 201", "announcements.batch_size"),
            ("per_second = 0", "announcements.per_second"),
            (
                "batch_size = 200\nper_second = 1",
                "announcements.per_second",
            ),
        ] {
            let err = with(lines).unwrap_err();
            assert!(err.to_string().contains(setting), "{lines}: {err}");
        }
    }

    #[test]
    fn metrics_are_off_unless_given_their_own_address() {
        assert_eq!(load(VALID).unwrap().metrics.listen, None);
        let on = format!("{VALID}\n[metrics]\nlisten = \"127.0.0.1:9187\"\n");
        assert_eq!(
            load(&on).unwrap().metrics.listen,
            Some("127.0.0.1:9187".parse().unwrap())
        );
        let same = format!("{VALID}\n[metrics]\nlisten = \"127.0.0.1:8080\"\n");
        let err = load(&same).unwrap_err();
        assert!(err.to_string().contains("metrics.listen"), "{err}");
    }

    #[test]
    fn acme_is_off_unless_configured_and_checked_when_it_is() {
        assert!(load(VALID).unwrap().acme.is_none());
        let acme = |lines: &str| {
            load(&format!(
                "{VALID}\n[acme]\ndirectory = \"https://ca.example/dir\"\n{lines}\n"
            ))
        };
        let on = acme("contact = \"admin@example.test\"").unwrap();
        let settings = on.acme.unwrap();
        assert_eq!(settings.renew_before_days, 30);
        assert_eq!(settings.ca_file, None);
        for (lines, setting) in [
            ("contact = \"not an address\"", "acme.contact"),
            (
                "contact = \"a@example.test\"\nrenew_before_days = 0",
                "acme.renew_before_days",
            ),
            (
                "contact = \"a@example.test\"\nrenew_before_days = 61",
                "acme.renew_before_days",
            ),
            (
                "contact = \"a@example.test\"\nca_file = \"/nonexistent/ca.pem\"",
                "acme.ca_file",
            ),
        ] {
            let err = acme(lines).unwrap_err();
            assert!(err.to_string().contains(setting), "{lines}: {err}");
        }
        let plain = VALID.to_string()
            + "\n[acme]\ndirectory = \"http://ca.example/dir\"\ncontact = \"a@example.test\"\n";
        let err = load(&plain).unwrap_err();
        assert!(err.to_string().contains("acme.directory"), "{err}");
    }

    #[test]
    fn a_missing_setting_is_named() {
        let err = load(&VALID.replace("provider_name = \"JabberFR\"", "")).unwrap_err();
        assert!(err.to_string().contains("provider_name"), "{err}");
    }

    #[test]
    fn a_malformed_setting_is_named() {
        let err = load(&VALID.replace("127.0.0.1:8080\"\n", "not an address\"\n")).unwrap_err();
        assert!(err.to_string().contains("listen"), "{err}");
        let err = load(&VALID.replace("sqlite://DIR/domaine.db", "mysql://x")).unwrap_err();
        assert!(err.to_string().contains("database_url"), "{err}");
        let err = load(&VALID.replace("secret_key = \"MDEy", "secret_key = \"")).unwrap_err();
        assert!(err.to_string().contains("secret_key"), "{err}");
        let err = load(&VALID.replace("jid = \"portal@example.test\"", "jid = \"example.test\""))
            .unwrap_err();
        assert!(err.to_string().contains("xmpp.jid"), "{err}");
        let zone = format!("time_zone = \"Mars/Olympus\"\n{VALID}");
        let err = load(&zone).unwrap_err();
        assert!(err.to_string().contains("time_zone"), "{err}");
        assert_eq!(load(VALID).unwrap().time_zone, "UTC");
    }

    #[test]
    // The closure's error type is figment's own, not ours to shrink.
    #[allow(clippy::result_large_err)]
    fn the_environment_overrides_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("domaine.toml", VALID)?;
            jail.set_env("DOMAINE_XMPP__PASSWORD", "from-env");
            jail.set_env("DOMAINE_LISTEN", "127.0.0.1:9999");
            let config = Config::load(Some(std::path::Path::new("domaine.toml"))).unwrap();
            assert_eq!(config.xmpp.password, "from-env");
            assert_eq!(config.listen.port(), 9999);
            Ok(())
        });
    }
}
