//! Invitations to a hosted domain: the owner's list and options, and what a new user sees on the
//! landing page and the web registration form. Shared types and server functions.

// A server function takes its form's fields one by one; the creation form has ten.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::{error::AppError, xmpp_apps::Platform};
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
pub enum InviteState {
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
pub struct InviteRow {
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
    pub state: InviteState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteList {
    pub domain: String,
    /// `false` when the XMPP server could not be asked: uses may be out of date.
    pub synced: bool,
    /// Registration is closed on the domain: invitations cannot be used until it reopens.
    pub registration_closed: bool,
    /// The logged-in user's address when it can become a new user's contact (it is hosted on
    /// this server).
    pub contact: Option<String>,
    /// Newest first.
    pub invites: Vec<InviteRow>,
}

/// The owner's choices for a new invitation, as validated by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvite {
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
pub fn invites_href(domain: &str, done: Option<(Done, i64)>) -> String {
    let domain: String = form_urlencoded::byte_serialize(domain.as_bytes()).collect();
    match done {
        Some((done, id)) => format!(
            "/domains/{domain}/invites?done={}&invite={id}",
            done.as_str()
        ),
        None => format!("/domains/{domain}/invites"),
    }
}

/// Everything the landing page of an invitation shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Landing {
    pub token: String,
    pub domain: String,
    /// Who made the invitation (an address, or the provider admin's name).
    pub inviter: String,
    pub provider: String,
    pub expires_at: i64,
    /// The `xmpp:` preauth URI for "Open in my app".
    pub uri: String,
    /// This page's own address, for the QR code.
    pub link: String,
    pub username: Option<String>,
    /// The platform the browser runs on, if recognised.
    pub platform: Option<Platform>,
    /// The shortest password the web form accepts.
    pub min_password_length: usize,
}

/// The answer of the username check on the web registration form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UsernameCheck {
    Available {
        jid: String,
    },
    Taken,
    Invalid,
    /// The XMPP server could not be asked; the form will tell on submission.
    Unknown,
}

/// Landing pages and forms that find no usable invitation answer this, whatever the reason.
pub fn is_not_found(error: &AppError) -> bool {
    error.kind == crate::error::ErrorKind::InviteNotFound
}

/// Lists the domain's invitations, newest first, with uses read again from the XMPP server.
#[server(prefix = "/api", endpoint = "domain_invites")]
pub async fn domain_invites(domain: String) -> Result<InviteList, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.invite_list(&ctx, &domain).await
}

/// Creates an invitation on the XMPP server and in the portal, and sends it by e-mail if asked.
#[server(prefix = "/api", endpoint = "create_invite")]
pub async fn create_invite(
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
        _ => 1,
    };
    let trimmed = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let spec = NewInvite {
        max_uses: max,
        validity: Validity::parse(validity.as_deref()).unwrap_or_default(),
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
        .create_invite(&ctx, &domain, spec)
        .await
        .map_err(keep)?;
    leptos_axum::redirect(&invites_href(&domain, Some((Done::Created, id))));
    Ok(id)
}

/// Revokes an invitation: its link and token stop working at once.
#[server(prefix = "/api", endpoint = "revoke_invite")]
pub async fn revoke_invite(csrf: String, domain: String, id: i64) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.revoke_invite(&ctx, &domain, id).await?;
    leptos_axum::redirect(&invites_href(&domain, Some((Done::Revoked, id))));
    Ok(())
}

/// Sends the invitation by e-mail (again, or to another address).
#[server(prefix = "/api", endpoint = "email_invite")]
pub async fn email_invite(
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
        .email_invite(&ctx, &domain, id, email.trim(), locale)
        .await
        .map_err(|e| e.keeping(&[("email", &email), ("invite", &id.to_string())]))?;
    leptos_axum::redirect(&invites_href(&domain, Some((Done::Emailed, id))));
    Ok(())
}

/// The landing page's content, or `InviteNotFound` for any token that cannot be used.
#[server(prefix = "/api", endpoint = "invite_landing")]
pub async fn invite_landing(token: String) -> Result<Landing, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    let mut landing = portal.landing(&ctx, &token).await?;
    landing.platform = crate::xmpp_apps::request_platform();
    Ok(landing)
}

/// Whether `username` can still be registered with this invitation.
#[server(prefix = "/api", endpoint = "check_invite_username")]
pub async fn check_invite_username(
    token: String,
    username: String,
) -> Result<UsernameCheck, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.check_username(&ctx, &token, username.trim()).await
}

/// Creates the account and uses the invitation in one step; then shows the welcome page.
#[server(prefix = "/api", endpoint = "register_with_invite")]
pub async fn register_with_invite(
    csrf: String,
    token: String,
    username: String,
    password: String,
    confirm: String,
) -> Result<String, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .register(&ctx, &token, username.trim(), &password, &confirm)
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("jid", &jid)
        .finish();
    leptos_axum::redirect(&format!("/welcome?{query}"));
    Ok(jid)
}

/// The server's side of the invitation server functions. Owner actions check that the user runs
/// the domain and are logged in the audit log; the landing and registration need only the token.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait InvitesBackend {
    async fn invite_list(&self, ctx: &RequestContext, domain: &str)
        -> Result<InviteList, AppError>;

    /// Returns the new invitation's id.
    async fn create_invite(
        &self,
        ctx: &RequestContext,
        domain: &str,
        invite: NewInvite,
    ) -> Result<i64, AppError>;

    async fn revoke_invite(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
    ) -> Result<(), AppError>;

    async fn email_invite(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
        email: &str,
        locale: crate::i18n::Locale,
    ) -> Result<(), AppError>;

    /// The landing page of a usable invitation (`platform` left for the caller to fill).
    async fn landing(&self, ctx: &RequestContext, token: &str) -> Result<Landing, AppError>;

    async fn check_username(
        &self,
        ctx: &RequestContext,
        token: &str,
        username: &str,
    ) -> Result<UsernameCheck, AppError>;

    /// Creates the account with the invitation; returns its address.
    async fn register(
        &self,
        ctx: &RequestContext,
        token: &str,
        username: &str,
        password: &str,
        confirm: &str,
    ) -> Result<String, AppError>;
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
            invites_href("café.example", Some((Done::Revoked, 7))),
            "/domains/caf%C3%A9.example/invites?done=revoked&invite=7"
        );
        assert_eq!(Done::parse("emailed"), Some(Done::Emailed));
    }
}
