//! Keeps Prosody in line with the desired state the portal stores (registration modes, quotas,
//! account locks, hosts). A change is saved first, then queued as a job of the `Prosody` lane of
//! the job queue (`jobs`): the request that made it pushes that one job at once, and the worker
//! here pushes the rest; when Prosody is unreachable the job stays queued, shown as pending, and
//! is retried with backoff until it lands. Every push sets absolute state read when it runs, so
//! pushing twice is harmless and a job queued twice pushes the latest state.

use crate::{
    db::Db,
    jobs::{self, Handler, Job, JobError, Kind, Lane, Queued, State},
    state::AppState,
    xmpp::{BareJid, RegistrationMode, XmppError},
};
use std::{str::FromStr, time::Duration};
use xmpp_parsers::jid::DomainPart;

/// How often the worker looks for due changes when nobody wakes it.
const TICK: Duration = Duration::from_secs(2);

/// Queues `kind` of `domain` (and `target`) for pushing; a newer change to the same state
/// replaces an older one that has not landed yet.
pub async fn enqueue(
    db: &Db,
    domain: &str,
    kind: Kind,
    target: &str,
) -> Result<Queued, sqlx::Error> {
    jobs::enqueue(&db.pool, db.now(), kind, domain, target, "").await
}

/// Pushes every due change once; returns how many landed.
pub async fn run_due(state: &AppState) -> Result<usize, sqlx::Error> {
    jobs::run_due(&state.db, &state.clock, &Pusher(state)).await
}

/// Pushes job `id` now if Prosody is connected (the request that queued it, so the user sees
/// the result at once; other domains' changes are the worker's); its state after.
pub async fn push_now(state: &AppState, id: i64) -> Result<Option<State>, sqlx::Error> {
    if state.xmpp.is_connected() {
        jobs::run_one(&state.db, &state.clock, &Pusher(state), id).await
    } else {
        Ok(jobs::status(&state.db, id).await?.map(|s| s.state))
    }
}

/// The handler of the `Prosody` lane.
pub struct Pusher<'a>(pub &'a AppState);

impl Handler for Pusher<'_> {
    fn lane(&self) -> Lane {
        Lane::Prosody
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        push(self.0, job).await.map_err(|err| match err {
            // The domain or the target is gone, or the job makes no sense: it never will.
            PushError::Unknown(_) | PushError::Db(sqlx::Error::RowNotFound) => {
                JobError::give_up(err)
            }
            PushError::Recovery(crate::recovery::SendError::Mail(ref e)) if e.is_permanent() => {
                JobError::give_up(err)
            }
            _ => JobError::retry(err),
        })
    }
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
    #[error(transparent)]
    Recovery(#[from] crate::recovery::SendError),
    #[error(transparent)]
    Figures(#[from] crate::figures::RecordError),
}

/// Sets on Prosody the state the database holds now (not the state when queued).
async fn push(state: &AppState, change: &Job) -> Result<(), PushError> {
    if change.kind == Kind::AlertChat {
        // Not a domain's state: a message, about no domain of Prosody's.
        let to = crate::alerts::chat_recipient(&change.target)
            .ok_or_else(|| PushError::Unknown(change.target.clone()))?;
        state.xmpp.send_chat(&to, &change.payload).await?;
        return Ok(());
    }
    if change.kind == Kind::RecoveryLink {
        // Asks Prosody whether the account exists, so it waits for the link like the rest.
        crate::recovery::send_reset_link(state, &change.target, &change.payload).await?;
        return Ok(());
    }
    if change.kind == Kind::DailyFigures {
        // Every domain's, in one command.
        crate::figures::record(&state.db, &state.xmpp, change).await?;
        return Ok(());
    }
    let host =
        DomainPart::new(&change.domain).map_err(|_| PushError::Unknown(change.domain.clone()))?;
    match change.kind {
        Kind::RegistrationMode => {
            let (mode,): (String,) =
                sqlx::query_as("SELECT registration_mode FROM domains WHERE name = $1")
                    .bind(&change.domain)
                    .fetch_one(&state.db.pool)
                    .await?;
            let mode = RegistrationMode::from_str(&mode).map_err(|_| PushError::Unknown(mode))?;
            state.xmpp.set_registration_mode(&host, mode).await?;
        }
        Kind::Quota => {
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
        Kind::Lock => {
            let jid = BareJid::new(&format!("{}@{}", change.target, change.domain))
                .map_err(|_| PushError::Unknown(change.target.clone()))?;
            if crate::accounts::is_locked(&state.db, &change.domain, &change.target).await? {
                state.xmpp.lock_account(&jid).await?;
            } else {
                state.xmpp.unlock_account(&jid).await?;
            }
        }
        Kind::RevokeInvite => {
            state.xmpp.revoke_invitation(&host, &change.target).await?;
        }
        Kind::ProvisionHost => {
            state.xmpp.provision_host(&host).await?;
            // The host is up: it can use a certificate (when `[acme]` is on).
            crate::acme::request(state, &change.domain).await?;
            crate::hosting_requests::provisioning::complete(state, &change.domain)
                .await
                .map_err(PushError::Followup)?;
        }
        Kind::Suspension => {
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
        Kind::Mail
        | Kind::AlertChat
        | Kind::HealthCheck
        | Kind::Certificate
        | Kind::RecoveryLink
        | Kind::Announcement
        | Kind::BulkLock
        | Kind::BulkDelete
        | Kind::BulkInvite
        | Kind::DailyFigures => return Err(PushError::Unknown(change.kind.as_str().into())),
    }
    Ok(())
}

/// The background worker: pushes due changes every few seconds while Prosody is connected,
/// and at once when woken.
pub async fn worker(state: AppState) {
    let wake = state.reconcile.clone();
    // Today's figures as far as the day went; the job then comes back every day.
    if let Err(e) = crate::figures::record_soon(&state.db).await {
        tracing::warn!(error = %e, "cannot queue the daily figures");
    }
    jobs::worker(&state.db, Pusher(&state), &wake, TICK, || {
        state.xmpp.is_connected()
    })
    .await
}
