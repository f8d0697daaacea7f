//! Invitations (the `invitations` table): the portal's record of each invitation token it made
//! on Prosody. Prosody decides whether a token still works; this table keeps what Prosody does
//! not (who made it, the note, the e-mail) and the uses it reported last.

pub mod mail;
pub mod members;

use crate::db::Db;
use app::invitations::InvitationState;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: i64,
    pub domain: String,
    pub token: String,
    pub uri: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_uses: i64,
    pub uses: i64,
    pub accounts: String,
    pub username: Option<String>,
    pub note: String,
    pub contact: Option<String>,
    pub email: Option<String>,
    pub email_locale: Option<String>,
    pub mail_id: Option<i64>,
    pub revoked_at: Option<i64>,
    /// Accounts made with it become owners of the domain.
    pub makes_owner: i64,
    /// A member made it on their own page (`created_by` is that member).
    pub by_member: i64,
}

impl InvitationRecord {
    /// Where it stands at unix time `now` (the portal's clock).
    pub fn state(&self, now: i64) -> InvitationState {
        if self.revoked_at.is_some() {
            InvitationState::Revoked
        } else if self.uses >= self.max_uses {
            InvitationState::UsedUp
        } else if self.expires_at <= now {
            InvitationState::Expired
        } else {
            InvitationState::Pending
        }
    }

    pub fn account_names(&self) -> Vec<String> {
        self.accounts
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// The portal's landing page of invitation `token`, the link people are given.
pub fn landing_link(public_url: &url::Url, token: &str) -> String {
    let mut url = public_url.clone();
    url.set_path(&format!("/invite/{token}"));
    url.to_string()
}

/// A new invitation, once Prosody made its token.
pub struct NewRecord<'a> {
    pub domain_id: i64,
    pub token: &'a str,
    pub uri: &'a str,
    pub created_by: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_uses: u32,
    pub username: Option<&'a str>,
    pub note: &'a str,
    pub contact: Option<&'a str>,
    pub makes_owner: bool,
    pub by_member: bool,
}

const SELECT: &str = "SELECT i.id, d.name AS domain, i.token, i.uri, i.created_by, i.created_at, \
     i.expires_at, i.max_uses, i.uses, i.accounts, i.username, i.note, i.contact, i.email, \
     i.email_locale, i.mail_id, i.revoked_at, i.makes_owner, i.by_member \
     FROM invitations i JOIN domains d ON d.id = i.domain_id";

pub async fn insert(db: &Db, new: NewRecord<'_>) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO invitations (domain_id, token, uri, created_by, created_at, expires_at, \
         max_uses, username, note, contact, makes_owner, by_member) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(new.domain_id)
    .bind(new.token)
    .bind(new.uri)
    .bind(new.created_by)
    .bind(new.created_at)
    .bind(new.expires_at)
    .bind(i64::from(new.max_uses))
    .bind(new.username)
    .bind(new.note)
    .bind(new.contact)
    .bind(i64::from(new.makes_owner))
    .bind(i64::from(new.by_member))
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

/// The domain's invitations, newest first.
pub async fn list(db: &Db, domain: &str) -> Result<Vec<InvitationRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE d.name = $1 ORDER BY i.created_at DESC, i.id DESC"
    ))
    .bind(domain)
    .fetch_all(&db.pool)
    .await
}

pub async fn by_token(db: &Db, token: &str) -> Result<Option<InvitationRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE i.token = $1"))
        .bind(token)
        .fetch_optional(&db.pool)
        .await
}

pub async fn by_id(
    db: &Db,
    domain: &str,
    id: i64,
) -> Result<Option<InvitationRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE d.name = $1 AND i.id = $2"))
        .bind(domain)
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// How many of the domain's invitations can still be used at `now`.
pub async fn count_pending(db: &Db, domain: &str, now: i64) -> Result<u32, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM invitations i JOIN domains d ON d.id = i.domain_id \
         WHERE d.name = $1 AND i.revoked_at IS NULL AND i.uses < i.max_uses AND i.expires_at > $2",
    )
    .bind(domain)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Whether `domain` has an owner invitation that can still be used at `now`.
pub async fn has_pending_owner_invitation(
    db: &Db,
    domain: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT i.id FROM invitations i JOIN domains d ON d.id = i.domain_id \
         WHERE d.name = $1 AND i.makes_owner = 1 AND i.revoked_at IS NULL \
         AND i.uses < i.max_uses AND i.expires_at > $2",
    )
    .bind(domain)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Whether an invitation of `domain` made at or after `since` was e-mailed to `email` (any
/// case).
pub async fn emailed_since(
    db: &Db,
    domain: &str,
    email: &str,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT i.id FROM invitations i JOIN domains d ON d.id = i.domain_id \
         WHERE d.name = $1 AND LOWER(i.email) = LOWER($2) AND i.created_at >= $3 LIMIT 1",
    )
    .bind(domain)
    .bind(email)
    .bind(since)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// What Prosody reported: uses so far and the accounts made with the invitation.
pub async fn record_usage(
    db: &Db,
    id: i64,
    uses: u32,
    accounts: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invitations SET uses = $1, accounts = $2 WHERE id = $3")
        .bind(i64::from(uses))
        .bind(accounts.join(","))
        .bind(id)
        .execute(&db.pool)
        .await?;
    members::record_invited(db, id, accounts, db.now()).await
}

/// Marks it revoked (the desired state; `reconcile` withdraws the token from Prosody).
pub async fn mark_revoked(db: &Db, id: i64, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(at)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The e-mail that carries it: to whom, in which language, and the outbox entry.
pub async fn set_mail(
    db: &Db,
    id: i64,
    email: &str,
    locale: &str,
    mail_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invitations SET email = $1, email_locale = $2, mail_id = $3 WHERE id = $4")
        .bind(email)
        .bind(locale)
        .bind(mail_id)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> InvitationRecord {
        InvitationRecord {
            id: 1,
            domain: "example.org".into(),
            token: "t".into(),
            uri: "xmpp:example.org?register;preauth=t".into(),
            created_by: "owner@example.org".into(),
            created_at: 0,
            expires_at: 100,
            max_uses: 2,
            uses: 0,
            accounts: String::new(),
            username: None,
            note: String::new(),
            contact: None,
            email: None,
            email_locale: None,
            mail_id: None,
            revoked_at: None,
            makes_owner: 0,
            by_member: 0,
        }
    }

    #[test]
    fn state_follows_revocation_then_uses_then_time() {
        let mut r = record();
        assert_eq!(r.state(99), InvitationState::Pending);
        assert_eq!(r.state(100), InvitationState::Expired);
        r.uses = 2;
        assert_eq!(r.state(50), InvitationState::UsedUp);
        r.revoked_at = Some(10);
        assert_eq!(r.state(50), InvitationState::Revoked);
    }

    #[test]
    fn accounts_split_on_commas() {
        let mut r = record();
        assert!(r.account_names().is_empty());
        r.accounts = "ann,bob".into();
        assert_eq!(r.account_names(), ["ann", "bob"]);
    }
}
