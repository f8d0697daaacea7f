//! Redeeming an invitation on the web: what a newcomer sees on the landing page, the username
//! check and the registration form that creates the account with the invitation. Shared types and
//! server functions; the server's side is `server/src/portal/invitations/redeem.rs`, and Prosody
//! (`mod_domaine`) counts the use.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::{error::AppError, xmpp_apps::Platform};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the landing page of an invitation shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Landing {
    pub token: String,
    pub domain: String,
    /// Who made the invitation (an address, or the provider admin's name).
    pub inviter: String,
    pub provider: String,
    pub expires_at: i64,
    /// The `xmpp:` preauth URI for "Open in my app".
    pub uri: String,
    /// This page's own address, for the QR code.
    pub link: String,
    pub username: Option<String>,
    /// The platform the browser runs on, if recognised.
    pub platform: Option<Platform>,
    /// The shortest password the web form accepts.
    pub min_password_length: usize,
}

/// The answer of the username check on the web registration form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UsernameCheck {
    Available {
        jid: String,
    },
    Taken,
    Invalid,
    /// The XMPP server could not be asked; the form will tell on submission.
    Unknown,
}

/// The landing page's content, or `InvitationNotFound` for any token that cannot be used, whatever
/// the reason.
#[server(prefix = "/api", endpoint = "invite_landing")]
pub async fn invitation_landing(token: String) -> Result<Landing, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    let mut landing = portal.landing(&ctx, &token).await?;
    landing.platform = crate::xmpp_apps::request_platform();
    Ok(landing)
}

/// Whether `username` can still be registered with this invitation.
#[server(prefix = "/api", endpoint = "check_invite_username")]
pub async fn check_invitation_username(
    token: String,
    username: String,
) -> Result<UsernameCheck, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.check_username(&ctx, &token, username.trim()).await
}

/// Creates the account and uses the invitation in one step; then shows the welcome page.
#[server(prefix = "/api", endpoint = "register_with_invite")]
pub async fn redeem_invitation(
    csrf: String,
    token: String,
    username: String,
    password: String,
    confirm: String,
) -> Result<String, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .redeem(&ctx, &token, username.trim(), &password, &confirm)
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("jid", &jid)
        .finish();
    leptos_axum::redirect(&format!("/welcome?{query}"));
    Ok(jid)
}

/// The server's side of redemption. These need only the token, no login: whoever holds the link
/// may use it.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait RedemptionBackend {
    /// The landing page of a usable invitation (`platform` left for the caller to fill), after
    /// recording the uses Prosody reports, so a token used up in an app shows as such.
    async fn landing(&self, ctx: &RequestContext, token: &str) -> Result<Landing, AppError>;

    async fn check_username(
        &self,
        ctx: &RequestContext,
        token: &str,
        username: &str,
    ) -> Result<UsernameCheck, AppError>;

    /// Creates the account with the invitation; returns its address.
    async fn redeem(
        &self,
        ctx: &RequestContext,
        token: &str,
        username: &str,
        password: &str,
        confirm: &str,
    ) -> Result<String, AppError>;
}
