//! The server's side of the UI boundary: `app::backend::Portal`, with authorization checked here
//! for every call, whatever the page did.

use crate::{
    accounts, audit, domains,
    reconcile::{self, Kind},
    state::AppState,
    xmpp::BareJid,
};
use app::{
    audit::Outcome,
    backend::Portal,
    context::RequestContext,
    domains::{DomainOverview, DomainSummary, RegistrationMode},
    error::{AppError, ErrorKind},
};
use xmpp_parsers::jid::DomainPart;

pub struct PortalService(pub AppState);

/// Logs an unexpected failure and shows the user a generic message.
pub fn internal(err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "internal error");
    ErrorKind::Internal.into()
}

fn require_provider_admin(ctx: &RequestContext) -> Result<(), AppError> {
    match &ctx.user {
        None => Err(ErrorKind::NotLoggedIn.into()),
        Some(user) if user.is_provider_admin() => Ok(()),
        Some(_) => Err(ErrorKind::Forbidden.into()),
    }
}

/// The domain, if this person may run it. An unknown domain and someone else's domain answer
/// the same, so the answer does not tell which domains exist.
async fn managed_domain(
    state: &AppState,
    ctx: &RequestContext,
    domain: &str,
) -> Result<domains::DomainRow, AppError> {
    let user = ctx.user.as_ref().ok_or(ErrorKind::NotLoggedIn)?;
    if !user.may_manage(domain) {
        return Err(ErrorKind::Forbidden.into());
    }
    domains::get(&state.db, domain)
        .await
        .map_err(internal)?
        .ok_or_else(|| ErrorKind::Forbidden.into())
}

/// Who made a change, as the audit log shows it.
fn actor(ctx: &RequestContext) -> String {
    match &ctx.user {
        Some(user) => user.display_name().to_string(),
        None => "anonymous".into(),
    }
}

impl PortalService {
    /// Queues a change for Prosody, tries it at once, and logs it as done or pending.
    async fn apply(
        &self,
        ctx: &RequestContext,
        domain: &str,
        kind: Kind,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        let db = &self.0.db;
        reconcile::enqueue(db, domain, kind, target)
            .await
            .map_err(internal)?;
        if self.0.xmpp.is_connected() {
            reconcile::run_due(&self.0).await.map_err(internal)?;
        }
        let still_pending = domains::pending(db, domain)
            .await
            .map_err(internal)?
            .iter()
            .any(|p| p.kind == kind.as_str() && p.target == target);
        let outcome = if still_pending {
            Outcome::Pending
        } else {
            Outcome::Done
        };
        audit::record(
            db,
            audit::Change {
                actor: &actor(ctx),
                domain: Some(domain),
                action,
                target,
                outcome,
                detail,
            },
        )
        .await
        .map_err(internal)
    }
}

#[async_trait::async_trait]
impl Portal for PortalService {
    async fn list_domains(&self, ctx: &RequestContext) -> Result<Vec<DomainSummary>, AppError> {
        require_provider_admin(ctx)?;
        domains::list(&self.0.db).await.map_err(internal)
    }

    async fn create_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: &str,
    ) -> Result<String, AppError> {
        require_provider_admin(ctx)?;
        accounts::create(&self.0, domain, username, password)
            .await
            .map(|jid| jid.to_string())
    }

    async fn domain_overview(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<DomainOverview, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let db = &self.0.db;
        let accounts = match DomainPart::new(&row.name) {
            Ok(host) => self.0.xmpp.count_accounts(&host).await.ok(),
            Err(_) => None,
        };
        Ok(DomainOverview {
            quota: row.quota.and_then(|q| u32::try_from(q).ok()),
            accounts,
            registration_mode: RegistrationMode::parse(&row.registration_mode)
                .unwrap_or(RegistrationMode::InviteOnly),
            owners: domains::owners(db, row.id).await.map_err(internal)?,
            pending: domains::pending(db, &row.name).await.map_err(internal)?,
            recent: audit::list(db, Some(&row.name), None, 20)
                .await
                .map_err(internal)?,
            name: row.name,
        })
    }

    async fn set_registration_mode(
        &self,
        ctx: &RequestContext,
        domain: &str,
        mode: RegistrationMode,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        domains::set_registration_mode(&self.0.db, &row.name, mode.as_str())
            .await
            .map_err(internal)?;
        self.apply(
            ctx,
            &row.name,
            Kind::RegistrationMode,
            "registration-mode",
            "",
            mode.as_str(),
        )
        .await
    }

    async fn add_owner(
        &self,
        ctx: &RequestContext,
        domain: &str,
        jid: &str,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let jid = BareJid::new(jid.trim())
            .ok()
            .filter(|j| j.node().is_some())
            .ok_or(ErrorKind::InvalidJid)?
            .to_string();
        if !domains::add_owner(&self.0.db, row.id, &jid)
            .await
            .map_err(internal)?
        {
            return Err(ErrorKind::AlreadyOwner.into());
        }
        record_done(&self.0, ctx, &row.name, "add-owner", &jid).await
    }

    async fn remove_owner(
        &self,
        ctx: &RequestContext,
        domain: &str,
        jid: &str,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        if !domains::remove_owner(&self.0.db, row.id, jid)
            .await
            .map_err(internal)?
        {
            return Err(ErrorKind::LastOwner.into());
        }
        record_done(&self.0, ctx, &row.name, "remove-owner", jid).await
    }

    async fn set_quota(
        &self,
        ctx: &RequestContext,
        domain: &str,
        quota: Option<u32>,
    ) -> Result<(), AppError> {
        require_provider_admin(ctx)?;
        let row = managed_domain(&self.0, ctx, domain).await?;
        domains::set_quota(&self.0.db, &row.name, quota)
            .await
            .map_err(internal)?;
        let detail = quota.map_or_else(|| "unlimited".to_string(), |q| q.to_string());
        self.apply(ctx, &row.name, Kind::Quota, "quota", "", &detail)
            .await
    }
}

/// Logs a change that is complete once the database has it.
async fn record_done(
    state: &AppState,
    ctx: &RequestContext,
    domain: &str,
    action: &str,
    target: &str,
) -> Result<(), AppError> {
    audit::record(
        &state.db,
        audit::Change {
            actor: &actor(ctx),
            domain: Some(domain),
            action,
            target,
            outcome: Outcome::Done,
            detail: "",
        },
    )
    .await
    .map_err(internal)
}

/// The same, for handlers that answer with a bare response.
pub fn internal_response(err: impl std::fmt::Display) -> axum::response::Response {
    use axum::response::IntoResponse;
    internal(err);
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error / Erreur interne",
    )
        .into_response()
}
