//! Service discovery (XEP-0030) of a virtual host: whether Prosody serves it.

use tokio::time::Instant;
use xmpp_parsers::disco::{DiscoInfoQuery, DiscoInfoResult};
use xmpp_parsers::jid::{BareJid, DomainRef, Jid};

use super::adhoc::IqReply;
use super::client::AdminClient;
use super::error::{classify_stanza_error, XmppError};

impl AdminClient {
    /// The disco#info of `host` itself: its identities and features. A host Prosody does not
    /// serve answers with an error.
    pub async fn disco_info(&self, host: &DomainRef) -> Result<DiscoInfoResult, XmppError> {
        let deadline = Instant::now() + self.request_timeout();
        let to = Jid::from(BareJid::from_parts(None, host));
        let reply = self
            .iq_get(to, DiscoInfoQuery { node: None }.into(), deadline)
            .await?;
        match reply {
            IqReply::Result(Some(payload)) => DiscoInfoResult::try_from(payload)
                .map_err(|e| XmppError::Protocol(format!("invalid disco#info: {e}"))),
            IqReply::Result(None) => Err(XmppError::Protocol("empty disco#info".into())),
            IqReply::Error(error) => Err(classify_stanza_error(&error)),
        }
    }
}
