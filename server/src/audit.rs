//! The audit log (the `audit_log` table): every change, who made it, on which domain, when, and
//! how it went. Shown to a domain's owners and to provider admins. An entry whose change waits
//! for a job (see `jobs`) is pending until the job lands (done) or gives up (failed).

use crate::{db::Db, jobs::Queued};
pub use app::audit::{AuditAction, AuditEntry, Outcome};

pub struct Change<'a> {
    pub actor: &'a str,
    pub domain: Option<&'a str>,
    pub action: AuditAction,
    pub target: &'a str,
    pub outcome: Outcome,
    pub detail: &'a str,
}

pub async fn record(db: &Db, change: Change<'_>) -> Result<(), sqlx::Error> {
    insert(&db.pool, db.now(), change, None).await
}

/// Records a change that `job` carries out, pending until it finishes; `executor` is best the
/// transaction that queued the job, so the job cannot finish before the entry exists.
pub async fn record_for_job<'c, E>(
    executor: E,
    now: i64,
    change: Change<'_>,
    job: Queued,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    insert(executor, now, change, Some(job)).await
}

async fn insert<'c, E>(
    executor: E,
    now: i64,
    change: Change<'_>,
    job: Option<Queued>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    // Read here, once for every entry, rather than threaded through each change.
    let client = crate::web::client_ip::of_current_request().map(|c| c.ip.to_string());
    sqlx::query(
        "INSERT INTO audit_log (at, actor, domain, action, target, outcome, detail, job_id, \
         job_version, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(now)
    .bind(change.actor)
    .bind(change.domain)
    .bind(change.action.as_str())
    .bind(change.target)
    .bind(change.outcome.as_str())
    .bind(change.detail)
    .bind(job.map(|j| j.id))
    .bind(job.map(|j| j.version))
    .bind(client)
    .execute(executor)
    .await?;
    Ok(())
}

/// Job `job_id` finished at `version` with `outcome` (done or failed): the entries of the
/// changes it carried, up to that version, say so. A later version's entries keep waiting.
pub async fn job_finished(
    db: &Db,
    job_id: i64,
    version: i64,
    outcome: Outcome,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE audit_log SET outcome = $1 WHERE job_id = $2 AND job_version <= $3 \
         AND outcome IN ('pending', 'failed')",
    )
    .bind(outcome.as_str())
    .bind(job_id)
    .bind(version)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    at: i64,
    actor: String,
    domain: Option<String>,
    #[sqlx(try_from = "String")]
    action: AuditAction,
    target: String,
    #[sqlx(try_from = "String")]
    outcome: Outcome,
    detail: String,
}

/// Newest first; `domain: None` is the whole log (provider admins), `action` filters by kind.
pub async fn list(
    db: &Db,
    domain: Option<&str>,
    action: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT at, actor, domain, action, target, outcome, detail FROM audit_log \
         WHERE ($1 IS NULL OR domain = $1) AND ($2 IS NULL OR action = $2) \
         ORDER BY at DESC, id DESC LIMIT $3",
    )
    .bind(domain)
    .bind(action)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            at: row.at,
            actor: row.actor,
            domain: row.domain,
            action: row.action,
            target: row.target,
            outcome: row.outcome,
            detail: row.detail,
        })
        .collect())
}
