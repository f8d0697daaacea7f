//! The errors a user can see, and the one place that turns them into words.

use crate::i18n::Locale;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    NotLoggedIn,
    Forbidden,
    /// The provider requires two-factor login of this person, who has not set it up yet: only
    /// the enrolment page (`/me`) is open to them.
    TwoFactorRequired,
    /// The form's anti-forgery token did not match the browser's cookie.
    StaleForm,
    InvalidUsername,
    PasswordTooShort {
        min: usize,
    },
    PasswordTooLong {
        max: usize,
    },
    /// The XMPP server's password policy refused it.
    PasswordRejected,
    AccountExists,
    UnknownDomain,
    InvalidJid,
    InvalidDomainName,
    /// Prosody does not serve this domain (no such virtual host, or mod_domaine not loaded).
    HostNotServed,
    DomainExists,
    /// The current password given to confirm a change is wrong.
    WrongPassword,
    /// The two-factor code is wrong, or was used already.
    WrongCode,
    /// The typed confirmation does not match.
    ConfirmationMismatch,
    AlreadyOwner,
    LastOwner,
    InvalidQuota,
    QuotaReached {
        quota: u32,
    },
    /// The account does not exist (any more) on the XMPP server.
    UnknownAccount,
    /// Locking the account one is logged in with would lock oneself out.
    CannotLockOwnAccount,
    /// A bulk deletion leaves out the account one is logged in with (`/me` deletes it).
    CannotDeleteOwnAccount,
    /// A bulk action on the ticked accounts, with none ticked.
    NothingSelected,
    /// A list of addresses longer than a bulk invitation takes.
    TooManyAddresses {
        max: usize,
    },
    /// A line of a list repeats the address of an earlier line.
    DuplicateAddress {
        line: u32,
    },
    /// The portal's own XMPP account cannot be changed from the portal.
    ServiceAccount,
    /// The XMPP server could not be reached; nothing was changed.
    XmppUnavailable,
    /// The XMPP server answered but refused the change.
    XmppRefused,
    /// No usable invitation has this token (unknown, revoked, used up or expired: never says
    /// which).
    InvitationNotFound,
    /// No usable reset link has this token.
    ResetLinkNotFound,
    /// No usable link confirming a recovery address has this token.
    RecoveryLinkNotFound,
    InvalidMaxUses {
        max: u32,
    },
    /// A fixed username only makes sense for a single-use invitation.
    FixedUsernameMultiUse,
    /// The invitation is for another username.
    UsernameNotInvited,
    /// The new user's contact must have an address on this server.
    ContactNotHosted,
    /// The domain's owners do not let members invite people.
    MemberInvitationsOff,
    /// The member made as many invitations as the owner allows in 30 days.
    MemberInvitationCap {
        cap: u32,
    },
    /// The account was created from an invitation less than a day ago: it cannot invite yet.
    InviterTooNew,
    /// The owner's cap of member invitations is not a number from 0 to `max`.
    InvalidInvitationCap {
        max: u32,
    },
    /// The domain does not accept new accounts now (registration closed).
    RegistrationClosed,
    /// The password and its confirmation differ.
    PasswordMismatch,
    InvalidEmail,
    /// No hosting request has this confirmation link (or id).
    RequestNotFound,
    /// The domain is already hosted here.
    DomainAlreadyHosted,
    /// Someone already asked for this domain.
    DomainAlreadyRequested,
    /// The provider's own domain (or a name under it).
    ProviderDomain,
    /// A value that is none of the choices the form offers (a radio button or a select).
    InvalidChoice {
        field: Option<Field>,
    },
    /// A value that is not UTF-8 text once decoded.
    InvalidText {
        field: Option<Field>,
    },
    /// A required field is empty.
    Required {
        field: Field,
    },
    TooLong {
        field: Field,
        max: usize,
    },
    /// Too many requests from this address or for this e-mail; try again later.
    TooManyRequests,
    /// Too many requests from this address or for this account: try again in `minutes`.
    Throttled {
        minutes: u32,
    },
    /// The provider hosts its association's members only.
    MembershipRequired,
    /// The request was approved or rejected already.
    AlreadyDecided,
    /// A provider admin cannot remove their own account, nor the last one.
    CannotRemoveAdmin,
    AdminExists,
    /// The browser could not reach the portal.
    Network,
    Internal,
}

/// Which form field an error belongs to, so the form can show it next to the right input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Username,
    Password,
    Domain,
    Jid,
    Name,
    Quota,
    CurrentPassword,
    Confirm,
    MaxUses,
    Email,
    Xmpp,
    Message,
    Reason,
    Member,
    /// The registration mode of a domain.
    Mode,
    /// A two-factor code.
    Code,
    /// Which accounts a bulk action is about.
    Scope,
    /// A list of e-mail addresses (pasted or uploaded).
    Addresses,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Username => "username",
            Field::Password => "password",
            Field::Domain => "domain",
            Field::Jid => "jid",
            Field::Name => "name",
            Field::Quota => "quota",
            Field::CurrentPassword => "current_password",
            Field::Confirm => "confirm",
            Field::MaxUses => "max_uses",
            Field::Email => "email",
            Field::Xmpp => "xmpp",
            Field::Message => "message",
            Field::Reason => "reason",
            Field::Member => "member",
            Field::Mode => "mode",
            Field::Code => "code",
            Field::Scope => "scope",
            Field::Addresses => "addresses",
        }
    }

    /// The field whose form name is `name`.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    const ALL: [Field; 18] = [
        Field::Username,
        Field::Password,
        Field::Domain,
        Field::Jid,
        Field::Name,
        Field::Quota,
        Field::CurrentPassword,
        Field::Confirm,
        Field::MaxUses,
        Field::Email,
        Field::Xmpp,
        Field::Message,
        Field::Reason,
        Field::Member,
        Field::Mode,
        Field::Code,
        Field::Scope,
        Field::Addresses,
    ];
}

impl ErrorKind {
    pub fn field(self) -> Option<Field> {
        match self {
            ErrorKind::InvalidUsername
            | ErrorKind::AccountExists
            | ErrorKind::UsernameNotInvited
            | ErrorKind::FixedUsernameMultiUse => Some(Field::Username),
            ErrorKind::PasswordTooShort { .. }
            | ErrorKind::PasswordTooLong { .. }
            | ErrorKind::PasswordRejected => Some(Field::Password),
            ErrorKind::UnknownDomain => Some(Field::Domain),
            ErrorKind::InvalidDomainName | ErrorKind::HostNotServed | ErrorKind::DomainExists => {
                Some(Field::Domain)
            }
            ErrorKind::InvalidJid | ErrorKind::AlreadyOwner => Some(Field::Jid),
            ErrorKind::WrongPassword => Some(Field::CurrentPassword),
            ErrorKind::WrongCode => Some(Field::Code),
            ErrorKind::ConfirmationMismatch | ErrorKind::PasswordMismatch => Some(Field::Confirm),
            ErrorKind::InvalidMaxUses { .. } => Some(Field::MaxUses),
            ErrorKind::InvalidEmail => Some(Field::Email),
            ErrorKind::DomainAlreadyHosted
            | ErrorKind::DomainAlreadyRequested
            | ErrorKind::ProviderDomain => Some(Field::Domain),
            ErrorKind::Required { field } | ErrorKind::TooLong { field, .. } => Some(field),
            ErrorKind::InvalidChoice { field } | ErrorKind::InvalidText { field } => field,
            ErrorKind::MembershipRequired => Some(Field::Member),
            ErrorKind::AdminExists => Some(Field::Username),
            ErrorKind::InvalidQuota => Some(Field::Quota),
            ErrorKind::NothingSelected => Some(Field::Scope),
            ErrorKind::TooManyAddresses { .. } => Some(Field::Addresses),
            _ => None,
        }
    }

    pub fn message(self, locale: Locale) -> String {
        match self {
            ErrorKind::NotLoggedIn => locale.t("error-not-logged-in"),
            ErrorKind::Forbidden => locale.t("error-forbidden"),
            ErrorKind::TwoFactorRequired => locale.t("me-two-factor-required"),
            ErrorKind::StaleForm => locale.t("error-stale-form"),
            ErrorKind::InvalidUsername => locale.t("error-invalid-username"),
            ErrorKind::PasswordTooShort { min } => {
                locale.t_with("error-password-too-short", &[("min", min.to_string())])
            }
            ErrorKind::PasswordTooLong { max } => {
                locale.t_with("error-password-too-long", &[("max", max.to_string())])
            }
            ErrorKind::PasswordRejected => locale.t("error-password-rejected"),
            ErrorKind::AccountExists => locale.t("error-account-exists"),
            ErrorKind::UnknownDomain => locale.t("error-unknown-domain"),
            ErrorKind::InvalidJid => locale.t("error-invalid-jid"),
            ErrorKind::InvalidDomainName => locale.t("error-invalid-domain-name"),
            ErrorKind::HostNotServed => locale.t("error-host-not-served"),
            ErrorKind::DomainExists => locale.t("error-domain-exists"),
            ErrorKind::WrongPassword => locale.t("error-wrong-password"),
            ErrorKind::WrongCode => locale.t("error-wrong-code"),
            ErrorKind::ConfirmationMismatch => locale.t("error-confirmation-mismatch"),
            ErrorKind::AlreadyOwner => locale.t("error-already-owner"),
            ErrorKind::LastOwner => locale.t("error-last-owner"),
            ErrorKind::InvalidQuota => locale.t("error-invalid-quota"),
            ErrorKind::QuotaReached { quota } => {
                locale.t_with("error-quota-reached", &[("quota", quota.to_string())])
            }
            ErrorKind::UnknownAccount => locale.t("error-unknown-account"),
            ErrorKind::CannotLockOwnAccount => locale.t("error-cannot-lock-own-account"),
            ErrorKind::CannotDeleteOwnAccount => locale.t("error-cannot-delete-own-account"),
            ErrorKind::NothingSelected => locale.t("error-nothing-selected"),
            ErrorKind::TooManyAddresses { max } => {
                locale.t_with("error-too-many-addresses", &[("max", max.to_string())])
            }
            ErrorKind::DuplicateAddress { line } => {
                locale.t_with("error-duplicate-address", &[("line", line.to_string())])
            }
            ErrorKind::ServiceAccount => locale.t("error-service-account"),
            ErrorKind::XmppUnavailable => locale.t("error-xmpp-unavailable"),
            ErrorKind::XmppRefused => locale.t("error-xmpp-refused"),
            ErrorKind::InvitationNotFound => locale.t("error-invitation-not-found"),
            ErrorKind::ResetLinkNotFound => locale.t("error-reset-link-not-found"),
            ErrorKind::RecoveryLinkNotFound => locale.t("error-recovery-link-not-found"),
            ErrorKind::InvalidMaxUses { max } => {
                locale.t_with("error-invalid-max-uses", &[("max", max.to_string())])
            }
            ErrorKind::FixedUsernameMultiUse => locale.t("error-fixed-username-multi-use"),
            ErrorKind::UsernameNotInvited => locale.t("error-username-not-invited"),
            ErrorKind::ContactNotHosted => locale.t("error-contact-not-hosted"),
            ErrorKind::MemberInvitationsOff => locale.t("error-member-invitations-off"),
            ErrorKind::MemberInvitationCap { cap } => {
                locale.t_with("error-member-invitation-cap", &[("cap", cap.to_string())])
            }
            ErrorKind::InviterTooNew => locale.t("error-inviter-too-new"),
            ErrorKind::InvalidInvitationCap { max } => {
                locale.t_with("error-invalid-invitation-cap", &[("max", max.to_string())])
            }
            ErrorKind::RegistrationClosed => locale.t("error-registration-closed"),
            ErrorKind::PasswordMismatch => locale.t("error-password-mismatch"),
            ErrorKind::InvalidEmail => locale.t("error-invalid-email"),
            ErrorKind::RequestNotFound => locale.t("error-request-not-found"),
            ErrorKind::DomainAlreadyHosted => locale.t("error-domain-already-hosted"),
            ErrorKind::DomainAlreadyRequested => locale.t("error-domain-already-requested"),
            ErrorKind::ProviderDomain => locale.t("error-provider-domain"),
            ErrorKind::Required { .. } => locale.t("error-required"),
            ErrorKind::InvalidChoice { .. } => locale.t("error-invalid-choice"),
            ErrorKind::InvalidText { .. } => locale.t("error-invalid-text"),
            ErrorKind::TooLong { max, .. } => {
                locale.t_with("error-too-long", &[("max", max.to_string())])
            }
            ErrorKind::TooManyRequests => locale.t("error-too-many-requests"),
            ErrorKind::Throttled { minutes } => {
                locale.t_with("error-throttled", &[("minutes", minutes.to_string())])
            }
            ErrorKind::MembershipRequired => locale.t("error-membership-required"),
            ErrorKind::AlreadyDecided => locale.t("error-already-decided"),
            ErrorKind::CannotRemoveAdmin => locale.t("error-cannot-remove-admin"),
            ErrorKind::AdminExists => locale.t("error-admin-exists"),
            ErrorKind::Network => locale.t("error-network"),
            ErrorKind::Internal => locale.t("error-internal"),
        }
    }
}

/// The longest submitted value (in bytes) an error keeps for re-filling the form.
pub const KEPT_MAX: usize = 512;

/// The error type of every server function. Besides the kind it carries the non-secret values the
/// user submitted, so a form re-rendered after a full page load (no JavaScript) keeps them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{kind:?}")]
pub struct AppError {
    pub kind: ErrorKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<(String, String)>,
}

impl AppError {
    pub fn new(kind: ErrorKind) -> Self {
        AppError {
            kind,
            kept: Vec::new(),
        }
    }

    /// Attaches submitted values to re-fill the form with. Never pass a password here. Values
    /// longer than [`KEPT_MAX`] are dropped (the error stays): they travel in the no-JavaScript
    /// redirect's URL, which must stay short enough to be followed.
    pub fn keeping(mut self, values: &[(&str, &str)]) -> Self {
        self.kept = values
            .iter()
            .filter(|(_, v)| v.len() <= KEPT_MAX)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self
    }

    pub fn kept(&self, name: &str) -> Option<&str> {
        self.kept
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl From<ErrorKind> for AppError {
    fn from(kind: ErrorKind) -> Self {
        AppError::new(kind)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // What the server read of the form names the field (see `form_input`).
        #[cfg(feature = "ssr")]
        let form = leptos::prelude::use_context::<crate::form_input::SubmittedForm>();
        #[cfg(not(feature = "ssr"))]
        let form: Option<crate::form_input::SubmittedForm> = None;
        let named = |name: Option<&str>| name.and_then(Field::from_name);
        if let Some(form) = form.as_ref().filter(|f| f.invalid_text.is_some()) {
            let field = named(form.invalid_text.as_deref());
            return AppError::new(ErrorKind::InvalidText { field });
        }
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                AppError::new(ErrorKind::Network)
            }
            // A form without its anti-forgery field (an old page, a hand-made post): the same
            // answer as a wrong token, not "something went wrong".
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message)
                if message.contains("csrf") =>
            {
                AppError::new(ErrorKind::StaleForm)
            }
            // serde's words for a value that is none of an enum's (a `text_enum!`).
            ServerFnErrorErr::Args(message) if unknown_variant(&message).is_some() => {
                let value = unknown_variant(&message).unwrap_or_default();
                let field = named(form.as_ref().and_then(|f| f.field_with_value(value)));
                AppError::new(ErrorKind::InvalidChoice { field })
            }
            // A body that is not UTF-8 at all, read without the server's middleware.
            ServerFnErrorErr::Deserialization(message) if message.contains("utf-8") => {
                AppError::new(ErrorKind::InvalidText { field: None })
            }
            _ => AppError::new(ErrorKind::Internal),
        }
    }
}

/// The value in serde's "unknown variant `VALUE`, expected one of ..." message.
fn unknown_variant(message: &str) -> Option<&str> {
    let rest = &message[message.find("unknown variant `")? + "unknown variant `".len()..];
    rest.split_once('`').map(|(value, _)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_message_in_both_languages() {
        let kinds = [
            ErrorKind::NotLoggedIn,
            ErrorKind::Forbidden,
            ErrorKind::TwoFactorRequired,
            ErrorKind::StaleForm,
            ErrorKind::InvalidUsername,
            ErrorKind::PasswordTooShort { min: 10 },
            ErrorKind::PasswordTooLong { max: 1000 },
            ErrorKind::PasswordRejected,
            ErrorKind::AccountExists,
            ErrorKind::UnknownDomain,
            ErrorKind::InvalidJid,
            ErrorKind::InvalidDomainName,
            ErrorKind::HostNotServed,
            ErrorKind::DomainExists,
            ErrorKind::WrongPassword,
            ErrorKind::WrongCode,
            ErrorKind::ConfirmationMismatch,
            ErrorKind::AlreadyOwner,
            ErrorKind::LastOwner,
            ErrorKind::InvalidQuota,
            ErrorKind::QuotaReached { quota: 5 },
            ErrorKind::UnknownAccount,
            ErrorKind::CannotLockOwnAccount,
            ErrorKind::CannotDeleteOwnAccount,
            ErrorKind::NothingSelected,
            ErrorKind::TooManyAddresses { max: 1000 },
            ErrorKind::DuplicateAddress { line: 3 },
            ErrorKind::ServiceAccount,
            ErrorKind::XmppUnavailable,
            ErrorKind::XmppRefused,
            ErrorKind::InvitationNotFound,
            ErrorKind::ResetLinkNotFound,
            ErrorKind::InvalidMaxUses { max: 1000 },
            ErrorKind::FixedUsernameMultiUse,
            ErrorKind::UsernameNotInvited,
            ErrorKind::ContactNotHosted,
            ErrorKind::MemberInvitationsOff,
            ErrorKind::MemberInvitationCap { cap: 3 },
            ErrorKind::InviterTooNew,
            ErrorKind::InvalidInvitationCap { max: 100 },
            ErrorKind::RegistrationClosed,
            ErrorKind::PasswordMismatch,
            ErrorKind::InvalidEmail,
            ErrorKind::RequestNotFound,
            ErrorKind::DomainAlreadyHosted,
            ErrorKind::DomainAlreadyRequested,
            ErrorKind::ProviderDomain,
            ErrorKind::Required { field: Field::Name },
            ErrorKind::InvalidChoice {
                field: Some(Field::Mode),
            },
            ErrorKind::InvalidText { field: None },
            ErrorKind::TooLong {
                field: Field::Message,
                max: 2000,
            },
            ErrorKind::TooManyRequests,
            ErrorKind::Throttled { minutes: 2 },
            ErrorKind::RecoveryLinkNotFound,
            ErrorKind::MembershipRequired,
            ErrorKind::AlreadyDecided,
            ErrorKind::CannotRemoveAdmin,
            ErrorKind::AdminExists,
            ErrorKind::Network,
            ErrorKind::Internal,
        ];
        for kind in kinds {
            let en = kind.message(Locale::En);
            let fr = kind.message(Locale::Fr);
            // A missing Fluent message comes back as its own key.
            assert!(
                !en.starts_with("error-") && !fr.starts_with("error-"),
                "{kind:?}"
            );
            assert_ne!(en, fr, "{kind:?} is not translated");
        }
        assert!(ErrorKind::PasswordTooShort { min: 12 }
            .message(Locale::Fr)
            .contains("12"));
    }

    #[test]
    fn an_unknown_choice_is_read_from_serdes_words() {
        let message = "unknown variant `bogus`, expected one of `open`, `invite-only`, `closed`";
        assert_eq!(unknown_variant(message), Some("bogus"));
        assert_eq!(unknown_variant("missing field `csrf`"), None);
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args(message.into()));
        assert_eq!(err.kind, ErrorKind::InvalidChoice { field: None });
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.name()), Some(field));
        }
    }

    #[test]
    fn long_values_are_not_kept() {
        let long = "x".repeat(KEPT_MAX + 1);
        let err = AppError::new(ErrorKind::InvalidEmail).keeping(&[("a", "short"), ("b", &long)]);
        assert_eq!(err.kept("a"), Some("short"));
        assert_eq!(err.kept("b"), None);
        assert_eq!(err.kind, ErrorKind::InvalidEmail);
    }

    #[test]
    fn kept_values_survive_the_wire() {
        let err = AppError::new(ErrorKind::AccountExists).keeping(&[("username", "alice")]);
        let json = serde_json_roundtrip(&err);
        assert_eq!(json.kept("username"), Some("alice"));
        assert_eq!(json.kind.field(), Some(Field::Username));
    }

    fn serde_json_roundtrip(err: &AppError) -> AppError {
        use leptos::server_fn::{Decodes, Encodes};
        let bytes = <JsonEncoding as Encodes<AppError>>::encode(err).unwrap();
        <JsonEncoding as Decodes<AppError>>::decode(bytes).unwrap()
    }
}
