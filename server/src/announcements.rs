//! Announcements: an owner's short message to every account of their domain, a chat message
//! from the domain itself (its host's JID, no person), delivered by Prosody at once to online
//! resources and kept by mod_offline for the others.
//!
//! Sending is an owner task (`tasks`, kind `announcement`, the message as payload): batches of
//! `[announcements] batch_size` accounts in username order through mod_domaine's
//! `urn:domaine:announcements#send`, each after the last username of the one before (the
//! task's `resume_after`), with a pause that keeps to `per_second`. Each batch is saved as a
//! step, so a restart or a Prosody that went away resumes after the last account reached.

use crate::{
    audit,
    jobs::{Job, JobError, Kind, Queued},
    state::AppState,
    tasks,
};
use app::audit::{AuditAction, Outcome};
use xmpp_parsers::jid::DomainPart;

/// How much of the message the audit log keeps (the rest went to everyone anyway).
const AUDIT_EXCERPT: usize = 80;

/// Queues `message` (already [`app::announcements::normalize`]d) to every account of
/// `domain`, with its audit entry (pending until the last batch is sent); `recipients` is the
/// domain's account count, if Prosody could say.
pub async fn send(
    state: &AppState,
    actor: &str,
    domain: &str,
    message: &str,
    recipients: Option<u32>,
) -> Result<Queued, sqlx::Error> {
    let now = state.clock.now();
    let mut tx = state.db.pool.begin().await?;
    let job = tasks::start(
        &mut tx,
        now,
        Kind::Announcement,
        domain,
        actor,
        message,
        recipients.map(i64::from),
    )
    .await?;
    let detail = audit_detail(message, recipients);
    let change = audit::Change {
        actor,
        domain: Some(domain),
        action: AuditAction::Announce,
        target: "",
        outcome: Outcome::Pending,
        detail: &detail,
    };
    audit::record_for_job(&mut *tx, now, change, job).await?;
    tx.commit().await?;
    tasks::wake(state);
    Ok(job)
}

/// "N accounts: the message's start…".
fn audit_detail(message: &str, recipients: Option<u32>) -> String {
    let mut excerpt: String = message.chars().take(AUDIT_EXCERPT).collect();
    if excerpt.len() < message.len() {
        excerpt.push('…');
    }
    let excerpt = excerpt.replace('\n', " ");
    match recipients {
        Some(n) => format!("{n} accounts: {excerpt}"),
        None => excerpt,
    }
}

/// Runs announcement `job`: batch after batch from where it got to, until no account is left.
pub async fn run(state: &AppState, job: &Job) -> Result<(), JobError> {
    let host = DomainPart::new(&job.domain).map_err(JobError::give_up)?;
    if crate::domains::get(&state.db, &job.domain)
        .await
        .map_err(JobError::retry)?
        .is_none()
    {
        return Err(JobError::give_up("the domain is no longer hosted"));
    }
    let settings = &state.config.announcements;
    let resume = tasks::resume(&state.db, job)
        .await
        .map_err(JobError::retry)?;
    let mut after = resume.resume_after;
    let mut done = resume.succeeded;
    loop {
        let batch = state
            .xmpp
            .announce(&host, &job.payload, &after, settings.batch_size)
            .await
            .map_err(JobError::retry)?;
        if let Some(last) = batch.last {
            after = last;
        }
        done += i64::from(batch.sent);
        let step = tasks::Step {
            resume_after: &after,
            done,
            total: done + i64::from(batch.remaining),
            succeeded: i64::from(batch.sent),
            failures: &[],
        };
        tasks::record_step(&state.db, job, step)
            .await
            .map_err(JobError::retry)?;
        if batch.remaining == 0 {
            return Ok(());
        }
        tokio::time::sleep(settings.pause_after(batch.sent)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_log_keeps_the_count_and_the_start_of_a_long_message() {
        assert_eq!(
            audit_detail("Maintenance\ntonight", Some(3)),
            "3 accounts: Maintenance tonight"
        );
        let long = "é".repeat(200);
        let detail = audit_detail(&long, None);
        assert_eq!(detail.chars().count(), AUDIT_EXCERPT + 1);
        assert!(detail.ends_with('…'));
    }
}
