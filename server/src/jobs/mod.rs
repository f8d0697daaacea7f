//! The one durable job queue (the `jobs` table): every piece of background work the portal must
//! not lose — a change waiting for Prosody, an e-mail — is a job, saved first and run by a
//! worker, retried with backoff until it lands or gives up, and visible meanwhile.
//!
//! - **Claim with a lease.** A worker claims a due job by setting `claimed_until` in one
//!   `UPDATE` that re-checks everything (state, due time, lease), so portal instances sharing one
//!   database never run a job twice at once; a job whose instance died is claimed again when its
//!   lease ends.
//! - **Versions.** Queueing a job that exists (same kind, domain and target) bumps its version:
//!   a worker that ran an older version leaves the newer one queued.
//! - **Attempts and backoff** per kind ([`Kind::policy`]); a kind with `max_attempts` gives up
//!   after that many (`failed`), and every kind gives up at once on a permanent error
//!   ([`JobError::give_up`]). A failed job waits for [`retry`] by hand.
//! - **Audit.** Audit entries made with a job follow it ([`crate::audit::job_finished`]).
//! - **Progress.** A long job records how far it got ([`set_progress`]) for a page to show;
//!   an owner's long task ([`Lane::Tasks`], `crate::tasks`) also renews its lease after each
//!   step ([`heartbeat`]) and keeps a report.
//!
//! Per-kind data lives where it belongs: a job names its subject (`domain`, `target`) and may
//! carry a small `payload`, but reconciliation jobs read the desired state from the domain's
//! tables when they run (so they push the latest state, not the state when queued), and an
//! e-mail keeps its row in `mail_outbox` (its bodies, emptied once sent; invitations point at
//! it), the job's target being the mail's id.
//!
//! **Adding a kind of job**: a [`Kind`] variant (its name, its [`Policy`] and its [`Lane`]),
//! then an arm in the handler of its lane (`reconcile::Pusher` for Prosody, `mail::outbox`
//! for SMTP, `health::Checker` for health checks, `tasks::Runner` for owner tasks), or a new lane: a [`Handler`] and a [`worker`] spawned in `startup::serve`. Queue
//! with [`enqueue`] (inside the transaction that makes the change, if any), run at once with
//! [`run_one`] if the request wants the result, read with [`status`] or [`for_domain`].

use crate::{clock::Clock, db::Db};
use std::{collections::HashSet, future::Future, time::Duration};
use tokio::sync::Notify;

/// Every kind of job, stored by name in `jobs.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Push a domain's registration mode.
    RegistrationMode,
    /// Push a domain's account quota.
    Quota,
    /// `target` is the username; the desired state is whether `locked_accounts` has it.
    Lock,
    /// `target` is an invitation token to withdraw from Prosody (revoking is for good).
    RevokeInvite,
    /// Bring the domain's host up on Prosody (an approved hosting request), then tell the
    /// requester.
    ProvisionHost,
    /// The desired state is the domain's `status`: suspended (host down) or active.
    Suspension,
    /// Deliver the e-mail whose `mail_outbox` id is `target`.
    Mail,
    /// Send an alert's chat message (`payload`) from the portal's account; `target` names the
    /// recipient and the alert (see `alerts`).
    AlertChat,
    /// Check the domain's health (DNS, TLS, certificates: `health`); queues itself again at
    /// `[health] interval_secs`.
    HealthCheck,
    /// Obtain a certificate for the domain from the ACME CA and install it on Prosody (`acme`).
    Certificate,
    /// "Forgot your password?": e-mail a reset link to the confirmed recovery address of the
    /// account `target` (a bare JID), if it has one; `payload` is the asker's language
    /// (`recovery`). About no domain, so never listed as a domain's pending change.
    RecoveryLink,
    /// An owner's announcement to every account of the domain (`announcements`): an owner
    /// task (`tasks`), `payload` the message, `target` the task's own name.
    Announcement,
    /// Bulk work on the domain's accounts (`bulk`), owner tasks: `payload` says for whom (and
    /// how), the items are in `bulk_items`. Lock the selection...
    BulkLock,
    /// ...delete it...
    BulkDelete,
    /// ...or invite a list of addresses.
    BulkInvite,
    /// Record today's figures of every domain for the dashboards' charts (`figures`); about no
    /// domain; queues itself again for the end of each day.
    DailyFigures,
}

/// Which worker runs a kind: each lane has its own handler and waits for its own server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Needs the XMPP link (`reconcile`).
    Prosody,
    /// Needs the mail server (`mail::outbox`).
    Smtp,
    /// DNS and TLS probes (`health`): their own worker, so that they never wait behind
    /// changes for Prosody, nor those behind them.
    Health,
    /// Needs the ACME CA, then the XMPP link (`acme`): its own lane, as an order can take a
    /// minute, which would hold up every change queued behind it for Prosody.
    Acme,
    /// Owner tasks (`tasks`): long jobs an owner starts on their domain, paced, with a report.
    /// Their own worker, so that an announcement to 10,000 accounts never holds up the
    /// changes queued for Prosody meanwhile.
    Tasks,
}

/// How a kind is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// How long a claimed job is reserved for one instance; longer than one run may take.
    pub lease_secs: i64,
    /// The wait after the first failed attempt, doubling after each other one...
    pub first_backoff_secs: i64,
    /// ...up to this.
    pub max_backoff_secs: i64,
    /// Attempts before giving up; `None`: until it lands (a change the user made is never
    /// dropped because Prosody is down for long).
    pub max_attempts: Option<u32>,
}

impl Kind {
    pub const ALL: [Kind; 16] = [
        Kind::RegistrationMode,
        Kind::Quota,
        Kind::Lock,
        Kind::RevokeInvite,
        Kind::ProvisionHost,
        Kind::Suspension,
        Kind::Mail,
        Kind::AlertChat,
        Kind::HealthCheck,
        Kind::Certificate,
        Kind::RecoveryLink,
        Kind::Announcement,
        Kind::BulkLock,
        Kind::BulkDelete,
        Kind::BulkInvite,
        Kind::DailyFigures,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::RegistrationMode => "registration-mode",
            Kind::Quota => "quota",
            Kind::Lock => "lock",
            Kind::RevokeInvite => "revoke-invite",
            Kind::ProvisionHost => "provision-host",
            Kind::Suspension => "suspension",
            Kind::Mail => "mail",
            Kind::AlertChat => "alert-chat",
            Kind::HealthCheck => "health-check",
            Kind::Certificate => "certificate",
            Kind::RecoveryLink => "recovery-link",
            Kind::Announcement => "announcement",
            Kind::BulkLock => "bulk-lock",
            Kind::BulkDelete => "bulk-delete",
            Kind::BulkInvite => "bulk-invite",
            Kind::DailyFigures => "daily-figures",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The target as the logs may show it: an invitation's token is a bearer secret.
    pub fn logged_target(self, target: &str) -> &str {
        match self {
            Kind::RevokeInvite => "(an invitation token)",
            _ => target,
        }
    }

    pub fn lane(self) -> Lane {
        match self {
            Kind::Mail => Lane::Smtp,
            Kind::HealthCheck => Lane::Health,
            Kind::Certificate => Lane::Acme,
            Kind::Announcement | Kind::BulkLock | Kind::BulkDelete | Kind::BulkInvite => {
                Lane::Tasks
            }
            _ => Lane::Prosody,
        }
    }

    pub fn policy(self) -> Policy {
        match self.lane() {
            Lane::Prosody => Policy {
                lease_secs: 30,
                first_backoff_secs: 2,
                max_backoff_secs: 300,
                max_attempts: None,
            },
            // About three hours of attempts; a mail is not worth more.
            Lane::Smtp => Policy {
                lease_secs: 120,
                first_backoff_secs: 30,
                max_backoff_secs: 3600,
                max_attempts: Some(crate::mail::outbox::MAX_ATTEMPTS),
            },
            // A check only fails on a database error; its findings are results. The lease
            // covers every probe's timeout.
            Lane::Health => Policy {
                lease_secs: 300,
                first_backoff_secs: 60,
                max_backoff_secs: 3600,
                max_attempts: None,
            },
            // An order (validation, issuance, installation) can take a minute; a CA's rate
            // limits want slow retries; a domain whose DNS is not ready yet may become so
            // any day, so it never gives up.
            Lane::Acme => Policy {
                lease_secs: 300,
                first_backoff_secs: 60,
                max_backoff_secs: 6 * 3600,
                max_attempts: None,
            },
            // A task renews its lease after each step ([`heartbeat`]); one that stops (Prosody
            // went away) is retried from where it got to, for as long as it takes.
            Lane::Tasks => Policy {
                lease_secs: TASK_LEASE_SECS,
                first_backoff_secs: 5,
                max_backoff_secs: 300,
                max_attempts: None,
            },
        }
    }
}

/// How long a task's step may take before another instance takes the task up: each step renews
/// the lease for this long ([`heartbeat`]).
pub const TASK_LEASE_SECS: i64 = 120;

impl Policy {
    /// Seconds to wait after the `attempts`-th failed attempt.
    pub fn backoff_secs(&self, attempts: i64) -> i64 {
        (self.first_backoff_secs << (attempts - 1).clamp(0, 20)).min(self.max_backoff_secs)
    }
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Waiting for its first attempt or its next one.
    Queued,
    /// Claimed by a worker now.
    Running,
    Done,
    /// Given up; [`retry`] queues it again.
    Failed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Running => "running",
            State::Done => "done",
            State::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<State, sqlx::Error> {
        match s {
            "queued" => Ok(State::Queued),
            "running" => Ok(State::Running),
            "done" => Ok(State::Done),
            "failed" => Ok(State::Failed),
            other => Err(sqlx::Error::Decode(format!("job state {other:?}").into())),
        }
    }

    /// Still to land: queued or running.
    pub fn is_open(self) -> bool {
        matches!(self, State::Queued | State::Running)
    }
}

fn decode_kind(s: &str) -> Result<Kind, sqlx::Error> {
    Kind::parse(s).ok_or_else(|| sqlx::Error::Decode(format!("job kind {s:?}").into()))
}

/// A job as its handler gets it.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub kind: Kind,
    pub domain: String,
    pub target: String,
    pub payload: String,
    pub version: i64,
    /// Attempts before this one.
    pub attempts: i64,
}

/// A job as a page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobStatus {
    pub id: i64,
    pub kind: Kind,
    pub domain: String,
    pub target: String,
    pub state: State,
    pub attempts: i64,
    /// Empty until an attempt fails; kept until one succeeds.
    pub last_error: String,
    /// Unix seconds, for a queued job.
    pub next_attempt_at: i64,
    /// Unix seconds, for a done or failed job.
    pub finished_at: Option<i64>,
    /// Done out of total, for a job that records it.
    pub progress: Option<(i64, i64)>,
}

/// What [`enqueue`] made: the job and the version this change is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queued {
    pub id: i64,
    pub version: i64,
}

/// Why a run did not land.
#[derive(Debug)]
pub struct JobError {
    pub message: String,
    /// Running it again cannot succeed: give up now.
    pub permanent: bool,
}

impl JobError {
    pub fn retry(err: impl std::fmt::Display) -> JobError {
        JobError {
            message: err.to_string(),
            permanent: false,
        }
    }

    pub fn give_up(err: impl std::fmt::Display) -> JobError {
        JobError {
            message: err.to_string(),
            permanent: true,
        }
    }
}

/// Runs the jobs of one lane.
pub trait Handler: Send + Sync {
    fn lane(&self) -> Lane;
    fn run(&self, job: &Job) -> impl Future<Output = Result<(), JobError>> + Send;
}

/// Queues job `kind` about `domain` (`""` for none) and `target`, due now. A job already there
/// (not yet run, running, or finished) is queued again as a new version with a fresh set of
/// attempts. Does not wake a worker: `executor` may be a transaction that also records the
/// job's id, and the worker must not look before it commits.
pub async fn enqueue<'c, E>(
    executor: E,
    now: i64,
    kind: Kind,
    domain: &str,
    target: &str,
    payload: &str,
) -> Result<Queued, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    enqueue_at(executor, now, now, kind, domain, target, payload).await
}

/// Like [`enqueue`], due at `due` (Unix seconds) rather than now: a job that comes back on a
/// schedule. A handler may queue its own job this way: the version it ran is then finished and
/// the new one stays queued until `due`.
pub async fn enqueue_at<'c, E>(
    executor: E,
    now: i64,
    due: i64,
    kind: Kind,
    domain: &str,
    target: &str,
    payload: &str,
) -> Result<Queued, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    // A running job stays running (its worker's lease holds); it finds the new version when
    // it finishes and leaves the job queued for it.
    let (id, version): (i64, i64) = sqlx::query_as(
        "INSERT INTO jobs (kind, domain, target, payload, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, domain, target) DO UPDATE \
         SET version = jobs.version + 1, payload = $4, attempts = 0, next_attempt_at = $6, \
         finished_at = NULL, progress_done = NULL, progress_total = NULL, \
         state = CASE WHEN jobs.state = 'running' THEN 'running' ELSE 'queued' END \
         RETURNING id, version",
    )
    .bind(kind.as_str())
    .bind(domain)
    .bind(target)
    .bind(payload)
    .bind(now)
    .bind(due)
    .fetch_one(executor)
    .await?;
    Ok(Queued { id, version })
}

/// Queues `job` (which its handler is running) again at `due`, as a job on a schedule does,
/// unless it was queued again meanwhile: that newer version then runs when it was asked for,
/// not at the schedule's next time (it queues the next one itself).
pub async fn requeue_unless_asked_again(db: &Db, job: &Job, due: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jobs SET version = version + 1, attempts = 0, next_attempt_at = $1, \
         finished_at = NULL, progress_done = NULL, progress_total = NULL \
         WHERE id = $2 AND version = $3",
    )
    .bind(due)
    .bind(job.id)
    .bind(job.version)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    domain: String,
    target: String,
    payload: String,
    version: i64,
    attempts: i64,
}

/// `kind IN (...)` for the kinds of `lane` (constants, not user input).
fn lane_filter(lane: Lane) -> String {
    let names: Vec<String> = Kind::ALL
        .into_iter()
        .filter(|k| k.lane() == lane)
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    format!("kind IN ({})", names.join(", "))
}

/// Claims job `id` of `lane` if it is due and nobody holds it; `None` otherwise.
async fn claim(db: &Db, clock: &Clock, lane: Lane, id: i64) -> Result<Option<Job>, sqlx::Error> {
    let now = clock.now();
    let row: Option<JobRow> = sqlx::query_as(&format!(
        "SELECT id, kind, domain, target, payload, version, attempts FROM jobs \
         WHERE id = $1 AND {}",
        lane_filter(lane)
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let kind = decode_kind(&row.kind)?;
    // Re-checks everything the caller's look did, and the version read above: another
    // instance may have run, rescheduled or re-queued the job since. The lease starts now.
    let claimed = sqlx::query(
        "UPDATE jobs SET state = 'running', claimed_until = $1 WHERE id = $2 AND version = $3 \
         AND state IN ('queued', 'running') AND next_attempt_at <= $4 \
         AND (claimed_until IS NULL OR claimed_until < $4)",
    )
    .bind(now + kind.policy().lease_secs)
    .bind(row.id)
    .bind(row.version)
    .bind(now)
    .execute(&db.pool)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(Some(Job {
        id: row.id,
        kind,
        domain: row.domain,
        target: row.target,
        payload: row.payload,
        version: row.version,
        attempts: row.attempts,
    }))
}

/// Runs a claimed job and records how it went; whether it landed.
async fn run_claimed<H: Handler>(
    db: &Db,
    clock: &Clock,
    handler: &H,
    job: &Job,
) -> Result<bool, sqlx::Error> {
    let result = handler.run(job).await;
    let now = clock.now();
    let (state, error) = match &result {
        Ok(()) => (State::Done, String::new()),
        Err(err) => {
            let attempts = job.attempts + 1;
            let give_up = err.permanent
                || job
                    .kind
                    .policy()
                    .max_attempts
                    .is_some_and(|max| attempts >= i64::from(max));
            tracing::warn!(job = job.id, kind = job.kind.as_str(), domain = %job.domain,
                target = job.kind.logged_target(&job.target), error = %err.message, attempts, give_up, "job did not land");
            let state = if give_up {
                State::Failed
            } else {
                State::Queued
            };
            (state, err.message.clone())
        }
    };
    let next = match result {
        Ok(()) => now,
        Err(_) => now + job.kind.policy().backoff_secs(job.attempts + 1),
    };
    // Only the version that ran is finished; a newer one queued meanwhile stays queued (at
    // once if this one landed).
    sqlx::query(
        "UPDATE jobs SET attempts = attempts + 1, claimed_until = NULL, \
         state = CASE WHEN version = $1 THEN $2 ELSE 'queued' END, \
         last_error = CASE WHEN $3 <> '' THEN $3 WHEN version = $1 THEN '' ELSE last_error END, \
         finished_at = CASE WHEN version = $1 AND $2 IN ('done', 'failed') THEN $4 END, \
         next_attempt_at = CASE WHEN version = $1 OR $2 <> 'done' THEN $5 ELSE next_attempt_at END \
         WHERE id = $6",
    )
    .bind(job.version)
    .bind(state.as_str())
    .bind(&error)
    .bind(now)
    .bind(next)
    .bind(job.id)
    .execute(&db.pool)
    .await?;
    if matches!(state, State::Done | State::Failed) {
        let outcome = if state == State::Done {
            crate::audit::Outcome::Done
        } else {
            crate::audit::Outcome::Failed
        };
        crate::audit::job_finished(db, job.id, job.version, outcome).await?;
    }
    Ok(state == State::Done)
}

/// Runs every due job of `handler`'s lane once; returns how many landed.
pub async fn run_due<H: Handler>(
    db: &Db,
    clock: &Clock,
    handler: &H,
) -> Result<usize, sqlx::Error> {
    let due: Vec<(i64,)> = sqlx::query_as(&format!(
        "SELECT id FROM jobs WHERE state IN ('queued', 'running') AND next_attempt_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until < $1) AND {} ORDER BY id LIMIT 100",
        lane_filter(handler.lane())
    ))
    .bind(clock.now())
    .fetch_all(&db.pool)
    .await?;
    let mut landed = 0;
    for (id,) in due {
        let Some(job) = claim(db, clock, handler.lane(), id).await? else {
            continue; // another instance has it
        };
        if run_claimed(db, clock, handler, &job).await? {
            landed += 1;
        }
    }
    Ok(landed)
}

/// Runs job `id` now if it is due and nobody holds it (the request that queued a change,
/// showing its result at once without waiting on other jobs); returns its state after.
pub async fn run_one<H: Handler>(
    db: &Db,
    clock: &Clock,
    handler: &H,
    id: i64,
) -> Result<Option<State>, sqlx::Error> {
    if let Some(job) = claim(db, clock, handler.lane(), id).await? {
        run_claimed(db, clock, handler, &job).await?;
    }
    Ok(status(db, id).await?.map(|s| s.state))
}

/// Queues job `id` again now with a fresh set of attempts (its last error stays shown until the
/// next attempt). Returns false if there is no such job or it is done.
pub async fn retry(db: &Db, clock: &Clock, id: i64) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE jobs SET attempts = 0, next_attempt_at = $1, finished_at = NULL, \
         state = CASE WHEN state = 'running' THEN 'running' ELSE 'queued' END \
         WHERE id = $2 AND state <> 'done'",
    )
    .bind(clock.now())
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Records that a running job has done `done` of `total` steps.
pub async fn set_progress(db: &Db, id: i64, done: i64, total: i64) -> Result<(), sqlx::Error> {
    set_progress_in(&db.pool, id, done, total).await
}

/// [`set_progress`] through `executor` (the transaction that queues the job, to show its
/// total from the start).
pub async fn set_progress_in<'c, E>(
    executor: E,
    id: i64,
    done: i64,
    total: i64,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("UPDATE jobs SET progress_done = $1, progress_total = $2 WHERE id = $3")
        .bind(done)
        .bind(total)
        .bind(id)
        .execute(executor)
        .await?;
    Ok(())
}

/// Records that running `job` has done `done` of `total` steps and renews its lease (a long
/// job that reports after each step keeps it for as long as it runs). `executor` may be the
/// transaction that saves what the step did.
pub async fn heartbeat<'c, E>(
    executor: E,
    now: i64,
    job: &Job,
    done: i64,
    total: i64,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE jobs SET progress_done = $1, progress_total = $2, claimed_until = $3 \
         WHERE id = $4 AND state = 'running'",
    )
    .bind(done)
    .bind(total)
    .bind(now + job.kind.policy().lease_secs)
    .bind(job.id)
    .execute(executor)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    id: i64,
    kind: String,
    domain: String,
    target: String,
    state: String,
    attempts: i64,
    last_error: String,
    next_attempt_at: i64,
    finished_at: Option<i64>,
    progress_done: Option<i64>,
    progress_total: Option<i64>,
}

const STATUS_COLUMNS: &str = "id, kind, domain, target, state, attempts, last_error, \
     next_attempt_at, finished_at, progress_done, progress_total";

impl TryFrom<StatusRow> for JobStatus {
    type Error = sqlx::Error;

    fn try_from(row: StatusRow) -> Result<JobStatus, sqlx::Error> {
        Ok(JobStatus {
            id: row.id,
            kind: decode_kind(&row.kind)?,
            domain: row.domain,
            target: row.target,
            state: State::parse(&row.state)?,
            attempts: row.attempts,
            last_error: row.last_error,
            next_attempt_at: row.next_attempt_at,
            finished_at: row.finished_at,
            progress: row.progress_done.zip(row.progress_total),
        })
    }
}

pub async fn status(db: &Db, id: i64) -> Result<Option<JobStatus>, sqlx::Error> {
    let row: Option<StatusRow> =
        sqlx::query_as(&format!("SELECT {STATUS_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    row.map(JobStatus::try_from).transpose()
}

/// The job `kind` about `domain` and `target`, if any.
pub async fn find(
    db: &Db,
    kind: Kind,
    domain: &str,
    target: &str,
) -> Result<Option<JobStatus>, sqlx::Error> {
    let row: Option<StatusRow> = sqlx::query_as(&format!(
        "SELECT {STATUS_COLUMNS} FROM jobs WHERE kind = $1 AND domain = $2 AND target = $3"
    ))
    .bind(kind.as_str())
    .bind(domain)
    .bind(target)
    .fetch_optional(&db.pool)
    .await?;
    row.map(JobStatus::try_from).transpose()
}

/// The jobs of `domain` that have not landed (queued, running or failed), oldest first.
pub async fn for_domain(db: &Db, domain: &str) -> Result<Vec<JobStatus>, sqlx::Error> {
    let rows: Vec<StatusRow> = sqlx::query_as(&format!(
        "SELECT {STATUS_COLUMNS} FROM jobs WHERE domain = $1 AND state <> 'done' ORDER BY id"
    ))
    .bind(domain)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(JobStatus::try_from).collect()
}

/// The domains with a job of `lane` not done yet (queued, running or given up).
pub async fn domains_waiting(db: &Db, lane: Lane) -> Result<HashSet<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT DISTINCT domain FROM jobs WHERE state <> 'done' AND {}",
        lane_filter(lane)
    ))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(domain,)| domain).collect())
}

/// Forgets job `kind` about `domain` and `target` (its subject is gone: a deleted account).
pub async fn forget(db: &Db, kind: Kind, domain: &str, target: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM jobs WHERE kind = $1 AND domain = $2 AND target = $3")
        .bind(kind.as_str())
        .bind(domain)
        .bind(target)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A lane's background worker: runs due jobs every `tick`, and at once when woken (a job was
/// queued, or its server came back), while `ready` says its server can be reached.
pub async fn worker<H: Handler>(
    db: &Db,
    handler: H,
    wake: &Notify,
    tick: Duration,
    ready: impl Fn() -> bool + Send,
) {
    loop {
        if ready() {
            if let Err(e) = run_due(db, &db.clock, &handler).await {
                tracing::error!(error = %e, lane = ?handler.lane(), "running jobs failed");
            }
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(tick) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_token_is_not_logged() {
        assert_eq!(Kind::Lock.logged_target("alice"), "alice");
        assert!(!Kind::RevokeInvite
            .logged_target("s3cr3t")
            .contains("s3cr3t"));
    }

    #[test]
    fn kinds_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("nothing"), None);
    }

    #[test]
    fn prosody_backoff_doubles_up_to_five_minutes() {
        let policy = Kind::Quota.policy();
        assert_eq!(policy.backoff_secs(1), 2);
        assert_eq!(policy.backoff_secs(4), 16);
        assert_eq!(policy.backoff_secs(50), 300);
    }

    #[test]
    fn mail_backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        let policy = Kind::Mail.policy();
        assert_eq!(policy.backoff_secs(1), 30);
        assert_eq!(policy.backoff_secs(2), 60);
        assert_eq!(policy.backoff_secs(4), 240);
        assert_eq!(policy.backoff_secs(8), 3600);
        assert_eq!(policy.backoff_secs(500), 3600);
    }

    #[test]
    fn certificate_backoff_doubles_from_a_minute_up_to_six_hours() {
        let policy = Kind::Certificate.policy();
        assert_eq!(policy.backoff_secs(1), 60);
        assert_eq!(policy.backoff_secs(3), 240);
        assert_eq!(policy.backoff_secs(100), 6 * 3600);
        assert_eq!(policy.max_attempts, None);
        assert_eq!(lane_filter(Lane::Acme), "kind IN ('certificate')");
    }

    #[test]
    fn each_lane_filter_names_only_its_kinds() {
        assert_eq!(lane_filter(Lane::Smtp), "kind IN ('mail')");
        assert!(lane_filter(Lane::Prosody).contains("'lock'"));
        assert!(!lane_filter(Lane::Prosody).contains("'mail'"));
        assert_eq!(lane_filter(Lane::Health), "kind IN ('health-check')");
        assert_eq!(
            lane_filter(Lane::Tasks),
            "kind IN ('announcement', 'bulk-lock', 'bulk-delete', 'bulk-invite')"
        );
    }
}
