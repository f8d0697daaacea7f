//! A user's own account: server functions for the "my account" page.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;

/// Changes the logged-in user's password; the current one is required.
#[server(prefix = "/api", endpoint = "change_own_password")]
pub async fn change_own_password(
    csrf: String,
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal
        .change_own_password(&ctx, &current_password, &new_password)
        .await?;
    leptos_axum::redirect("/me?done=password");
    Ok(())
}

/// Ends every XMPP session of the logged-in user (the portal's own session stays).
#[server(prefix = "/api", endpoint = "end_own_sessions")]
pub async fn end_own_sessions(csrf: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.end_own_sessions(&ctx).await?;
    leptos_axum::redirect("/me?done=sessions");
    Ok(())
}

/// Deletes the logged-in user's account, after they typed its address to confirm.
#[server(prefix = "/api", endpoint = "delete_own_account")]
pub async fn delete_own_account(csrf: String, confirm: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.delete_own_account(&ctx, &confirm).await?;
    leptos_axum::redirect("/?deleted=1");
    Ok(())
}

/// The server's side of the own-account server functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait OwnAccountBackend {
    async fn change_own_password(
        &self,
        ctx: &RequestContext,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), AppError>;

    async fn end_own_sessions(&self, ctx: &RequestContext) -> Result<(), AppError>;

    async fn delete_own_account(&self, ctx: &RequestContext, confirm: &str)
        -> Result<(), AppError>;
}
