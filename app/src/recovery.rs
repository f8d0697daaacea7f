//! "Forgot your password?": a user gives a recovery e-mail address on `/me`, confirmed by a link
//! e-mailed to it; from the login page they then ask for a reset link, sent to that address
//! only. Shared types and server functions.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How long the link confirming a recovery address works.
pub const CONFIRM_LINK_SECS: i64 = 24 * 3600;
/// How long a reset link sent to a recovery address works.
pub const RECOVERY_RESET_SECS: i64 = 3600;
/// The longest address accepted (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

/// The logged-in user's recovery address, as `/me` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryAddresses {
    /// The address reset links go to.
    pub confirmed: Option<String>,
    /// An address waiting for its confirmation link (not used until then).
    pub pending: Option<String>,
}

/// What the confirmation page shows before the address is confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRecovery {
    pub jid: String,
    pub email: String,
}

#[server(prefix = "/api", endpoint = "recovery_status")]
pub async fn recovery_status() -> Result<RecoveryAddresses, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.recovery_status(&ctx).await
}

/// Sets (or changes) the recovery address: a confirmation link is e-mailed to it; until it is
/// used, the address is not used (a confirmed one stays in use meanwhile).
#[server(prefix = "/api", endpoint = "set_recovery_email")]
pub async fn set_recovery_email(csrf: String, email: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal
        .set_recovery_email(&ctx, email.trim())
        .await
        .map_err(|e| e.keeping(&[("email", &email)]))?;
    leptos_axum::redirect("/me?done=recovery-sent");
    Ok(())
}

/// Removes the recovery address (and one waiting for confirmation).
#[server(prefix = "/api", endpoint = "remove_recovery_email")]
pub async fn remove_recovery_email(csrf: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.remove_recovery_email(&ctx).await?;
    leptos_axum::redirect("/me?done=recovery-removed");
    Ok(())
}

/// The address a confirmation link is for, or `RecoveryLinkNotFound`.
#[server(prefix = "/api", endpoint = "recovery_confirmation")]
pub async fn recovery_confirmation(token: String) -> Result<PendingRecovery, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.recovery_confirmation(&ctx, &token).await
}

/// Confirms the address behind the link (a button, so a mail scanner opening it does not).
#[server(prefix = "/api", endpoint = "confirm_recovery_email")]
pub async fn confirm_recovery_email(csrf: String, token: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.confirm_recovery_email(&ctx, &token).await?;
    leptos_axum::redirect("/recovery/confirmed");
    Ok(())
}

/// Asks for a reset link for `jid`. The answer is the same whether or not the account exists
/// or has a confirmed address; only too many requests are refused.
#[server(prefix = "/api", endpoint = "forgot_password")]
pub async fn forgot_password(csrf: String, jid: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal
        .forgot_password(&ctx, jid.trim())
        .await
        .map_err(|e| e.keeping(&[("jid", &jid)]))?;
    leptos_axum::redirect("/forgot?sent=1");
    Ok(())
}

/// The server's side of recovery addresses.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait RecoveryBackend {
    /// The logged-in XMPP user's.
    async fn recovery_status(&self, ctx: &RequestContext) -> Result<RecoveryAddresses, AppError>;

    async fn set_recovery_email(&self, ctx: &RequestContext, email: &str) -> Result<(), AppError>;

    async fn remove_recovery_email(&self, ctx: &RequestContext) -> Result<(), AppError>;

    async fn recovery_confirmation(
        &self,
        ctx: &RequestContext,
        token: &str,
    ) -> Result<PendingRecovery, AppError>;

    async fn confirm_recovery_email(
        &self,
        ctx: &RequestContext,
        token: &str,
    ) -> Result<(), AppError>;

    /// Anyone; rate-limited per account and per client address.
    async fn forgot_password(&self, ctx: &RequestContext, jid: &str) -> Result<(), AppError>;
}
