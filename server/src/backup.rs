//! Backups of an SQLite database (`domaine backup` / `domaine restore`). PostgreSQL has its
//! own tools (`pg_dump` / `pg_restore`, see the README).
//!
//! A running portal holds a shared `flock` on the database file; restoring takes it
//! exclusively, so it refuses while any portal runs on that file. (SQLite's own locks are
//! POSIX record locks, which `flock` does not touch.)

use crate::db::{Backend, Db};
use std::{
    fs::File,
    os::fd::AsRawFd,
    path::{Path, PathBuf},
};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backups of a PostgreSQL database are made with pg_dump and restored with \
         pg_restore (see the README)"
    )]
    Postgres,
    #[error("{0} already exists: choose a new file for the backup")]
    Exists(PathBuf),
    #[error(
        "a portal is running on {0}: stop it first (e.g. `systemctl stop domaine`), \
         then restore"
    )]
    PortalRunning(PathBuf),
    #[error("{file} is not a usable backup: {problem}")]
    NotABackup { file: PathBuf, problem: String },
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The file of an `sqlite://PATH?options` URL.
pub fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| PathBuf::from(path))
}

/// Writes a consistent snapshot of the database to `file` while the portal goes on writing:
/// `VACUUM INTO` reads one transaction's view of every table.
pub async fn backup(db: &Db, file: &Path) -> Result<(), BackupError> {
    if db.backend != Backend::Sqlite {
        return Err(BackupError::Postgres);
    }
    if file.exists() {
        return Err(BackupError::Exists(file.to_path_buf()));
    }
    sqlx::query("VACUUM INTO $1")
        .bind(file.to_string_lossy().to_string())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Puts the backup `file` in place of the database of `database_url`, which no portal may be
/// using. The backup is checked first, so a wrong file leaves the database as it was.
pub async fn restore(database_url: &str, file: &Path) -> Result<(), BackupError> {
    let target = sqlite_path(database_url).ok_or(BackupError::Postgres)?;
    let _lock = match File::open(&target) {
        Ok(existing) => {
            if !try_lock(&existing, libc::LOCK_EX)? {
                return Err(BackupError::PortalRunning(target));
            }
            Some(existing)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    check_backup(file).await?;
    let staged = target.with_extension("restoring");
    std::fs::copy(file, &staged)?;
    File::open(&staged)?.sync_all()?;
    // The old database's journal must not be replayed onto the restored file.
    for suffix in ["-wal", "-shm"] {
        let mut journal = target.clone().into_os_string();
        journal.push(suffix);
        match std::fs::remove_file(&journal) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&staged, &target)?;
    Ok(())
}

async fn check_backup(file: &Path) -> Result<(), BackupError> {
    use sqlx::{Connection, Row};
    let not_a_backup = |problem: String| BackupError::NotABackup {
        file: file.to_path_buf(),
        problem,
    };
    if !file.is_file() {
        return Err(not_a_backup("no such file".into()));
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .read_only(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| not_a_backup(e.to_string()))?;
    let integrity: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| not_a_backup(e.to_string()))?;
    if integrity != "ok" {
        return Err(not_a_backup(integrity));
    }
    sqlx::query("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| not_a_backup("not a Domaine database".into()))?;
    conn.close().await?;
    Ok(())
}

/// Held by a running portal (see `startup::serve`): restoring waits for none to hold it.
pub struct RunningLock {
    _file: Option<File>,
}

pub fn hold_while_running(database_url: &str) -> Result<RunningLock, std::io::Error> {
    let Some(path) = sqlite_path(database_url) else {
        return Ok(RunningLock { _file: None });
    };
    let file = match File::open(&path) {
        Ok(file) => file,
        // An in-memory database has no file to protect.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(RunningLock { _file: None })
        }
        Err(e) => return Err(e),
    };
    // Shared: several portals may run on one database; only a restore wants it alone.
    if !try_lock(&file, libc::LOCK_SH)? {
        tracing::warn!("a restore is replacing the database this portal opened");
    }
    Ok(RunningLock { _file: Some(file) })
}

/// Whether the lock was taken (false: someone else holds a conflicting one).
fn try_lock(file: &File, kind: libc::c_int) -> Result<bool, std::io::Error> {
    // SAFETY: flock on a descriptor this `File` owns; it touches no memory.
    let rc = unsafe { libc::flock(file.as_raw_fd(), kind | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_an_sqlite_url() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/domaine/domaine.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/domaine/domaine.db"))
        );
        assert_eq!(
            sqlite_path("sqlite://domaine.db"),
            Some(PathBuf::from("domaine.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:data.db"),
            Some(PathBuf::from("data.db"))
        );
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }

    #[test]
    fn a_shared_lock_keeps_an_exclusive_one_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        std::fs::write(&path, b"").unwrap();
        let url = format!("sqlite://{}", path.display());
        let running = hold_while_running(&url).unwrap();
        let second = hold_while_running(&url).unwrap();
        assert!(!try_lock(&File::open(&path).unwrap(), libc::LOCK_EX).unwrap());
        drop((running, second));
        assert!(try_lock(&File::open(&path).unwrap(), libc::LOCK_EX).unwrap());
    }
}
