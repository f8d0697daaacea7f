//! What the server knows about the request that the page needs while rendering: the language, the
//! anti-forgery token and who is logged in. The server provides it as context and writes it into
//! the page; the browser reads it back before hydrating, so both sides render the same markup.

use crate::i18n::Locale;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Id of the `<script type="application/json">` element that carries the context to the browser.
pub const CONTEXT_ELEMENT_ID: &str = "domaine-context";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestContext {
    pub locale: Locale,
    pub csrf: String,
    pub user: Option<Principal>,
    pub provider_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    /// A local provider administrator account (created with `domaine create-admin`).
    ProviderAdmin { id: i64, username: String },
    /// Someone who logged in with their XMPP address and password: a provider admin when the
    /// configuration lists the address, the owner of the domains they own, and always a user
    /// of their own account.
    Xmpp {
        jid: String,
        provider_admin: bool,
        owned_domains: Vec<String>,
    },
}

impl Principal {
    pub fn display_name(&self) -> &str {
        match self {
            Principal::ProviderAdmin { username, .. } => username,
            Principal::Xmpp { jid, .. } => jid,
        }
    }

    pub fn is_provider_admin(&self) -> bool {
        match self {
            Principal::ProviderAdmin { .. } => true,
            Principal::Xmpp { provider_admin, .. } => *provider_admin,
        }
    }

    /// Whether this person may run `domain`: its owners and the provider's admins.
    pub fn may_manage(&self, domain: &str) -> bool {
        match self {
            Principal::ProviderAdmin { .. } => true,
            Principal::Xmpp {
                provider_admin,
                owned_domains,
                ..
            } => *provider_admin || owned_domains.iter().any(|d| d == domain),
        }
    }

    /// The XMPP account of this person, if they logged in with one.
    pub fn jid(&self) -> Option<&str> {
        match self {
            Principal::ProviderAdmin { .. } => None,
            Principal::Xmpp { jid, .. } => Some(jid),
        }
    }
}

impl RequestContext {
    /// JSON that is safe inside a `<script>` element.
    pub fn to_script_json(&self) -> String {
        serde_json_escape(&serde_json::to_string(self).expect("context serialises"))
    }
}

fn serde_json_escape(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The request's context, which the server and the hydration entry provide at the root.
pub fn use_request_context() -> RequestContext {
    expect_context::<RequestContext>()
}
