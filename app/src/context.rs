//! What the server knows about the request that the page needs while rendering: the language, the
//! time zone, the anti-forgery token and who is logged in. The server provides it as context and writes it into
//! the page; the browser reads it back before hydrating, so both sides render the same markup.

use crate::{format::Zone, i18n::Locale};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Id of the `<script type="application/json">` element that carries the context to the browser.
pub const CONTEXT_ELEMENT_ID: &str = "domaine-context";

/// The cookie each page's script sets to the browser's time zone (its IANA name); the server
/// shows dates in it from the next request on.
pub const ZONE_COOKIE: &str = "domaine_tz";

/// The script that sets [`ZONE_COOKIE`] unless the page already used the browser's zone
/// (inline, with the page's CSP nonce; no JavaScript, no cookie: the provider's zone). IANA
/// names need no escaping in a cookie; the server checks the name.
pub fn zone_script(zone: &Zone) -> String {
    let current = match zone.readers_own {
        true => serde_json::to_string(&zone.name).expect("a string serialises"),
        false => "null".into(),
    };
    format!(
        "try{{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;\
         if(z&&z!=={current})document.cookie=\"{ZONE_COOKIE}=\"+z+\
         \";path=/;max-age=31536000;samesite=lax\"}}catch(e){{}}"
    )
    .replace('<', "\\u003c")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestContext {
    pub locale: Locale,
    /// The reader's time zone (their browser's, else the provider's), with its offsets.
    pub zone: Zone,
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
