//! The server's side of the UI boundary (`app::backend::Portal`), one file per concept, with
//! authorization checked here for every call, whatever the page did.

mod accounts;
mod domains;
mod hosting_requests;
mod invites;
mod own_account;
mod password_resets;
mod provider;

pub use hosting_requests::complete_provisioning;
pub use invites::claim_owner_invitations;

use crate::{
    audit,
    errors::internal,
    reconcile::{self, Kind},
    state::AppState,
};
use app::{
    audit::{AuditAction, Outcome},
    context::RequestContext,
    error::{AppError, ErrorKind},
};

pub struct PortalService(pub AppState);

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
) -> Result<crate::domains::DomainRow, AppError> {
    let user = ctx.user.as_ref().ok_or(ErrorKind::NotLoggedIn)?;
    if !user.may_manage(domain) {
        return Err(ErrorKind::Forbidden.into());
    }
    crate::domains::get(&state.db, domain)
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
        action: AuditAction,
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
        let still_pending = crate::domains::pending(db, domain)
            .await
            .map_err(internal)?
            .iter()
            .any(|p| p.kind == kind && p.target == target);
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

/// Logs a change that is complete once the database has it.
async fn record_done(
    state: &AppState,
    ctx: &RequestContext,
    domain: &str,
    action: AuditAction,
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
