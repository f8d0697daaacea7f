use xmpp_parsers::stanza_error::{DefinedCondition, StanzaError};

/// Why an administrative XMPP request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmppError {
    /// There is no connection to the XMPP server (not yet, or it was lost
    /// while the request was in flight, in which case its outcome is unknown).
    #[error("the XMPP server is unavailable")]
    Unavailable,
    /// The request was sent but no reply arrived in time.
    #[error("the XMPP server did not answer in time")]
    Timeout,
    #[error("the account already exists")]
    AlreadyExists,
    #[error("the account does not exist")]
    UserNotFound,
    /// The JID (given as text) was refused, by the server or before sending.
    #[error("invalid JID: {0}")]
    InvalidJid(String),
    /// The account is not on the virtual host the command was sent to.
    #[error("the account is not on the host the command was sent to")]
    WrongHost,
    /// The service account is not an administrator of the target host.
    #[error("the service account is not allowed to run this command")]
    Forbidden,
    /// The server refused the request (`not-allowed`): Prosody's answer for a
    /// host it does not serve when mod_s2s is disabled, ejabberd's for an
    /// action outside the admin's rights, mod_domaine's for locking the
    /// portal's own account.
    #[error("the server does not allow this request")]
    NotAllowed,
    /// The target host is not served here (`remote-server-not-found`, Prosody's
    /// answer for an unknown host while mod_s2s is loaded).
    #[error("the target host was not found")]
    HostNotFound,
    /// The command does not exist on the target (module not loaded).
    #[error("the command is not available")]
    ServiceUnavailable,
    /// A required form field was missing (the field name).
    #[error("required field missing: {0}")]
    MissingField(String),
    /// The server refused the submitted data.
    #[error("invalid data: {0}")]
    InvalidData(String),
    /// The password was refused (empty, or by a server password policy).
    #[error("password rejected: {0}")]
    PasswordRejected(String),
    /// The server could not store the change.
    #[error("the server failed to store the change")]
    StorageFailure,
    /// mod_domaine: the invitation token cannot be used (unknown, expired,
    /// revoked or used up: the server never says which).
    #[error("the invitation is not valid")]
    InvitationInvalid,
    /// mod_domaine: the invitation is for a fixed username, not this one.
    #[error("the invitation is for another username")]
    UsernameNotInvited,
    /// mod_domaine: registration on the host is closed (its registration
    /// mode), even with an invitation.
    #[error("registration on this domain is closed")]
    RegistrationClosed,
    /// mod_domaine: the host has reached its account quota.
    #[error("the domain has reached its account quota")]
    QuotaReached,
    /// mod_domaine: the username is not a valid XMPP local part (the text
    /// given).
    #[error("invalid username: {0}")]
    InvalidUsername(String),
    /// mod_domaine: an invitation's contact is not an existing account on a
    /// host of this server (the JID given).
    #[error("the contact {0} is not an account on this server")]
    ContactNotFound(String),
    /// mod_domaine: the certificate is not a PEM certificate valid now for the host (the
    /// note).
    #[error("the certificate was refused: {0}")]
    InvalidCertificate(String),
    /// mod_domaine: the key is not a PEM private key, or not the certificate's (the note).
    #[error("the private key was refused: {0}")]
    InvalidKey(String),
    /// mod_domaine: Prosody could not write the certificate's files.
    #[error("the XMPP server could not store the certificate")]
    CertificateWriteFailed,
    /// An error note the mapping does not recognise (its text).
    #[error("command failed: {0}")]
    CommandFailed(String),
    /// An IQ error with a condition the mapping does not recognise.
    #[error("server error {condition}{}", text.as_deref().map(|t| format!(": {t}")).unwrap_or_default())]
    ServerError {
        condition: String,
        text: Option<String>,
    },
    /// The reply did not have the expected shape.
    #[error("malformed reply: {0}")]
    Protocol(String),
}

/// A reply naming a state the portal does not know is a reply of the wrong shape.
impl From<app::states::UnknownName> for XmppError {
    fn from(err: app::states::UnknownName) -> Self {
        XmppError::Protocol(err.to_string())
    }
}

/// The namespace of the `<failure/>` element with which mod_domaine and mod_domaine_hosts
/// say why a command failed (server/prosody/domaine_util.lib.lua lists the conditions).
pub const FAILURE_NS: &str = "urn:domaine:error";

/// A failed command of our own Prosody modules, as its `<failure/>` element says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure<'a> {
    pub condition: &'a str,
    /// The form field at fault, if any.
    pub field: Option<&'a str>,
    /// The rejected input, or the JID or host concerned.
    pub value: Option<&'a str>,
    /// The error note's English text, kept for logs.
    pub note: &'a str,
}

/// Maps the machine-readable condition of our own modules' failures to an error.
pub fn classify_failure(failure: Failure<'_>) -> XmppError {
    let value = || failure.value.unwrap_or_default().to_owned();
    match failure.condition {
        "missing-field" => XmppError::MissingField(failure.field.unwrap_or_default().to_owned()),
        "invalid-jid" | "invalid-contact" | "invalid-host" => XmppError::InvalidJid(value()),
        "invalid-value" | "fixed-username-multi-use" => {
            XmppError::InvalidData(failure.note.to_owned())
        }
        "storage-failure" | "unavailable" => XmppError::StorageFailure,
        "user-not-found" => XmppError::UserNotFound,
        "account-exists" => XmppError::AlreadyExists,
        "wrong-host" => XmppError::WrongHost,
        // The portal may not lock its own account nor take its own host down; a component is
        // no virtual host.
        "own-account" | "own-host" | "not-virtual-host" => XmppError::NotAllowed,
        "invalid-username" => XmppError::InvalidUsername(value()),
        "invitation-invalid" => XmppError::InvitationInvalid,
        "username-not-invited" => XmppError::UsernameNotInvited,
        "registration-closed" => XmppError::RegistrationClosed,
        "quota-reached" => XmppError::QuotaReached,
        "contact-not-found" => XmppError::ContactNotFound(value()),
        "host-not-found" => XmppError::HostNotFound,
        "invalid-certificate" => XmppError::InvalidCertificate(failure.note.to_owned()),
        "invalid-key" => XmppError::InvalidKey(failure.note.to_owned()),
        "certificate-write-failed" => XmppError::CertificateWriteFailed,
        // "invitation-only", "registration-refused", "activation-failed",
        // "deactivation-failed", and conditions of a newer module: the note tells the logs.
        _ => XmppError::CommandFailed(failure.note.to_owned()),
    }
}

/// Maps the text of a `<note type='error'/>` from Prosody's own commands (mod_admin_adhoc and
/// the like, which we cannot change and which say nothing else), reported as
/// `status='completed'`, to an error. The only place where English text is read: our own
/// modules' failures carry a condition (see [`classify_failure`]).
pub fn classify_prosody_note(text: &str) -> XmppError {
    let text = text.trim();
    // Field errors come as "field: message" lines, several joined by newlines.
    if let Some(pos) = text.find("Invalid JID: ") {
        let rest = &text[pos + "Invalid JID: ".len()..];
        return XmppError::InvalidJid(rest.lines().next().unwrap_or_default().to_owned());
    }
    if let Some(line) = text
        .lines()
        .find(|line| line.ends_with(": Required value missing"))
    {
        let field = line.trim_end_matches(": Required value missing");
        return XmppError::MissingField(field.to_owned());
    }
    match text {
        "Account already exists" => return XmppError::AlreadyExists,
        "User does not exist" => return XmppError::UserNotFound,
        "Failed to write data to disk" | "Failed to read data from disk" => {
            return XmppError::StorageFailure
        }
        "You don't have permission to execute this command" => return XmppError::Forbidden,
        _ => {}
    }
    // "Trying to add a user on B but command was sent to A", "Tried to get
    // stats for a user on B but ..." and the like.
    if text.contains(" but command was sent to ") {
        return XmppError::WrongHost;
    }
    if text.starts_with("Invalid data.") {
        return XmppError::InvalidData(text.replace('\n', " "));
    }
    XmppError::CommandFailed(text.to_owned())
}

/// Maps an IQ error, ejabberd's way of reporting a failed command and
/// Prosody's for permission and routing failures.
pub fn classify_stanza_error(error: &StanzaError) -> XmppError {
    let text = error.texts.values().next().cloned();
    match &error.defined_condition {
        DefinedCondition::Conflict => XmppError::AlreadyExists,
        DefinedCondition::ItemNotFound => XmppError::UserNotFound,
        DefinedCondition::Forbidden | DefinedCondition::NotAuthorized => XmppError::Forbidden,
        DefinedCondition::NotAllowed => XmppError::NotAllowed,
        DefinedCondition::ServiceUnavailable | DefinedCondition::FeatureNotImplemented => {
            XmppError::ServiceUnavailable
        }
        DefinedCondition::RemoteServerNotFound | DefinedCondition::RemoteServerTimeout => {
            XmppError::HostNotFound
        }
        DefinedCondition::JidMalformed => XmppError::InvalidJid(text.unwrap_or_default()),
        DefinedCondition::BadRequest | DefinedCondition::NotAcceptable => {
            XmppError::InvalidData(text.unwrap_or_default())
        }
        other => XmppError::ServerError {
            condition: condition_name(other),
            text,
        },
    }
}

fn condition_name(condition: &DefinedCondition) -> String {
    let element = xmpp_parsers::minidom::Element::from(condition.clone());
    element.name().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_parsers::stanza_error::ErrorType;

    #[test]
    fn prosody_error_notes() {
        let cases = [
            ("Account already exists", XmppError::AlreadyExists),
            ("User does not exist", XmppError::UserNotFound),
            (
                "accountjid: Invalid JID: not a jid",
                XmppError::InvalidJid("not a jid".into()),
            ),
            (
                "accountjids: Invalid JID: a b@x\nInvalid JID: c d@x",
                XmppError::InvalidJid("a b@x".into()),
            ),
            (
                "accountjid: Required value missing",
                XmppError::MissingField("accountjid".into()),
            ),
            (
                "password: Required value missing\naccountjid: Required value missing",
                XmppError::MissingField("password".into()),
            ),
            (
                "Invalid data.\nPassword mismatch, or empty username",
                XmppError::InvalidData("Invalid data. Password mismatch, or empty username".into()),
            ),
            (
                "Trying to add a user on other.test but command was sent to example.test",
                XmppError::WrongHost,
            ),
            (
                "Trying to change the password of a user on b.test but command was sent to a.test",
                XmppError::WrongHost,
            ),
            (
                "Tried to get stats for a user on b.test but command was sent to a.test",
                XmppError::WrongHost,
            ),
            ("Failed to write data to disk", XmppError::StorageFailure),
            (
                "You don't have permission to execute this command",
                XmppError::Forbidden,
            ),
            (
                "Something new",
                XmppError::CommandFailed("Something new".into()),
            ),
        ];
        for (note, expected) in cases {
            assert_eq!(classify_prosody_note(note), expected, "note {note:?}");
        }
    }

    #[test]
    fn module_failures() {
        let failure = |condition, field, value| Failure {
            condition,
            field,
            value,
            note: "the note",
        };
        let cases = [
            (
                failure("missing-field", Some("mode"), None),
                XmppError::MissingField("mode".into()),
            ),
            (
                failure("invalid-jid", Some("accountjid"), Some("a b@x")),
                XmppError::InvalidJid("a b@x".into()),
            ),
            (
                failure("invalid-contact", Some("contact"), Some("b.test")),
                XmppError::InvalidJid("b.test".into()),
            ),
            (
                failure("invalid-certificate", Some("certificate"), None),
                XmppError::InvalidCertificate("the note".into()),
            ),
            (
                failure("invalid-key", Some("key"), None),
                XmppError::InvalidKey("the note".into()),
            ),
            (
                failure("certificate-write-failed", None, Some("a.test")),
                XmppError::CertificateWriteFailed,
            ),
            (
                failure("invalid-host", Some("host"), Some("a b")),
                XmppError::InvalidJid("a b".into()),
            ),
            (
                failure("invalid-value", Some("quota"), Some("-1")),
                XmppError::InvalidData("the note".into()),
            ),
            (
                failure("fixed-username-multi-use", Some("max-uses"), Some("2")),
                XmppError::InvalidData("the note".into()),
            ),
            (
                failure("storage-failure", None, None),
                XmppError::StorageFailure,
            ),
            (
                failure("unavailable", None, None),
                XmppError::StorageFailure,
            ),
            (
                failure("user-not-found", None, None),
                XmppError::UserNotFound,
            ),
            (
                failure("account-exists", None, None),
                XmppError::AlreadyExists,
            ),
            (
                failure("wrong-host", Some("accountjid"), Some("b.test")),
                XmppError::WrongHost,
            ),
            (failure("own-account", None, None), XmppError::NotAllowed),
            (
                failure("own-host", Some("host"), Some("a.test")),
                XmppError::NotAllowed,
            ),
            (
                failure("not-virtual-host", Some("host"), Some("muc.a.test")),
                XmppError::NotAllowed,
            ),
            (
                failure("invalid-username", Some("username"), Some("a b")),
                XmppError::InvalidUsername("a b".into()),
            ),
            (
                failure("invitation-invalid", None, None),
                XmppError::InvitationInvalid,
            ),
            (
                failure("username-not-invited", None, None),
                XmppError::UsernameNotInvited,
            ),
            (
                failure("registration-closed", None, None),
                XmppError::RegistrationClosed,
            ),
            (
                failure("quota-reached", None, None),
                XmppError::QuotaReached,
            ),
            (
                failure("contact-not-found", Some("contact"), Some("bob@b.test")),
                XmppError::ContactNotFound("bob@b.test".into()),
            ),
            (
                failure("host-not-found", Some("host"), Some("gone.test")),
                XmppError::HostNotFound,
            ),
            (
                failure("activation-failed", Some("host"), Some("x.test")),
                XmppError::CommandFailed("the note".into()),
            ),
            (
                failure("something-new", None, None),
                XmppError::CommandFailed("the note".into()),
            ),
        ];
        for (failure, expected) in cases {
            assert_eq!(classify_failure(failure), expected, "{failure:?}");
        }
    }

    #[test]
    fn iq_errors() {
        let error = |type_, condition| StanzaError::new(type_, condition, "en", "details");
        let cases = [
            (
                error(ErrorType::Cancel, DefinedCondition::Conflict),
                XmppError::AlreadyExists,
            ),
            (
                error(ErrorType::Cancel, DefinedCondition::ItemNotFound),
                XmppError::UserNotFound,
            ),
            (
                error(ErrorType::Auth, DefinedCondition::Forbidden),
                XmppError::Forbidden,
            ),
            (
                error(ErrorType::Cancel, DefinedCondition::NotAllowed),
                XmppError::NotAllowed,
            ),
            (
                error(ErrorType::Cancel, DefinedCondition::ServiceUnavailable),
                XmppError::ServiceUnavailable,
            ),
            (
                error(ErrorType::Modify, DefinedCondition::JidMalformed),
                XmppError::InvalidJid("details".into()),
            ),
            (
                error(ErrorType::Modify, DefinedCondition::NotAcceptable),
                XmppError::InvalidData("details".into()),
            ),
            (
                error(ErrorType::Cancel, DefinedCondition::RemoteServerNotFound),
                XmppError::HostNotFound,
            ),
            (
                error(ErrorType::Wait, DefinedCondition::InternalServerError),
                XmppError::ServerError {
                    condition: "internal-server-error".into(),
                    text: Some("details".into()),
                },
            ),
        ];
        for (stanza_error, expected) in cases {
            assert_eq!(classify_stanza_error(&stanza_error), expected);
        }
    }

    #[test]
    fn server_error_display() {
        let error = XmppError::ServerError {
            condition: "internal-server-error".into(),
            text: None,
        };
        assert_eq!(error.to_string(), "server error internal-server-error");
    }
}
