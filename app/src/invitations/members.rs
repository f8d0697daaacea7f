//! Members inviting people: the owner's per-domain policy, and "Invite someone" on a member's
//! own page. The invitations are the owner's kind (single use, one week), made through the same
//! machinery; the owner's list shows who made each.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::{error::AppError, invitations::InvitationRow};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the owner allows the members of a domain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPolicy {
    /// Invitations a member may make in 30 days; 0: members cannot invite.
    pub per_member: u32,
    /// Every member invitation makes the inviter the new user's contact.
    pub contact_only: bool,
}

/// The most invitations per member an owner may allow in 30 days.
pub const MAX_PER_MEMBER: u32 = 100;

/// What the logged-in member's page shows of their invitations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnInvitations {
    pub policy: MemberPolicy,
    /// Invitations made in the last 30 days.
    pub used: u32,
    /// The account was created from an invitation recently: it may invite from then on.
    pub wait_until: Option<i64>,
    /// Newest first.
    pub invitations: Vec<InvitationRow>,
}

/// Sets the policy: `per_member` empty or 0 stops members from inviting.
#[server(prefix = "/api", endpoint = "set_member_invites")]
pub async fn set_member_invitations(
    csrf: String,
    domain: String,
    per_member: String,
    contact_only: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let per_member = match per_member.trim() {
        "" => 0,
        n => n
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_PER_MEMBER)
            .ok_or_else(|| {
                AppError::from(crate::error::ErrorKind::InvalidInvitationCap {
                    max: MAX_PER_MEMBER,
                })
                .keeping(&[("per_member", &per_member)])
            })?,
    };
    let policy = MemberPolicy {
        per_member,
        contact_only: contact_only.is_some(),
    };
    portal.set_member_policy(&ctx, &domain, policy).await?;
    leptos_axum::redirect(&format!("/domains/{domain}"));
    Ok(())
}

/// The logged-in member's invitations and what they may still do.
#[server(prefix = "/api", endpoint = "my_invites")]
pub async fn my_invitations() -> Result<OwnInvitations, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.my_invitations(&ctx).await
}

/// Makes an invitation to the member's domain, optionally sent by e-mail.
#[server(prefix = "/api", endpoint = "member_invite")]
pub async fn invite_someone(
    csrf: String,
    email: Option<String>,
    email_locale: Option<String>,
    add_contact: Option<String>,
) -> Result<i64, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let email = email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    let locale = email_locale
        .as_deref()
        .and_then(crate::i18n::Locale::from_code)
        .unwrap_or(ctx.locale);
    let id = portal
        .invite_someone(&ctx, email.as_deref(), locale, add_contact.is_some())
        .await
        .map_err(|e| e.keeping(&[("email", email.as_deref().unwrap_or(""))]))?;
    leptos_axum::redirect(&format!("/me?done=invited&invite={id}"));
    Ok(id)
}

/// The server's side: owners set the policy (the domain's dashboard shows it); a member invites within it.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait MemberInvitationsBackend {
    async fn set_member_policy(
        &self,
        ctx: &RequestContext,
        domain: &str,
        policy: MemberPolicy,
    ) -> Result<(), AppError>;

    async fn my_invitations(&self, ctx: &RequestContext) -> Result<OwnInvitations, AppError>;

    /// Refused when the owner does not allow it, past the cap, or for a new invited account.
    async fn invite_someone(
        &self,
        ctx: &RequestContext,
        email: Option<&str>,
        email_locale: crate::i18n::Locale,
        add_contact: bool,
    ) -> Result<i64, AppError>;
}
