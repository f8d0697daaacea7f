//! Recovery e-mail addresses (the `recovery_emails` table) and what "Forgot your password?"
//! does with them. An address is used only once its confirmation link (single use, kept as its
//! hash) was opened; a new address waits beside the confirmed one until then.
//!
//! A request for a reset link only queues a `recovery-link` job (Prosody lane), whatever the
//! account: the request does the same work, answers the same and takes the same time whether or
//! not the account exists or has a confirmed address. The job ([`send_reset_link`]) finds out,
//! and makes and e-mails the link only when there is somewhere to send it.

pub mod mail;

use crate::{
    audit,
    auth::tokens::{random_token, token_hash},
    db::Db,
    jobs::{self, Kind},
    mail::{outbox, MailError},
    password_resets,
    state::AppState,
    xmpp::{BareJid, XmppError},
};
use app::{
    audit::{AuditAction, Outcome},
    i18n::Locale,
    recovery::{RecoveryAddresses, CONFIRM_LINK_SECS, RECOVERY_RESET_SECS},
};

/// Who made the reset links the portal sends by itself, as their `created_by`.
const CREATED_BY: &str = "forgot-password";

/// An address waiting for its confirmation link.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Pending {
    pub domain: String,
    pub username: String,
    pub email: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    email: Option<String>,
    pending_email: Option<String>,
    pending_expires_at: Option<i64>,
}

/// `username@domain`'s addresses; a pending one only while its link works.
pub async fn status(
    db: &Db,
    domain: &str,
    username: &str,
) -> Result<RecoveryAddresses, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT r.email, r.pending_email, r.pending_expires_at FROM recovery_emails r \
         JOIN domains d ON d.id = r.domain_id WHERE d.name = $1 AND r.username = $2",
    )
    .bind(domain)
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    let now = db.now();
    Ok(row
        .map(|row| RecoveryAddresses {
            confirmed: row.email,
            pending: row
                .pending_email
                .filter(|_| row.pending_expires_at.is_some_and(|at| at > now)),
        })
        .unwrap_or_default())
}

/// Records `email` as waiting for confirmation; returns the confirmation link's token (the
/// table keeps its hash). A confirmed address stays in use until the new one is confirmed.
pub async fn set_pending(
    db: &Db,
    domain_id: i64,
    username: &str,
    email: &str,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    let now = db.now();
    sqlx::query(
        "INSERT INTO recovery_emails (domain_id, username, pending_email, pending_token_hash, \
         pending_expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (domain_id, username) DO UPDATE SET pending_email = $3, \
         pending_token_hash = $4, pending_expires_at = $5, updated_at = $6",
    )
    .bind(domain_id)
    .bind(username)
    .bind(email)
    .bind(token_hash(&token))
    .bind(now + CONFIRM_LINK_SECS)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// The address behind a confirmation link that still works.
pub async fn pending(db: &Db, token: &str) -> Result<Option<Pending>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.name AS domain, r.username, r.pending_email AS email FROM recovery_emails r \
         JOIN domains d ON d.id = r.domain_id \
         WHERE r.pending_token_hash = $1 AND r.pending_expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(db.now())
    .fetch_optional(&db.pool)
    .await
}

/// Makes the address behind the link the confirmed one, once; `None` if the link does not work
/// (any more).
pub async fn confirm(db: &Db, token: &str) -> Result<Option<Pending>, sqlx::Error> {
    let Some(found) = pending(db, token).await? else {
        return Ok(None);
    };
    let now = db.now();
    // Re-checked in the update: of two clicks at once, one confirms.
    let done = sqlx::query(
        "UPDATE recovery_emails SET email = pending_email, confirmed_at = $1, \
         pending_email = NULL, pending_token_hash = NULL, pending_expires_at = NULL, \
         updated_at = $1 WHERE pending_token_hash = $2 AND pending_expires_at > $1",
    )
    .bind(now)
    .bind(token_hash(token))
    .execute(&db.pool)
    .await?;
    Ok((done.rows_affected() == 1).then_some(found))
}

/// Forgets the account's addresses (removed by its user, or the account deleted).
pub async fn remove(db: &Db, domain_id: i64, username: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_emails WHERE domain_id = $1 AND username = $2")
        .bind(domain_id)
        .bind(username)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Which of `usernames` (accounts of `domain`) have a confirmed address, for the accounts page.
pub async fn confirmed_among(
    db: &Db,
    domain: &str,
    usernames: &[&str],
) -> Result<Vec<String>, sqlx::Error> {
    if usernames.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..usernames.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT r.username FROM recovery_emails r JOIN domains d ON d.id = r.domain_id \
         WHERE d.name = $1 AND r.email IS NOT NULL AND r.username IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String,)>(&sql).bind(domain);
    for username in usernames {
        query = query.bind(*username);
    }
    Ok(query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(u,)| u)
        .collect())
}

/// Queues the job that sends `jid` a reset link if it has a confirmed address (written in
/// `locale` if the user's own language is unknown). The same work whatever `jid` is.
pub async fn request_reset_link(
    state: &AppState,
    jid: &BareJid,
    locale: Locale,
) -> Result<(), sqlx::Error> {
    let db = &state.db;
    jobs::enqueue(
        &db.pool,
        db.now(),
        Kind::RecoveryLink,
        "",
        jid.as_str(),
        locale.code(),
    )
    .await?;
    state.reconcile.notify_one();
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Xmpp(#[from] XmppError),
}

/// The `recovery-link` job: a reset link (single use, one hour) e-mailed to `jid`'s confirmed
/// address, in the user's language (else `locale`); nothing for an account without one, nor
/// for one Prosody does not have.
pub async fn send_reset_link(state: &AppState, jid: &str, locale: &str) -> Result<(), SendError> {
    let db = &state.db;
    let Ok(jid) = BareJid::new(jid) else {
        return Ok(());
    };
    let (Some(username), domain) = (jid.node().map(|n| n.to_string()), jid.domain().to_string())
    else {
        return Ok(());
    };
    let Some(email) = status(db, &domain, &username).await?.confirmed else {
        return Ok(());
    };
    let Some(row) = crate::domains::get(db, &domain).await? else {
        return Ok(());
    };
    if !state.xmpp.account_exists(&jid).await? {
        return Ok(());
    }
    let locale = language(db, jid.as_str(), Locale::from_code(locale)).await;
    let token = random_token();
    let now = db.now();
    let expires_at = now + RECOVERY_RESET_SECS;
    let link = state.config.link(&format!("/reset/{token}"));
    let texts = mail::Texts {
        to: &email,
        provider: &state.config.provider_name,
        jid: jid.as_str(),
        zone: &crate::time_zones::provider(&state.config, db.now()),
    };
    let message = mail::reset_link(locale, &texts, &link, expires_at);
    // The link and the mail that carries it, or neither.
    let mut tx = db.pool.begin().await?;
    password_resets::insert(
        &mut *tx, &token, row.id, &username, CREATED_BY, now, expires_at,
    )
    .await?;
    outbox::enqueue(&mut *tx, now, &message).await?;
    tx.commit().await?;
    state.mail.notify_one();
    audit::record(
        db,
        audit::Change {
            actor: jid.as_str(),
            domain: Some(&domain),
            action: AuditAction::SendRecoveryLink,
            target: &username,
            outcome: Outcome::Done,
            detail: "",
        },
    )
    .await?;
    Ok(())
}

/// Tells the account's confirmed address that its password was just changed with a reset
/// link (in the user's language, else `fallback`). The password is changed already: a failure
/// here is logged, not reported.
pub async fn tell_password_changed(state: &AppState, jid: &BareJid, fallback: Locale) {
    let db = &state.db;
    let (Some(username), domain) = (jid.node(), jid.domain().as_str()) else {
        return;
    };
    let sent = async {
        let Some(email) = status(db, domain, username.as_str()).await?.confirmed else {
            return Ok(());
        };
        let locale = language(db, jid.as_str(), Some(fallback)).await;
        let texts = mail::Texts {
            to: &email,
            provider: &state.config.provider_name,
            jid: jid.as_str(),
            zone: &crate::time_zones::provider(&state.config, db.now()),
        };
        outbox::send(db, &state.mail, &mail::password_changed(locale, &texts))
            .await
            .map(|_| ())
    };
    if let Err(e) = sent.await {
        tracing::error!(%jid, error = %e, "cannot queue the password-changed notice");
    }
}

/// The user's own portal language, else `fallback`, else the default.
pub async fn language(db: &Db, jid: &str, fallback: Option<Locale>) -> Locale {
    match crate::languages::of(db, jid).await {
        Ok(Some(locale)) => locale,
        Ok(None) => fallback.unwrap_or_default(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read a user's language");
            fallback.unwrap_or_default()
        }
    }
}
