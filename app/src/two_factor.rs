//! Two-factor login: a user turns it on from `/me` (a QR code for their authenticator app, the
//! secret as text, a first code to confirm, then recovery codes shown once) and off again with
//! a current code or their password. Shared types and server functions; the login's second
//! step is the server's `/auth/login/code` form handler.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the "two-factor login" part of `/me` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorOverview {
    pub state: TwoFactorState,
    /// The provider requires it of this person (`[two_factor]`): nothing else opens until then.
    pub required: bool,
    /// Recovery codes just made, shown this once (without JavaScript they come to the page
    /// that follows the confirmation).
    pub recovery_codes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoFactorState {
    Off,
    /// Enrolment started: scan this, then confirm with a first code.
    Pending(TwoFactorSetup),
    On {
        recovery_left: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// The secret in base32, for apps that cannot scan.
    pub secret: String,
    /// The `otpauth://` URI as a QR code, an SVG document.
    pub qr_svg: String,
}

#[server(prefix = "/api", endpoint = "two_factor_status")]
pub async fn two_factor_status() -> Result<TwoFactorOverview, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.two_factor_status(&ctx).await
}

/// Starts an enrolment: a fresh secret, shown by the page that follows.
#[server(prefix = "/api", endpoint = "start_two_factor")]
pub async fn start_two_factor(csrf: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.start_two_factor(&ctx).await?;
    leptos_axum::redirect("/me?done=two-factor-started#two-factor");
    Ok(())
}

/// Turns two-factor login on with the app's first code; returns the recovery codes.
#[server(prefix = "/api", endpoint = "confirm_two_factor")]
pub async fn confirm_two_factor(csrf: String, code: String) -> Result<Vec<String>, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let codes = portal.confirm_two_factor(&ctx, &code).await?;
    leptos_axum::redirect("/me?done=two-factor-on#two-factor");
    Ok(codes)
}

/// Turns two-factor login off, given a current code (or a recovery code) or the password.
#[server(prefix = "/api", endpoint = "remove_two_factor")]
pub async fn remove_two_factor(
    csrf: String,
    code: Option<String>,
    current_password: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal
        .remove_two_factor(
            &ctx,
            code.as_deref().unwrap_or_default(),
            current_password.as_deref().unwrap_or_default(),
        )
        .await?;
    leptos_axum::redirect("/me?done=two-factor-off#two-factor");
    Ok(())
}

/// The server's side of the two-factor server functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait TwoFactorBackend {
    async fn two_factor_status(&self, ctx: &RequestContext) -> Result<TwoFactorOverview, AppError>;

    async fn start_two_factor(&self, ctx: &RequestContext) -> Result<(), AppError>;

    async fn confirm_two_factor(
        &self,
        ctx: &RequestContext,
        code: &str,
    ) -> Result<Vec<String>, AppError>;

    async fn remove_two_factor(
        &self,
        ctx: &RequestContext,
        code: &str,
        password: &str,
    ) -> Result<(), AppError>;
}
