//! XMPP accounts on hosted domains: what a valid username is, and creating accounts on the server.

use crate::{domains, errors::Subject, state::AppState, xmpp::BareJid};
use app::error::{AppError, ErrorKind};

/// The longest password accepted; argon2 and SCRAM cope with more, but nobody types more.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The account's address, if `username` is acceptable on `domain`: nodeprep'd (so `Alice`
/// becomes `alice`) and limited to letters, digits and `. _ -` so that addresses stay easy to
/// type and read out.
pub fn account_jid(username: &str, domain: &str) -> Result<BareJid, ErrorKind> {
    let username = username.trim();
    let plain = !username.is_empty()
        && username.chars().count() <= 64
        && username
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !username.starts_with('.')
        && !username.ends_with('.');
    if !plain {
        return Err(ErrorKind::InvalidUsername);
    }
    let jid =
        BareJid::new(&format!("{username}@{domain}")).map_err(|_| ErrorKind::InvalidUsername)?;
    if jid.domain().as_str() != domain {
        return Err(ErrorKind::UnknownDomain);
    }
    Ok(jid)
}

pub fn check_password(password: &str, min: usize) -> Result<(), ErrorKind> {
    let len = password.chars().count();
    if len < min {
        Err(ErrorKind::PasswordTooShort { min })
    } else if len > MAX_PASSWORD_CHARS {
        Err(ErrorKind::PasswordTooLong {
            max: MAX_PASSWORD_CHARS,
        })
    } else {
        Ok(())
    }
}

/// Creates the account on the XMPP server. Nothing is stored for later: a password must never
/// wait in the database, so if the server is down the user is told at once.
pub async fn create(
    state: &AppState,
    domain: &str,
    username: &str,
    password: &str,
) -> Result<BareJid, AppError> {
    let jid = account_jid(username, domain)?;
    check_password(password, state.config.accounts.min_password_length)?;
    if !domains::exists(&state.db, domain)
        .await
        .map_err(crate::errors::internal)?
    {
        return Err(ErrorKind::UnknownDomain.into());
    }
    state
        .xmpp
        .add_user(&jid, password)
        .await
        .map_err(|e| Subject::General.error(e))?;
    tracing::info!(%jid, "account created");
    Ok(jid)
}

/// Whether the portal wants this account locked (the desired state; see `reconcile`).
pub async fn is_locked(
    db: &crate::db::Db,
    domain: &str,
    username: &str,
) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT l.locked_at FROM locked_accounts l JOIN domains d ON d.id = l.domain_id \
         WHERE d.name = $1 AND l.username = $2",
    )
    .bind(domain)
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// A password the portal generates: 20 characters drawn with the operating system's CSPRNG from
/// 31 letters and digits that cannot be confused with one another (no `0 o 1 l i`), in groups of
/// four (about 99 bits), e.g. `hq7m-2xkd-9vbt-rcw4-p3na`: easy to read out or type on a phone.
pub fn generate_password() -> String {
    use rand::{rngs::OsRng, Rng};
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut password = String::with_capacity(24);
    for i in 0..20 {
        if i > 0 && i % 4 == 0 {
            password.push('-');
        }
        password.push(ALPHABET[OsRng.gen_range(0..ALPHABET.len())] as char);
    }
    password
}

/// Serialises account creations per domain within this process, so that the quota check and
/// the creation happen as one step (two requests cannot both take the last place) and two
/// requests for the same username reach the XMPP server one after the other (the second gets
/// "already exists"). Prosody itself checks and creates in one step, so the latter also holds
/// across portal instances; the quota may be exceeded by concurrent creations on different
/// instances, which only a provider with several instances and tight quotas would notice.
pub async fn creation_guard(domain: &str) -> tokio::sync::OwnedMutexGuard<()> {
    use std::{
        collections::HashMap,
        sync::{Arc, Mutex, OnceLock},
    };
    static GUARDS: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let mutex = {
        let mut guards = GUARDS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget the domains nobody is creating on, so the map stays small.
        guards.retain(|_, m| Arc::strong_count(m) > 1);
        guards.entry(domain.to_string()).or_default().clone()
    };
    mutex.lock_owned().await
}

/// Saves whether the portal wants the account locked (the desired state `reconcile` pushes).
pub async fn set_lock_wanted(
    db: &crate::db::Db,
    domain_id: i64,
    username: &str,
    locked: bool,
) -> Result<(), sqlx::Error> {
    if locked {
        sqlx::query(
            "INSERT INTO locked_accounts (domain_id, username, locked_at) VALUES ($1, $2, $3) \
             ON CONFLICT (domain_id, username) DO NOTHING",
        )
        .bind(domain_id)
        .bind(username)
        .bind(db.now())
        .execute(&db.pool)
        .await?;
    } else {
        sqlx::query("DELETE FROM locked_accounts WHERE domain_id = $1 AND username = $2")
            .bind(domain_id)
            .bind(username)
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

/// Forgets the portal's state of a deleted account: its lock and any lock change still queued
/// (which could never land on an account that no longer exists), and its two-factor login (a
/// new account of that name starts without).
pub async fn forget_account(
    db: &crate::db::Db,
    domain_id: i64,
    domain: &str,
    username: &str,
) -> Result<(), sqlx::Error> {
    set_lock_wanted(db, domain_id, username, false).await?;
    // A later account of the same name must not be reset through this one's address.
    crate::recovery::remove(db, domain_id, username).await?;
    let account = crate::auth::two_factor::Account::Xmpp(format!("{username}@{domain}"));
    crate::auth::two_factor::forget(db, &account).await?;
    crate::invitations::members::forget_account(db, domain_id, username).await?;
    crate::jobs::forget(db, crate::jobs::Kind::Lock, domain, username).await
}

/// The lock changes of a domain that have not reached the XMPP server yet: each username with
/// whether the portal wants it locked.
pub async fn pending_locks(
    db: &crate::db::Db,
    domain: &str,
) -> Result<Vec<(String, bool)>, sqlx::Error> {
    let mut locks = Vec::new();
    for job in crate::jobs::for_domain(db, domain).await? {
        if job.kind == crate::jobs::Kind::Lock {
            let locked = is_locked(db, domain, &job.target).await?;
            locks.push((job.target, locked));
        }
    }
    Ok(locks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_nodeprepped_and_restricted() {
        assert_eq!(
            account_jid("Alice", "example.test").unwrap().to_string(),
            "alice@example.test"
        );
        assert_eq!(
            account_jid(" bob.s-1_x ", "example.test")
                .unwrap()
                .to_string(),
            "bob.s-1_x@example.test"
        );
        assert_eq!(
            account_jid("élodie", "example.test").unwrap().to_string(),
            "élodie@example.test"
        );
        for bad in [
            "",
            "a b",
            "a@b",
            "a/b",
            "x:y",
            ".dot",
            "dot.",
            "<script>",
            &"a".repeat(65),
        ] {
            assert_eq!(
                account_jid(bad, "example.test"),
                Err(ErrorKind::InvalidUsername),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn passwords_have_bounds() {
        assert_eq!(
            check_password("short", 10),
            Err(ErrorKind::PasswordTooShort { min: 10 })
        );
        assert!(check_password("long enough!", 10).is_ok());
        assert!(check_password(&"x".repeat(2000), 10).is_err());
    }

    #[test]
    fn generated_passwords_are_readable_and_distinct() {
        let a = generate_password();
        let b = generate_password();
        assert_ne!(a, b);
        assert_eq!(a.len(), 24);
        assert_eq!(a.split('-').count(), 5);
        assert!(a
            .chars()
            .all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"0o1li".contains(c))));
        assert!(check_password(&a, 10).is_ok());
    }
}
