//! Slowing down password guessing (the `login_throttle` table, shared by every portal instance).
//! Failures are counted per client address and per account over a window; past a few, each
//! further failure locks the key for twice as long as the last, up to a ceiling. Requests for a
//! reset link ("Forgot your password?") are counted the same way, under keys of their own.

use crate::db::Db;

/// Failures allowed in a window before the key locks.
const FREE_FAILURES: i64 = 5;
const WINDOW_SECS: i64 = 15 * 60;
const FIRST_LOCK_SECS: i64 = 30;
const MAX_LOCK_SECS: i64 = 15 * 60;

/// The keys a login attempt counts against.
pub fn keys(client_ip: &str, account: &str) -> [String; 2] {
    scoped_keys("", client_ip, account)
}

/// The keys a request for a reset link counts against: not a login's, so that asking for links
/// does not lock anyone's login, nor failed logins the way out of a forgotten password.
pub fn reset_request_keys(client_ip: &str, account: &str) -> [String; 2] {
    scoped_keys("reset-", client_ip, account)
}

fn scoped_keys(scope: &str, client_ip: &str, account: &str) -> [String; 2] {
    [
        format!("{scope}ip:{client_ip}"),
        format!("{scope}account:{}", account.trim().to_lowercase()),
    ]
}

/// Seconds until these keys may try again, if any of them is locked now.
pub async fn locked_for(db: &Db, keys: &[String]) -> Result<Option<i64>, sqlx::Error> {
    let now = db.now();
    let mut longest = None;
    for key in keys {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT locked_until FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(&db.pool)
                .await?;
        if let Some((Some(until),)) = row {
            if until > now {
                longest = longest.max(Some(until - now));
            }
        }
    }
    Ok(longest)
}

/// Counts a failed attempt against every key, locking those past the free allowance.
pub async fn record_failure(db: &Db, keys: &[String]) -> Result<(), sqlx::Error> {
    let now = db.now();
    for key in keys {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT failures, window_start FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(&db.pool)
                .await?;
        let (failures, window_start) = match row {
            Some((failures, start)) if now - start < WINDOW_SECS => (failures + 1, start),
            _ => (1, now),
        };
        let locked_until = lock_secs(failures).map(|secs| now + secs);
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, window_start, locked_until) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE \
             SET failures = $2, window_start = $3, locked_until = $4",
        )
        .bind(key)
        .bind(failures)
        .bind(window_start)
        .bind(locked_until)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// A successful login clears the account's count (not the address's: one good password does
/// not excuse guessing at other accounts).
pub async fn record_success(db: &Db, account_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(account_key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

fn lock_secs(failures: i64) -> Option<i64> {
    let over = failures - FREE_FAILURES;
    (over > 0).then(|| {
        FIRST_LOCK_SECS
            .saturating_mul(1 << (over - 1).min(20))
            .min(MAX_LOCK_SECS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_after_the_free_failures_and_double_up_to_the_ceiling() {
        assert_eq!(lock_secs(5), None);
        assert_eq!(lock_secs(6), Some(30));
        assert_eq!(lock_secs(7), Some(60));
        assert_eq!(lock_secs(9), Some(240));
        assert_eq!(lock_secs(40), Some(MAX_LOCK_SECS));
    }

    #[test]
    fn account_keys_ignore_case() {
        assert_eq!(
            keys("127.0.0.1", " Alice@Example.ORG")[1],
            "account:alice@example.org"
        );
        assert_eq!(
            reset_request_keys("127.0.0.1", "Alice@Example.ORG"),
            ["reset-ip:127.0.0.1", "reset-account:alice@example.org"]
        );
    }
}
