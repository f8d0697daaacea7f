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

/// Maps the text of a `<note type='error'/>`, Prosody's way of reporting a
/// failed command (as `status='completed'`), to an error.
pub fn classify_error_note(text: &str) -> XmppError {
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
        // mod_domaine: the portal may not lock itself out.
        "You cannot lock your own account" => return XmppError::NotAllowed,
        // mod_domaine's invitations and its registration gate.
        "Invalid invitation" => return XmppError::InvitationInvalid,
        "This invitation is for another username" => return XmppError::UsernameNotInvited,
        "Registration on this server is closed" => return XmppError::RegistrationClosed,
        "This domain is full: no new accounts can be created" => return XmppError::QuotaReached,
        // The gate could not read the registration settings or the invite.
        "Registration is temporarily unavailable" => return XmppError::StorageFailure,
        // mod_domaine_hosts: the portal may not take its own host down.
        "You cannot suspend your own host" => return XmppError::NotAllowed,
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
    // mod_domaine: "Invalid registration mode: x", "Invalid quota: x",
    // "Invalid offset: x", "Invalid limit: x", "Invalid max-uses: x",
    // "Invalid expires: x".
    const DOMAINE_INVALID: [&str; 6] = [
        "Invalid registration mode: ",
        "Invalid quota: ",
        "Invalid offset: ",
        "Invalid limit: ",
        "Invalid max-uses: ",
        "Invalid expires: ",
    ];
    if DOMAINE_INVALID
        .iter()
        .any(|prefix| text.starts_with(prefix))
        || text == "An invitation for a fixed username can be used only once"
    {
        return XmppError::InvalidData(text.to_owned());
    }
    if let Some(username) = text.strip_prefix("Invalid username: ") {
        return XmppError::InvalidUsername(username.to_owned());
    }
    if let Some(contact) = text.strip_prefix("Invalid contact: ") {
        return XmppError::InvalidJid(contact.to_owned());
    }
    if let Some(contact) = text.strip_prefix("Contact does not exist: ") {
        return XmppError::ContactNotFound(contact.to_owned());
    }
    // mod_domaine_hosts.
    if let Some(host) = text.strip_prefix("Invalid host: ") {
        return XmppError::InvalidJid(host.to_owned());
    }
    if text.starts_with("Host not found: ") {
        return XmppError::HostNotFound;
    }
    if text.starts_with("Not a virtual host: ") {
        return XmppError::NotAllowed;
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
            assert_eq!(classify_error_note(note), expected, "note {note:?}");
        }
    }

    #[test]
    fn domaine_module_error_notes() {
        let cases = [
            ("User does not exist", XmppError::UserNotFound),
            (
                "Trying to lock a user on b.test but command was sent to a.test",
                XmppError::WrongHost,
            ),
            (
                "Trying to unlock a user on b.test but command was sent to a.test",
                XmppError::WrongHost,
            ),
            ("You cannot lock your own account", XmppError::NotAllowed),
            (
                "mode: Required value missing",
                XmppError::MissingField("mode".into()),
            ),
            (
                "accountjid: Invalid JID: a b@x",
                XmppError::InvalidJid("a b@x".into()),
            ),
            (
                "Invalid registration mode: half-open",
                XmppError::InvalidData("Invalid registration mode: half-open".into()),
            ),
            (
                "Invalid quota: -1",
                XmppError::InvalidData("Invalid quota: -1".into()),
            ),
            (
                "Invalid offset: x",
                XmppError::InvalidData("Invalid offset: x".into()),
            ),
            (
                "Invalid limit: 1.5",
                XmppError::InvalidData("Invalid limit: 1.5".into()),
            ),
            ("Failed to read data from disk", XmppError::StorageFailure),
            ("Failed to write data to disk", XmppError::StorageFailure),
        ];
        for (note, expected) in cases {
            assert_eq!(classify_error_note(note), expected, "note {note:?}");
        }
    }

    #[test]
    fn invitation_error_notes() {
        let cases = [
            ("Invalid invitation", XmppError::InvitationInvalid),
            (
                "This invitation is for another username",
                XmppError::UsernameNotInvited,
            ),
            (
                "Registration on this server is closed",
                XmppError::RegistrationClosed,
            ),
            (
                "This domain is full: no new accounts can be created",
                XmppError::QuotaReached,
            ),
            (
                "Registration is temporarily unavailable",
                XmppError::StorageFailure,
            ),
            ("Account already exists", XmppError::AlreadyExists),
            (
                "Invalid username: a b",
                XmppError::InvalidUsername("a b".into()),
            ),
            (
                "Invalid contact: b.test",
                XmppError::InvalidJid("b.test".into()),
            ),
            (
                "Contact does not exist: bob@b.test",
                XmppError::ContactNotFound("bob@b.test".into()),
            ),
            (
                "Invalid max-uses: 0",
                XmppError::InvalidData("Invalid max-uses: 0".into()),
            ),
            (
                "Invalid expires: soon",
                XmppError::InvalidData("Invalid expires: soon".into()),
            ),
            (
                "An invitation for a fixed username can be used only once",
                XmppError::InvalidData(
                    "An invitation for a fixed username can be used only once".into(),
                ),
            ),
            (
                "contact: Invalid JID: @x",
                XmppError::InvalidJid("@x".into()),
            ),
            (
                "token: Required value missing",
                XmppError::MissingField("token".into()),
            ),
            (
                "Trying to check a user on b.test but command was sent to a.test",
                XmppError::WrongHost,
            ),
        ];
        for (note, expected) in cases {
            assert_eq!(classify_error_note(note), expected, "note {note:?}");
        }
    }

    #[test]
    fn hosts_module_error_notes() {
        let cases = [
            ("Invalid host: a b", XmppError::InvalidJid("a b".into())),
            ("Host not found: gone.test", XmppError::HostNotFound),
            ("Not a virtual host: muc.a.test", XmppError::NotAllowed),
            ("You cannot suspend your own host", XmppError::NotAllowed),
            (
                "host: Required value missing",
                XmppError::MissingField("host".into()),
            ),
            ("Failed to write data to disk", XmppError::StorageFailure),
            (
                "Cannot activate host x.test: boom",
                XmppError::CommandFailed("Cannot activate host x.test: boom".into()),
            ),
        ];
        for (note, expected) in cases {
            assert_eq!(classify_error_note(note), expected, "note {note:?}");
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
