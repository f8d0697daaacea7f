//! The `certificates` table: per domain, the certificate that landed on Prosody (expiry, when,
//! its fingerprint) and the last attempt's failure. Never the private key.

use crate::db::Db;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Row {
    pub domain: String,
    pub not_after: Option<i64>,
    pub issued_at: Option<i64>,
    pub fingerprint: String,
    pub last_error: String,
    pub last_attempt_at: Option<i64>,
}

pub async fn get(db: &Db, domain: &str) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as(
        "SELECT domain, not_after, issued_at, fingerprint, last_error, last_attempt_at \
         FROM certificates WHERE domain = $1",
    )
    .bind(domain)
    .fetch_optional(&db.pool)
    .await
}

/// Records that the certificate `fingerprint`, valid until `not_after`, landed on Prosody.
pub async fn installed(
    db: &Db,
    domain: &str,
    not_after: i64,
    fingerprint: &str,
) -> Result<(), sqlx::Error> {
    let now = db.now();
    sqlx::query(
        "INSERT INTO certificates (domain, not_after, issued_at, fingerprint, last_error, \
         last_attempt_at) VALUES ($1, $2, $3, $4, '', $3) ON CONFLICT (domain) DO UPDATE \
         SET not_after = $2, issued_at = $3, fingerprint = $4, last_error = '', \
         last_attempt_at = $3",
    )
    .bind(domain)
    .bind(not_after)
    .bind(now)
    .bind(fingerprint)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records a failed attempt; the certificate installed before, if any, stays described.
pub async fn failed(db: &Db, domain: &str, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO certificates (domain, last_error, last_attempt_at) VALUES ($1, $2, $3) \
         ON CONFLICT (domain) DO UPDATE SET last_error = $2, last_attempt_at = $3",
    )
    .bind(domain)
    .bind(error)
    .bind(db.now())
    .execute(&db.pool)
    .await?;
    Ok(())
}
