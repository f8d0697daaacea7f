//! Typed calls to mod_domaine_hosts (`server/prosody/mod_domaine_hosts.lua`),
//! the global Prosody module that brings virtual hosts up at run time, keeps
//! them up across restarts, and suspends and resumes them. Its commands are
//! for global admins (the portal's service account is one) and are sent to
//! the host of that account, which is always up: the host a command is about
//! may not be.

use std::str::FromStr;
use xmpp_parsers::jid::{DomainPart, DomainRef, Jid};

use super::adhoc::CommandOutcome;
use super::client::AdminClient;
use super::domaine_module::{field, host_jid};
use super::error::XmppError;

/// Command nodes of mod_domaine_hosts (FORM_TYPE = the node).
pub mod hosts_node {
    /// Field `host`.
    pub const PROVISION: &str = "urn:domaine:hosts#provision";
    /// Field `host`.
    pub const SUSPEND: &str = "urn:domaine:hosts#suspend";
    /// Field `host`.
    pub const RESUME: &str = "urn:domaine:hosts#resume";
    /// Result field `hosts` (text-multi, one line per recorded host: host,
    /// state, up flag, tab-separated).
    pub const LIST: &str = "urn:domaine:hosts#list";
}

app::text_enum! {
    /// What the server records for a host, under mod_domaine_hosts' names.
    pub enum HostState("host state") {
        /// Provisioned: up now and after every restart.
        Active = "active",
        /// Down, its logins refused, its data kept, also after a restart.
        Suspended = "suspended",
    }
}

/// A host the server has a record of: provisioned through
/// [`AdminClient::provision_host`], or suspended (hosts of Prosody's config
/// file appear only while suspended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInfo {
    pub host: DomainPart,
    pub state: HostState,
    /// Whether the host is activated right now (normally: active hosts are
    /// up, suspended ones down).
    pub up: bool,
}

impl AdminClient {
    /// Brings `host` up on the server now and after every restart, with the
    /// server's global settings and modules (a host of the config file keeps
    /// its own). Idempotent: a host that is already provisioned or in the
    /// config file is left as it is, and so is a suspended one (only
    /// [`AdminClient::resume_host`] lifts a suspension; see
    /// [`AdminClient::hosts`]). Refused with [`XmppError::InvalidJid`] for a
    /// name the server does not accept as a domain.
    pub async fn provision_host(&self, host: &DomainRef) -> Result<(), XmppError> {
        self.host_command(hosts_node::PROVISION, host).await
    }

    /// Takes `host` down and keeps it down across restarts: its sessions end,
    /// its users cannot log in, its data stays. Works for hosts of the config
    /// file too. Idempotent. [`XmppError::HostNotFound`] for a host the server
    /// neither serves nor has a record of; [`XmppError::NotAllowed`] for the
    /// host of the portal's own account.
    pub async fn suspend_host(&self, host: &DomainRef) -> Result<(), XmppError> {
        self.host_command(hosts_node::SUSPEND, host).await
    }

    /// Brings a suspended host up again (and after every restart), with its
    /// data. Idempotent: an active host is left as it is.
    /// [`XmppError::HostNotFound`] for a host the server neither serves nor
    /// has a record of.
    pub async fn resume_host(&self, host: &DomainRef) -> Result<(), XmppError> {
        self.host_command(hosts_node::RESUME, host).await
    }

    /// The hosts the server has a record of, sorted by name.
    pub async fn hosts(&self) -> Result<Vec<HostInfo>, XmppError> {
        let outcome = self
            .execute(self.hosts_target(), hosts_node::LIST, Vec::new())
            .await?;
        parse_hosts(&outcome)
    }

    async fn host_command(&self, node: &str, host: &DomainRef) -> Result<(), XmppError> {
        self.execute(
            self.hosts_target(),
            node,
            vec![field("host", host.as_str())],
        )
        .await?;
        Ok(())
    }

    /// Where the commands go: the host of the service account, which the
    /// portal is connected to, so it is up.
    fn hosts_target(&self) -> Jid {
        host_jid(self.service_jid().domain())
    }
}

fn parse_hosts(outcome: &CommandOutcome) -> Result<Vec<HostInfo>, XmppError> {
    if !outcome.fields.iter().any(|(var, _)| var == "hosts") {
        return Err(XmppError::Protocol("reply without hosts".into()));
    }
    outcome
        .values("hosts")
        .iter()
        .flat_map(|value| value.lines())
        .filter(|line| !line.trim().is_empty())
        .map(parse_host_line)
        .collect()
}

/// `HOST \t STATE \t UP`: `active` or `suspended`, `1` or `0`.
fn parse_host_line(line: &str) -> Result<HostInfo, XmppError> {
    let invalid = || XmppError::Protocol(format!("invalid host line {line:?}"));
    let mut parts = line.split('\t');
    let (Some(host), Some(state), Some(up), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let host = DomainPart::from_str(host).map_err(|_| invalid())?;
    let state = state.parse()?;
    let up = match up {
        "1" => true,
        "0" => false,
        _ => return Err(invalid()),
    };
    Ok(HostInfo { host, state, up })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(fields: &[(&str, &[&str])]) -> CommandOutcome {
        CommandOutcome::for_test(fields, &[])
    }

    fn domain(name: &str) -> DomainPart {
        DomainPart::from_str(name).unwrap()
    }

    #[test]
    fn host_states_round_trip() {
        for state in HostState::ALL {
            assert_eq!(state.as_str().parse::<HostState>(), Ok(state));
            assert_eq!(state.to_string(), state.as_str());
        }
        assert!("Active".parse::<HostState>().is_err());
    }

    #[test]
    fn host_list() {
        let expected = vec![
            HostInfo {
                host: domain("a.test"),
                state: HostState::Active,
                up: true,
            },
            HostInfo {
                host: domain("b.test"),
                state: HostState::Suspended,
                up: false,
            },
        ];
        // Prosody sends one <value/> per line of a text-multi field.
        let hosts = parse_hosts(&outcome(&[(
            "hosts",
            &["a.test\tactive\t1", "b.test\tsuspended\t0"],
        )]))
        .unwrap();
        assert_eq!(hosts, expected);
        let joined = parse_hosts(&outcome(&[(
            "hosts",
            &["a.test\tactive\t1\nb.test\tsuspended\t0"],
        )]))
        .unwrap();
        assert_eq!(joined, expected);
    }

    #[test]
    fn empty_host_list() {
        // No hosts: Prosody sends the field without values.
        assert_eq!(parse_hosts(&outcome(&[("hosts", &[])])), Ok(Vec::new()));
        assert!(matches!(
            parse_hosts(&outcome(&[])),
            Err(XmppError::Protocol(_))
        ));
    }

    #[test]
    fn malformed_host_lines() {
        for line in [
            "a.test",
            "a.test\tactive",
            "a.test\tactive\t1\textra",
            "\tactive\t1",
            "a b\tactive\t1",
            "a.test\tdown\t1",
            "a.test\tactive\tyes",
        ] {
            assert!(
                matches!(parse_host_line(line), Err(XmppError::Protocol(_))),
                "{line:?}"
            );
        }
    }
}
