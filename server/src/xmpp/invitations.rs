//! Typed calls to mod_domaine's invitation commands
//! (`server/prosody/mod_domaine.lua`): invitations are real mod_invites
//! tokens, which XMPP apps redeem in-band (XEP-0401 preauth, then XEP-0077)
//! and the portal redeems with [`AdminClient::redeem_invitation`]; both go
//! through the same registration gate (registration mode, quota, the
//! invitation's limits), checked when the account is created.

use xmpp_parsers::jid::{BareJid, DomainRef};

use super::adhoc::CommandOutcome;
use super::client::AdminClient;
use super::domaine_module::{field, host_jid, required};
use super::error::XmppError;

/// Invitation command nodes of mod_domaine (FORM_TYPE = the node).
pub mod invitation_node {
    /// Fields `username` (optional), `max-uses`, `expires` (unix time),
    /// `contact` (optional); result fields `token`, `uri`, `expires`.
    pub const CREATE: &str = "urn:domaine:invitations#create";
    /// Field `token`.
    pub const REVOKE: &str = "urn:domaine:invitations#revoke";
    /// Result field `invites` (text-multi, one line per invitation:
    /// token, uses, state, usernames, tab-separated).
    pub const USAGE: &str = "urn:domaine:invitations#usage";
    /// Field `token`; result as [`USAGE`], that invitation's line only (none if unknown).
    pub const STATUS: &str = "urn:domaine:invitations#status";
    /// Fields `token`, `username`, `password`; result field `accountjid`.
    pub const REDEEM: &str = "urn:domaine:invitations#redeem";
    /// Field `accountjid`; result field `exists` (boolean).
    pub const ACCOUNT_EXISTS: &str = "urn:domaine:accounts#exists";
}

/// What an invitation allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationSpec {
    /// The only username it may register (then `max_uses` must be 1).
    pub username: Option<String>,
    /// How many accounts it may create, at least 1.
    pub max_uses: u32,
    /// Unix time after which it is refused; a time in the past makes an
    /// invitation that is already expired.
    pub expires_at: i64,
    /// An existing account on a host of this server that every account
    /// created with the invitation becomes a mutual contact of.
    pub contact: Option<BareJid>,
}

/// An invitation the server created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInvitation {
    /// The preauth token (XEP-0401).
    pub token: String,
    /// `xmpp:HOST?register;preauth=TOKEN` (`xmpp:USER@HOST?…` for a fixed
    /// username), for XMPP apps.
    pub uri: String,
    pub expires_at: i64,
}

app::text_enum! {
    /// Where an invitation stands, under mod_domaine's names.
    pub enum InvitationState("invitation state") {
        Valid = "valid",
        UsedUp = "used-up",
        Expired = "expired",
        Revoked = "revoked",
    }
}

/// How an invitation created on a host has been used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationUsage {
    pub token: String,
    /// Accounts created with it.
    pub uses: u32,
    pub state: InvitationState,
    /// Usernames (local parts) of the accounts created with it, oldest
    /// first; accounts deleted since are still listed.
    pub accounts: Vec<String>,
}

impl AdminClient {
    /// Creates an invitation to register on `host`. Refused with
    /// [`XmppError::InvalidData`] for `max_uses` 0 or a fixed username with
    /// `max_uses` > 1, [`XmppError::InvalidUsername`],
    /// [`XmppError::AlreadyExists`] for a fixed username that is taken, and
    /// [`XmppError::ContactNotFound`].
    pub async fn create_invitation(
        &self,
        host: &DomainRef,
        spec: &InvitationSpec,
    ) -> Result<ServerInvitation, XmppError> {
        if spec.max_uses == 0 {
            return Err(XmppError::InvalidData("max-uses must be at least 1".into()));
        }
        if spec.username.is_some() && spec.max_uses > 1 {
            return Err(XmppError::InvalidData(
                "an invitation for a fixed username can be used only once".into(),
            ));
        }
        let mut fields = vec![
            field("max-uses", &spec.max_uses.to_string()),
            field("expires", &spec.expires_at.to_string()),
        ];
        if let Some(username) = &spec.username {
            if username.is_empty() {
                return Err(XmppError::InvalidUsername(String::new()));
            }
            fields.push(field("username", username));
        }
        if let Some(contact) = &spec.contact {
            if contact.node().is_none() {
                return Err(XmppError::InvalidJid(contact.to_string()));
            }
            fields.push(field("contact", contact.as_str()));
        }
        let outcome = self
            .execute(host_jid(host), invitation_node::CREATE, fields)
            .await?;
        parse_created(&outcome)
    }

    /// Makes the token unusable at once, in-band (even for a client that
    /// presented it before) and through [`AdminClient::redeem_invitation`].
    /// Revoking an unknown or already revoked token succeeds.
    pub async fn revoke_invitation(&self, host: &DomainRef, token: &str) -> Result<(), XmppError> {
        if token.is_empty() {
            return Err(XmppError::MissingField("token".into()));
        }
        self.execute(
            host_jid(host),
            invitation_node::REVOKE,
            vec![field("token", token)],
        )
        .await?;
        Ok(())
    }

    /// Every invitation created on `host` with [`AdminClient::create_invitation`],
    /// oldest first, including used-up, expired and revoked ones.
    pub async fn invitation_usage(
        &self,
        host: &DomainRef,
    ) -> Result<Vec<InvitationUsage>, XmppError> {
        let outcome = self
            .execute(host_jid(host), invitation_node::USAGE, Vec::new())
            .await?;
        parse_usage(&outcome)
    }

    /// The line of [`Self::invitation_usage`] for `token` alone (one storage read on Prosody,
    /// whatever the number of invitations); `None` for a token it does not know.
    pub async fn invitation_status(
        &self,
        host: &DomainRef,
        token: &str,
    ) -> Result<Option<InvitationUsage>, XmppError> {
        let outcome = self
            .execute(
                host_jid(host),
                invitation_node::STATUS,
                vec![field("token", token)],
            )
            .await?;
        Ok(parse_usage(&outcome)?
            .into_iter()
            .find(|usage| usage.token == token))
    }

    /// Creates the account `username@host` and uses the invitation up in one
    /// step, as an in-band registration with the token would: the host's
    /// registration mode and quota apply. Refused with
    /// [`XmppError::InvitationInvalid`] (whatever is wrong with the token),
    /// [`XmppError::UsernameNotInvited`], [`XmppError::AlreadyExists`],
    /// [`XmppError::InvalidUsername`], [`XmppError::RegistrationClosed`],
    /// [`XmppError::QuotaReached`]. Returns the new account (username
    /// nodeprepped: lowercase).
    pub async fn redeem_invitation(
        &self,
        host: &DomainRef,
        token: &str,
        username: &str,
        password: &str,
    ) -> Result<BareJid, XmppError> {
        if token.is_empty() {
            return Err(XmppError::InvitationInvalid);
        }
        if username.is_empty() {
            return Err(XmppError::InvalidUsername(String::new()));
        }
        if password.is_empty() {
            return Err(XmppError::PasswordRejected("empty password".into()));
        }
        let fields = vec![
            field("token", token),
            field("username", username),
            field("password", password),
        ];
        let outcome = self
            .execute(host_jid(host), invitation_node::REDEEM, fields)
            .await?;
        parse_redeemed(&outcome)
    }

    /// Whether the account exists (for a username availability check).
    pub async fn account_exists(&self, jid: &BareJid) -> Result<bool, XmppError> {
        if jid.node().is_none() {
            return Err(XmppError::InvalidJid(jid.to_string()));
        }
        let outcome = self
            .execute(
                host_jid(jid.domain()),
                invitation_node::ACCOUNT_EXISTS,
                vec![field("accountjid", jid.as_str())],
            )
            .await?;
        parse_exists(&outcome)
    }
}

fn parse_created(outcome: &CommandOutcome) -> Result<ServerInvitation, XmppError> {
    let token = required(outcome, "token")?;
    let uri = required(outcome, "uri")?;
    let expires = required(outcome, "expires")?;
    let expires_at = expires
        .parse()
        .map_err(|_| XmppError::Protocol(format!("invalid expires {expires:?}")))?;
    Ok(ServerInvitation {
        token: token.to_owned(),
        uri: uri.to_owned(),
        expires_at,
    })
}

fn parse_usage(outcome: &CommandOutcome) -> Result<Vec<InvitationUsage>, XmppError> {
    // Prosody sends one <value/> per line, and none when there is no line.
    outcome
        .values("invites")
        .iter()
        .flat_map(|value| value.lines())
        .filter(|line| !line.trim().is_empty())
        .map(parse_usage_line)
        .collect()
}

/// `TOKEN \t USES \t STATE \t USERNAME,USERNAME…` (the last part may be
/// empty).
fn parse_usage_line(line: &str) -> Result<InvitationUsage, XmppError> {
    let invalid = || XmppError::Protocol(format!("invalid invitation line {line:?}"));
    let mut parts = line.split('\t');
    let (Some(token), Some(uses), Some(state), Some(accounts), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid());
    };
    if token.is_empty() {
        return Err(invalid());
    }
    Ok(InvitationUsage {
        token: token.to_owned(),
        uses: uses.parse().map_err(|_| invalid())?,
        state: state.parse()?,
        accounts: accounts
            .split(',')
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

fn parse_redeemed(outcome: &CommandOutcome) -> Result<BareJid, XmppError> {
    let jid = required(outcome, "accountjid")?;
    BareJid::new(jid).map_err(|_| XmppError::Protocol(format!("invalid accountjid {jid:?}")))
}

fn parse_exists(outcome: &CommandOutcome) -> Result<bool, XmppError> {
    match required(outcome, "exists")? {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        other => Err(XmppError::Protocol(format!("invalid exists {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(fields: &[(&str, &[&str])]) -> CommandOutcome {
        CommandOutcome::for_test(fields, &[])
    }

    #[test]
    fn states_round_trip() {
        for state in InvitationState::ALL {
            assert_eq!(state.as_str().parse::<InvitationState>(), Ok(state));
            assert_eq!(state.to_string(), state.as_str());
        }
        assert!("Valid".parse::<InvitationState>().is_err());
    }

    #[test]
    fn created_reply() {
        let created = parse_created(&outcome(&[
            ("token", &["AbC-_12"]),
            ("uri", &["xmpp:example.test?register;preauth=AbC-_12"]),
            ("expires", &["1700000000"]),
        ]))
        .unwrap();
        assert_eq!(
            created,
            ServerInvitation {
                token: "AbC-_12".into(),
                uri: "xmpp:example.test?register;preauth=AbC-_12".into(),
                expires_at: 1_700_000_000,
            }
        );
        // An already expired invitation may have any time, even before 1970.
        let past = parse_created(&outcome(&[
            ("token", &["t"]),
            ("uri", &["u"]),
            ("expires", &["-5"]),
        ]))
        .unwrap();
        assert_eq!(past.expires_at, -5);
        for broken in [
            outcome(&[("uri", &["u"]), ("expires", &["1"])]),
            outcome(&[("token", &["t"]), ("expires", &["1"])]),
            outcome(&[("token", &["t"]), ("uri", &["u"])]),
            outcome(&[("token", &["t"]), ("uri", &["u"]), ("expires", &["soon"])]),
        ] {
            assert!(matches!(
                parse_created(&broken),
                Err(XmppError::Protocol(_))
            ));
        }
    }

    #[test]
    fn usage_reply() {
        let usage = parse_usage(&outcome(&[(
            "invites",
            &[
                "tok1\t1\tused-up\talice",
                "tok2\t0\tvalid\t",
                "tok3\t2\trevoked\tbob,carol",
                "tok4\t0\texpired\t",
            ],
        )]))
        .unwrap();
        assert_eq!(
            usage,
            vec![
                InvitationUsage {
                    token: "tok1".into(),
                    uses: 1,
                    state: InvitationState::UsedUp,
                    accounts: vec!["alice".into()],
                },
                InvitationUsage {
                    token: "tok2".into(),
                    uses: 0,
                    state: InvitationState::Valid,
                    accounts: vec![],
                },
                InvitationUsage {
                    token: "tok3".into(),
                    uses: 2,
                    state: InvitationState::Revoked,
                    accounts: vec!["bob".into(), "carol".into()],
                },
                InvitationUsage {
                    token: "tok4".into(),
                    uses: 0,
                    state: InvitationState::Expired,
                    accounts: vec![],
                },
            ]
        );
        // Lines joined in one value read the same.
        let joined = parse_usage(&outcome(&[(
            "invites",
            &["tok1\t1\tused-up\talice\ntok2\t0\tvalid\t\ntok3\t2\trevoked\tbob,carol\ntok4\t0\texpired\t"],
        )]))
        .unwrap();
        assert_eq!(joined, usage);
    }

    #[test]
    fn empty_usage() {
        assert_eq!(parse_usage(&outcome(&[("invites", &[])])), Ok(vec![]));
        assert_eq!(parse_usage(&outcome(&[])), Ok(vec![]));
    }

    #[test]
    fn malformed_usage_lines() {
        for line in [
            "tok",
            "tok\t1\tvalid",
            "tok\t1\tvalid\ta\textra",
            "\t1\tvalid\t",
            "tok\tone\tvalid\t",
            "tok\t-1\tvalid\t",
            "tok\t1\tfresh\t",
        ] {
            assert!(
                matches!(parse_usage_line(line), Err(XmppError::Protocol(_))),
                "{line:?}"
            );
        }
    }

    #[test]
    fn redeemed_reply() {
        assert_eq!(
            parse_redeemed(&outcome(&[("accountjid", &["alice@example.test"])])),
            Ok(BareJid::new("alice@example.test").unwrap())
        );
        assert!(matches!(
            parse_redeemed(&outcome(&[])),
            Err(XmppError::Protocol(_))
        ));
        assert!(matches!(
            parse_redeemed(&outcome(&[("accountjid", &["a@b@c/"])])),
            Err(XmppError::Protocol(_))
        ));
    }

    #[test]
    fn exists_reply() {
        for (value, expected) in [("1", true), ("true", true), ("0", false), ("false", false)] {
            assert_eq!(
                parse_exists(&outcome(&[("exists", &[value])])),
                Ok(expected)
            );
        }
        assert!(parse_exists(&outcome(&[("exists", &["yes"])])).is_err());
        assert!(parse_exists(&outcome(&[])).is_err());
    }
}
