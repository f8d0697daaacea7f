//! Hosted domains (the `domains` table).

use crate::db::Db;
use app::{
    domains::{ChangeKind, ChangeState, DomainSummary, PendingChange, RegistrationMode},
    provider::DomainStatus,
};
use std::collections::HashMap;
use xmpp_parsers::jid::DomainPart;

pub async fn list(db: &Db) -> Result<Vec<DomainSummary>, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, created_at FROM domains ORDER BY name")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(name, created_at)| DomainSummary { name, created_at })
        .collect())
}

pub async fn exists(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM domains WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// The domains `jid` owns.
pub async fn owned_by(db: &Db, jid: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT d.name FROM domain_owners o JOIN domains d ON d.id = o.domain_id \
         WHERE o.jid = $1 ORDER BY d.name",
    )
    .bind(jid)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

/// A domain name as XMPP compares it (nameprep: `Example.ORG` is `example.org`).
pub fn normalize(name: &str) -> Option<String> {
    DomainPart::new(name.trim())
        .ok()
        .map(|d| d.as_str().to_string())
}

/// Records a domain the portal manages; adding one that is already there changes nothing.
/// Returns the name as stored, or `None` if it is not a valid domain name.
pub async fn add(db: &Db, name: &str) -> Result<Option<String>, sqlx::Error> {
    let Some(name) = normalize(name) else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO domains (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&name)
    .bind(db.now())
    .execute(&db.pool)
    .await?;
    Ok(Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nameprepped() {
        assert_eq!(normalize(" Example.ORG ").as_deref(), Some("example.org"));
        assert_eq!(normalize("a b.org"), None);
        assert_eq!(normalize(""), None);
    }
}

/// The desired state of one domain, as the portal keeps it.
#[derive(sqlx::FromRow)]
pub struct DomainRow {
    pub id: i64,
    pub name: String,
    pub quota: Option<i64>,
    #[sqlx(try_from = "String")]
    pub registration_mode: RegistrationMode,
    #[sqlx(try_from = "String")]
    pub status: DomainStatus,
}

/// Every domain, by name.
pub async fn all(db: &Db) -> Result<Vec<DomainRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, quota, registration_mode, status FROM domains ORDER BY name")
        .fetch_all(&db.pool)
        .await
}

pub async fn get(db: &Db, name: &str) -> Result<Option<DomainRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, quota, registration_mode, status FROM domains WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await
}

pub async fn set_status(db: &Db, name: &str, status: DomainStatus) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE domains SET status = $1 WHERE name = $2")
        .bind(status.as_str())
        .bind(name)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_registration_mode(
    db: &Db,
    name: &str,
    mode: RegistrationMode,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE domains SET registration_mode = $1 WHERE name = $2")
        .bind(mode.as_str())
        .bind(name)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_quota(db: &Db, name: &str, quota: Option<u32>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE domains SET quota = $1 WHERE name = $2")
        .bind(quota.map(i64::from))
        .bind(name)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn owners(db: &Db, domain_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT jid FROM domain_owners WHERE domain_id = $1 ORDER BY jid")
            .bind(domain_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(jid,)| jid).collect())
}

/// The owners of every domain that has any, by domain id, each list sorted.
pub async fn all_owners(db: &Db) -> Result<HashMap<i64, Vec<String>>, sqlx::Error> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT domain_id, jid FROM domain_owners ORDER BY jid")
            .fetch_all(&db.pool)
            .await?;
    let mut owners: HashMap<i64, Vec<String>> = HashMap::new();
    for (domain_id, jid) in rows {
        owners.entry(domain_id).or_default().push(jid);
    }
    Ok(owners)
}

/// Adds an owner; `false` if they already were one.
pub async fn add_owner(db: &Db, domain_id: i64, jid: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO domain_owners (domain_id, jid, added_at) VALUES ($1, $2, $3) \
         ON CONFLICT (domain_id, jid) DO NOTHING",
    )
    .bind(domain_id)
    .bind(jid)
    .bind(db.now())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes an owner unless they are the last one, in one statement so that two owners removing
/// each other at the same time cannot leave the domain without any.
pub async fn remove_owner(db: &Db, domain_id: i64, jid: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM domain_owners WHERE domain_id = $1 AND jid = $2 \
         AND (SELECT COUNT(*) FROM domain_owners WHERE domain_id = $1) > 1",
    )
    .bind(domain_id)
    .bind(jid)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Changes not yet applied on the XMPP server for this domain (queued, running, or given up).
pub async fn pending(db: &Db, name: &str) -> Result<Vec<PendingChange>, sqlx::Error> {
    Ok(crate::jobs::for_domain(db, name)
        .await?
        .into_iter()
        // A domain's jobs are its changes for Prosody; the kinds share their names.
        .filter_map(|job| {
            Some(PendingChange {
                id: job.id,
                kind: ChangeKind::parse(job.kind.as_str())?,
                target: job.target,
                state: ChangeState::parse(job.state.as_str())?,
                attempts: job.attempts,
                last_error: job.last_error,
                next_attempt_at: job.next_attempt_at,
            })
        })
        .collect())
}
