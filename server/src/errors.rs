//! The one place where a backend's failure becomes what the user sees: every outcome of an
//! XMPP request ([`XmppError`]) and every unexpected failure (database, bug) maps to an
//! [`ErrorKind`] here. The English texts of the errors go to the logs only.

use crate::xmpp::XmppError;
use app::error::{AppError, ErrorKind};

/// What a failed XMPP request was about, where that changes what its failure means to the
/// user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Creating an account, changing one's own, or a domain's settings: the plain reading.
    General,
    /// A command about one existing account: the server not knowing it is a stale page, not
    /// a refusal.
    Account,
    /// The account behind a password-reset link: if it is gone, so is the link.
    ResetLink,
    /// Redeeming an invitation on a domain with this account quota (0 when none is recorded).
    Redemption { quota: u32 },
    /// Asking Prosody whether it serves a host the portal is to manage: any refusal means it
    /// does not (no such host, or no mod_domaine on it).
    HostCheck,
}

impl Subject {
    /// How `err`, the failure of a request about this subject, reads to the user.
    pub fn error(self, err: XmppError) -> AppError {
        xmpp_kind(self, &err)
            .unwrap_or_else(|| {
                tracing::warn!(error = %err, "the XMPP server refused a change");
                ErrorKind::XmppRefused
            })
            .into()
    }
}

/// The user's error for `err`, or `None` for a refusal the user can do nothing about.
fn xmpp_kind(subject: Subject, err: &XmppError) -> Option<ErrorKind> {
    use XmppError as X;
    Some(match (subject, err) {
        (_, X::Unavailable | X::Timeout) => ErrorKind::XmppUnavailable,
        (Subject::HostCheck, _) => ErrorKind::HostNotServed,
        (Subject::Account, X::UserNotFound) => ErrorKind::UnknownAccount,
        (Subject::ResetLink, X::UserNotFound) => ErrorKind::ResetLinkNotFound,
        (Subject::Redemption { quota }, X::QuotaReached) => ErrorKind::QuotaReached { quota },
        (_, X::AlreadyExists) => ErrorKind::AccountExists,
        (_, X::InvalidJid(_) | X::InvalidUsername(_)) => ErrorKind::InvalidUsername,
        (_, X::WrongHost | X::HostNotFound | X::NotAllowed) => ErrorKind::UnknownDomain,
        (_, X::PasswordRejected(_)) => ErrorKind::PasswordRejected,
        (_, X::InvitationInvalid) => ErrorKind::InvitationNotFound,
        (_, X::UsernameNotInvited) => ErrorKind::UsernameNotInvited,
        (_, X::RegistrationClosed) => ErrorKind::RegistrationClosed,
        (_, X::ContactNotFound(_)) => ErrorKind::ContactNotHosted,
        // A quota reached outside a redemption, an account that is gone where none was
        // expected, and whatever the portal should have prevented or cannot explain.
        (
            _,
            X::QuotaReached
            | X::UserNotFound
            | X::Forbidden
            | X::ServiceUnavailable
            | X::MissingField(_)
            | X::InvalidData(_)
            | X::StorageFailure
            | X::InvalidCertificate(_)
            | X::InvalidKey(_)
            | X::CertificateWriteFailed
            | X::CommandFailed(_)
            | X::ServerError { .. }
            | X::Protocol(_),
        ) => return None,
    })
}

/// Logs an unexpected failure and shows the user a generic message.
pub fn internal(err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "internal error");
    ErrorKind::Internal.into()
}

/// The same, for handlers that answer with a bare response.
pub fn internal_response(err: impl std::fmt::Display) -> axum::response::Response {
    use axum::response::IntoResponse;
    internal(err);
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error / Erreur interne",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_failures_map_to_user_errors_by_subject() {
        use Subject::*;
        let redemption = Redemption { quota: 5 };
        let cases = [
            (General, XmppError::AlreadyExists, ErrorKind::AccountExists),
            (General, XmppError::Timeout, ErrorKind::XmppUnavailable),
            (General, XmppError::Unavailable, ErrorKind::XmppUnavailable),
            (General, XmppError::Forbidden, ErrorKind::XmppRefused),
            (General, XmppError::UserNotFound, ErrorKind::XmppRefused),
            (General, XmppError::QuotaReached, ErrorKind::XmppRefused),
            (Account, XmppError::UserNotFound, ErrorKind::UnknownAccount),
            (Account, XmppError::AlreadyExists, ErrorKind::AccountExists),
            (
                ResetLink,
                XmppError::UserNotFound,
                ErrorKind::ResetLinkNotFound,
            ),
            (
                redemption,
                XmppError::QuotaReached,
                ErrorKind::QuotaReached { quota: 5 },
            ),
            (
                redemption,
                XmppError::InvitationInvalid,
                ErrorKind::InvitationNotFound,
            ),
            (
                HostCheck,
                XmppError::ServiceUnavailable,
                ErrorKind::HostNotServed,
            ),
            (HostCheck, XmppError::Timeout, ErrorKind::XmppUnavailable),
        ];
        for (subject, err, kind) in cases {
            let what = format!("{subject:?} {err:?}");
            assert_eq!(subject.error(err).kind, kind, "{what}");
        }
    }
}
