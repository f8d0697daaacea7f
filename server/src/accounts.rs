//! XMPP accounts on hosted domains: what a valid username is, and creating accounts on the server.

use crate::{
    domains,
    state::AppState,
    xmpp::{BareJid, XmppError},
};
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
        .map_err(crate::portal::internal)?
    {
        return Err(ErrorKind::UnknownDomain.into());
    }
    state
        .xmpp
        .add_user(&jid, password)
        .await
        .map_err(xmpp_error)?;
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

/// How a failure of the XMPP server reads to the user.
pub fn xmpp_error(err: XmppError) -> AppError {
    let kind = match err {
        XmppError::AlreadyExists => ErrorKind::AccountExists,
        XmppError::InvalidJid(_) => ErrorKind::InvalidUsername,
        XmppError::WrongHost | XmppError::HostNotFound | XmppError::NotAllowed => {
            ErrorKind::UnknownDomain
        }
        XmppError::Unavailable | XmppError::Timeout => ErrorKind::XmppUnavailable,
        XmppError::PasswordRejected(_) => ErrorKind::PasswordRejected,
        XmppError::UserNotFound
        | XmppError::Forbidden
        | XmppError::ServiceUnavailable
        | XmppError::MissingField(_)
        | XmppError::InvalidData(_)
        | XmppError::StorageFailure
        | XmppError::CommandFailed(_)
        | XmppError::ServerError { .. }
        | XmppError::Protocol(_) => {
            tracing::warn!(error = %err, "the XMPP server refused a change");
            ErrorKind::XmppRefused
        }
    };
    kind.into()
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
    fn server_failures_map_to_user_errors() {
        assert_eq!(
            xmpp_error(XmppError::AlreadyExists).kind,
            ErrorKind::AccountExists
        );
        assert_eq!(
            xmpp_error(XmppError::Timeout).kind,
            ErrorKind::XmppUnavailable
        );
        assert_eq!(
            xmpp_error(XmppError::Unavailable).kind,
            ErrorKind::XmppUnavailable
        );
        assert_eq!(
            xmpp_error(XmppError::Forbidden).kind,
            ErrorKind::XmppRefused
        );
    }
}
