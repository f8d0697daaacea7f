//! The server's side of the UI boundary (`app::backend::Portal`), one file per concept, with
//! authorization checked here for every call, whatever the page did.

mod accounts;
mod announcements;
mod bulk;
mod domains;
mod health;
mod hosting_requests;
mod invitations;
mod own_account;
mod password_resets;
mod provider;
mod recovery;
mod tasks;
mod two_factor;

pub use bulk::bulk_item;
pub use invitations::claim_owner_invitations;

use crate::{
    audit,
    errors::internal,
    jobs::{self, Kind},
    reconcile,
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

/// The number of accounts of `domain` (O(1) on Prosody); `None` when Prosody cannot say.
async fn account_count(state: &AppState, domain: &str) -> Option<u32> {
    let host = xmpp_parsers::jid::DomainPart::new(domain).ok()?;
    state.xmpp.count_accounts(&host).await.ok()
}

/// The client's address, behind trusted proxies too (see `web::client_ip`).
fn client_ip() -> String {
    crate::web::client_ip::of_current_request()
        .map(|c| c.ip.to_string())
        .unwrap_or_default()
}

/// Who made a change, as the audit log shows it.
fn actor(ctx: &RequestContext) -> String {
    match &ctx.user {
        Some(user) => user.display_name().to_string(),
        None => "anonymous".into(),
    }
}

impl PortalService {
    /// Queues a change for Prosody and logs it, pending, in one transaction; then pushes that
    /// change (only) at once. The entry becomes done or failed when the change lands or gives
    /// up, now or later from the worker.
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
        let now = self.0.clock.now();
        let mut tx = db.pool.begin().await.map_err(internal)?;
        let job = jobs::enqueue(&mut *tx, now, kind, domain, target, "")
            .await
            .map_err(internal)?;
        let change = audit::Change {
            actor: &actor(ctx),
            domain: Some(domain),
            action,
            target,
            outcome: Outcome::Pending,
            detail,
        };
        audit::record_for_job(&mut *tx, now, change, job)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        reconcile::push_now(&self.0, job.id)
            .await
            .map_err(internal)?;
        Ok(())
    }
}

/// Logs a change of `domain` that is complete once the database has it.
async fn record_done(
    state: &AppState,
    ctx: &RequestContext,
    domain: &str,
    action: AuditAction,
    target: &str,
) -> Result<(), AppError> {
    record_done_in(state, ctx, Some(domain), action, target).await
}

/// Logs a change that is complete once the database has it: of a domain, or of the whole
/// portal (`None`).
async fn record_done_in(
    state: &AppState,
    ctx: &RequestContext,
    domain: Option<&str>,
    action: AuditAction,
    target: &str,
) -> Result<(), AppError> {
    audit::record(
        &state.db,
        audit::Change {
            actor: &actor(ctx),
            domain,
            action,
            target,
            outcome: Outcome::Done,
            detail: "",
        },
    )
    .await
    .map_err(internal)
}
