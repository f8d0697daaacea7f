//! Hosted domains: shared types and server functions.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::{audit::AuditEntry, error::AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainSummary {
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
}

crate::text_enum! {
    /// Who may create an account on the domain from an XMPP app (in-band registration,
    /// XEP-0077). Accounts the portal creates are not affected. The same names serve the
    /// portal's pages, its database and mod_domaine on the XMPP server.
    pub enum RegistrationMode("registration mode"), label "mode-" {
        /// Anyone.
        Open = "open",
        /// Only with a valid invitation token (XEP-0401). The default of a host whose mode was
        /// never set.
        InviteOnly = "invite-only",
        /// Nobody, not even with a token.
        Closed = "closed",
    }
}

impl RegistrationMode {
    /// What the mode means, in the user's language.
    pub fn explanation(self, locale: crate::i18n::Locale) -> String {
        locale.t(match self {
            RegistrationMode::Open => "mode-open-explained",
            RegistrationMode::InviteOnly => "mode-invite-only-explained",
            RegistrationMode::Closed => "mode-closed-explained",
        })
    }
}

crate::text_enum! {
    /// What a change waiting for the XMPP server is about.
    pub enum ChangeKind("kind of change"), label "change-" {
        RegistrationMode = "registration-mode",
        Quota = "quota",
        /// `target` is the username; the desired state is whether `locked_accounts` has it.
        Lock = "lock",
        /// `target` is an invitation token to withdraw from Prosody (revoking is for good).
        RevokeInvite = "revoke-invite",
        /// Bring the domain's host up on Prosody (an approved hosting request), then tell the
        /// requester.
        ProvisionHost = "provision-host",
        /// The desired state is the domain's `status`: suspended (host down) or active.
        Suspension = "suspension",
        /// A certificate obtained from the ACME CA, to install on Prosody.
        Certificate = "certificate",
    }
}

crate::text_enum! {
    /// Where a change that has not reached the XMPP server stands.
    pub enum ChangeState("change state"), label "change-state-" {
        /// Waiting for its first attempt or its next one.
        Queued = "queued",
        /// Being pushed now.
        Running = "running",
        /// Given up (the server refused it for good); waits for a retry by hand.
        Failed = "failed",
    }
}

/// A change saved in the portal that has not reached the XMPP server yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChange {
    /// Its job, for a retry by hand.
    pub id: i64,
    pub kind: ChangeKind,
    pub target: String,
    pub state: ChangeState,
    /// Attempts that did not land.
    pub attempts: i64,
    /// Empty until an attempt fails.
    pub last_error: String,
    /// Unix seconds, for a queued change.
    pub next_attempt_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainOverview {
    pub name: String,
    pub quota: Option<u32>,
    /// `None` when the XMPP server could not be asked.
    pub accounts: Option<u32>,
    pub registration_mode: RegistrationMode,
    pub owners: Vec<String>,
    /// Invitations that can still be used.
    pub pending_invitations: u32,
    /// Whether and how much its members may invite people.
    pub member_policy: crate::invitations::members::MemberPolicy,
    pub pending: Vec<PendingChange>,
    pub recent: Vec<AuditEntry>,
    /// Its daily figures of the last twelve months, for the charts.
    pub figures: crate::figures::Figures,
}

#[server(prefix = "/api", endpoint = "list_domains")]
pub async fn list_domains() -> Result<Vec<DomainSummary>, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.list_domains(&ctx).await
}

#[server(prefix = "/api", endpoint = "domain_dashboard")]
pub async fn domain_dashboard(domain: String) -> Result<DomainOverview, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.domain_overview(&ctx, &domain).await
}

#[server(prefix = "/api", endpoint = "set_registration_mode")]
pub async fn set_registration_mode(
    csrf: String,
    domain: String,
    mode: RegistrationMode,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.set_registration_mode(&ctx, &domain, mode).await?;
    leptos_axum::redirect(&format!("/domains/{domain}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "add_owner")]
pub async fn add_owner(csrf: String, domain: String, jid: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal
        .add_owner(&ctx, &domain, &jid)
        .await
        .map_err(|e| e.keeping(&[("jid", &jid)]))?;
    leptos_axum::redirect(&format!("/domains/{domain}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "remove_owner")]
pub async fn remove_owner(csrf: String, domain: String, jid: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.remove_owner(&ctx, &domain, &jid).await?;
    leptos_axum::redirect(&format!("/domains/{domain}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "set_quota")]
pub async fn set_quota(csrf: String, domain: String, quota: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let quota = parse_quota(&quota).map_err(|e| e.keeping(&[("quota", &quota)]))?;
    portal.set_quota(&ctx, &domain, quota).await?;
    leptos_axum::redirect(&format!("/domains/{domain}"));
    Ok(())
}

/// Pushes a change of the domain that is waiting (or was given up) now, instead of at its next
/// attempt.
#[server(prefix = "/api", endpoint = "retry_change")]
pub async fn retry_change(csrf: String, domain: String, id: i64) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.retry_change(&ctx, &domain, id).await?;
    leptos_axum::redirect(&format!("/domains/{domain}"));
    Ok(())
}

/// Records a domain the provider hosts (the virtual host must already answer on Prosody), with
/// an optional quota and its first owner. Provider admins only.
#[server(prefix = "/api", endpoint = "add_domain")]
pub async fn add_domain(
    csrf: String,
    name: String,
    quota: String,
    owner: String,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let kept = [
        ("name", name.as_str()),
        ("quota", quota.as_str()),
        ("owner", owner.as_str()),
    ];
    let quota = parse_quota(&quota).map_err(|e| e.keeping(&kept))?;
    let domain = portal
        .add_domain(&ctx, &name, quota, &owner)
        .await
        .map_err(|e| e.keeping(&kept))?;
    leptos_axum::redirect(&format!("/domains/{domain}"));
    Ok(())
}

/// The audit log, newest first: one domain's (its owners and provider admins) or, without a
/// domain, everything (provider admins only); optionally only one kind of action.
#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn audit_log(
    domain: Option<String>,
    action: Option<String>,
) -> Result<Vec<AuditEntry>, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    portal
        .audit_log(
            &ctx,
            non_empty(domain).as_deref(),
            non_empty(action).as_deref(),
        )
        .await
}

/// A quota typed in a form: a whole number, or empty for no limit.
pub fn parse_quota(quota: &str) -> Result<Option<u32>, AppError> {
    match quota.trim() {
        "" => Ok(None),
        q => q
            .parse::<u32>()
            .map(Some)
            .map_err(|_| AppError::new(crate::error::ErrorKind::InvalidQuota)),
    }
}

/// The server's side of the domain server functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait DomainsBackend {
    async fn list_domains(&self, ctx: &RequestContext) -> Result<Vec<DomainSummary>, AppError>;

    async fn domain_overview(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<DomainOverview, AppError>;

    /// Saved at once; reaches the XMPP server now or, if it is down, as soon as it is back.
    async fn set_registration_mode(
        &self,
        ctx: &RequestContext,
        domain: &str,
        mode: RegistrationMode,
    ) -> Result<(), AppError>;

    async fn add_owner(
        &self,
        ctx: &RequestContext,
        domain: &str,
        jid: &str,
    ) -> Result<(), AppError>;

    /// Refused for the last owner: a domain always keeps one.
    async fn remove_owner(
        &self,
        ctx: &RequestContext,
        domain: &str,
        jid: &str,
    ) -> Result<(), AppError>;

    /// Owners and provider admins; a change that landed meanwhile, or is not the domain's, is
    /// left as it is (the page then shows where it stands).
    async fn retry_change(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
    ) -> Result<(), AppError>;

    /// Provider admins only.
    async fn set_quota(
        &self,
        ctx: &RequestContext,
        domain: &str,
        quota: Option<u32>,
    ) -> Result<(), AppError>;

    /// Returns the domain's name as stored (normalised).
    async fn add_domain(
        &self,
        ctx: &RequestContext,
        name: &str,
        quota: Option<u32>,
        owner: &str,
    ) -> Result<String, AppError>;

    async fn audit_log(
        &self,
        ctx: &RequestContext,
        domain: Option<&str>,
        action: Option<&str>,
    ) -> Result<Vec<AuditEntry>, AppError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_label_in_both_languages() {
        use crate::i18n::Locale;
        let labels = RegistrationMode::ALL
            .into_iter()
            .flat_map(|m| [m.label(Locale::En), m.label(Locale::Fr)])
            .chain(
                RegistrationMode::ALL
                    .into_iter()
                    .map(|m| m.explanation(Locale::Fr)),
            )
            .chain(ChangeKind::ALL.into_iter().map(|k| k.label(Locale::Fr)))
            .chain(ChangeKind::ALL.into_iter().map(|k| k.label(Locale::En)))
            .chain(ChangeState::ALL.into_iter().map(|k| k.label(Locale::Fr)))
            .chain(ChangeState::ALL.into_iter().map(|k| k.label(Locale::En)));
        for label in labels {
            // A missing Fluent message comes back as its own key.
            assert!(
                !label.starts_with("mode-") && !label.starts_with("change-"),
                "{label}"
            );
        }
        assert_ne!(
            ChangeKind::Lock.label(Locale::En),
            ChangeKind::Lock.label(Locale::Fr)
        );
    }
}
