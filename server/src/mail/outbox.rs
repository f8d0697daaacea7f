//! The outbox: every e-mail is saved in `mail_outbox` first, then sent by a background worker.
//! When the mail server is down or refuses a mail for now, the mail stays queued with its error
//! and is retried with backoff; after [`MAX_ATTEMPTS`] (or a permanent refusal) it is marked
//! failed, and can still be retried by hand. Rows are claimed with a lease, so portal instances
//! sharing one database never send the same mail twice (as in `reconcile`).
//!
//! The bodies of a mail are emptied once it is sent: they may hold invitation links, which
//! should not outlive their delivery in the database.

use super::{Email, MailError, Mailer};
use crate::{
    config::SmtpSettings,
    db::{self, Db},
};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;

/// Attempts before a mail is marked failed (about three hours with the backoff below).
pub const MAX_ATTEMPTS: u32 = 10;
/// How long a claimed mail is reserved for one instance; longer than a delivery may take.
const LEASE_SECS: i64 = 120;
const FIRST_BACKOFF_SECS: i64 = 30;
const MAX_BACKOFF_SECS: i64 = 3600;
/// How often the worker looks for due mails when nobody wakes it.
const TICK: Duration = Duration::from_secs(5);

/// What became of a queued mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailStatus {
    /// Waiting for its first attempt (`last_error` is `None`) or for the next one.
    Pending {
        attempts: u32,
        last_error: Option<String>,
    },
    /// Accepted by the mail server at `at` (unix seconds).
    Sent { at: i64 },
    /// Given up; [`retry`] queues it again.
    Failed { attempts: u32, last_error: String },
}

/// Queues `email` and returns its id, without waking the worker: `executor` may be a
/// transaction that also stores the id (an invitation's row), and the worker must not look
/// before it commits. Wake it after the commit (`AppState::mail`), or use [`send`].
pub async fn enqueue<'c, E>(executor: E, email: &Email) -> Result<i64, MailError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    email.recipient()?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO mail_outbox (recipient, subject, body_text, body_html, created_at, \
         next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.text)
    .bind(&email.html)
    .bind(db::now())
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// Queues `email` and wakes the worker, so it goes out at once; returns its id.
pub async fn send(db: &Db, wake: &Notify, email: &Email) -> Result<i64, MailError> {
    let id = enqueue(&db.pool, email).await?;
    wake.notify_one();
    Ok(id)
}

/// The status of mail `id`, `None` if there is no such mail.
pub async fn status(db: &Db, id: i64) -> Result<Option<MailStatus>, sqlx::Error> {
    let row: Option<(String, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT status, attempts, last_error, sent_at FROM mail_outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((status, attempts, last_error, sent_at)) = row else {
        return Ok(None);
    };
    let attempts = u32::try_from(attempts).unwrap_or(u32::MAX);
    Ok(Some(match (status.as_str(), sent_at) {
        ("pending", _) => MailStatus::Pending {
            attempts,
            last_error: Some(last_error).filter(|e| !e.is_empty()),
        },
        ("sent", Some(at)) => MailStatus::Sent { at },
        ("failed", _) => MailStatus::Failed {
            attempts,
            last_error,
        },
        _ => {
            return Err(sqlx::Error::Decode(
                format!("mail {id} has status {status:?} (sent at {sent_at:?})").into(),
            ))
        }
    }))
}

/// Queues mail `id` again now, with a fresh set of attempts (its last error stays shown until
/// the next attempt), and wakes the worker. Returns false if there is no such mail or it was
/// already sent.
pub async fn retry(db: &Db, wake: &Notify, id: i64) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = $1 \
         WHERE id = $2 AND status <> 'sent'",
    )
    .bind(db::now())
    .bind(id)
    .execute(&db.pool)
    .await?;
    let queued = updated.rows_affected() == 1;
    if queued {
        wake.notify_one();
    }
    Ok(queued)
}

#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    attempts: i64,
}

/// Sends every due mail once; returns how many the mail server accepted.
pub async fn run_due(db: &Db, mailer: &Mailer) -> Result<usize, sqlx::Error> {
    let now = db::now();
    let due: Vec<Due> = sqlx::query_as(
        "SELECT id, recipient, subject, body_text, body_html, attempts FROM mail_outbox \
         WHERE status = 'pending' AND next_attempt_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY id LIMIT 50",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut sent = 0;
    for mail in due {
        // Re-checks everything the SELECT did: another instance may have sent this mail, or
        // failed and rescheduled it, since. The lease starts now, not when the batch did.
        let now = db::now();
        let claimed = sqlx::query(
            "UPDATE mail_outbox SET claimed_until = $1 WHERE id = $2 AND status = 'pending' \
             AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3)",
        )
        .bind(now + LEASE_SECS)
        .bind(mail.id)
        .bind(now)
        .execute(&db.pool)
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another instance has it
        }
        let email = Email {
            to: mail.recipient,
            subject: mail.subject,
            text: mail.body_text,
            html: mail.body_html,
        };
        match mailer.send(&email).await {
            Ok(()) => {
                sqlx::query(
                    "UPDATE mail_outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, \
                     last_error = '', claimed_until = NULL, body_text = '', body_html = '' \
                     WHERE id = $2",
                )
                .bind(db::now())
                .bind(mail.id)
                .execute(&db.pool)
                .await?;
                sent += 1;
            }
            Err(err) => {
                let attempts = mail.attempts + 1;
                let give_up = err.is_permanent() || attempts >= i64::from(MAX_ATTEMPTS);
                tracing::warn!(mail = mail.id, error = %err, attempts, give_up, "e-mail not sent");
                sqlx::query(
                    "UPDATE mail_outbox SET status = $1, attempts = attempts + 1, last_error = $2, \
                     next_attempt_at = $3, claimed_until = NULL WHERE id = $4",
                )
                .bind(if give_up { "failed" } else { "pending" })
                .bind(err.to_string())
                .bind(db::now() + backoff_secs(attempts))
                .bind(mail.id)
                .execute(&db.pool)
                .await?;
            }
        }
    }
    Ok(sent)
}

/// Seconds to wait after the `attempts`-th failed attempt: 30 s, doubling, at most an hour.
fn backoff_secs(attempts: i64) -> i64 {
    (FIRST_BACKOFF_SECS << (attempts - 1).clamp(0, 20)).min(MAX_BACKOFF_SECS)
}

/// The background worker: sends due mails every few seconds, and at once when woken (a mail
/// was queued or retried).
pub async fn worker(db: Db, settings: SmtpSettings, wake: Arc<Notify>) {
    let mailer = loop {
        match Mailer::new(&settings) {
            Ok(mailer) => break mailer,
            Err(e) => {
                tracing::error!(error = %e, "cannot set up the SMTP transport; e-mails stay queued");
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
        }
    };
    loop {
        if let Err(e) = run_due(&db, &mailer).await {
            tracing::error!(error = %e, "sending e-mails failed");
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(TICK) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(4), 240);
        assert_eq!(backoff_secs(8), MAX_BACKOFF_SECS);
        assert_eq!(backoff_secs(500), MAX_BACKOFF_SECS);
    }
}
