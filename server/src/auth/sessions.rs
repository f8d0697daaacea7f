//! Browser sessions (the `sessions` table). The cookie carries a random token; the table keeps
//! its hash, the admin it belongs to, and when it expires.

use super::tokens::{random_token, token_hash};
use crate::db::{self, Db};
use app::context::Principal;

pub const LIFETIME_SECS: i64 = 12 * 3600;

/// Opens a session and returns the token to put in the cookie.
pub async fn open(db: &Db, admin_id: i64) -> Result<String, sqlx::Error> {
    let token = random_token();
    let now = db::now();
    sqlx::query("INSERT INTO sessions (token_hash, admin_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(admin_id)
        .bind(now)
        .bind(now + LIFETIME_SECS)
        .execute(&db.pool)
        .await?;
    Ok(token)
}

/// Who a session token belongs to, if it is still valid.
pub async fn principal(db: &Db, token: &str) -> Result<Option<Principal>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT a.id, a.username FROM sessions s JOIN provider_admins a ON a.id = s.admin_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(db::now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id, username)| Principal::ProviderAdmin { id, username }))
}

pub async fn close(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Drops expired sessions; called periodically.
pub async fn purge_expired(db: &Db) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(db::now())
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}
