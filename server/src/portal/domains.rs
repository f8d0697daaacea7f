use super::{internal, managed_domain, record_done, require_provider_admin, PortalService};
use crate::{
    audit, domains,
    errors::Subject,
    jobs::{self, Kind, Lane},
    reconcile,
    xmpp::BareJid,
};
use app::{
    audit::{AuditAction, AuditEntry},
    context::RequestContext,
    domains::{DomainOverview, DomainSummary, DomainsBackend, RegistrationMode},
    error::{AppError, ErrorKind},
};
use xmpp_parsers::jid::DomainPart;

#[async_trait::async_trait]
impl DomainsBackend for PortalService {
    async fn list_domains(&self, ctx: &RequestContext) -> Result<Vec<DomainSummary>, AppError> {
        require_provider_admin(ctx)?;
        domains::list(&self.0.db).await.map_err(internal)
    }

    async fn domain_overview(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<DomainOverview, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let db = &self.0.db;
        let accounts = super::account_count(&self.0, &row.name).await;
        Ok(DomainOverview {
            quota: row.quota.and_then(|q| u32::try_from(q).ok()),
            accounts,
            registration_mode: row.registration_mode,
            owners: domains::owners(db, row.id).await.map_err(internal)?,
            pending_invitations: crate::invitations::count_pending(
                db,
                &row.name,
                self.0.clock.now(),
            )
            .await
            .map_err(internal)?,
            member_policy: crate::invitations::members::policy(db, row.id)
                .await
                .map_err(internal)?,
            pending: domains::pending(db, &row.name).await.map_err(internal)?,
            recent: audit::list(db, Some(&row.name), None, 20)
                .await
                .map_err(internal)?,
            figures: crate::figures::for_domain(db, row.id)
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
        domains::set_registration_mode(&self.0.db, &row.name, mode)
            .await
            .map_err(internal)?;
        self.apply(
            ctx,
            &row.name,
            Kind::RegistrationMode,
            AuditAction::RegistrationMode,
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
        let jid = parse_owner(jid)?.ok_or(ErrorKind::InvalidJid)?;
        if !domains::add_owner(&self.0.db, row.id, &jid)
            .await
            .map_err(internal)?
        {
            return Err(ErrorKind::AlreadyOwner.into());
        }
        record_done(&self.0, ctx, &row.name, AuditAction::AddOwner, &jid).await
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
        record_done(&self.0, ctx, &row.name, AuditAction::RemoveOwner, jid).await
    }

    async fn retry_change(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let db = &self.0.db;
        let ours = jobs::status(db, id)
            .await
            .map_err(internal)?
            .is_some_and(|job| job.domain == row.name && job.kind.lane() == Lane::Prosody);
        if ours && jobs::retry(db, &self.0.clock, id).await.map_err(internal)? {
            reconcile::push_now(&self.0, id).await.map_err(internal)?;
        }
        Ok(())
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
        self.apply(ctx, &row.name, Kind::Quota, AuditAction::Quota, "", &detail)
            .await
    }

    async fn add_domain(
        &self,
        ctx: &RequestContext,
        name: &str,
        quota: Option<u32>,
        owner: &str,
    ) -> Result<String, AppError> {
        require_provider_admin(ctx)?;
        let name = domains::normalize(name).ok_or(ErrorKind::InvalidDomainName)?;
        let owner = parse_owner(owner)?;
        if domains::exists(&self.0.db, &name).await.map_err(internal)? {
            return Err(ErrorKind::DomainExists.into());
        }
        // Asking the host for its registration mode proves it exists on Prosody and runs
        // mod_domaine, both of which the portal needs.
        let host = DomainPart::new(&name).map_err(internal)?;
        let mode = self
            .0
            .xmpp
            .registration_mode(&host)
            .await
            .map_err(|e| Subject::HostCheck.error(e))?;
        domains::add(&self.0.db, &name).await.map_err(internal)?;
        let row = domains::get(&self.0.db, &name)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::Internal)?;
        // The portal adopts the mode the host already has rather than surprising its users.
        domains::set_registration_mode(&self.0.db, &name, mode)
            .await
            .map_err(internal)?;
        if let Some(owner) = &owner {
            domains::add_owner(&self.0.db, row.id, owner)
                .await
                .map_err(internal)?;
        }
        record_done(
            &self.0,
            ctx,
            &name,
            AuditAction::AddDomain,
            owner.as_deref().unwrap_or(""),
        )
        .await?;
        crate::acme::request(&self.0, &name)
            .await
            .map_err(internal)?;
        if quota.is_some() {
            domains::set_quota(&self.0.db, &name, quota)
                .await
                .map_err(internal)?;
            let detail = quota.map(|q| q.to_string()).unwrap_or_default();
            self.apply(ctx, &name, Kind::Quota, AuditAction::Quota, "", &detail)
                .await?;
        }
        Ok(name)
    }

    async fn audit_log(
        &self,
        ctx: &RequestContext,
        domain: Option<&str>,
        action: Option<&str>,
    ) -> Result<Vec<AuditEntry>, AppError> {
        // The filter may be typed in Unicode; the log names domains in ASCII.
        let domain = domain
            .map(|d| crate::hosting_requests::names::to_ascii(d).unwrap_or_else(|| d.to_owned()));
        match &domain {
            Some(domain) => {
                managed_domain(&self.0, ctx, domain).await?;
            }
            None => require_provider_admin(ctx)?,
        }
        audit::list(&self.0.db, domain.as_deref(), action, 500)
            .await
            .map_err(internal)
    }
}

/// An owner's address as typed in a form: empty, or a bare JID with a user part.
fn parse_owner(owner: &str) -> Result<Option<String>, AppError> {
    match owner.trim() {
        "" => Ok(None),
        jid => BareJid::new(jid)
            .ok()
            .filter(|j| j.node().is_some())
            .map(|j| Some(j.to_string()))
            .ok_or_else(|| ErrorKind::InvalidJid.into()),
    }
}
