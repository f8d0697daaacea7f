//! Typed calls to the portal's own Prosody module, `mod_domaine`
//! (`server/prosody/mod_domaine.lua`): registration mode and quota of a
//! host, listing, counting and locking accounts. The module reports
//! failures like Prosody's own commands (error notes), with a machine-readable
//! condition mapped in [`super::error::classify_failure`].

use std::collections::HashMap;

use xmpp_parsers::jid::{BareJid, DomainRef, Jid};

/// The portal's own types: mod_domaine uses the same names ([`RegistrationMode::as_str`],
/// [`AccountOrder::as_str`]).
pub use app::accounts::AccountOrder;
pub use app::domains::RegistrationMode;

use super::adhoc::{CommandOutcome, FormField};
use super::client::AdminClient;
use super::error::XmppError;

/// Command nodes of mod_domaine. Each takes and returns a form whose
/// FORM_TYPE is the node itself.
pub mod domaine_node {
    /// Result field `mode`.
    pub const GET_REGISTRATION_MODE: &str = "urn:domaine:registration#get-mode";
    /// Field `mode`: `open`, `invite-only` or `closed`.
    pub const SET_REGISTRATION_MODE: &str = "urn:domaine:registration#set-mode";
    /// Result field `quota`: a number or `unlimited`.
    pub const GET_QUOTA: &str = "urn:domaine:registration#get-quota";
    /// Field `quota`: a number or `unlimited`.
    pub const SET_QUOTA: &str = "urn:domaine:registration#set-quota";
    /// Result field `total`.
    pub const COUNT_ACCOUNTS: &str = "urn:domaine:accounts#count";
    /// Fields `query`, `offset`, `limit`; result fields `total`, `offset`,
    /// `limit` (as applied) and `accounts` (text-multi, one line per
    /// account: username, last activity and locked flag, tab-separated).
    /// Also `order` (`username` or `activity`) and `inactive-before` (unix seconds).
    pub const LIST_ACCOUNTS: &str = "urn:domaine:accounts#list";
    /// Result field `counts` (text-multi, `HOST<TAB>COUNT`); global admins only.
    pub const COUNT_HOSTS: &str = "urn:domaine:accounts#count-hosts";
    /// Field `active-since` (unix seconds); result field `figures` (text-multi,
    /// `HOST<TAB>ACCOUNTS<TAB>ACTIVE`); global admins only.
    pub const FIGURES_HOSTS: &str = "urn:domaine:accounts#figures-hosts";
    /// Field `accountjid`.
    pub const LOCK_ACCOUNT: &str = "urn:domaine:accounts#lock";
    /// Field `accountjid`.
    pub const UNLOCK_ACCOUNT: &str = "urn:domaine:accounts#unlock";
}

/// The most accounts one `list_accounts` page returns; larger limits are
/// capped by the server.
pub const MAX_PAGE_SIZE: u32 = 200;

/// One account in a [`AccountPage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    /// The local part (nodeprepped, so lowercase).
    pub username: String,
    /// Unix time of the last login or end of a session, as recorded by
    /// mod_domaine; `None` if never seen since the module was loaded.
    pub last_active: Option<i64>,
    pub locked: bool,
}

/// Which accounts a [`AdminClient::list_accounts_by`] page shows, in which order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    /// Username contains (any case); empty: all.
    pub query: String,
    pub order: AccountOrder,
    /// Only accounts not seen since this unix time (or never seen), in `order`.
    pub inactive_before: Option<i64>,
}

/// A host's accounts, as the daily figures record them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostFigures {
    pub accounts: u32,
    /// Accounts whose last activity (login or end of a session) is at or after the time asked.
    pub active: u32,
}

/// A page of accounts, sorted by username (or by last activity, see [`AccountFilter`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountPage {
    /// Accounts matching the query, on all pages.
    pub total: u32,
    pub accounts: Vec<AccountInfo>,
}

impl AdminClient {
    /// Who may register in-band on `host`.
    pub async fn registration_mode(&self, host: &DomainRef) -> Result<RegistrationMode, XmppError> {
        let outcome = self
            .execute(
                host_jid(host),
                domaine_node::GET_REGISTRATION_MODE,
                Vec::new(),
            )
            .await?;
        parse_registration_mode(&outcome)
    }

    /// Applies at once to the next registration attempt and survives server
    /// restarts. Setting the current mode again is a no-op.
    pub async fn set_registration_mode(
        &self,
        host: &DomainRef,
        mode: RegistrationMode,
    ) -> Result<(), XmppError> {
        self.execute(
            host_jid(host),
            domaine_node::SET_REGISTRATION_MODE,
            vec![field("mode", mode.as_str())],
        )
        .await?;
        Ok(())
    }

    /// The most accounts `host` may have for in-band registration to be
    /// accepted; `None`: unlimited.
    pub async fn quota(&self, host: &DomainRef) -> Result<Option<u32>, XmppError> {
        let outcome = self
            .execute(host_jid(host), domaine_node::GET_QUOTA, Vec::new())
            .await?;
        parse_quota(&outcome)
    }

    /// Sets the quota (`None`: unlimited). In-band registration is refused
    /// once the host has this many accounts (all accounts count, the
    /// portal's included); accounts the portal creates are not limited.
    pub async fn set_quota(&self, host: &DomainRef, quota: Option<u32>) -> Result<(), XmppError> {
        let value = quota.map_or_else(|| QUOTA_UNLIMITED.to_owned(), |n| n.to_string());
        self.execute(
            host_jid(host),
            domaine_node::SET_QUOTA,
            vec![("quota".to_owned(), vec![value])],
        )
        .await?;
        Ok(())
    }

    /// Accounts of `host` whose username contains `query` (any case; empty:
    /// all), sorted by username, skipping `offset` and returning at most
    /// `limit` (capped at [`MAX_PAGE_SIZE`]).
    pub async fn list_accounts(
        &self,
        host: &DomainRef,
        query: &str,
        offset: u32,
        limit: u32,
    ) -> Result<AccountPage, XmppError> {
        let filter = AccountFilter {
            query: query.to_owned(),
            ..AccountFilter::default()
        };
        self.list_accounts_by(host, &filter, offset, limit).await
    }

    /// A page of the accounts of `host` that `filter` selects. Costs Prosody a page, not the
    /// host's size (mod_domaine's in-memory index), except a substring search, which scans the
    /// usernames once per change of the host's accounts.
    pub async fn list_accounts_by(
        &self,
        host: &DomainRef,
        filter: &AccountFilter,
        offset: u32,
        limit: u32,
    ) -> Result<AccountPage, XmppError> {
        let mut fields = vec![
            field("query", &filter.query),
            field("offset", &offset.to_string()),
            field("limit", &limit.to_string()),
            field("order", filter.order.as_str()),
        ];
        if let Some(before) = filter.inactive_before {
            fields.push(field("inactive-before", &before.to_string()));
        }
        let outcome = self
            .execute(host_jid(host), domaine_node::LIST_ACCOUNTS, fields)
            .await?;
        parse_account_page(&outcome)
    }

    /// Number of accounts on `host`.
    pub async fn count_accounts(&self, host: &DomainRef) -> Result<u32, XmppError> {
        let outcome = self
            .execute(host_jid(host), domaine_node::COUNT_ACCOUNTS, Vec::new())
            .await?;
        parse_count(&outcome, "total")
    }

    /// The number of accounts of every host that loads mod_domaine, in one round trip (asked
    /// of the service account's own host). A host whose index is still being built after a
    /// start of Prosody is missing for those few seconds.
    pub async fn count_hosts(&self) -> Result<HashMap<String, u32>, XmppError> {
        let outcome = self
            .execute(
                host_jid(self.service_jid().domain()),
                domaine_node::COUNT_HOSTS,
                Vec::new(),
            )
            .await?;
        parse_host_counts(&outcome)
    }

    /// The accounts of every host that loads mod_domaine, and how many were active since
    /// `active_since` (unix seconds), in one round trip like [`Self::count_hosts`].
    pub async fn host_figures(
        &self,
        active_since: i64,
    ) -> Result<HashMap<String, HostFigures>, XmppError> {
        let outcome = self
            .execute(
                host_jid(self.service_jid().domain()),
                domaine_node::FIGURES_HOSTS,
                vec![field("active-since", &active_since.to_string())],
            )
            .await?;
        outcome
            .values("figures")
            .iter()
            .flat_map(|value| value.lines())
            .filter(|line| !line.trim().is_empty())
            .map(parse_figures_line)
            .collect()
    }

    /// Locks an account: its sessions end, its logins fail (SASL
    /// `account-disabled`), its data stays. Locking a locked account is a
    /// no-op; the portal's own account cannot be locked.
    pub async fn lock_account(&self, jid: &BareJid) -> Result<(), XmppError> {
        self.set_locked(jid, domaine_node::LOCK_ACCOUNT).await
    }

    /// Lets a locked account log in again (a no-op for an unlocked one).
    pub async fn unlock_account(&self, jid: &BareJid) -> Result<(), XmppError> {
        self.set_locked(jid, domaine_node::UNLOCK_ACCOUNT).await
    }

    async fn set_locked(&self, jid: &BareJid, node: &str) -> Result<(), XmppError> {
        if jid.node().is_none() {
            return Err(XmppError::InvalidJid(jid.to_string()));
        }
        self.execute(
            host_jid(jid.domain()),
            node,
            vec![field("accountjid", jid.as_str())],
        )
        .await?;
        Ok(())
    }
}

const QUOTA_UNLIMITED: &str = "unlimited";

pub(super) fn field(var: &str, value: &str) -> FormField {
    (var.to_owned(), vec![value.to_owned()])
}

pub(super) fn host_jid(host: &DomainRef) -> Jid {
    Jid::from(BareJid::from_parts(None, host))
}

pub(super) fn required<'a>(outcome: &'a CommandOutcome, var: &str) -> Result<&'a str, XmppError> {
    outcome
        .value(var)
        .ok_or_else(|| XmppError::Protocol(format!("reply without {var}")))
}

pub(super) fn parse_count(outcome: &CommandOutcome, var: &str) -> Result<u32, XmppError> {
    let value = required(outcome, var)?;
    value
        .parse()
        .map_err(|_| XmppError::Protocol(format!("invalid {var} {value:?}")))
}

fn parse_registration_mode(outcome: &CommandOutcome) -> Result<RegistrationMode, XmppError> {
    Ok(required(outcome, "mode")?.parse()?)
}

fn parse_quota(outcome: &CommandOutcome) -> Result<Option<u32>, XmppError> {
    match required(outcome, "quota")? {
        QUOTA_UNLIMITED => Ok(None),
        _ => parse_count(outcome, "quota").map(Some),
    }
}

fn parse_account_page(outcome: &CommandOutcome) -> Result<AccountPage, XmppError> {
    let total = parse_count(outcome, "total")?;
    let accounts = outcome
        .values("accounts")
        .iter()
        .flat_map(|value| value.lines())
        .filter(|line| !line.trim().is_empty())
        .map(parse_account_line)
        .collect::<Result<_, _>>()?;
    Ok(AccountPage { total, accounts })
}

/// `HOST \t COUNT` lines.
fn parse_host_counts(outcome: &CommandOutcome) -> Result<HashMap<String, u32>, XmppError> {
    outcome
        .values("counts")
        .iter()
        .flat_map(|value| value.lines())
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.split_once('\t')
                .and_then(|(host, count)| Some((host.to_owned(), count.parse().ok()?)))
                .ok_or_else(|| XmppError::Protocol(format!("invalid count line {line:?}")))
        })
        .collect()
}

/// `HOST \t ACCOUNTS \t ACTIVE`.
fn parse_figures_line(line: &str) -> Result<(String, HostFigures), XmppError> {
    let parse = || {
        let mut parts = line.split('\t');
        let (host, accounts, active) = (parts.next()?, parts.next()?, parts.next()?);
        if host.is_empty() || parts.next().is_some() {
            return None;
        }
        let figures = HostFigures {
            accounts: accounts.parse().ok()?,
            active: active.parse().ok()?,
        };
        Some((host.to_owned(), figures))
    };
    parse().ok_or_else(|| XmppError::Protocol(format!("invalid figures line {line:?}")))
}

/// `USERNAME \t LAST_ACTIVE \t LOCKED`: unix seconds or empty, `1` or `0`.
fn parse_account_line(line: &str) -> Result<AccountInfo, XmppError> {
    let invalid = || XmppError::Protocol(format!("invalid account line {line:?}"));
    let mut parts = line.split('\t');
    let (Some(username), Some(last_active), Some(locked), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    if username.is_empty() {
        return Err(invalid());
    }
    let last_active = match last_active {
        "" => None,
        seconds => Some(seconds.parse().map_err(|_| invalid())?),
    };
    let locked = match locked {
        "1" => true,
        "0" => false,
        _ => return Err(invalid()),
    };
    Ok(AccountInfo {
        username: username.to_owned(),
        last_active,
        locked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_lines_name_a_host_and_two_counts() {
        assert_eq!(
            parse_figures_line("café.example\t12\t3").unwrap(),
            (
                "café.example".to_owned(),
                HostFigures {
                    accounts: 12,
                    active: 3
                }
            )
        );
        for bad in [
            "a.example\t12",
            "a.example\t1\t2\t3",
            "\t1\t2",
            "a.example\tx\t2",
        ] {
            assert!(parse_figures_line(bad).is_err(), "{bad:?}");
        }
    }

    fn outcome(fields: &[(&str, &[&str])]) -> CommandOutcome {
        CommandOutcome::for_test(fields, &[])
    }

    #[test]
    fn registration_mode_reply() {
        assert_eq!(
            parse_registration_mode(&outcome(&[("mode", &["closed"])])),
            Ok(RegistrationMode::Closed)
        );
        assert!(matches!(
            parse_registration_mode(&outcome(&[("mode", &["half-open"])])),
            Err(XmppError::Protocol(_))
        ));
        assert!(matches!(
            parse_registration_mode(&outcome(&[])),
            Err(XmppError::Protocol(_))
        ));
    }

    #[test]
    fn quota_reply() {
        assert_eq!(parse_quota(&outcome(&[("quota", &["25"])])), Ok(Some(25)));
        assert_eq!(parse_quota(&outcome(&[("quota", &["0"])])), Ok(Some(0)));
        assert_eq!(
            parse_quota(&outcome(&[("quota", &["unlimited"])])),
            Ok(None)
        );
        for bad in ["-1", "many", "4294967296"] {
            assert!(
                matches!(
                    parse_quota(&outcome(&[("quota", &[bad])])),
                    Err(XmppError::Protocol(_))
                ),
                "{bad}"
            );
        }
        assert!(parse_quota(&outcome(&[])).is_err());
    }

    #[test]
    fn count_reply() {
        assert_eq!(
            parse_count(&outcome(&[("total", &["10001"])]), "total"),
            Ok(10001)
        );
        assert!(parse_count(&outcome(&[("total", &["x"])]), "total").is_err());
    }

    #[test]
    fn account_page() {
        // Prosody sends one <value/> per line of a text-multi field.
        let page = parse_account_page(&outcome(&[
            ("total", &["3"]),
            ("offset", &["0"]),
            ("limit", &["2"]),
            ("accounts", &["alice\t1700000000\t0", "bob\t\t1"]),
        ]))
        .unwrap();
        assert_eq!(
            page,
            AccountPage {
                total: 3,
                accounts: vec![
                    AccountInfo {
                        username: "alice".into(),
                        last_active: Some(1_700_000_000),
                        locked: false,
                    },
                    AccountInfo {
                        username: "bob".into(),
                        last_active: None,
                        locked: true,
                    },
                ],
            }
        );
        // Lines joined in one value are read the same way.
        let joined = parse_account_page(&outcome(&[
            ("total", &["3"]),
            ("accounts", &["alice\t1700000000\t0\nbob\t\t1"]),
        ]))
        .unwrap();
        assert_eq!(joined.accounts, page.accounts);
    }

    #[test]
    fn host_counts() {
        let counts =
            parse_host_counts(&outcome(&[("counts", &["a.example\t3", "b.example\t0"])])).unwrap();
        assert_eq!(counts.len(), 2);
        assert_eq!(counts["a.example"], 3);
        assert_eq!(counts["b.example"], 0);
        assert!(parse_host_counts(&outcome(&[("counts", &[])]))
            .unwrap()
            .is_empty());
        for bad in ["a.example", "a.example\tmany"] {
            assert!(parse_host_counts(&outcome(&[("counts", &[bad])])).is_err());
        }
    }

    #[test]
    fn empty_account_page() {
        // No accounts: Prosody sends the field without values.
        let page = parse_account_page(&outcome(&[("total", &["0"]), ("accounts", &[])])).unwrap();
        assert_eq!(page, AccountPage::default());
        let page = parse_account_page(&outcome(&[("total", &["7"])])).unwrap();
        assert_eq!(page.total, 7);
        assert!(page.accounts.is_empty());
        assert!(parse_account_page(&outcome(&[])).is_err());
    }

    #[test]
    fn malformed_account_lines() {
        for line in [
            "alice",
            "alice\t1",
            "alice\t1\t0\textra",
            "\t1\t0",
            "alice\tyesterday\t0",
            "alice\t1\tyes",
        ] {
            assert!(
                matches!(parse_account_line(line), Err(XmppError::Protocol(_))),
                "{line:?}"
            );
        }
        assert_eq!(
            parse_account_line("carol\t-5\t0").unwrap().last_active,
            Some(-5)
        );
    }
}
