//! Bulk work on a domain's accounts: locking or deleting a selection, inviting a list of
//! addresses. Each request is an owner task (`tasks`: kinds `bulk-lock`, `bulk-delete`,
//! `bulk-invite`, followed on the task page) whose items are snapshot in `bulk_items` when it
//! is asked for, each item done through the same path as the one-account forms
//! (`portal::bulk`).
//!
//! - **Paced.** A run handles `[bulk] batch_size` items, then queues the task again
//!   `pause_secs` later by the portal's clock (a new version of the same job), so Prosody keeps
//!   serving its users and the lane's other tasks get their turn meanwhile.
//! - **Restart-safe.** Each item is saved as a step of the task as soon as it is done (its
//!   outcome, and the task's `resume_after`: the item's position), so a task taken up again
//!   (after a restart, or when the lease of an instance that died ends) goes on after it.
//!   What an item sends cannot go twice either: an invitation already e-mailed to the address
//!   since the task began counts as done, and a deleted account has no address left to tell.
//! - **Waits for Prosody.** An item that fails because Prosody (or the database) cannot be
//!   reached is not reported: the run stops and the task is retried with backoff.

pub mod addresses;
pub mod mail;

use crate::{
    audit,
    db::Db,
    jobs::{self, Job, JobError, Kind},
    state::AppState,
    tasks,
};
use app::{
    audit::{AuditAction, Outcome},
    bulk::BulkAction,
    context::RequestContext,
    error::ErrorKind,
};
use serde::{Deserialize, Serialize};

/// What a bulk task does, for whom: its `payload`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Spec {
    pub action: BulkAction,
    /// Deletions: e-mail a notice to the accounts with a confirmed recovery address.
    #[serde(default)]
    pub notify: bool,
    /// Invitations: the language of their e-mails; deletion notices: when the account's own
    /// is unknown.
    #[serde(default)]
    pub locale: app::i18n::Locale,
    /// Who asked, as their request showed them (without its anti-forgery token): each item
    /// is done, authorised and audited as theirs.
    pub by: RequestContext,
    /// Unix seconds.
    pub created_at: i64,
}

/// The task kind of `action`.
fn kind(action: BulkAction) -> Kind {
    match action {
        BulkAction::Lock => Kind::BulkLock,
        BulkAction::Delete => Kind::BulkDelete,
        BulkAction::Invite => Kind::BulkInvite,
    }
}

/// One item to do: an account's username, or a line's address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The line number of an address; the rank of an account.
    pub position: i64,
    pub item: String,
    /// Left out when asked for (a line that is not an address): reported as such when the
    /// task reaches it.
    pub refused: Option<ErrorKind>,
}

/// An item that cannot be done for now: Prosody or the database is not there, so the task
/// waits and tries it again (an item that cannot be done at all is reported, not an error).
#[derive(Debug)]
pub struct Retry(pub String);

/// Queues bulk task `spec` on `domain` with its `items`, audited, in one transaction; its id.
pub async fn create(
    state: &AppState,
    domain: &str,
    spec: &Spec,
    items: &[Item],
) -> Result<i64, sqlx::Error> {
    let db = &state.db;
    let payload = serde_json::to_string(spec).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let actor = spec.by.user.as_ref().map_or("", |u| u.display_name());
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let now = spec.created_at;
    let mut tx = db.pool.begin().await?;
    let job = tasks::start(
        &mut tx,
        now,
        kind(spec.action),
        domain,
        actor,
        &payload,
        Some(total),
    )
    .await?;
    // A few hundred rows a statement: a whole domain can be thousands.
    for chunk in items.chunks(200) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${}, ${}, ${})", 3 * i + 2, 3 * i + 3, 3 * i + 4))
            .collect();
        let sql = format!(
            "INSERT INTO bulk_items (job_id, position, item, refused) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(job.id);
        for item in chunk {
            let refused = item
                .refused
                .and_then(|r| serde_json::to_string(&r).ok())
                .unwrap_or_default();
            query = query.bind(item.position).bind(&item.item).bind(refused);
        }
        query.execute(&mut *tx).await?;
    }
    // Done once asked for: its items are audited one by one as they are done.
    let detail = format!("{total} items");
    let change = audit::Change {
        actor,
        domain: Some(domain),
        action: AuditAction::StartBulk,
        target: spec.action.as_str(),
        outcome: Outcome::Done,
        detail: &detail,
    };
    audit::record_for_job(&mut *tx, now, change, job).await?;
    tx.commit().await?;
    tasks::wake(state);
    Ok(job.id)
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    position: i64,
    item: String,
    refused: String,
}

/// The next `limit` items of task `id` after position `after`.
async fn next_items(db: &Db, id: i64, after: i64, limit: u32) -> Result<Vec<Item>, sqlx::Error> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT position, item, refused FROM bulk_items WHERE job_id = $1 AND position > $2 \
         ORDER BY position LIMIT $3",
    )
    .bind(id)
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Item {
            position: row.position,
            item: row.item,
            // Written by `create`; one this version cannot read still leaves the line out.
            refused: (!row.refused.is_empty())
                .then(|| serde_json::from_str(&row.refused).unwrap_or(ErrorKind::Internal)),
        })
        .collect())
}

async fn count_items(db: &Db, id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bulk_items WHERE job_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// Runs one batch of bulk task `job` from where it got to, and queues the next one.
pub async fn run(state: &AppState, job: &Job) -> Result<(), JobError> {
    let db = &state.db;
    let spec: Spec = serde_json::from_str(&job.payload).map_err(JobError::give_up)?;
    let settings = &state.config.bulk;
    let resume = tasks::resume(db, job).await.map_err(JobError::retry)?;
    let mut after: i64 = resume.resume_after.parse().unwrap_or(0);
    let mut done = resume.succeeded + resume.failed;
    let total = count_items(db, job.id).await.map_err(JobError::retry)?;
    // Lists say which line; the accounts of a selection are their own names.
    let lines = spec.action == BulkAction::Invite;
    let batch = next_items(db, job.id, after, settings.batch_size)
        .await
        .map_err(JobError::retry)?;
    for item in batch {
        let refused = match item.refused {
            Some(why) => Some(why),
            None => crate::portal::bulk_item(state, &spec, &job.domain, &item.item)
                .await
                .map_err(|Retry(why)| JobError::retry(why))?,
        };
        after = item.position;
        done += 1;
        let failures: Vec<tasks::Failure> = refused
            .map(|reason| tasks::Failure {
                line: lines.then_some(item.position),
                item: item.item.clone(),
                reason,
            })
            .into_iter()
            .collect();
        let position = after.to_string();
        let step = tasks::Step {
            resume_after: &position,
            done,
            total,
            succeeded: i64::from(refused.is_none()),
            failures: &failures,
        };
        tasks::record_step(db, job, step)
            .await
            .map_err(JobError::retry)?;
    }
    if done < total {
        let now = state.clock.now();
        let due = now.saturating_add(i64::try_from(settings.pause_secs).unwrap_or(i64::MAX));
        jobs::enqueue_at(
            &db.pool,
            now,
            due,
            job.kind,
            &job.domain,
            &job.target,
            &job.payload,
        )
        .await
        .map_err(JobError::retry)?;
        // Queueing again forgets the progress: the page keeps showing it.
        jobs::set_progress(db, job.id, done, total)
            .await
            .map_err(JobError::retry)?;
        tasks::wake(state);
    }
    Ok(())
}
