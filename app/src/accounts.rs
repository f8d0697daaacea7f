//! XMPP accounts on hosted domains: server functions.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;

/// Creates an account and sends the browser back to the page it came from with `created=JID`,
/// so the confirmation shows with or without JavaScript.
#[server(prefix = "/api", endpoint = "create_account")]
pub async fn create_account(
    csrf: String,
    domain: String,
    username: String,
    password: String,
) -> Result<String, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .create_account(&ctx, &domain, &username, &password)
        .await
        .map_err(|e| e.keeping(&[("domain", &domain), ("username", &username)]))?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("domain", &domain)
        .append_pair("created", &jid)
        .finish();
    leptos_axum::redirect(&format!("/admin?{query}"));
    Ok(jid)
}

/// The server's side of the account server functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AccountsBackend {
    /// Creates `username@domain` on the XMPP server; returns the new address.
    async fn create_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: &str,
    ) -> Result<String, AppError>;
}
