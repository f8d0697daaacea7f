//! Password reset links: an owner makes one for an account of their domain (valid 24 hours,
//! single use); the user opens it and sets a new password. Shared types and server functions.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How long a reset link works.
pub const RESET_LINK_SECS: i64 = 24 * 3600;

/// A reset link that has not been used yet, as the accounts console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetLink {
    pub jid: String,
    /// The address to send, only right after it was made: the portal keeps its hash, so it is
    /// shown once.
    pub link: Option<String>,
    pub expires_at: i64,
}

/// What the reset page shows before the new password is set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetInfo {
    pub jid: String,
    pub expires_at: i64,
    pub min_password_length: usize,
}

/// Makes a reset link for `username`, shown once (the result, or without JavaScript the console
/// that follows); the console then lists it, without its address, until it is used or expires.
#[server(prefix = "/api", endpoint = "create_reset_link")]
pub async fn create_reset_link(
    csrf: String,
    domain: String,
    username: String,
    view: Option<String>,
) -> Result<ResetLink, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let link = portal
        .create_reset_link(&ctx, &domain, &username)
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    crate::accounts::back_to(&domain, &view, crate::accounts::Done::ResetLink, &link.jid);
    Ok(link)
}

/// The account a reset link is for, or `ResetLinkNotFound` when the link cannot be used.
#[server(prefix = "/api", endpoint = "reset_page")]
pub async fn reset_page(token: String) -> Result<ResetInfo, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.reset_page(&ctx, &token).await
}

/// Sets the new password: the old one stops working and the account's sessions end.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    csrf: String,
    token: String,
    password: String,
    confirm: String,
) -> Result<String, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .reset_password(&ctx, &token, &password, &confirm)
        .await?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("jid", &jid)
        .append_pair("reset", "1")
        .finish();
    leptos_axum::redirect(&format!("/welcome?{query}"));
    Ok(jid)
}

/// The server's side of reset links.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait PasswordResetsBackend {
    /// Owners of the domain and provider admins only; logged in the audit log.
    async fn create_reset_link(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
    ) -> Result<ResetLink, AppError>;

    /// The domain's reset links that still work, for its console.
    async fn reset_links(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<Vec<ResetLink>, AppError>;

    async fn reset_page(&self, ctx: &RequestContext, token: &str) -> Result<ResetInfo, AppError>;

    /// Returns the account's address.
    async fn reset_password(
        &self,
        ctx: &RequestContext,
        token: &str,
        password: &str,
        confirm: &str,
    ) -> Result<String, AppError>;
}
