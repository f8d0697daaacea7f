//! Hosted domains (the `domains` table).

use crate::db::{self, Db};
use app::domains::DomainSummary;

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

/// Records a domain the portal manages; adding one that is already there changes nothing.
pub async fn add(db: &Db, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO domains (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(db::now())
    .execute(&db.pool)
    .await?;
    Ok(())
}
