//! Hosted domains (the `domains` table).

use crate::db::{self, Db};
use app::domains::DomainSummary;
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
    .bind(db::now())
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
