//! Invitations to a hosted domain: the owner's list, options and actions. Shared types and server
//! functions; using an invitation on the web is in [`redeem`].

// A server function takes its form's fields one by one; the creation form has ten.
#![allow(clippy::too_many_arguments)]

pub mod members;
pub mod redeem;

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How long an invitation stays valid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Validity {
    Hour,
    Day,
    #[default]
    Week,
    FourWeeks,
}

impl Validity {
    pub const ALL: [Validity; 4] = [
        Validity::Hour,
        Validity::Day,
        Validity::Week,
        Validity::FourWeeks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Validity::Hour => "1h",
            Validity::Day => "1d",
            Validity::Week => "1w",
            Validity::FourWeeks => "4w",
        }
    }

    /// From the form; the default (one week) when missing.
    pub fn parse(s: Option<&str>) -> Option<Validity> {
        match s {
            None | Some("") => Some(Validity::default()),
            Some(s) => Self::ALL.into_iter().find(|v| v.as_str() == s),
        }
    }

    pub fn seconds(self) -> i64 {
        match self {
            Validity::Hour => 3600,
            Validity::Day => 86_400,
            Validity::Week => 7 * 86_400,
            Validity::FourWeeks => 28 * 86_400,
        }
    }

    /// The message key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            Validity::Hour => "invites-validity-hour",
            Validity::Day => "invites-validity-day",
            Validity::Week => "invites-validity-week",
            Validity::FourWeeks => "invites-validity-four-weeks",
        }
    }
}

/// Where an invitation stands, as the XMPP server last told the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    Pending,
    UsedUp,
    Expired,
    Revoked,
}

/// The e-mail that carries an invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailState {
    /// Waiting to be sent, or being retried after `attempts` failures.
    Queued {
        attempts: u32,
        last_error: Option<String>,
    },
    Sent {
        at: i64,
    },
    /// Retries gave up; the owner may retry by hand.
    Failed {
        attempts: u32,
        last_error: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    /// The landing page, to share.
    pub link: String,
    /// The `xmpp:` preauth URI an app redeems.
    pub uri: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_uses: u32,
    pub uses: u32,
    /// Addresses created with it.
    pub accounts: Vec<String>,
    /// The only username it may create, if fixed.
    pub username: Option<String>,
    pub note: String,
    /// The address that becomes the new user's contact.
    pub contact: Option<String>,
    pub email: Option<String>,
    /// The language the e-mail was written in (a locale code).
    pub email_locale: Option<String>,
    pub mail: Option<MailState>,
    pub state: InvitationState,
    /// A member made it on their own page (`created_by` is that member).
    pub by_member: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationList {
    pub domain: String,
    /// `false` when the XMPP server could not be asked: uses may be out of date.
    pub synced: bool,
    /// Registration is closed on the domain: invitations cannot be used until it reopens.
    pub registration_closed: bool,
    /// The logged-in user's address when it can become a new user's contact (it is hosted on
    /// this server).
    pub contact: Option<String>,
    /// Newest first.
    pub invitations: Vec<InvitationRow>,
}

/// The owner's choices for a new invitation, as validated by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    pub max_uses: u32,
    pub validity: Validity,
    pub username: Option<String>,
    pub note: String,
    pub add_contact: bool,
    pub email: Option<String>,
    pub email_locale: crate::i18n::Locale,
}

/// The most uses a multi-use invitation may have.
pub const MAX_USES: u32 = 1000;

crate::text_enum! {
    /// What the invitations page says after a change; carried in its URL.
    pub enum Done("invitations page notice") {
        Created = "created",
        Revoked = "revoked",
        Emailed = "emailed",
    }
}

/// The invitations page of a domain, with what was just done to which invitation.
pub fn invitations_href(domain: &str, done: Option<(Done, i64)>) -> String {
    let domain: String = form_urlencoded::byte_serialize(domain.as_bytes()).collect();
    match done {
        Some((done, id)) => format!(
            "/domains/{domain}/invites?done={}&invite={id}",
            done.as_str()
        ),
        None => format!("/domains/{domain}/invites"),
    }
}

/// Lists the domain's invitations, newest first, with uses read again from the XMPP server.
#[server(prefix = "/api", endpoint = "domain_invites")]
pub async fn domain_invitations(domain: String) -> Result<InvitationList, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.invitation_list(&ctx, &domain).await
}

/// Creates an invitation on the XMPP server and in the portal, and sends it by e-mail if asked.
#[server(prefix = "/api", endpoint = "create_invite")]
pub async fn create_invitation(
    csrf: String,
    domain: String,
    uses: Option<String>,
    max_uses: Option<String>,
    validity: Option<String>,
    username: Option<String>,
    note: Option<String>,
    add_contact: Option<String>,
    email: Option<String>,
    email_locale: Option<String>,
) -> Result<i64, AppError> {
    use crate::error::ErrorKind;
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let keep = |e: AppError| {
        e.keeping(&[
            ("uses", uses.as_deref().unwrap_or("")),
            ("max_uses", max_uses.as_deref().unwrap_or("")),
            ("validity", validity.as_deref().unwrap_or("")),
            ("username", username.as_deref().unwrap_or("")),
            ("note", note.as_deref().unwrap_or("")),
            ("add_contact", add_contact.as_deref().unwrap_or("")),
            ("email", email.as_deref().unwrap_or("")),
            ("email_locale", email_locale.as_deref().unwrap_or("")),
        ])
    };
    let max = match uses.as_deref() {
        Some("multi") => max_uses
            .as_deref()
            .and_then(|m| m.trim().parse::<u32>().ok())
            .filter(|m| (1..=MAX_USES).contains(m))
            .ok_or_else(|| keep(ErrorKind::InvalidMaxUses { max: MAX_USES }.into()))?,
        None | Some("single") => 1,
        Some(_) => return Err(keep(ErrorKind::InvalidChoice { field: None }.into())),
    };
    let validity = Validity::parse(validity.as_deref())
        .ok_or_else(|| keep(ErrorKind::InvalidChoice { field: None }.into()))?;
    let trimmed = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let spec = NewInvitation {
        max_uses: max,
        validity,
        username: trimmed(&username),
        note: note.as_deref().unwrap_or("").trim().to_string(),
        add_contact: add_contact.is_some(),
        email: trimmed(&email),
        email_locale: email_locale
            .as_deref()
            .and_then(crate::i18n::Locale::from_code)
            .unwrap_or(ctx.locale),
    };
    let id = portal
        .create_invitation(&ctx, &domain, spec)
        .await
        .map_err(keep)?;
    leptos_axum::redirect(&invitations_href(&domain, Some((Done::Created, id))));
    Ok(id)
}

/// Revokes an invitation: its link and token stop working at once.
#[server(prefix = "/api", endpoint = "revoke_invite")]
pub async fn revoke_invitation(csrf: String, domain: String, id: i64) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.revoke_invitation(&ctx, &domain, id).await?;
    leptos_axum::redirect(&invitations_href(&domain, Some((Done::Revoked, id))));
    Ok(())
}

/// Sends the invitation by e-mail (again, or to another address).
#[server(prefix = "/api", endpoint = "email_invite")]
pub async fn email_invitation(
    csrf: String,
    domain: String,
    id: i64,
    email: String,
    email_locale: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let locale = email_locale
        .as_deref()
        .and_then(crate::i18n::Locale::from_code)
        .unwrap_or(ctx.locale);
    portal
        .email_invitation(&ctx, &domain, id, email.trim(), locale)
        .await
        .map_err(|e| e.keeping(&[("email", &email), ("invite", &id.to_string())]))?;
    leptos_axum::redirect(&invitations_href(&domain, Some((Done::Emailed, id))));
    Ok(())
}

/// The server's side of the owner's invitation server functions: each checks that the user runs
/// the domain, and changes are logged in the audit log.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait InvitationsBackend {
    /// The list, after recording the uses Prosody reports (a use in an app since the last look).
    async fn invitation_list(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<InvitationList, AppError>;

    /// Returns the new invitation's id.
    async fn create_invitation(
        &self,
        ctx: &RequestContext,
        domain: &str,
        invitation: NewInvitation,
    ) -> Result<i64, AppError>;

    async fn revoke_invitation(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
    ) -> Result<(), AppError>;

    async fn email_invitation(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
        email: &str,
        locale: crate::i18n::Locale,
    ) -> Result<(), AppError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_defaults_to_a_week_and_refuses_unknown_values() {
        assert_eq!(Validity::parse(None), Some(Validity::Week));
        assert_eq!(Validity::parse(Some("")), Some(Validity::Week));
        assert_eq!(Validity::parse(Some("1h")), Some(Validity::Hour));
        assert_eq!(Validity::parse(Some("4w")).unwrap().seconds(), 28 * 86_400);
        assert_eq!(Validity::parse(Some("1y")), None);
    }

    #[test]
    fn the_list_address_encodes_the_domain_and_the_change() {
        assert_eq!(
            invitations_href("café.example", Some((Done::Revoked, 7))),
            "/domains/caf%C3%A9.example/invites?done=revoked&invite=7"
        );
        assert_eq!(Done::parse("emailed"), Some(Done::Emailed));
    }
}
