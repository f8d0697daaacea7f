//! Alerts: when a domain's check turns ✗, a certificate has fewer than
//! [`EXPIRY_ALERT_DAYS`] days left, or its renewal keeps failing, the domain's owners and the
//! provider's admins are told once — one e-mail each in their language, and a chat message from
//! the portal's account to each admin with an XMPP address — and not again until that state
//! changes or [`REMIND_AFTER_SECS`] have passed (the `alerts_sent` table keeps the alerts in
//! force). Whoever watches (the health checks, the certificate job) reports every observation
//! to [`observe`]; [`decide`] says what it means.
//!
//! Nothing is sent from here: the mails go to the outbox and the chat messages are jobs of the
//! Prosody lane (`Kind::AlertChat`), so a mail server or a Prosody that is down delays an alert
//! but never loses it.
//!
//! A return to a state that does not alert clears the alert silently, with no "resolved"
//! message: whoever fixed it sees ✓ on the health page, and a check that flaps would otherwise
//! send twice as many mails; the next problem alerts at once.

mod mail;

use crate::{
    audit, domains, hosting_requests, invitations, jobs, languages,
    mail::{outbox, MailError},
    state::AppState,
    xmpp::BareJid,
};
use app::{
    audit::{AuditAction, Outcome},
    health::{CheckKind, CheckStatus},
    i18n::Locale,
};

/// A certificate with fewer days left than this alerts.
pub const EXPIRY_ALERT_DAYS: i64 = 14;
/// An alert still in force is sent again after this long (a week).
pub const REMIND_AFTER_SECS: i64 = 7 * 24 * 3600;

/// What a watcher observed about one thing of a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concern {
    /// The domain (ASCII), whose owners are told.
    pub domain: String,
    /// What is observed, a stable key within the domain, e.g. `tlsa:xmpp.example.org`: one
    /// alert at a time per (domain, subject).
    pub subject: String,
    pub status: CheckStatus,
    pub what: Problem,
}

/// What the concern is about, as the alert tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A health check of `name` (the domain, a component, a record's name), with what it
    /// found and what it wanted.
    Check {
        kind: CheckKind,
        name: String,
        found: String,
        expected: String,
    },
    /// The certificate for `name` expires in `days_left` days (≤ 0: it has expired).
    CertificateExpiring { name: String, days_left: i64 },
    /// Renewing the certificate for `name` keeps failing; any status but `Ok` alerts.
    RenewalFailing { name: String, error: String },
}

/// The alert in force for a (domain, subject): the status it was about and when it went out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    pub status: CheckStatus,
    pub sent_at: i64,
}

/// Why an alert goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Nothing was in force.
    New,
    /// One was, about another status (e.g. ⚠ then ✗).
    Changed,
    /// The same one, a week ago.
    Reminder,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Alert(Why),
    /// The alert in force is over (the state no longer alerts).
    Clear,
    Nothing,
}

/// Whether `concern` is a state that alerts: a failing check, a certificate with fewer than
/// [`EXPIRY_ALERT_DAYS`] left whatever status it was given, a renewal failing unless it is
/// `Ok` again.
pub fn alerts(concern: &Concern) -> bool {
    match &concern.what {
        Problem::CertificateExpiring { days_left, .. } if *days_left < EXPIRY_ALERT_DAYS => true,
        Problem::RenewalFailing { .. } => concern.status != CheckStatus::Ok,
        _ => concern.status == CheckStatus::Failing,
    }
}

/// What `concern`, observed at `now`, calls for, given the alert in force (`previous`).
pub fn decide(previous: Option<&Sent>, concern: &Concern, now: i64) -> Decision {
    match (previous, alerts(concern)) {
        (None, false) => Decision::Nothing,
        (Some(_), false) => Decision::Clear,
        (None, true) => Decision::Alert(Why::New),
        (Some(sent), true) if sent.status != concern.status => Decision::Alert(Why::Changed),
        (Some(sent), true) if now - sent.sent_at >= REMIND_AFTER_SECS => {
            Decision::Alert(Why::Reminder)
        }
        (Some(_), true) => Decision::Nothing,
    }
}

/// What [`observe`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observed {
    Nothing,
    Cleared,
    /// Queued: the outbox ids of the mails and the number of chat messages.
    Alerted {
        why: Why,
        mails: Vec<i64>,
        chats: usize,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("e-mail: {0}")]
    Mail(#[from] MailError),
}

/// Takes in what a watcher observed: alerts, clears the alert in force, or does nothing (see
/// [`decide`]). Portal instances observing the same thing at once alert once: the
/// `alerts_sent` row is claimed in the transaction that queues the messages.
pub async fn observe(state: &AppState, concern: &Concern) -> Result<Observed, AlertError> {
    let db = &state.db;
    let now = state.clock.now();
    let previous = in_force(state, &concern.domain, &concern.subject).await?;
    let why = match decide(previous.as_ref(), concern, now) {
        Decision::Nothing => return Ok(Observed::Nothing),
        Decision::Clear => {
            clear(state, concern, previous).await?;
            return Ok(Observed::Cleared);
        }
        Decision::Alert(why) => why,
    };
    let recipients = recipients(state, &concern.domain).await?;
    let link = state
        .config
        .link(&format!("/domains/{}/health", concern.domain));
    let texts = mail::Texts {
        provider: &state.config.provider_name,
        domain: &hosting_requests::names::to_unicode(&concern.domain),
        link: &link,
        concern,
        why,
    };

    let mut tx = db.pool.begin().await?;
    if !claim(&mut tx, previous, concern, now).await? {
        // Another instance took it in between: it sends the alert.
        return Ok(Observed::Nothing);
    }
    let mut mails = Vec::new();
    for (to, locale) in &recipients.mails {
        match outbox::enqueue(&mut *tx, now, &mail::email(*locale, to, &texts)).await {
            Ok(id) => mails.push(id),
            // A malformed address of one recipient does not silence the others.
            Err(MailError::InvalidAddress(to)) => {
                tracing::warn!(to, domain = %concern.domain, "alert not mailed to a malformed address")
            }
            Err(e) => return Err(e.into()),
        }
    }
    for (jid, locale) in &recipients.chats {
        let target = chat_target(jid, &concern.domain, &concern.subject);
        let body = mail::chat(*locale, &texts);
        jobs::enqueue(&mut *tx, now, jobs::Kind::AlertChat, "", &target, &body).await?;
    }
    tx.commit().await?;
    state.mail.notify_one();
    state.reconcile.notify_one();

    let detail = format!(
        "{} — {} e-mail(s), {} chat message(s)",
        mail::chat(Locale::default(), &texts),
        mails.len(),
        recipients.chats.len()
    );
    audit::record(
        db,
        audit::Change {
            actor: &state.config.provider_name,
            domain: Some(&concern.domain),
            action: AuditAction::Alert,
            target: &concern.subject,
            outcome: Outcome::Done,
            detail: &detail,
        },
    )
    .await?;
    Ok(Observed::Alerted {
        why,
        chats: recipients.chats.len(),
        mails,
    })
}

/// The target of an alert's chat job: one job per recipient and subject, so a new alert about
/// the same subject replaces the message that has not gone out yet.
fn chat_target(jid: &BareJid, domain: &str, subject: &str) -> String {
    format!("{jid} {domain} {subject}")
}

/// The recipient of an alert's chat job (the first word of its target).
pub fn chat_recipient(target: &str) -> Option<BareJid> {
    BareJid::new(target.split(' ').next()?).ok()
}

async fn in_force(
    state: &AppState,
    domain: &str,
    subject: &str,
) -> Result<Option<Sent>, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT status, sent_at FROM alerts_sent WHERE domain = $1 AND subject = $2",
    )
    .bind(domain)
    .bind(subject)
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|(status, sent_at)| {
        let status = CheckStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("alert status {status:?}").into()))?;
        Ok(Sent { status, sent_at })
    })
    .transpose()
}

/// Records the alert about to go out, if the one in force is still `previous`.
async fn claim(
    tx: &mut sqlx::AnyConnection,
    previous: Option<Sent>,
    concern: &Concern,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = match previous {
        None => {
            sqlx::query(
                "INSERT INTO alerts_sent (domain, subject, status, sent_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (domain, subject) DO NOTHING",
            )
            .bind(&concern.domain)
            .bind(&concern.subject)
            .bind(concern.status.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?
        }
        Some(sent) => {
            sqlx::query(
                "UPDATE alerts_sent SET status = $1, sent_at = $2 WHERE domain = $3 \
                 AND subject = $4 AND status = $5 AND sent_at = $6",
            )
            .bind(concern.status.as_str())
            .bind(now)
            .bind(&concern.domain)
            .bind(&concern.subject)
            .bind(sent.status.as_str())
            .bind(sent.sent_at)
            .execute(&mut *tx)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

async fn clear(
    state: &AppState,
    concern: &Concern,
    previous: Option<Sent>,
) -> Result<(), sqlx::Error> {
    let Some(sent) = previous else { return Ok(()) };
    // Only the alert that was read: one sent meanwhile stays in force.
    sqlx::query(
        "DELETE FROM alerts_sent WHERE domain = $1 AND subject = $2 AND status = $3 \
         AND sent_at = $4",
    )
    .bind(&concern.domain)
    .bind(&concern.subject)
    .bind(sent.status.as_str())
    .bind(sent.sent_at)
    .execute(&state.db.pool)
    .await?;
    Ok(())
}

/// Who is told of an alert about a domain, and in which language.
#[derive(Debug, Default, PartialEq, Eq)]
struct Recipients {
    /// Addresses, each once.
    mails: Vec<(String, Locale)>,
    /// XMPP addresses, each once.
    chats: Vec<(BareJid, Locale)>,
}

impl Recipients {
    fn mail(&mut self, to: &str, locale: Locale) {
        if !self.mails.iter().any(|(m, _)| m.eq_ignore_ascii_case(to)) {
            self.mails.push((to.to_string(), locale));
        }
    }

    fn chat(&mut self, jid: BareJid, locale: Locale) {
        if !self.chats.iter().any(|(j, _)| *j == jid) {
            self.chats.push((jid, locale));
        }
    }
}

/// The domain's owners by e-mail where the portal knows their address (the requester of the
/// approved hosting request, who owns it by their XMPP address or through the owner
/// invitation), by chat message otherwise (an owner is an XMPP address: the only way left to
/// reach them); the provider's `notify_emails`; the provider admins listed by XMPP address, by
/// chat message. Each in their portal language, else the request's, else the provider's.
async fn recipients(state: &AppState, domain: &str) -> Result<Recipients, sqlx::Error> {
    let db = &state.db;
    let mut to = Recipients::default();
    let owners = match domains::get(db, domain).await? {
        Some(row) => domains::owners(db, row.id).await?,
        None => Vec::new(),
    };
    let requester = requester(state, domain).await?;
    for owner in owners {
        let Ok(jid) = BareJid::new(&owner) else {
            continue;
        };
        let language = languages::of(db, jid.as_str()).await?;
        match &requester {
            Some((requester, email, locale)) if *requester == jid => {
                to.mail(email, language.unwrap_or(*locale));
            }
            _ => to.chat(jid, language.unwrap_or_default()),
        }
    }
    for email in &state.config.hosting.notify_emails {
        to.mail(email, Locale::default());
    }
    for admin in &state.config.provider_admins {
        let Ok(jid) = BareJid::new(admin) else {
            continue;
        };
        let language = languages::of(db, jid.as_str()).await?;
        to.chat(jid, language.unwrap_or_default());
    }
    Ok(to)
}

/// The requester of the domain's approved hosting request: the XMPP address they own it by,
/// their e-mail address and the language they asked in.
async fn requester(
    state: &AppState,
    domain: &str,
) -> Result<Option<(BareJid, String, Locale)>, sqlx::Error> {
    let Some(request) = hosting_requests::approved_for(&state.db, domain).await? else {
        return Ok(None);
    };
    let jid = match (&request.xmpp, request.owner_invite_id) {
        (Some(xmpp), _) => BareJid::new(xmpp).ok(),
        // The account made with their owner invitation.
        (None, Some(id)) => invitations::by_id(&state.db, domain, id)
            .await?
            .and_then(|invitation| invitation.account_names().into_iter().next())
            .and_then(|user| BareJid::new(&format!("{user}@{domain}")).ok()),
        (None, None) => None,
    };
    Ok(jid.map(|jid| (jid, request.email.clone(), request.locale())))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600;
    const NOW: i64 = 1_800_000_000;

    fn check(status: CheckStatus) -> Concern {
        Concern {
            domain: "example.org".into(),
            subject: "tlsa:xmpp.example.org".into(),
            status,
            what: Problem::Check {
                kind: CheckKind::Tlsa,
                name: "_5222._tcp.xmpp.example.org".into(),
                found: "3 1 1 00".into(),
                expected: "3 1 1 ab".into(),
            },
        }
    }

    fn expiring(status: CheckStatus, days_left: i64) -> Concern {
        Concern {
            subject: "cert:example.org".into(),
            what: Problem::CertificateExpiring {
                name: "example.org".into(),
                days_left,
            },
            ..check(status)
        }
    }

    fn renewal(status: CheckStatus) -> Concern {
        Concern {
            subject: "renewal:example.org".into(),
            what: Problem::RenewalFailing {
                name: "example.org".into(),
                error: "timeout".into(),
            },
            ..check(status)
        }
    }

    fn sent(status: CheckStatus, ago: i64) -> Sent {
        Sent {
            status,
            sent_at: NOW - ago,
        }
    }

    #[test]
    fn a_check_that_turns_failing_alerts_and_nothing_else_does() {
        use CheckStatus::*;
        assert_eq!(
            decide(None, &check(Failing), NOW),
            Decision::Alert(Why::New)
        );
        assert_eq!(decide(None, &check(Warning), NOW), Decision::Nothing);
        assert_eq!(decide(None, &check(Ok), NOW), Decision::Nothing);
    }

    #[test]
    fn the_same_state_is_not_told_twice_within_a_week() {
        use CheckStatus::*;
        let before = sent(Failing, DAY);
        assert_eq!(
            decide(Some(&before), &check(Failing), NOW),
            Decision::Nothing
        );
        let almost = sent(Failing, REMIND_AFTER_SECS - 1);
        assert_eq!(
            decide(Some(&almost), &check(Failing), NOW),
            Decision::Nothing
        );
    }

    #[test]
    fn a_week_later_it_is_told_again() {
        let week = sent(CheckStatus::Failing, REMIND_AFTER_SECS);
        assert_eq!(
            decide(Some(&week), &check(CheckStatus::Failing), NOW),
            Decision::Alert(Why::Reminder)
        );
        let eight_days = sent(CheckStatus::Failing, 8 * DAY);
        assert_eq!(
            decide(Some(&eight_days), &check(CheckStatus::Failing), NOW),
            Decision::Alert(Why::Reminder)
        );
    }

    #[test]
    fn a_return_to_a_state_that_does_not_alert_clears_it() {
        use CheckStatus::*;
        let before = sent(Failing, DAY);
        assert_eq!(decide(Some(&before), &check(Ok), NOW), Decision::Clear);
        assert_eq!(decide(Some(&before), &check(Warning), NOW), Decision::Clear);
        // A renewed certificate.
        let cert = sent(Warning, DAY);
        assert_eq!(decide(Some(&cert), &expiring(Ok, 89), NOW), Decision::Clear);
    }

    #[test]
    fn another_alerting_status_is_a_change_told_at_once() {
        use CheckStatus::*;
        // Ten days left (⚠), then expired (✗) the next day.
        let warned = sent(Warning, DAY);
        assert_eq!(
            decide(Some(&warned), &expiring(Failing, 0), NOW),
            Decision::Alert(Why::Changed)
        );
    }

    #[test]
    fn a_certificate_alerts_under_fourteen_days_whatever_its_status() {
        use CheckStatus::*;
        assert_eq!(decide(None, &expiring(Warning, 20), NOW), Decision::Nothing);
        assert_eq!(
            decide(None, &expiring(Ok, EXPIRY_ALERT_DAYS), NOW),
            Decision::Nothing
        );
        assert_eq!(
            decide(None, &expiring(Warning, EXPIRY_ALERT_DAYS - 1), NOW),
            Decision::Alert(Why::New)
        );
        assert_eq!(
            decide(None, &expiring(Ok, 10), NOW),
            Decision::Alert(Why::New)
        );
        assert_eq!(
            decide(None, &expiring(Failing, -3), NOW),
            Decision::Alert(Why::New)
        );
        // Counting down day by day is the same state.
        let warned = sent(Warning, DAY);
        assert_eq!(
            decide(Some(&warned), &expiring(Warning, 9), NOW),
            Decision::Nothing
        );
    }

    #[test]
    fn a_failing_renewal_alerts_until_it_is_ok() {
        use CheckStatus::*;
        assert_eq!(
            decide(None, &renewal(Warning), NOW),
            Decision::Alert(Why::New)
        );
        assert_eq!(
            decide(None, &renewal(Failing), NOW),
            Decision::Alert(Why::New)
        );
        assert_eq!(decide(None, &renewal(Ok), NOW), Decision::Nothing);
        let before = sent(Failing, DAY);
        assert_eq!(decide(Some(&before), &renewal(Ok), NOW), Decision::Clear);
    }

    #[test]
    fn recipients_are_told_once_each() {
        let mut to = Recipients::default();
        to.mail("ops@example.net", Locale::Fr);
        to.mail("OPS@example.net", Locale::En);
        let jid = BareJid::new("admin@example.net").unwrap();
        to.chat(jid.clone(), Locale::En);
        to.chat(jid.clone(), Locale::Fr);
        assert_eq!(to.mails, vec![("ops@example.net".to_string(), Locale::Fr)]);
        assert_eq!(to.chats, vec![(jid, Locale::En)]);
    }

    #[test]
    fn a_chat_target_names_its_recipient() {
        let jid = BareJid::new("admin@example.net").unwrap();
        let target = chat_target(&jid, "example.org", "tlsa:xmpp.example.org");
        assert_eq!(chat_recipient(&target), Some(jid));
        assert_eq!(chat_recipient("a@b@c example.org x"), None);
    }
}
