//! Announcements: a chat message from a host itself to its accounts, through mod_domaine's
//! `urn:domaine:announcements#send` (`server/prosody/mod_domaine.lua`), a batch of accounts
//! at a time after a username cursor, so that the portal can pace it and resume it.

use xmpp_parsers::jid::DomainRef;

use super::client::AdminClient;
use super::domaine_module::{field, host_jid, parse_count};
use super::error::XmppError;

/// Command nodes of mod_domaine about announcements (FORM_TYPE = the node).
pub mod announcement_node {
    /// Fields `body` (text-multi), `after` (a username, empty: from the first) and `limit`;
    /// result fields `sent`, `last` and `remaining`.
    pub const SEND: &str = "urn:domaine:announcements#send";
}

/// What one batch of an announcement did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementBatch {
    /// Accounts the message went to in this batch.
    pub sent: u32,
    /// The last username it went to (the cursor of the next batch); `None` when none.
    pub last: Option<String>,
    /// Accounts after `last` (after the cursor given, when none was sent).
    pub remaining: u32,
}

impl AdminClient {
    /// Sends `body` as a chat message from `host` to the next `limit` accounts (capped at 200)
    /// after the username `after` (`""`: from the first), in username order: online resources
    /// get it at once, Prosody keeps it for offline accounts. Fails with
    /// [`XmppError::StorageFailure`] while Prosody's account index is being built (the first
    /// seconds after it starts): try again.
    pub async fn announce(
        &self,
        host: &DomainRef,
        body: &str,
        after: &str,
        limit: u32,
    ) -> Result<AnnouncementBatch, XmppError> {
        let outcome = self
            .execute(
                host_jid(host),
                announcement_node::SEND,
                vec![
                    (
                        "body".to_owned(),
                        body.split('\n').map(str::to_owned).collect(),
                    ),
                    field("after", after),
                    field("limit", &limit.to_string()),
                ],
            )
            .await?;
        Ok(AnnouncementBatch {
            sent: parse_count(&outcome, "sent")?,
            last: outcome.value("last").map(str::to_owned),
            remaining: parse_count(&outcome, "remaining")?,
        })
    }
}
