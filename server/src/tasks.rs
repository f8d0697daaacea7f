//! Owner tasks: long jobs an owner starts on their domain (an announcement to every account,
//! bulk changes), run by the worker of the `Tasks` lane, one step at a time, with a report the
//! task page shows (`app::tasks`, `/domains/NAME/tasks/ID`).
//!
//! A task is a job (its state, attempts, last error and progress live in `jobs`) plus a row of
//! `owner_tasks`: who started it, how many items succeeded and failed, and where it stands in
//! its kind's terms (`resume_after`, e.g. the last username done), with the failed items in
//! `owner_task_failures`. Each step ([`record_step`]) saves all of it in one transaction and
//! renews the job's lease, so a run taken up again after a restart or a failed attempt goes on
//! from the last step saved, and nothing is done twice in normal operation.
//!
//! **Adding a kind**: a `jobs::Kind` whose lane is `Lane::Tasks`; an arm in [`Runner::run`]
//! calling its step loop (read [`Job::payload`] and [`resume`], do a batch, call
//! [`record_step`], until done); [`start`] where it is asked for, inside the transaction that
//! also records its audit entry; and the messages `task-kind-KIND` and `task-summary-KIND` in
//! `app/locales`. The page needs nothing.

use crate::{
    db::Db,
    jobs::{self, Handler, Job, JobError, Kind, Lane, Queued},
    state::AppState,
};
use app::{
    error::ErrorKind,
    tasks::{TaskFailure, TaskState, TaskView, MAX_FAILURES_SHOWN},
};
use rand::Rng;
use std::time::Duration;

/// How often the worker looks for due tasks when nobody wakes it.
const TICK: Duration = Duration::from_secs(2);

/// Queues a task of `kind` (a kind of the `Tasks` lane) on `domain`, started by `actor`, with
/// `payload` (what its steps need: the message, the list...) and `total` steps if known.
/// `executor` is the transaction that also records its audit entry (see
/// `audit::record_for_job`); wake the worker ([`wake`]) once it is committed.
pub async fn start(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: i64,
    kind: Kind,
    domain: &str,
    actor: &str,
    payload: &str,
    total: Option<i64>,
) -> Result<Queued, sqlx::Error> {
    debug_assert_eq!(kind.lane(), Lane::Tasks);
    // Each task is a job of its own: a name nobody else has.
    let target = format!("{now}-{:016x}", rand::rngs::OsRng.gen::<u64>());
    let job = jobs::enqueue(&mut **tx, now, kind, domain, &target, payload).await?;
    sqlx::query(
        "INSERT INTO owner_tasks (job_id, domain, started_by, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(job.id)
    .bind(domain)
    .bind(actor)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if let Some(total) = total {
        jobs::set_progress_in(&mut **tx, job.id, 0, total).await?;
    }
    Ok(job)
}

/// Wakes the tasks' worker (a task was queued).
pub fn wake(state: &AppState) {
    state.tasks.notify_one();
}

/// One item of a step that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Its line in a list the owner gave (from 1), if it came from one.
    pub line: Option<i64>,
    /// The item as the owner knows it (what they typed, a username).
    pub item: String,
    pub reason: ErrorKind,
}

/// What one step of a task did.
#[derive(Clone, Debug, Default)]
pub struct Step<'a> {
    /// Where the task stands after it, in its kind's terms (read back by [`resume`]).
    pub resume_after: &'a str,
    /// Items done in all (succeeded or failed) after it, and of how many.
    pub done: i64,
    pub total: i64,
    /// Items of this step that succeeded.
    pub succeeded: i64,
    /// Items of this step that failed, in order.
    pub failures: &'a [Failure],
}

/// Where a task stands, as its last step saved it.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Resume {
    /// The last step's `resume_after` (`""` before the first step).
    pub resume_after: String,
    pub succeeded: i64,
    pub failed: i64,
}

/// Where task `job` stands, to go on from there.
pub async fn resume(db: &Db, job: &Job) -> Result<Resume, sqlx::Error> {
    sqlx::query_as("SELECT resume_after, succeeded, failed FROM owner_tasks WHERE job_id = $1")
        .bind(job.id)
        .fetch_one(&db.pool)
        .await
}

/// Saves a step of running task `job`: its items' outcomes, where it stands and its progress,
/// in one transaction, renewing the job's lease.
pub async fn record_step(db: &Db, job: &Job, step: Step<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    // Written first: a transaction that reads before it writes fails on SQLite ("database is
    // locked", SQLITE_BUSY_SNAPSHOT) when another connection wrote in between.
    let (failed_now,): (i64,) = sqlx::query_as(
        "UPDATE owner_tasks SET succeeded = succeeded + $1, failed = failed + $2, \
         resume_after = $3 WHERE job_id = $4 RETURNING failed",
    )
    .bind(step.succeeded)
    .bind(step.failures.len() as i64)
    .bind(step.resume_after)
    .bind(job.id)
    .fetch_one(&mut *tx)
    .await?;
    let failed_before = failed_now - step.failures.len() as i64;
    for (n, failure) in step.failures.iter().enumerate() {
        let reason = serde_json::to_string(&failure.reason).unwrap_or_default();
        sqlx::query(
            "INSERT INTO owner_task_failures (job_id, seq, line_no, item, reason) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(job.id)
        .bind(failed_before + n as i64)
        .bind(failure.line)
        .bind(&failure.item)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
    }
    jobs::heartbeat(&mut *tx, db.now(), job, step.done, step.total).await?;
    tx.commit().await
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    started_by: String,
    created_at: i64,
    succeeded: i64,
    failed: i64,
}

#[derive(sqlx::FromRow)]
struct FailureRow {
    line_no: Option<i64>,
    item: String,
    reason: String,
}

/// Task `id` as its page shows it; `None` if there is no such task.
pub async fn view(db: &Db, id: i64) -> Result<Option<TaskView>, sqlx::Error> {
    let Some(job) = jobs::status(db, id).await? else {
        return Ok(None);
    };
    let row: Option<TaskRow> = sqlx::query_as(
        "SELECT started_by, created_at, succeeded, failed FROM owner_tasks WHERE job_id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let failures: Vec<FailureRow> = sqlx::query_as(
        "SELECT line_no, item, reason FROM owner_task_failures WHERE job_id = $1 \
         ORDER BY seq LIMIT $2",
    )
    .bind(id)
    .bind(MAX_FAILURES_SHOWN)
    .fetch_all(&db.pool)
    .await?;
    let state = TaskState::parse(job.state.as_str())
        .ok_or_else(|| sqlx::Error::Decode(format!("task state {:?}", job.state).into()))?;
    let (done, total) = match job.progress {
        Some((done, total)) => (done, Some(total)),
        None => (0, None),
    };
    Ok(Some(TaskView {
        id,
        domain: job.domain,
        kind: job.kind.as_str().to_owned(),
        state,
        started_by: row.started_by,
        created_at: row.created_at,
        finished_at: job.finished_at,
        done,
        total,
        succeeded: row.succeeded,
        failed: row.failed,
        failures: failures
            .into_iter()
            .map(|f| TaskFailure {
                line: f.line_no,
                item: f.item,
                // Written by `record_step`; an older form reads as an internal error.
                reason: serde_json::from_str(&f.reason).unwrap_or(ErrorKind::Internal),
            })
            .collect(),
        attempts: job.attempts,
        last_error: job.last_error,
        next_attempt_at: job.next_attempt_at,
    }))
}

/// The handler of the `Tasks` lane.
pub struct Runner<'a>(pub &'a AppState);

impl Handler for Runner<'_> {
    fn lane(&self) -> Lane {
        Lane::Tasks
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        match job.kind {
            Kind::Announcement => crate::announcements::run(self.0, job).await,
            Kind::BulkLock | Kind::BulkDelete | Kind::BulkInvite => {
                crate::bulk::run(self.0, job).await
            }
            other => Err(JobError::give_up(format!(
                "{} is not an owner task",
                other.as_str()
            ))),
        }
    }
}

/// The background worker: runs due tasks while Prosody is connected (every kind so far works
/// through it), and at once when woken.
pub async fn worker(state: AppState) {
    let wake = state.tasks.clone();
    jobs::worker(&state.db, Runner(&state), &wake, TICK, || {
        state.xmpp.is_connected()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::i18n::Locale;

    #[test]
    fn every_task_kind_has_a_title_and_a_summary_in_both_languages() {
        for kind in Kind::ALL.into_iter().filter(|k| k.lane() == Lane::Tasks) {
            for l in Locale::ALL {
                let view = TaskView {
                    id: 1,
                    domain: "example.org".into(),
                    kind: kind.as_str().into(),
                    state: TaskState::Done,
                    started_by: "olga@example.org".into(),
                    created_at: 0,
                    finished_at: Some(1),
                    done: 3,
                    total: Some(3),
                    succeeded: 2,
                    failed: 1,
                    failures: Vec::new(),
                    attempts: 0,
                    last_error: String::new(),
                    next_attempt_at: 0,
                };
                let title = view.title(l);
                let summary = view.summary(l);
                assert!(!title.contains("task-kind-"), "{kind:?} in {l:?}: {title}");
                assert!(summary.contains('2'), "{kind:?} in {l:?}: {summary}");
            }
        }
    }
}
