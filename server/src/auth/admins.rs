//! Provider administrators with a local password (the `provider_admins` table).

use super::passwords;
use crate::db::{self, Db};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("an administrator named {0} already exists")]
    Exists(String),
    #[error("the username must be 1 to 64 letters, digits or . _ -")]
    InvalidUsername,
    #[error("the password must have at least {0} characters")]
    PasswordTooShort(usize),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub async fn create(
    db: &Db,
    username: &str,
    password: &str,
    min_len: usize,
) -> Result<i64, AdminError> {
    let valid = !username.is_empty()
        && username.chars().count() <= 64
        && username
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid {
        return Err(AdminError::InvalidUsername);
    }
    if password.chars().count() < min_len {
        return Err(AdminError::PasswordTooShort(min_len));
    }
    let hash = passwords::hash(password.to_string()).await;
    let row: Result<(i64,), _> = sqlx::query_as(
        "INSERT INTO provider_admins (username, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(username)
    .bind(hash)
    .bind(db.now())
    .fetch_one(&db.pool)
    .await;
    match row {
        Ok((id,)) => Ok(id),
        Err(e) if db::is_unique_violation(&e) => Err(AdminError::Exists(username.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// The admin's id when the username and password match.
pub async fn verify_login(
    db: &Db,
    username: &str,
    password: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM provider_admins WHERE username = $1")
            .bind(username)
            .fetch_optional(&db.pool)
            .await?;
    let (id, hash) = row.unzip();
    Ok(passwords::verify(password.to_string(), hash)
        .await
        .then_some(id)
        .flatten())
}

/// The local provider admins (id, name, creation time), by name.
pub async fn list(db: &Db) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT id, username, created_at FROM provider_admins ORDER BY username")
        .fetch_all(&db.pool)
        .await
}

/// Removes a local provider admin, their sessions and two-factor login; `false` if there was
/// none.
pub async fn remove(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    super::two_factor::forget(db, &super::two_factor::Account::LocalAdmin(id)).await?;
    let done = sqlx::query("DELETE FROM provider_admins WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}
