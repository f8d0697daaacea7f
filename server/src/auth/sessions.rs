//! Browser sessions (the `sessions` table). The cookie carries a random token; the table keeps
//! its hash, whose session it is (a local provider admin or an XMPP account), and when it
//! expires.

use super::tokens::{random_token, token_hash};
use crate::db::Db;
use app::context::Principal;

pub const LIFETIME_SECS: i64 = 12 * 3600;

/// Whose session it is, as stored.
pub enum Subject<'a> {
    LocalAdmin(i64),
    Xmpp(&'a str),
}

/// Opens a session and returns the token to put in the cookie.
pub async fn open(db: &Db, subject: Subject<'_>) -> Result<String, sqlx::Error> {
    let token = random_token();
    let now = db.now();
    let (admin_id, jid) = match subject {
        Subject::LocalAdmin(id) => (Some(id), None),
        Subject::Xmpp(jid) => (None, Some(jid)),
    };
    sqlx::query(
        "INSERT INTO sessions (token_hash, admin_id, jid, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(admin_id)
    .bind(jid)
    .bind(now)
    .bind(now + LIFETIME_SECS)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// Who a session token belongs to, if it is still valid. Roles are looked up afresh on every
/// request, so removing an owner takes effect at once. `provider_admins` are the XMPP addresses
/// the configuration names as provider admins.
pub async fn principal(
    db: &Db,
    token: &str,
    provider_admins: &[String],
) -> Result<Option<Principal>, sqlx::Error> {
    let row: Option<(Option<i64>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT s.admin_id, a.username, s.jid FROM sessions s \
         LEFT JOIN provider_admins a ON a.id = s.admin_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(db.now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(match row {
        Some((Some(id), Some(username), _)) => Some(Principal::ProviderAdmin { id, username }),
        Some((None, _, Some(jid))) => {
            let owned_domains = crate::domains::owned_by(db, &jid).await?;
            Some(Principal::Xmpp {
                provider_admin: provider_admins.contains(&jid),
                jid,
                owned_domains,
            })
        }
        _ => None,
    })
}

pub async fn close(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Drops expired sessions, and logins that waited too long for their second factor; called
/// periodically.
pub async fn purge_expired(db: &Db) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1")
        .bind(db.now())
        .execute(&db.pool)
        .await?;
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(db.now())
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// Closes every portal session of an XMPP account (deleted, or its password changed elsewhere).
pub async fn close_all_of(db: &Db, jid: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE jid = $1")
        .bind(jid)
        .execute(&db.pool)
        .await?;
    Ok(())
}
