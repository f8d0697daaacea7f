//! XMPP accounts on hosted domains: shared types and server functions (the accounts console of a
//! domain, and the provider admin's quick creation form).

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Accounts per page of the accounts console.
pub const PAGE_SIZE: u32 = 50;

/// Whether an account may log in, as the portal wants it and as the XMPP server has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LockState {
    Unlocked,
    Locked,
    /// Lock saved in the portal, not on the XMPP server yet.
    Locking,
    /// Unlock saved in the portal, not on the XMPP server yet.
    Unlocking,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub username: String,
    pub jid: String,
    /// Unix seconds of the last login or end of session; `None`: never seen.
    pub last_active: Option<i64>,
    pub lock: LockState,
    /// The portal's own service account: listed, but never changed from the console.
    pub service: bool,
}

/// A lock or unlock saved in the portal that has not reached the XMPP server yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLock {
    pub jid: String,
    /// The desired state: `true` to lock.
    pub locked: bool,
}

/// A password to show once, right after it was set (the server also keeps a new reset link for
/// the next page this way, the link as `password`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownPassword {
    pub jid: String,
    pub password: String,
}

/// One page of a domain's accounts, merged with the lock states the portal wants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub domain: String,
    pub quota: Option<u32>,
    /// `false` when the XMPP server could not be asked: the list is then empty.
    pub available: bool,
    /// Accounts on the domain; `None` when unknown.
    pub total: Option<u32>,
    /// Accounts matching the search, on all pages.
    pub matching: u32,
    /// 1-based, within `1..=pages`.
    pub page: u32,
    pub pages: u32,
    pub accounts: Vec<AccountRow>,
    pub pending_locks: Vec<PendingLock>,
    /// A password set by the previous request, to show once (see `keep_shown_password`).
    pub shown: Option<ShownPassword>,
    /// Password reset links not used yet.
    pub reset_links: Vec<crate::password_resets::ResetLink>,
}

crate::text_enum! {
    /// What the page says after a change; carried in its URL, so nothing secret.
    pub enum Done("accounts page notice") {
        Created = "created",
        Deleted = "deleted",
        PasswordSet = "password",
        Locked = "locked",
        LockPending = "lock-pending",
        Unlocked = "unlocked",
        UnlockPending = "unlock-pending",
        SessionsEnded = "sessions",
        ResetLink = "reset-link",
    }
}

impl Done {
    /// Whether the change still waits for the XMPP server.
    pub fn is_pending(self) -> bool {
        matches!(self, Done::LockPending | Done::UnlockPending)
    }
}

/// How the password of a new account (or a new password) is chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewPassword {
    /// The portal generates one and shows it once.
    Generate,
    Chosen(String),
}

impl NewPassword {
    /// From the form: `password_mode` is `generate` or `choose`.
    pub fn from_form(mode: Option<&str>, password: Option<String>) -> NewPassword {
        match mode {
            Some("choose") => NewPassword::Chosen(password.unwrap_or_default()),
            _ => NewPassword::Generate,
        }
    }
}

/// The console's address, keeping the search and page, with what was just done.
pub fn accounts_href(domain: &str, query: &str, page: u32, done: Option<(Done, &str)>) -> String {
    let mut params = form_urlencoded::Serializer::new(String::new());
    if !query.is_empty() {
        params.append_pair("q", query);
    }
    if page > 1 {
        params.append_pair("page", &page.to_string());
    }
    if let Some((done, jid)) = done {
        params.append_pair("done", done.as_str());
        params.append_pair("account", jid);
    }
    let params = params.finish();
    // Percent-encoded: an internationalised domain name must not end up raw in a header.
    let domain: String = form_urlencoded::byte_serialize(domain.as_bytes()).collect();
    if params.is_empty() {
        format!("/domains/{domain}/accounts")
    } else {
        format!("/domains/{domain}/accounts?{params}")
    }
}

/// The page number in a URL or form: 1 when missing or invalid.
pub fn parse_page(page: Option<&str>) -> u32 {
    page.and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// Where a console form sends the browser back to (the search and page it was sent from).
#[cfg(feature = "ssr")]
fn back_to(domain: &str, q: &Option<String>, page: &Option<String>, done: Done, jid: &str) {
    let href = accounts_href(
        domain,
        q.as_deref().unwrap_or("").trim(),
        parse_page(page.as_deref()),
        Some((done, jid)),
    );
    leptos_axum::redirect(&href);
}

/// Creates an account and sends the browser back to the page it came from with `created=JID`,
/// so the confirmation shows with or without JavaScript. The provider admin's form.
#[server(prefix = "/api", endpoint = "create_account")]
pub async fn create_account(
    csrf: String,
    domain: String,
    username: String,
    password: String,
) -> Result<String, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .create_account(&ctx, &domain, &username, &password)
        .await
        .map_err(|e| e.keeping(&[("domain", &domain), ("username", &username)]))?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("domain", &domain)
        .append_pair("created", &jid)
        .finish();
    leptos_axum::redirect(&format!("/admin?{query}"));
    Ok(jid)
}

/// One page of the domain's accounts, `query` searching usernames.
#[server(prefix = "/api", endpoint = "domain_accounts")]
pub async fn domain_accounts(
    domain: String,
    query: String,
    page: u32,
) -> Result<AccountList, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    let mut list = portal
        .account_list(&ctx, &domain, query.trim(), page.max(1))
        .await?;
    list.shown = portal.take_shown_password(&ctx, &list.domain);
    list.reset_links = portal.reset_links(&ctx, &list.domain).await?;
    Ok(list)
}

/// Creates an account on a domain the user runs, with a chosen or a generated password; returns
/// the generated one, shown once.
#[server(prefix = "/api", endpoint = "add_domain_account")]
pub async fn add_domain_account(
    csrf: String,
    domain: String,
    username: String,
    password_mode: Option<String>,
    password: Option<String>,
    q: Option<String>,
    page: Option<String>,
) -> Result<Option<ShownPassword>, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let mode = password_mode.as_deref().unwrap_or("generate");
    let choice = NewPassword::from_form(Some(mode), password);
    let (jid, shown) = portal
        .add_account(&ctx, &domain, &username, choice)
        .await
        .map_err(|e| e.keeping(&[("username", &username), ("password_mode", mode)]))?;
    if let Some(shown) = &shown {
        portal.keep_shown_password(&ctx, &domain, shown);
    }
    back_to(&domain, &q, &page, Done::Created, &jid);
    Ok(shown)
}

/// Deletes an account once its username was typed again.
#[server(prefix = "/api", endpoint = "delete_domain_account")]
pub async fn delete_domain_account(
    csrf: String,
    domain: String,
    username: String,
    confirm: Option<String>,
    q: Option<String>,
    page: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .delete_account(&ctx, &domain, &username, confirm.as_deref().unwrap_or(""))
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    back_to(&domain, &q, &page, Done::Deleted, &jid);
    Ok(())
}

/// Sets a new password, chosen or generated; returns the generated one, shown once.
#[server(prefix = "/api", endpoint = "set_account_password")]
pub async fn set_account_password(
    csrf: String,
    domain: String,
    username: String,
    password_mode: Option<String>,
    password: Option<String>,
    q: Option<String>,
    page: Option<String>,
) -> Result<Option<ShownPassword>, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let mode = password_mode.as_deref().unwrap_or("generate");
    let choice = NewPassword::from_form(Some(mode), password);
    let (jid, shown) = portal
        .set_password(&ctx, &domain, &username, choice)
        .await
        .map_err(|e| e.keeping(&[("username", &username), ("password_mode", mode)]))?;
    if let Some(shown) = &shown {
        portal.keep_shown_password(&ctx, &domain, shown);
    }
    back_to(&domain, &q, &page, Done::PasswordSet, &jid);
    Ok(shown)
}

/// Locks (`lock` = "1") or unlocks an account: saved at once, applied on the XMPP server now or
/// as soon as it is reachable.
#[server(prefix = "/api", endpoint = "set_account_lock")]
pub async fn set_account_lock(
    csrf: String,
    domain: String,
    username: String,
    lock: String,
    q: Option<String>,
    page: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let locked = lock == "1";
    let (jid, pending) = portal
        .set_locked(&ctx, &domain, &username, locked)
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    let done = match (locked, pending) {
        (true, false) => Done::Locked,
        (true, true) => Done::LockPending,
        (false, false) => Done::Unlocked,
        (false, true) => Done::UnlockPending,
    };
    back_to(&domain, &q, &page, done, &jid);
    Ok(())
}

/// Ends every live session of an account (its apps reconnect if they still have the password).
#[server(prefix = "/api", endpoint = "end_account_sessions")]
pub async fn end_account_sessions(
    csrf: String,
    domain: String,
    username: String,
    q: Option<String>,
    page: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .end_sessions(&ctx, &domain, &username)
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    back_to(&domain, &q, &page, Done::SessionsEnded, &jid);
    Ok(())
}

/// The server's side of the account server functions. Every method checks that the user runs
/// the domain (its owners and the provider's admins) and logs changes in the audit log.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AccountsBackend {
    /// Creates `username@domain` on the XMPP server; returns the new address. Provider admins
    /// only (the /admin form).
    async fn create_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: &str,
    ) -> Result<String, AppError>;

    /// A page (1-based, `PAGE_SIZE` accounts) of the accounts whose username contains `query`.
    async fn account_list(
        &self,
        ctx: &RequestContext,
        domain: &str,
        query: &str,
        page: u32,
    ) -> Result<AccountList, AppError>;

    /// Creates an account within the domain's quota; returns its address and, when the portal
    /// generated the password, the password to show once. Never stored: if the XMPP server is
    /// down the user is told at once.
    async fn add_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: NewPassword,
    ) -> Result<(String, Option<ShownPassword>), AppError>;

    /// Deletes the account if `confirm` is its username; returns its address.
    async fn delete_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        confirm: &str,
    ) -> Result<String, AppError>;

    /// Sets a new password (the account's sessions end); returns the address and the generated
    /// password, if any.
    async fn set_password(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: NewPassword,
    ) -> Result<(String, Option<ShownPassword>), AppError>;

    /// Saves the desired lock state and pushes it; returns the address and whether the change
    /// still waits for the XMPP server.
    async fn set_locked(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        locked: bool,
    ) -> Result<(String, bool), AppError>;

    /// Ends the account's live sessions; returns its address.
    async fn end_sessions(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
    ) -> Result<String, AppError>;

    /// Keeps a password for the next page load of the domain's accounts console only, when the
    /// current request is a plain form post (without JavaScript the form's result is a redirect,
    /// so the page that follows must be able to show it once).
    fn keep_shown_password(&self, ctx: &RequestContext, domain: &str, shown: &ShownPassword);

    /// The password kept by `keep_shown_password` for this user and domain, forgotten as it is
    /// read.
    fn take_shown_password(&self, ctx: &RequestContext, domain: &str) -> Option<ShownPassword>;
}
