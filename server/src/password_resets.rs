//! Password reset links (the `password_resets` table): single use, valid for a day when an owner
//! makes one, an hour when "Forgot your password?" e-mails one (`recovery`). The table
//! keeps the token's hash only (as sessions do): the link itself is shown once, when it is made.
//! Every function here takes the token as the link carries it.

use crate::{auth::tokens::token_hash, db::Db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResetRecord {
    pub domain: String,
    pub username: String,
    pub expires_at: i64,
}

/// `executor`: the pool, or the transaction that also queues the mail carrying the link.
pub async fn insert<'c, E>(
    executor: E,
    token: &str,
    domain_id: i64,
    username: &str,
    created_by: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO password_resets (token_hash, domain_id, username, created_by, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(token))
    .bind(domain_id)
    .bind(username)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(executor)
    .await?;
    Ok(())
}

const SELECT: &str = "SELECT d.name AS domain, r.username, r.expires_at \
     FROM password_resets r JOIN domains d ON d.id = r.domain_id";

/// The link behind `token` if it can still be used at `now`.
pub async fn usable(db: &Db, token: &str, now: i64) -> Result<Option<ResetRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2"
    ))
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(&db.pool)
    .await
}

/// The domain's links that can still be used, newest first.
pub async fn usable_for_domain(
    db: &Db,
    domain: &str,
    now: i64,
) -> Result<Vec<ResetRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE d.name = $1 AND r.used_at IS NULL AND r.expires_at > $2 \
         ORDER BY r.created_at DESC"
    ))
    .bind(domain)
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// Takes the link for one use; `false` if it was used (or expired) meanwhile. Only one of
/// several concurrent requests gets `true`.
pub async fn claim(db: &Db, token: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE password_resets SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(token_hash(token))
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a claimed link back, when the new password could not be set.
pub async fn release(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE password_resets SET used_at = NULL WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}
