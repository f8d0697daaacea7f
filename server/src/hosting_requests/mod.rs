//! Hosting requests (the `hosting_requests` table): what a stranger asked for, whether they
//! confirmed their e-mail address, and what the provider's admins decided.

pub mod mail;
pub mod names;
pub mod provisioning;

use crate::db::Db;
use app::hosting_requests::{HostingRequest, RequestStatus};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestRecord {
    pub id: i64,
    pub domain: String,
    pub requester_name: String,
    pub email: String,
    pub xmpp: Option<String>,
    pub member: i64,
    pub message: String,
    pub locale: String,
    #[sqlx(try_from = "String")]
    pub status: RequestStatus,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub owner_invite_id: Option<i64>,
    pub approval_mailed_at: Option<i64>,
}

impl RequestRecord {
    pub fn locale(&self) -> app::i18n::Locale {
        app::i18n::Locale::from_code(&self.locale).unwrap_or_default()
    }

    /// As the pages show it; `provisioning_pending` comes from the reconciler.
    pub fn view(&self, provisioning_pending: bool) -> HostingRequest {
        HostingRequest {
            id: self.id,
            domain: names::to_unicode(&self.domain),
            domain_ascii: self.domain.clone(),
            name: self.requester_name.clone(),
            email: self.email.clone(),
            xmpp: self.xmpp.clone(),
            member: self.member != 0,
            message: self.message.clone(),
            status: self.status,
            created_at: self.created_at,
            confirmed_at: self.confirmed_at,
            decided_at: self.decided_at,
            decided_by: self.decided_by.clone(),
            reason: self.reason.clone(),
            provisioning_pending,
        }
    }
}

pub struct NewRequest<'a> {
    pub domain: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub xmpp: Option<&'a str>,
    pub member: bool,
    pub message: &'a str,
    pub locale: &'a str,
    pub ip: &'a str,
    /// As the confirmation link carries it; stored as its hash.
    pub token: &'a str,
    pub now: i64,
}

const SELECT: &str = "SELECT id, domain, requester_name, email, xmpp, member, message, locale, \
     status, created_at, confirmed_at, decided_at, decided_by, reason, \
     owner_invite_id, approval_mailed_at FROM hosting_requests";

pub async fn insert(db: &Db, new: NewRequest<'_>) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO hosting_requests (domain, requester_name, email, xmpp, member, message, \
         locale, ip, confirm_token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING id",
    )
    .bind(new.domain)
    .bind(new.name)
    .bind(new.email)
    .bind(new.xmpp)
    .bind(i64::from(new.member))
    .bind(new.message)
    .bind(new.locale)
    .bind(new.ip)
    .bind(crate::auth::tokens::token_hash(new.token))
    .bind(new.now)
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<RequestRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// The request whose confirmation link carries `token` (only its hash is stored).
pub async fn by_token(db: &Db, token: &str) -> Result<Option<RequestRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE confirm_token_hash = $1"))
        .bind(crate::auth::tokens::token_hash(token))
        .fetch_optional(&db.pool)
        .await
}

pub async fn by_status(db: &Db, status: RequestStatus) -> Result<Vec<RequestRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT 500"
    ))
    .bind(status.as_str())
    .fetch_all(&db.pool)
    .await
}

#[derive(sqlx::FromRow)]
struct StatusCount {
    #[sqlx(try_from = "String")]
    status: RequestStatus,
    n: i64,
}

pub async fn counts(db: &Db) -> Result<Vec<(RequestStatus, u32)>, sqlx::Error> {
    let rows: Vec<StatusCount> =
        sqlx::query_as("SELECT status, COUNT(*) AS n FROM hosting_requests GROUP BY status")
            .fetch_all(&db.pool)
            .await?;
    Ok(RequestStatus::ALL
        .into_iter()
        .map(|status| {
            let n = rows
                .iter()
                .find(|row| row.status == status)
                .map_or(0, |row| row.n);
            (status, u32::try_from(n).unwrap_or(u32::MAX))
        })
        .collect())
}

/// Whether a request for `domain` is waiting for review or was approved.
pub async fn is_open(db: &Db, domain: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM hosting_requests WHERE domain = $1 AND status IN ('to-review', 'approved')",
    )
    .bind(domain)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Requests filed since `since` from this address and for this e-mail address.
pub async fn recent(db: &Db, ip: &str, email: &str, since: i64) -> Result<(u32, u32), sqlx::Error> {
    let count = |column: &'static str, value: &str| {
        let sql = format!(
            "SELECT COUNT(*) FROM hosting_requests WHERE {column} = $1 AND created_at >= $2"
        );
        let value = value.to_string();
        async move {
            let (n,): (i64,) = sqlx::query_as(&sql)
                .bind(value)
                .bind(since)
                .fetch_one(&db.pool)
                .await?;
            Ok::<u32, sqlx::Error>(u32::try_from(n).unwrap_or(u32::MAX))
        }
    };
    Ok((count("ip", ip).await?, count("email", email).await?))
}

/// Moves an unconfirmed request into the queue; `false` if it was not unconfirmed any more (or
/// another request for the domain got there first).
pub async fn confirm(db: &Db, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE hosting_requests SET status = 'to-review', confirmed_at = $1 \
         WHERE id = $2 AND status = 'unconfirmed'",
    )
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await;
    match done {
        Ok(done) => Ok(done.rows_affected() == 1),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}

/// Records the decision on a request waiting for review; `false` if it was decided already
/// (approving twice decides once).
pub async fn decide(
    db: &Db,
    id: i64,
    status: RequestStatus,
    by: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE hosting_requests SET status = $1, decided_at = $2, decided_by = $3, reason = $4 \
         WHERE id = $5 AND status = 'to-review'",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(by)
    .bind(reason)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The approved request behind a domain, once provisioning needs it.
pub async fn approved_for(db: &Db, domain: &str) -> Result<Option<RequestRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE domain = $1 AND status = 'approved'"
    ))
    .bind(domain)
    .fetch_optional(&db.pool)
    .await
}

pub async fn set_owner_invite(db: &Db, id: i64, invite_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE hosting_requests SET owner_invite_id = $1 WHERE id = $2")
        .bind(invite_id)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_approval_mailed(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE hosting_requests SET approval_mailed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
