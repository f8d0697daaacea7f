//! The daily figures each domain's dashboard draws (table `daily_figures`): its accounts, the
//! accounts active in the last seven days, and the invitations made and used that day.
//!
//! Job `DailyFigures` (Prosody lane, about no domain) records them for every domain at once:
//! the two account figures from mod_domaine's indexes in one command
//! (`accounts#figures-hosts`), the invitations from the portal's own records (`invitations`,
//! and `invited_accounts` for the uses, counted when the portal first saw them). It runs when
//! the portal starts, then queues itself for ten minutes before the end of each UTC day, so a
//! day's row holds nearly the whole day; recording again on a day updates its row. Nothing is
//! made up for days the portal did not record: the charts draw them as gaps. Only the
//! invitations of the day before, which the portal's records know in full, are counted again.
//! (An account made behind Prosody's back counts as not active until mod_domaine's index has
//! read its state, a second or so after it first sees it.)

use crate::{
    db::Db,
    domains,
    jobs::{self, Job, Kind},
    xmpp::{AdminClient, XmppError},
};
use app::figures::{DayFigures, Figures, WINDOW_DAYS};

pub const DAY_SECS: i64 = 86_400;
/// "Active": seen (a login, the end of a session) in this many days before the recording.
const ACTIVE_DAYS: i64 = 7;
/// When in its UTC day a day is recorded.
const RECORD_AT_SECS: i64 = DAY_SECS - 600;

/// The UTC day of `unix_seconds`, in days since 1970-01-01.
pub fn day_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(DAY_SECS)
}

/// The next time after `now` the figures are recorded.
pub fn next_recording(now: i64) -> i64 {
    let today = day_of(now) * DAY_SECS + RECORD_AT_SECS;
    if today > now {
        today
    } else {
        today + DAY_SECS
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Xmpp(#[from] XmppError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Records today's figures of every domain Prosody serves now (a domain whose host is down is
/// left out: a gap), then queues `job`'s next run (unless a recording was asked for meanwhile).
/// Returns how many domains it recorded.
pub async fn record(db: &Db, xmpp: &AdminClient, job: &Job) -> Result<usize, RecordError> {
    let now = db.now();
    let today = day_of(now);
    let hosts = xmpp.host_figures(now - ACTIVE_DAYS * DAY_SECS).await?;
    let mut recorded = 0;
    for domain in domains::all(db).await? {
        let Some(figures) = hosts.get(&domain.name) else {
            continue;
        };
        let (start, end) = (today * DAY_SECS, (today + 1) * DAY_SECS);
        sqlx::query(&format!(
            "INSERT INTO daily_figures (domain_id, day, accounts, active_accounts, \
             invitations_made, invitations_used, recorded_at) \
             VALUES ($1, $2, $3, $4, {}, {}, $7) \
             ON CONFLICT (domain_id, day) DO UPDATE SET accounts = excluded.accounts, \
             active_accounts = excluded.active_accounts, \
             invitations_made = excluded.invitations_made, \
             invitations_used = excluded.invitations_used, recorded_at = excluded.recorded_at",
            made("$1", "$5", "$6"),
            used("$1", "$5", "$6"),
        ))
        .bind(domain.id)
        .bind(today)
        .bind(i64::from(figures.accounts))
        .bind(i64::from(figures.active))
        .bind(start)
        .bind(end)
        .bind(now)
        .execute(&db.pool)
        .await?;
        recorded += 1;
    }
    // Yesterday's last invitations came after its recording.
    let yesterday = today - 1;
    sqlx::query(&format!(
        "UPDATE daily_figures SET invitations_made = {}, invitations_used = {} WHERE day = $3",
        made("daily_figures.domain_id", "$1", "$2"),
        used("daily_figures.domain_id", "$1", "$2"),
    ))
    .bind(yesterday * DAY_SECS)
    .bind(today * DAY_SECS)
    .bind(yesterday)
    .execute(&db.pool)
    .await?;
    jobs::requeue_unless_asked_again(db, job, next_recording(now)).await?;
    Ok(recorded)
}

/// SQL counting the invitations of domain `id` made in [`from`, `until`) (SQL expressions).
fn made(id: &str, from: &str, until: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM invitations WHERE domain_id = {id} \
         AND created_at >= {from} AND created_at < {until})"
    )
}

/// SQL counting the accounts made from an invitation of domain `id` that the portal first saw
/// in [`from`, `until`).
fn used(id: &str, from: &str, until: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM invited_accounts WHERE domain_id = {id} \
         AND seen_at >= {from} AND seen_at < {until})"
    )
}

/// Queues a recording now (at the start of the portal): today's row, as far as the day went.
pub async fn record_soon(db: &Db) -> Result<(), sqlx::Error> {
    jobs::enqueue(&db.pool, db.now(), Kind::DailyFigures, "", "", "").await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    day: i64,
    accounts: i64,
    active_accounts: i64,
    invitations_made: i64,
    invitations_used: i64,
}

/// Domain `domain_id`'s figures of the last [`WINDOW_DAYS`] days, by the portal's clock.
pub async fn for_domain(db: &Db, domain_id: i64) -> Result<Figures, sqlx::Error> {
    let today = day_of(db.now());
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT day, accounts, active_accounts, invitations_made, invitations_used \
         FROM daily_figures WHERE domain_id = $1 AND day > $2 AND day <= $3 ORDER BY day",
    )
    .bind(domain_id)
    .bind(today - WINDOW_DAYS)
    .bind(today)
    .fetch_all(&db.pool)
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Figures {
        today,
        days: rows
            .into_iter()
            .map(|r| DayFigures {
                day: r.day,
                accounts: count(r.accounts),
                active: count(r.active_accounts),
                invitations_made: count(r.invitations_made),
                invitations_used: count(r.invitations_used),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_recorded_near_its_end() {
        // 2026-12-09 01:53 UTC
        let now = 1_796_781_180;
        let day = day_of(now);
        assert_eq!(day * DAY_SECS, 1_796_774_400);
        assert_eq!(next_recording(now), 1_796_774_400 + DAY_SECS - 600);
        // Past this day's time: tomorrow's.
        let late = 1_796_774_400 + DAY_SECS - 60;
        assert_eq!(next_recording(late), 1_796_774_400 + 2 * DAY_SECS - 600);
        assert_eq!(day_of(-1), -1);
    }
}
