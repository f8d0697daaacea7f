//! Keeps Prosody in line with the desired state the portal stores (registration modes, quotas,
//! account locks). A change is saved first, queued in `pending_changes`, then pushed; when
//! Prosody is unreachable it stays queued, shown as pending, and is retried with backoff until
//! it lands. Rows are claimed with a lease, so portal instances sharing one database never push
//! the same change at the same time, and every push sets absolute state, so pushing twice is
//! harmless.

use crate::{
    db::{self, Db},
    state::AppState,
    xmpp::{BareJid, RegistrationMode, XmppError},
};
use std::{str::FromStr, time::Duration};
use tokio::sync::Notify;
use xmpp_parsers::jid::DomainPart;

/// How long a claimed change is reserved for one instance.
const LEASE_SECS: i64 = 30;
const MAX_BACKOFF_SECS: i64 = 300;

pub use app::domains::ChangeKind as Kind;

/// Queues `kind` of `domain` (and `target`) for pushing; a newer change to the same state
/// replaces an older one that has not landed yet.
pub async fn enqueue(db: &Db, domain: &str, kind: Kind, target: &str) -> Result<(), sqlx::Error> {
    let now = db::now();
    sqlx::query(
        "INSERT INTO pending_changes (domain, kind, target, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (domain, kind, target) DO UPDATE \
         SET version = pending_changes.version + 1, next_attempt_at = $4, attempts = 0",
    )
    .bind(domain)
    .bind(kind.as_str())
    .bind(target)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    domain: String,
    kind: String,
    target: String,
    version: i64,
    attempts: i64,
}

/// Pushes every due change once; returns how many landed. Called by the worker and, right
/// after a change is made, by the request that made it, so the user sees the result at once.
pub async fn run_due(state: &AppState) -> Result<usize, sqlx::Error> {
    let now = db::now();
    let due: Vec<Pending> = sqlx::query_as(
        "SELECT id, domain, kind, target, version, attempts FROM pending_changes \
         WHERE next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY id LIMIT 100",
    )
    .bind(now)
    .fetch_all(&state.db.pool)
    .await?;
    let mut landed = 0;
    for change in due {
        let claimed = sqlx::query(
            "UPDATE pending_changes SET claimed_until = $1 \
             WHERE id = $2 AND (claimed_until IS NULL OR claimed_until < $3)",
        )
        .bind(now + LEASE_SECS)
        .bind(change.id)
        .bind(now)
        .execute(&state.db.pool)
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another instance has it
        }
        match push(state, &change).await {
            Ok(()) => {
                // Only the version we pushed is done; a newer one queued meanwhile stays.
                sqlx::query("DELETE FROM pending_changes WHERE id = $1 AND version = $2")
                    .bind(change.id)
                    .bind(change.version)
                    .execute(&state.db.pool)
                    .await?;
                sqlx::query("UPDATE pending_changes SET claimed_until = NULL WHERE id = $1")
                    .bind(change.id)
                    .execute(&state.db.pool)
                    .await?;
                landed += 1;
            }
            Err(err) => {
                let attempts = change.attempts + 1;
                tracing::warn!(domain = %change.domain, kind = %change.kind, error = %err, attempts, "change not applied yet");
                sqlx::query(
                    "UPDATE pending_changes SET claimed_until = NULL, attempts = attempts + 1, \
                     last_error = $1, next_attempt_at = $2 WHERE id = $3",
                )
                .bind(err.to_string())
                .bind(db::now() + backoff_secs(attempts))
                .bind(change.id)
                .execute(&state.db.pool)
                .await?;
            }
        }
    }
    Ok(landed)
}

fn backoff_secs(attempts: i64) -> i64 {
    (1i64 << attempts.clamp(0, 9)).min(MAX_BACKOFF_SECS)
}

#[derive(Debug, thiserror::Error)]
enum PushError {
    #[error(transparent)]
    Xmpp(#[from] XmppError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("unknown change {0}")]
    Unknown(String),
    #[error("{0}")]
    Followup(String),
}

/// Sets on Prosody the state the database holds now (not the state when queued).
async fn push(state: &AppState, change: &Pending) -> Result<(), PushError> {
    let host =
        DomainPart::new(&change.domain).map_err(|_| PushError::Unknown(change.domain.clone()))?;
    match Kind::parse(&change.kind) {
        Some(Kind::RegistrationMode) => {
            let (mode,): (String,) =
                sqlx::query_as("SELECT registration_mode FROM domains WHERE name = $1")
                    .bind(&change.domain)
                    .fetch_one(&state.db.pool)
                    .await?;
            let mode = RegistrationMode::from_str(&mode).map_err(|_| PushError::Unknown(mode))?;
            state.xmpp.set_registration_mode(&host, mode).await?;
        }
        Some(Kind::Quota) => {
            let (quota,): (Option<i64>,) =
                sqlx::query_as("SELECT quota FROM domains WHERE name = $1")
                    .bind(&change.domain)
                    .fetch_one(&state.db.pool)
                    .await?;
            state
                .xmpp
                .set_quota(&host, quota.and_then(|q| u32::try_from(q).ok()))
                .await?;
        }
        Some(Kind::Lock) => {
            let jid = BareJid::new(&format!("{}@{}", change.target, change.domain))
                .map_err(|_| PushError::Unknown(change.target.clone()))?;
            if crate::accounts::is_locked(&state.db, &change.domain, &change.target).await? {
                state.xmpp.lock_account(&jid).await?;
            } else {
                state.xmpp.unlock_account(&jid).await?;
            }
        }
        Some(Kind::RevokeInvite) => {
            state.xmpp.revoke_invitation(&host, &change.target).await?;
        }
        Some(Kind::ProvisionHost) => {
            state.xmpp.provision_host(&host).await?;
            crate::portal::complete_provisioning(state, &change.domain)
                .await
                .map_err(PushError::Followup)?;
        }
        Some(Kind::Suspension) => {
            let (status,): (String,) = sqlx::query_as("SELECT status FROM domains WHERE name = $1")
                .bind(&change.domain)
                .fetch_one(&state.db.pool)
                .await?;
            if status == "suspended" {
                state.xmpp.suspend_host(&host).await?;
            } else {
                state.xmpp.resume_host(&host).await?;
            }
        }
        None => return Err(PushError::Unknown(change.kind.clone())),
    }
    Ok(())
}

/// The background worker: pushes due changes every few seconds, and at once when woken
/// (a change was queued, or the XMPP link came back).
pub async fn worker(state: AppState, wake: std::sync::Arc<Notify>) {
    loop {
        if state.xmpp.is_connected() {
            if let Err(e) = run_due(&state).await {
                tracing::error!(error = %e, "reconciliation failed");
            }
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        assert_eq!(backoff_secs(1), 2);
        assert_eq!(backoff_secs(4), 16);
        assert_eq!(backoff_secs(50), MAX_BACKOFF_SECS);
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [
            Kind::RegistrationMode,
            Kind::Quota,
            Kind::Lock,
            Kind::RevokeInvite,
            Kind::ProvisionHost,
            Kind::Suspension,
        ] {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
    }
}
