//! Automatic certificates (`[acme]`, off when absent): each hosted domain gets a certificate
//! from an ACME CA by HTTP-01, installed on Prosody through mod_domaine's
//! `urn:domaine:certificates#install`, and renewed `renew_before_days` before it expires.
//!
//! - **When.** A `certificate` job ([`crate::jobs::Kind::Certificate`], its own lane) is
//!   queued for a domain when it is provisioned or added by a provider admin, and by an hourly
//!   check of every active domain ([`queue_renewals`]); never while one is open, so a failing
//!   domain keeps its backoff (1 minute doubling to 6 hours, never giving up).
//! - **How.** The job orders the certificate ([`order`]), answering the CA's challenges at
//!   `/.well-known/acme-challenge/TOKEN` from the database ([`challenges`]), then installs it.
//!   It runs only while the XMPP link is up: with Prosody down it stays queued, shown as a
//!   pending change, and runs when Prosody is back.
//! - **The private key** is generated here for each order and kept only in memory for the
//!   job's run: it is never stored in the database nor logged, and crosses only the admin link
//!   to Prosody. If installing fails, the next attempt orders a new certificate.
//! - **What is kept**: the account's credentials, sealed ([`crate::seal`]), and per domain the
//!   installed certificate's expiry and fingerprint and the last failure ([`status`]).
//!   Every issue and install, done or failed, is in the audit log.

pub mod challenges;
mod order;
mod store;

pub use order::describe_leaf;

use crate::{
    audit::{self, AuditAction, Outcome},
    db::Db,
    jobs::{self, Handler, Job, JobError, Kind, Lane},
    state::AppState,
};
use std::time::Duration;
use xmpp_parsers::jid::DomainPart;

/// How often the worker looks for due certificate jobs.
const TICK: Duration = Duration::from_secs(3);
/// How often every domain's certificate is checked for renewal.
const RENEWAL_CHECK: Duration = Duration::from_secs(3600);
const DAY_SECS: i64 = 86_400;

/// A domain's certificate as the health page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateStatus {
    pub domain: String,
    /// The installed certificate's expiry (Unix seconds); `None` until one landed.
    pub not_after: Option<i64>,
    /// When it landed on Prosody.
    pub issued_at: Option<i64>,
    /// SHA-256 of the installed leaf certificate, lowercase hex; empty until one landed.
    pub fingerprint: String,
    /// Why the last attempt failed; empty once one succeeded.
    pub last_error: String,
    pub last_attempt_at: Option<i64>,
    /// A certificate job is waiting (for its turn, its backoff, or Prosody) or running.
    pub pending: bool,
}

/// The certificate of `domain`, or `None` if the portal never tried to get one.
pub async fn status(db: &Db, domain: &str) -> Result<Option<CertificateStatus>, sqlx::Error> {
    let job = jobs::find(db, Kind::Certificate, domain, "").await?;
    let pending = job.is_some_and(|j| j.state.is_open());
    Ok(match store::get(db, domain).await? {
        Some(row) => Some(CertificateStatus {
            domain: row.domain,
            not_after: row.not_after,
            issued_at: row.issued_at,
            fingerprint: row.fingerprint,
            last_error: row.last_error,
            last_attempt_at: row.last_attempt_at,
            pending,
        }),
        None if pending => Some(CertificateStatus {
            domain: domain.to_owned(),
            not_after: None,
            issued_at: None,
            fingerprint: String::new(),
            last_error: String::new(),
            last_attempt_at: None,
            pending,
        }),
        None => None,
    })
}

/// Whether a domain whose certificate expires at `not_after` (none yet: `None`) needs a new
/// one at `now`.
pub fn needs_certificate(not_after: Option<i64>, now: i64, renew_before_days: u32) -> bool {
    not_after.is_none_or(|t| now >= t - i64::from(renew_before_days) * DAY_SECS)
}

/// Queues a certificate for `domain` if `[acme]` is on, it needs one, and none is on its way;
/// whether it did.
pub async fn request(state: &AppState, domain: &str) -> Result<bool, sqlx::Error> {
    let Some(settings) = &state.config.acme else {
        return Ok(false);
    };
    let db = &state.db;
    if jobs::find(db, Kind::Certificate, domain, "")
        .await?
        .is_some_and(|j| j.state.is_open())
    {
        return Ok(false);
    }
    let not_after = store::get(db, domain).await?.and_then(|r| r.not_after);
    if !needs_certificate(not_after, db.now(), settings.renew_before_days) {
        return Ok(false);
    }
    jobs::enqueue(&db.pool, db.now(), Kind::Certificate, domain, "", "").await?;
    tracing::info!(domain, renewal = not_after.is_some(), "certificate queued");
    Ok(true)
}

/// The hourly check: queues a certificate for every active domain that needs one (renewal
/// `renew_before_days` before expiry, by the portal's clock); the domains queued.
pub async fn queue_renewals(state: &AppState) -> Result<Vec<String>, sqlx::Error> {
    let mut queued = Vec::new();
    for domain in crate::domains::all(&state.db).await? {
        if domain.status == app::provider::DomainStatus::Active
            && request(state, &domain.name).await?
        {
            queued.push(domain.name);
        }
    }
    Ok(queued)
}

/// Runs due certificate jobs once (the worker's step; tests call it to not wait a tick).
pub async fn run_due(state: &AppState) -> Result<usize, sqlx::Error> {
    jobs::run_due(&state.db, &state.clock, &Issuer(state)).await
}

/// The handler of the `Acme` lane.
pub struct Issuer<'a>(pub &'a AppState);

impl Handler for Issuer<'_> {
    fn lane(&self) -> Lane {
        Lane::Acme
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let state = self.0;
        let Some(settings) = &state.config.acme else {
            return Err(JobError::give_up("[acme] is not configured"));
        };
        let Some(domain) = crate::domains::get(&state.db, &job.domain)
            .await
            .map_err(JobError::retry)?
        else {
            return Err(JobError::give_up(format!("no domain {}", job.domain)));
        };
        let name = domain.name.as_str();
        let host = DomainPart::new(name).map_err(JobError::give_up)?;
        let failed = |action, error: String| async move {
            record(state, name, action, Outcome::Failed, &error).await;
            if let Err(e) = store::failed(&state.db, name, &error).await {
                tracing::error!(error = %e, "could not record a certificate failure");
            }
            JobError::retry(error)
        };
        let secret = state
            .config
            .secret_key_bytes()
            .expect("checked when loading");
        let issued = match order::obtain(&state.db, settings, &secret, name).await {
            Ok(issued) => issued,
            Err(e) => return Err(failed(AuditAction::IssueCertificate, e.to_string()).await),
        };
        let described = describe(&issued);
        record(
            state,
            name,
            AuditAction::IssueCertificate,
            Outcome::Done,
            &described,
        )
        .await;
        if let Err(e) = state
            .xmpp
            .install_certificate(&host, &issued.chain, &issued.key)
            .await
        {
            // The key goes with `issued`: the next attempt orders afresh.
            return Err(failed(AuditAction::InstallCertificate, e.to_string()).await);
        }
        store::installed(&state.db, name, issued.not_after, &issued.fingerprint)
            .await
            .map_err(JobError::retry)?;
        record(
            state,
            name,
            AuditAction::InstallCertificate,
            Outcome::Done,
            &described,
        )
        .await;
        tracing::info!(domain = %name, fingerprint = %issued.fingerprint, "certificate installed");
        Ok(())
    }
}

/// "valid until 2031-05-06, SHA-256 ab12…": what the audit log says of a certificate.
fn describe(issued: &order::Issued) -> String {
    describe_installed(issued.not_after, &issued.fingerprint)
}

/// "valid until 2031-05-06, SHA-256 ab12…", from a certificate's expiry (Unix seconds) and
/// fingerprint; also what the health page shows of it.
pub fn describe_installed(not_after: i64, fingerprint: &str) -> String {
    let until = time::OffsetDateTime::from_unix_timestamp(not_after)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| not_after.to_string());
    format!("valid until {until}, SHA-256 {fingerprint}")
}

/// An audit entry of the portal's own doing; a failure to write it is logged, not fatal.
async fn record(
    state: &AppState,
    domain: &str,
    action: AuditAction,
    outcome: Outcome,
    detail: &str,
) {
    let change = audit::Change {
        actor: &state.config.provider_name,
        domain: Some(domain),
        action,
        target: domain,
        outcome,
        detail,
    };
    if let Err(e) = audit::record(&state.db, change).await {
        tracing::error!(error = %e, "could not record a certificate step in the audit log");
    }
}

/// The `Acme` lane's worker (while the XMPP link is up: a certificate is of no use until
/// Prosody has it) and the renewal check, at start (domains from before `[acme]` was on) then
/// hourly. Runs only with `[acme]` configured.
pub async fn run(state: AppState) {
    let worker = async {
        // Nobody wakes it: the tick is soon enough for a certificate.
        let wake = tokio::sync::Notify::new();
        jobs::worker(&state.db, Issuer(&state), &wake, TICK, || {
            state.xmpp.is_connected()
        })
        .await
    };
    let renewals = async {
        let mut tick = tokio::time::interval(RENEWAL_CHECK);
        loop {
            tick.tick().await;
            if let Err(e) = queue_renewals(&state).await {
                tracing::warn!(error = %e, "could not check certificates for renewal");
            }
        }
    };
    tokio::join!(worker, renewals);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_renewed_from_renew_before_days_before_expiry() {
        let expiry = 100 * DAY_SECS;
        assert!(needs_certificate(None, 0, 30));
        assert!(!needs_certificate(Some(expiry), 0, 30));
        assert!(!needs_certificate(Some(expiry), 70 * DAY_SECS - 1, 30));
        assert!(needs_certificate(Some(expiry), 70 * DAY_SECS, 30));
        assert!(needs_certificate(Some(expiry), 200 * DAY_SECS, 30));
        assert!(!needs_certificate(Some(expiry), 98 * DAY_SECS, 1));
        assert!(needs_certificate(Some(expiry), 99 * DAY_SECS, 1));
    }
}
