//! The provider admins' console: every domain at a glance, suspending and resuming a domain
//! (through the reconciler, so it lands even if Prosody is down), and the provider admins.

use super::{internal, record_done_in, require_provider_admin, PortalService};
use crate::{
    auth::admins::{self, AdminError},
    domains,
    jobs::{self, Kind, Lane},
};
use app::{
    audit::AuditAction,
    context::{Principal, RequestContext},
    error::{AppError, ErrorKind},
    provider::{AdminsView, DomainStatus, LocalAdmin, ProviderBackend, ProviderDomainRow},
};

const SUSPEND: AuditAction = AuditAction::SuspendDomain;
const RESUME: AuditAction = AuditAction::ResumeDomain;
const ADD_ADMIN: AuditAction = AuditAction::AddProviderAdmin;
const REMOVE_ADMIN: AuditAction = AuditAction::RemoveProviderAdmin;

#[async_trait::async_trait]
impl ProviderBackend for PortalService {
    async fn provider_domains(
        &self,
        ctx: &RequestContext,
    ) -> Result<Vec<ProviderDomainRow>, AppError> {
        require_provider_admin(ctx)?;
        let db = &self.0.db;
        // Every domain's count in one question to Prosody, not one per domain, and one for
        // the consoles opened meanwhile (nothing kept after it: never older than the question).
        let counts = if self.0.xmpp.is_connected() {
            let xmpp = self.0.xmpp.clone();
            self.0
                .host_counts
                .run((), move || async move {
                    xmpp.count_hosts()
                        .await
                        .inspect_err(|e| tracing::warn!(error = %e, "cannot count accounts"))
                        .unwrap_or_default()
                })
                .await
        } else {
            Default::default()
        };
        // Four questions to the database whatever the number of domains.
        let mut owners = domains::all_owners(db).await.map_err(internal)?;
        let health = crate::health::worst_by_domain(db).await.map_err(internal)?;
        let waiting = jobs::domains_waiting(db, Lane::Prosody)
            .await
            .map_err(internal)?;
        let rows = domains::all(db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|row| ProviderDomainRow {
                owners: owners.remove(&row.id).unwrap_or_default(),
                accounts: counts.get(&row.name).copied(),
                quota: row.quota.and_then(|q| u32::try_from(q).ok()),
                mode: row.registration_mode,
                status: row.status,
                pending: waiting.contains(&row.name),
                health: health.get(&row.name).copied(),
                name: row.name,
            })
            .collect();
        Ok(rows)
    }

    async fn set_suspended(
        &self,
        ctx: &RequestContext,
        domain: &str,
        suspended: bool,
    ) -> Result<(), AppError> {
        require_provider_admin(ctx)?;
        let db = &self.0.db;
        let row = domains::get(db, domain)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::UnknownDomain)?;
        // The portal's own XMPP account lives there: suspending it would cut the portal off.
        if suspended && row.name == self.0.config.xmpp.jid.domain().as_str() {
            return Err(ErrorKind::ServiceAccount.into());
        }
        let status = if suspended {
            DomainStatus::Suspended
        } else {
            DomainStatus::Active
        };
        domains::set_status(db, &row.name, status)
            .await
            .map_err(internal)?;
        let action = if suspended { SUSPEND } else { RESUME };
        self.apply(ctx, &row.name, Kind::Suspension, action, "", "")
            .await
    }

    async fn admins(&self, ctx: &RequestContext) -> Result<AdminsView, AppError> {
        require_provider_admin(ctx)?;
        let local = admins::list(&self.0.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|(id, username, created_at)| LocalAdmin {
                id,
                username,
                created_at,
            })
            .collect();
        Ok(AdminsView {
            configured: self.0.config.provider_admins.clone(),
            local,
        })
    }

    async fn add_local_admin(
        &self,
        ctx: &RequestContext,
        username: &str,
        password: &str,
    ) -> Result<(), AppError> {
        require_provider_admin(ctx)?;
        let min = self.0.config.accounts.min_password_length;
        match admins::create(&self.0.db, username, password, min).await {
            Ok(_) => record_done_in(&self.0, ctx, None, ADD_ADMIN, username).await,
            Err(AdminError::Exists(_)) => Err(ErrorKind::AdminExists.into()),
            Err(AdminError::InvalidUsername) => Err(ErrorKind::InvalidUsername.into()),
            Err(AdminError::PasswordTooShort(min)) => {
                Err(ErrorKind::PasswordTooShort { min }.into())
            }
            Err(AdminError::Db(e)) => Err(internal(e)),
        }
    }

    async fn remove_local_admin(&self, ctx: &RequestContext, id: i64) -> Result<(), AppError> {
        require_provider_admin(ctx)?;
        if matches!(&ctx.user, Some(Principal::ProviderAdmin { id: me, .. }) if *me == id) {
            return Err(ErrorKind::CannotRemoveAdmin.into());
        }
        let local = admins::list(&self.0.db).await.map_err(internal)?;
        let Some((_, username, _)) = local.iter().find(|(i, _, _)| *i == id) else {
            return Err(ErrorKind::CannotRemoveAdmin.into());
        };
        if local.len() + self.0.config.provider_admins.len() <= 1 {
            return Err(ErrorKind::CannotRemoveAdmin.into());
        }
        admins::remove(&self.0.db, id).await.map_err(internal)?;
        record_done_in(&self.0, ctx, None, REMOVE_ADMIN, username).await
    }
}
