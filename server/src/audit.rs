//! The audit log (the `audit_log` table): every change, who made it, on which domain, when, and
//! how it went. Shown to a domain's owners and to provider admins.

use crate::db::{self, Db};
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
    sqlx::query(
        "INSERT INTO audit_log (at, actor, domain, action, target, outcome, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(db::now())
    .bind(change.actor)
    .bind(change.domain)
    .bind(change.action.as_str())
    .bind(change.target)
    .bind(change.outcome.as_str())
    .bind(change.detail)
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
