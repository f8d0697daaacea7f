//! Bulk work on a domain's accounts: locking or deleting a selection, inviting a list of
//! addresses. One job of the queue (kind `bulk`, lane `Bulk`) per request, with its items
//! snapshot in `bulk_items` when it is asked for, each item done through the same path as the
//! one-account forms (`portal::bulk`).
//!
//! - **Paced.** A run handles `[bulk] batch_size` items, then queues the next run
//!   `pause_secs` later (a new version of the same job), so Prosody keeps serving its users and
//!   the lane's other jobs get their turn.
//! - **Restart-safe.** Each item's outcome is saved as soon as it is done, so a job taken up
//!   again (after a restart, or when the lease of an instance that died ends) skips what it did;
//!   what an item sends (an invitation's e-mail, a deletion notice) is saved with that outcome
//!   or found again (`portal::bulk`), so nobody gets it twice.
//! - **Waits for Prosody.** An item that fails because Prosody cannot be reached is not
//!   reported: the run stops and the job is retried with backoff, like any change.

pub mod addresses;
pub mod mail;

use crate::{
    db::Db,
    jobs::{self, Handler, Job, JobError, Kind, Lane},
    state::AppState,
};
use app::{bulk::BulkAction, context::RequestContext, error::ErrorKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How often the worker looks for due batches when nobody wakes it.
const TICK: Duration = Duration::from_secs(2);

/// What a bulk job does, for whom: its `payload`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Spec {
    pub action: BulkAction,
    /// Deletions: e-mail a notice to the accounts with a confirmed recovery address.
    #[serde(default)]
    pub notify: bool,
    /// Invitations: the language of their e-mails.
    #[serde(default)]
    pub locale: app::i18n::Locale,
    /// Who asked, as their request showed them (without its anti-forgery token): each item
    /// is done, authorised and audited as theirs.
    pub by: RequestContext,
    /// Unix seconds.
    pub created_at: i64,
}

/// One item to do: an account's username, or a line's address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The line number of an address; the rank of an account.
    pub position: i64,
    pub item: String,
    /// Left out when asked for (a line that is not an address), reported as such.
    pub refused: Option<ErrorKind>,
}

/// An item that could not be done for now: Prosody or the database is not there, so the job
/// waits and tries it again (an item that cannot be done is reported, not an error).
#[derive(Debug)]
pub struct Retry(pub String);

/// Queues bulk job `spec` about `domain` with its `items`, in one transaction; its id.
pub async fn create(db: &Db, domain: &str, spec: &Spec, items: &[Item]) -> Result<i64, sqlx::Error> {
    let payload = serde_json::to_string(spec).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let target = crate::auth::tokens::random_token();
    let mut tx = db.pool.begin().await?;
    let job = jobs::enqueue(&mut *tx, spec.created_at, Kind::Bulk, domain, &target, &payload).await?;
    // A few hundred rows a statement: a whole domain can be thousands.
    for chunk in items.chunks(200) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${}, ${}, ${}, ${})", 4 * i + 2, 4 * i + 3, 4 * i + 4, 4 * i + 5))
            .collect();
        let sql = format!(
            "INSERT INTO bulk_items (job_id, position, item, outcome, reason) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(job.id);
        for item in chunk {
            query = query
                .bind(item.position)
                .bind(&item.item)
                .bind(item.refused.map(|_| "failed"))
                .bind(reason_text(item.refused));
        }
        query.execute(&mut *tx).await?;
    }
    jobs::set_progress_in(&mut *tx, job.id, done_count(items), items.len() as i64).await?;
    tx.commit().await?;
    Ok(job.id)
}

fn done_count(items: &[Item]) -> i64 {
    items.iter().filter(|i| i.refused.is_some()).count() as i64
}

fn reason_text(reason: Option<ErrorKind>) -> String {
    reason
        .and_then(|r| serde_json::to_string(&r).ok())
        .unwrap_or_default()
}

/// The job's spec, if `id` is a bulk job of `domain`.
pub async fn spec(db: &Db, domain: &str, id: i64) -> Result<Option<Spec>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT payload FROM jobs WHERE id = $1 AND kind = $2 AND domain = $3")
            .bind(id)
            .bind(Kind::Bulk.as_str())
            .bind(domain)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|(payload,)| serde_json::from_str(&payload).ok()))
}

/// One item as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub position: i64,
    pub item: String,
    /// `None`: still to do; `Some(None)`: done; `Some(Some(why))`: not done.
    pub result: Option<Option<ErrorKind>>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    position: i64,
    item: String,
    outcome: Option<String>,
    reason: String,
}

/// Every item of job `id`, in order.
pub async fn outcomes(db: &Db, id: i64) -> Result<Vec<Outcome>, sqlx::Error> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT position, item, outcome, reason FROM bulk_items WHERE job_id = $1 \
         ORDER BY position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Outcome {
            position: row.position,
            item: row.item,
            result: row.outcome.map(|o| match o.as_str() {
                "done" => None,
                // A reason this version cannot read still says the item failed.
                _ => Some(serde_json::from_str(&row.reason).unwrap_or(ErrorKind::Internal)),
            }),
        })
        .collect())
}

/// Saves item `position` of job `id` as done (`None`) or not (`Some(why)`); `executor` is best
/// the transaction that saves what the item sends.
pub async fn record<'c, E>(
    executor: E,
    id: i64,
    position: i64,
    refused: Option<ErrorKind>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("UPDATE bulk_items SET outcome = $1, reason = $2 WHERE job_id = $3 AND position = $4")
        .bind(if refused.is_some() { "failed" } else { "done" })
        .bind(reason_text(refused))
        .bind(id)
        .bind(position)
        .execute(executor)
        .await?;
    Ok(())
}

async fn next_items(db: &Db, id: i64, limit: u32) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT position, item FROM bulk_items WHERE job_id = $1 AND outcome IS NULL \
         ORDER BY position LIMIT $2",
    )
    .bind(id)
    .bind(i64::from(limit))
    .fetch_all(&db.pool)
    .await
}

/// Items of job `id` handled so far, and in all.
async fn counts(db: &Db, id: i64) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(outcome), COUNT(*) FROM bulk_items WHERE job_id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
}

/// The handler of the `Bulk` lane: one batch of one job per run.
pub struct Runner<'a>(pub &'a AppState);

impl Handler for Runner<'_> {
    fn lane(&self) -> Lane {
        Lane::Bulk
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let state = self.0;
        let db = &state.db;
        let spec: Spec = serde_json::from_str(&job.payload).map_err(JobError::give_up)?;
        let settings = &state.config.bulk;
        let batch = next_items(db, job.id, settings.batch_size)
            .await
            .map_err(JobError::retry)?;
        for (position, item) in batch {
            let outcome = crate::portal::bulk_item(state, &spec, &job.domain, job.id, position, &item).await;
            let (done, total) = counts(db, job.id).await.map_err(JobError::retry)?;
            jobs::set_progress(db, job.id, done, total)
                .await
                .map_err(JobError::retry)?;
            if let Err(Retry(why)) = outcome {
                return Err(JobError::retry(why));
            }
        }
        let (done, total) = counts(db, job.id).await.map_err(JobError::retry)?;
        if done < total {
            let now = state.clock.now();
            let due = now + i64::try_from(settings.pause_secs).unwrap_or(i64::MAX / 2);
            jobs::enqueue_at(&db.pool, now, due, Kind::Bulk, &job.domain, &job.target, &job.payload)
                .await
                .map_err(JobError::retry)?;
            // Queueing again forgets the progress: the page keeps showing it.
            jobs::set_progress(db, job.id, done, total)
                .await
                .map_err(JobError::retry)?;
            state.bulk.notify_one();
        }
        Ok(())
    }
}

/// The background worker of bulk jobs: runs due batches while Prosody is connected.
pub async fn worker(state: AppState) {
    let wake = state.bulk.clone();
    jobs::worker(&state.db, Runner(&state), &wake, TICK, || {
        state.xmpp.is_connected()
    })
    .await
}
