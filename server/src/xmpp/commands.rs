//! Ad-hoc command execution and the typed XEP-0133 commands the portal uses.

use std::net::IpAddr;

use tokio::time::Instant;
use xmpp_parsers::jid::{BareJid, DomainRef, Jid};

use super::adhoc::{self, Action, CommandOutcome, FormField, Stage};
use super::client::AdminClient;
use super::error::XmppError;

/// Command nodes (Prosody 0.12 names; the XEP-0133 ones are standard).
pub mod node {
    pub const ADD_USER: &str = "http://jabber.org/protocol/admin#add-user";
    pub const DELETE_USER: &str = "http://jabber.org/protocol/admin#delete-user";
    pub const CHANGE_USER_PASSWORD: &str = "http://jabber.org/protocol/admin#change-user-password";
    pub const END_USER_SESSION: &str = "http://jabber.org/protocol/admin#end-user-session";
    pub const USER_STATS: &str = "http://jabber.org/protocol/admin#user-stats";
    pub const GET_ONLINE_USERS_LIST: &str =
        "http://jabber.org/protocol/admin#get-online-users-list";
    /// mod_invites_adhoc; takes no form in Prosody 0.12.
    pub const CREATE_ACCOUNT_INVITE: &str = "urn:xmpp:invite#create-account";
}

/// Per-account result of a command applied to several accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    pub succeeded: Vec<BareJid>,
    /// Accounts the server could not handle (for Prosody: unknown accounts).
    pub failed: Vec<BareJid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserStats {
    /// One per online session.
    pub ip_addresses: Vec<IpAddr>,
    pub roster_size: u32,
    pub online_resources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInvite {
    /// `xmpp:HOST?register;preauth=TOKEN`
    pub uri: String,
    /// Only when the server has an invite web page (mod_invites_page).
    pub landing_url: Option<String>,
    /// Expiry as sent by the server (XEP-0082 date-time).
    pub expires: Option<String>,
}

impl AdminClient {
    /// Runs the ad-hoc command `node` on `to` with the given form fields and
    /// returns what it completed with. The form goes with the first
    /// `execute`, which servers like Prosody complete in one round trip; if
    /// the server still asks for a form, it is submitted with `complete` in
    /// the session the server opened. The whole exchange, including waiting
    /// for a connection, is bounded by the request timeout.
    pub async fn execute(
        &self,
        to: Jid,
        node: &str,
        fields: Vec<FormField>,
    ) -> Result<CommandOutcome, XmppError> {
        let start = Instant::now();
        let outcome = self.exchange(to, node, fields).await;
        crate::metrics::xmpp_command(node, start.elapsed(), outcome.is_ok());
        outcome
    }

    async fn exchange(
        &self,
        to: Jid,
        node: &str,
        fields: Vec<FormField>,
    ) -> Result<CommandOutcome, XmppError> {
        let deadline = Instant::now() + self.request_timeout();
        let request = adhoc::command_element(node, Action::Execute, None, &fields);
        let reply = self.iq_set(to.clone(), request, deadline).await?;
        let sessionid = match adhoc::parse_reply(reply)? {
            Stage::Completed(outcome) => return Ok(outcome),
            Stage::Executing { sessionid } => sessionid,
        };
        let request = adhoc::command_element(node, Action::Complete, Some(&sessionid), &fields);
        let reply = self.iq_set(to, request, deadline).await?;
        match adhoc::parse_reply(reply)? {
            Stage::Completed(outcome) => Ok(outcome),
            Stage::Executing { .. } => Err(XmppError::Protocol(format!(
                "{node} still executing after the form was submitted"
            ))),
        }
    }

    pub async fn add_user(&self, jid: &BareJid, password: &str) -> Result<(), XmppError> {
        let (host, mut fields) = account_and_password(jid, password)?;
        fields.push(field("password-verify", [password]));
        self.execute(host, node::ADD_USER, fields).await?;
        Ok(())
    }

    /// Deletes accounts, which must all be on the same host. Unknown
    /// accounts end up in `failed`.
    pub async fn delete_users(&self, jids: &[BareJid]) -> Result<BulkOutcome, XmppError> {
        self.bulk(node::DELETE_USER, jids).await
    }

    /// Ends every live session of the accounts, which must all be on the
    /// same host. Existing accounts without a session count as succeeded.
    pub async fn end_sessions(&self, jids: &[BareJid]) -> Result<BulkOutcome, XmppError> {
        self.bulk(node::END_USER_SESSION, jids).await
    }

    /// Changes the password; Prosody also closes the account's live sessions.
    pub async fn change_password(&self, jid: &BareJid, password: &str) -> Result<(), XmppError> {
        let (host, fields) = account_and_password(jid, password)?;
        self.execute(host, node::CHANGE_USER_PASSWORD, fields)
            .await?;
        Ok(())
    }

    pub async fn user_stats(&self, jid: &BareJid) -> Result<UserStats, XmppError> {
        let host = user_host(jid)?;
        let outcome = self
            .execute(
                host,
                node::USER_STATS,
                vec![field("accountjid", [jid.as_str()])],
            )
            .await?;
        parse_user_stats(&outcome)
    }

    /// Accounts of `host` with at least one session (the portal's own
    /// service account included when it lives on `host`).
    pub async fn online_users(&self, host: &DomainRef) -> Result<Vec<BareJid>, XmppError> {
        let fields = vec![field("max_items", ["all"]), field("details", ["0"])];
        let outcome = self
            .execute(host_jid(host), node::GET_ONLINE_USERS_LIST, fields)
            .await?;
        parse_online_users(&outcome)
    }

    pub async fn create_account_invite(
        &self,
        host: &DomainRef,
    ) -> Result<AccountInvite, XmppError> {
        let outcome = self
            .execute(host_jid(host), node::CREATE_ACCOUNT_INVITE, Vec::new())
            .await?;
        parse_account_invite(&outcome)
    }

    async fn bulk(&self, node: &str, jids: &[BareJid]) -> Result<BulkOutcome, XmppError> {
        let Some(first) = jids.first() else {
            return Ok(BulkOutcome::default());
        };
        let host = user_host(first)?;
        for jid in jids {
            user_host(jid)?;
            if jid.domain() != first.domain() {
                return Err(XmppError::WrongHost);
            }
        }
        let values = jids.iter().map(|jid| jid.to_string()).collect();
        let outcome = self
            .execute(host, node, vec![("accountjids".to_owned(), values)])
            .await?;
        Ok(parse_bulk_outcome(&outcome, jids))
    }
}

fn field<const N: usize>(var: &str, values: [&str; N]) -> FormField {
    (var.to_owned(), values.map(str::to_owned).to_vec())
}

fn host_jid(host: &DomainRef) -> Jid {
    Jid::from(BareJid::from_parts(None, host))
}

/// The host to send a command about `jid` to; `jid` must be an account.
fn user_host(jid: &BareJid) -> Result<Jid, XmppError> {
    if jid.node().is_none() {
        return Err(XmppError::InvalidJid(jid.to_string()));
    }
    Ok(host_jid(jid.domain()))
}

/// The host to send a password for `jid` to, with the fields naming both. An empty password
/// is refused here: Prosody would "create" an account without one that nobody can use.
fn account_and_password(jid: &BareJid, password: &str) -> Result<(Jid, Vec<FormField>), XmppError> {
    let host = user_host(jid)?;
    if password.is_empty() {
        return Err(XmppError::PasswordRejected("empty password".into()));
    }
    let fields = vec![
        field("accountjid", [jid.as_str()]),
        field("password", [password]),
    ];
    Ok((host, fields))
}

/// Prosody answers with a note listing the accounts under "...successfully
/// deleted:" and "...could not be deleted:" headers (same for sessions);
/// ejabberd completes without a note when everything worked.
fn parse_bulk_outcome(outcome: &CommandOutcome, requested: &[BareJid]) -> BulkOutcome {
    enum Section {
        None,
        Succeeded,
        Failed,
    }
    let mut listed_ok = Vec::new();
    let mut has_report = false;
    for note in outcome.info_notes() {
        let mut section = Section::None;
        for line in note.lines().map(str::trim).filter(|line| !line.is_empty()) {
            if line.ends_with(':') && line.contains("successfully") {
                section = Section::Succeeded;
                has_report = true;
            } else if line.ends_with(':') && line.contains("could not") {
                section = Section::Failed;
                has_report = true;
            } else if let Section::Succeeded = section {
                listed_ok.push(line);
            }
        }
    }
    let (succeeded, failed) = requested
        .iter()
        .cloned()
        .partition(|jid| !has_report || listed_ok.contains(&jid.as_str()));
    BulkOutcome { succeeded, failed }
}

fn parse_user_stats(outcome: &CommandOutcome) -> Result<UserStats, XmppError> {
    let ip_addresses = non_empty(outcome.values("ipaddresses"))
        .map(|ip| {
            ip.parse()
                .map_err(|_| XmppError::Protocol(format!("invalid IP address {ip:?}")))
        })
        .collect::<Result<_, _>>()?;
    let roster_size = outcome
        .value("rostersize")
        .ok_or_else(|| XmppError::Protocol("user stats without rostersize".into()))?;
    let roster_size = roster_size
        .parse()
        .map_err(|_| XmppError::Protocol(format!("invalid roster size {roster_size:?}")))?;
    let online_resources = non_empty(outcome.values("onlineresources"))
        .map(str::to_owned)
        .collect();
    Ok(UserStats {
        ip_addresses,
        roster_size,
        online_resources,
    })
}

fn parse_online_users(outcome: &CommandOutcome) -> Result<Vec<BareJid>, XmppError> {
    non_empty(outcome.values("onlineuserjids"))
        .map(|jid| {
            BareJid::new(jid).map_err(|_| XmppError::Protocol(format!("invalid JID {jid:?}")))
        })
        .collect()
}

fn parse_account_invite(outcome: &CommandOutcome) -> Result<AccountInvite, XmppError> {
    let uri = outcome
        .value("uri")
        .ok_or_else(|| XmppError::Protocol("invite without uri".into()))?;
    Ok(AccountInvite {
        uri: uri.to_owned(),
        landing_url: outcome.value("landing-url").map(str::to_owned),
        expires: outcome.value("expire").map(str::to_owned),
    })
}

/// Text-multi values, one per line; Prosody's start with an empty line.
fn non_empty(values: &[String]) -> impl Iterator<Item = &str> {
    values
        .iter()
        .flat_map(|value| value.lines())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jid(s: &str) -> BareJid {
        BareJid::new(s).unwrap()
    }

    fn outcome(fields: &[(&str, &[&str])], notes: &[&str]) -> CommandOutcome {
        CommandOutcome::for_test(fields, notes)
    }

    #[test]
    fn bulk_outcome_from_prosody_note() {
        let requested = [jid("a@x.test"), jid("b@x.test"), jid("c@x.test")];
        let result = parse_bulk_outcome(
            &outcome(
                &[],
                &[
                    "The following accounts were successfully deleted:\na@x.test\nc@x.test\n\
                   The following accounts could not be deleted:\nb@x.test",
                ],
            ),
            &requested,
        );
        assert_eq!(result.succeeded, [jid("a@x.test"), jid("c@x.test")]);
        assert_eq!(result.failed, [jid("b@x.test")]);

        let result = parse_bulk_outcome(
            &outcome(
                &[],
                &["The following accounts could not be disconnected:\na@x.test\nb@x.test\nc@x.test"],
            ),
            &requested,
        );
        assert!(result.succeeded.is_empty());
        assert_eq!(result.failed, requested);
    }

    #[test]
    fn bulk_outcome_without_note_is_full_success() {
        let requested = [jid("a@x.test")];
        let result = parse_bulk_outcome(&outcome(&[], &[]), &requested);
        assert_eq!(result.succeeded, requested);
        assert!(result.failed.is_empty());
    }

    #[test]
    fn user_stats() {
        let stats = parse_user_stats(&outcome(
            &[
                ("ipaddresses", &["", "127.0.0.1", "::1"]),
                ("rostersize", &["2"]),
                ("onlineresources", &["", "phone", "laptop"]),
            ],
            &[],
        ))
        .unwrap();
        assert_eq!(
            stats,
            UserStats {
                ip_addresses: vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
                roster_size: 2,
                online_resources: vec!["phone".into(), "laptop".into()],
            }
        );
        let offline = parse_user_stats(&outcome(&[("rostersize", &["0"])], &[])).unwrap();
        assert!(offline.ip_addresses.is_empty() && offline.online_resources.is_empty());
        assert!(matches!(
            parse_user_stats(&outcome(&[], &[])),
            Err(XmppError::Protocol(_))
        ));
    }

    #[test]
    fn online_users() {
        let users = parse_online_users(&outcome(
            &[("onlineuserjids", &["a@x.test\nb@x.test"])],
            &[],
        ))
        .unwrap();
        assert_eq!(users, [jid("a@x.test"), jid("b@x.test")]);
        assert!(parse_online_users(&outcome(&[], &[])).unwrap().is_empty());
    }

    #[test]
    fn account_invite() {
        let invite = parse_account_invite(&outcome(
            &[
                ("uri", &["xmpp:x.test?register;preauth=abc"]),
                ("expire", &["2030-01-01T00:00:00Z"]),
            ],
            &[],
        ))
        .unwrap();
        assert_eq!(
            invite,
            AccountInvite {
                uri: "xmpp:x.test?register;preauth=abc".into(),
                landing_url: None,
                expires: Some("2030-01-01T00:00:00Z".into()),
            }
        );
        assert!(matches!(
            parse_account_invite(&outcome(&[], &[])),
            Err(XmppError::Protocol(_))
        ));
    }

    #[test]
    fn accounts_need_a_node() {
        assert_eq!(
            user_host(&jid("x.test")),
            Err(XmppError::InvalidJid("x.test".into()))
        );
        assert_eq!(user_host(&jid("a@x.test")), Ok(Jid::new("x.test").unwrap()));
    }
}
