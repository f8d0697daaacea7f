//! The outbox: every e-mail is saved in `mail_outbox` first, then delivered by a job of the
//! portal's one job queue (`jobs`, kind `mail`, whose target is the mail's id). When the mail
//! server is down or refuses a mail for now, the job stays queued with its error and is retried
//! with backoff; after [`MAX_ATTEMPTS`] (or a permanent refusal) it is failed, and can still be
//! retried by hand. The queue's lease means portal instances sharing one database never send the
//! same mail twice at once.
//!
//! The mail's row holds its data, not its delivery state: the bodies may hold invitation
//! links, so they are emptied once it is sent, and invitations point at the row by id.

use super::{Email, MailError, Mailer};
use crate::{
    config::SmtpSettings,
    db::Db,
    jobs::{self, Handler, Job, JobError, Kind, Lane, State},
};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;

/// Attempts before a mail is marked failed (about three hours with the queue's backoff).
pub const MAX_ATTEMPTS: u32 = 10;
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
pub async fn enqueue<'c, A>(executor: A, now: i64, email: &Email) -> Result<i64, MailError>
where
    A: sqlx::Acquire<'c, Database = sqlx::Any>,
{
    email.recipient()?;
    // The mail and its job together, or neither.
    let mut tx = executor.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO mail_outbox (recipient, subject, body_text, body_html, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.text)
    .bind(&email.html)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    jobs::enqueue(&mut *tx, now, Kind::Mail, "", &id.to_string(), "").await?;
    tx.commit().await?;
    Ok(id)
}

/// Queues `email` and wakes the worker, so it goes out at once; returns its id.
pub async fn send(db: &Db, wake: &Notify, email: &Email) -> Result<i64, MailError> {
    let id = enqueue(&db.pool, db.now(), email).await?;
    wake.notify_one();
    Ok(id)
}

async fn job_of(db: &Db, id: i64) -> Result<Option<jobs::JobStatus>, sqlx::Error> {
    jobs::find(db, Kind::Mail, "", &id.to_string()).await
}

/// The status of mail `id`, `None` if there is no such mail.
pub async fn status(db: &Db, id: i64) -> Result<Option<MailStatus>, sqlx::Error> {
    let Some(job) = job_of(db, id).await? else {
        return Ok(None);
    };
    let attempts = u32::try_from(job.attempts).unwrap_or(u32::MAX);
    Ok(Some(match (job.state, job.finished_at) {
        (State::Queued | State::Running, _) => MailStatus::Pending {
            attempts,
            last_error: Some(job.last_error).filter(|e| !e.is_empty()),
        },
        (State::Done, Some(at)) => MailStatus::Sent { at },
        (State::Failed, _) => MailStatus::Failed {
            attempts,
            last_error: job.last_error,
        },
        (State::Done, None) => {
            return Err(sqlx::Error::Decode(
                format!("mail {id} is sent but has no time").into(),
            ))
        }
    }))
}

/// Queues mail `id` again now, with a fresh set of attempts (its last error stays shown until
/// the next attempt), and wakes the worker. Returns false if there is no such mail or it was
/// already sent.
pub async fn retry(db: &Db, wake: &Notify, id: i64) -> Result<bool, sqlx::Error> {
    let Some(job) = job_of(db, id).await? else {
        return Ok(false);
    };
    let queued = jobs::retry(db, &db.clock, job.id).await?;
    if queued {
        wake.notify_one();
    }
    Ok(queued)
}

/// The handler of the `Smtp` lane: delivers one mail.
pub struct Sender<'a> {
    pub db: &'a Db,
    pub mailer: &'a Mailer,
}

#[derive(sqlx::FromRow)]
struct MailRow {
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
}

impl Handler for Sender<'_> {
    fn lane(&self) -> Lane {
        Lane::Smtp
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let id: i64 = job.target.parse().map_err(JobError::give_up)?;
        let mail: Option<MailRow> = sqlx::query_as(
            "SELECT recipient, subject, body_text, body_html FROM mail_outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await
        .map_err(JobError::retry)?;
        let mail = mail.ok_or_else(|| JobError::give_up(format!("no mail {id}")))?;
        let email = Email {
            to: mail.recipient,
            subject: mail.subject,
            text: mail.body_text,
            html: mail.body_html,
        };
        self.mailer.send(&email).await.map_err(|err| {
            crate::metrics::mail_failed(err.is_permanent());
            JobError {
                permanent: err.is_permanent(),
                message: err.to_string(),
            }
        })?;
        // Sent: the links it held need not outlive their delivery.
        let emptied =
            sqlx::query("UPDATE mail_outbox SET body_text = '', body_html = '' WHERE id = $1")
                .bind(id)
                .execute(&self.db.pool)
                .await;
        if let Err(e) = emptied {
            tracing::warn!(mail = id, error = %e, "sent mail not emptied");
        }
        Ok(())
    }
}

/// Sends every due mail once; returns how many the mail server accepted.
pub async fn run_due(db: &Db, mailer: &Mailer) -> Result<usize, sqlx::Error> {
    jobs::run_due(db, &db.clock, &Sender { db, mailer }).await
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
    let sender = Sender {
        db: &db,
        mailer: &mailer,
    };
    jobs::worker(&db, sender, &wake, TICK, || true).await
}
