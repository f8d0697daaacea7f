//! The provider admins' console: every hosted domain with its owners, accounts, registration
//! mode and status; suspending and resuming a domain; the provider admins themselves. Shared
//! types and server functions (provider admins only).

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::{domains::RegistrationMode, error::AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    pub enum DomainStatus("domain status"), label "admin-domain-" {
        Active = "active",
        /// Its XMPP host is down: logins refused, data kept.
        Suspended = "suspended",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderDomainRow {
    pub name: String,
    pub owners: Vec<String>,
    /// `None` when the XMPP server could not be asked.
    pub accounts: Option<u32>,
    pub quota: Option<u32>,
    pub mode: RegistrationMode,
    pub status: DomainStatus,
    /// Some change to this domain still waits for the XMPP server.
    pub pending: bool,
    /// The worst line of its health page; `None` before its first check.
    pub health: Option<crate::health::CheckStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalAdmin {
    pub id: i64,
    pub username: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminsView {
    /// XMPP addresses listed in the configuration (`provider_admins`); changed there only.
    pub configured: Vec<String>,
    /// Accounts of the portal's own (name and password).
    pub local: Vec<LocalAdmin>,
}

#[server(prefix = "/api", endpoint = "provider_domains")]
pub async fn provider_domains() -> Result<Vec<ProviderDomainRow>, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.provider_domains(&ctx).await
}

/// Suspends (`suspend` = "1") or resumes a domain: saved at once, applied on the XMPP server
/// now or when it is reachable.
#[server(prefix = "/api", endpoint = "set_domain_suspended")]
pub async fn set_domain_suspended(
    csrf: String,
    domain: String,
    suspend: String,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let suspend = match suspend.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(crate::error::ErrorKind::InvalidChoice { field: None }.into()),
    };
    portal.set_suspended(&ctx, &domain, suspend).await?;
    leptos_axum::redirect("/admin");
    Ok(())
}

#[server(prefix = "/api", endpoint = "provider_admins")]
pub async fn provider_admins() -> Result<AdminsView, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.admins(&ctx).await
}

#[server(prefix = "/api", endpoint = "add_local_admin")]
pub async fn add_local_admin(
    csrf: String,
    username: String,
    password: String,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal
        .add_local_admin(&ctx, username.trim(), &password)
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    leptos_axum::redirect("/admin");
    Ok(())
}

#[server(prefix = "/api", endpoint = "remove_local_admin")]
pub async fn remove_local_admin(csrf: String, id: i64) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.remove_local_admin(&ctx, id).await?;
    leptos_axum::redirect("/admin");
    Ok(())
}

/// The server's side of the provider console; every method checks for a provider admin and
/// logs changes in the audit log.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ProviderBackend {
    async fn provider_domains(
        &self,
        ctx: &RequestContext,
    ) -> Result<Vec<ProviderDomainRow>, AppError>;

    async fn set_suspended(
        &self,
        ctx: &RequestContext,
        domain: &str,
        suspended: bool,
    ) -> Result<(), AppError>;

    async fn admins(&self, ctx: &RequestContext) -> Result<AdminsView, AppError>;

    async fn add_local_admin(
        &self,
        ctx: &RequestContext,
        username: &str,
        password: &str,
    ) -> Result<(), AppError>;

    async fn remove_local_admin(&self, ctx: &RequestContext, id: i64) -> Result<(), AppError>;
}
