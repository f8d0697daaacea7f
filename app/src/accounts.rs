//! XMPP accounts on hosted domains: shared types and server functions (the accounts console of a
//! domain, and the provider admin's quick creation form).

// A server function takes its form's fields one by one; the console's forms carry the list's
// view (search, order, filter, page) besides their own fields.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Accounts per page of the accounts console.
pub const PAGE_SIZE: u32 = 50;

/// The order of the accounts console's list. The same names in the page's URL and in
/// mod_domaine's list command ([`Self::as_str`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountOrder {
    #[default]
    Username,
    /// Least recently seen first, never seen before all.
    Activity,
}

impl AccountOrder {
    pub const ALL: [AccountOrder; 2] = [AccountOrder::Username, AccountOrder::Activity];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountOrder::Username => "username",
            AccountOrder::Activity => "activity",
        }
    }

    /// The order named `s`; anything else is the default.
    pub fn parse(s: &str) -> AccountOrder {
        Self::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .unwrap_or_default()
    }
}

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
    /// The account has a confirmed recovery e-mail address (owners never see the address).
    pub recovery: bool,
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
    pub fn from_form(
        mode: Option<&str>,
        password: Option<String>,
    ) -> Result<NewPassword, AppError> {
        match mode {
            None | Some("generate") => Ok(NewPassword::Generate),
            Some("choose") => Ok(NewPassword::Chosen(password.unwrap_or_default())),
            Some(_) => Err(crate::error::ErrorKind::InvalidChoice { field: None }.into()),
        }
    }
}

/// "Not seen for" choices of the accounts console, in months.
pub const INACTIVE_MONTHS: [u32; 3] = [1, 6, 12];

/// What the accounts console lists: a search, an order, an inactivity filter and a page, all in
/// its URL (`q`, `sort`, `inactive`, `page`), so that it works without JavaScript and every form
/// sends the browser back to the same view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListView {
    pub query: String,
    pub order: AccountOrder,
    /// Only accounts not seen for this many months (or never seen), in `order`.
    pub inactive_months: Option<u32>,
    /// 1-based.
    pub page: u32,
}

impl ListView {
    /// From the URL's or a form's fields; anything invalid is left out.
    pub fn from_fields(
        q: Option<&str>,
        sort: Option<&str>,
        inactive: Option<&str>,
        page: Option<&str>,
    ) -> ListView {
        ListView {
            query: q.unwrap_or("").trim().to_owned(),
            order: AccountOrder::parse(sort.unwrap_or("")),
            inactive_months: inactive
                .and_then(|m| m.trim().parse().ok())
                .filter(|m| INACTIVE_MONTHS.contains(m)),
            page: parse_page(page),
        }
    }

    /// The same view on another page.
    pub fn at_page(&self, page: u32) -> ListView {
        ListView {
            page,
            ..self.clone()
        }
    }

    /// The view as a query string (`q`, `sort`, `inactive`, `page`, each only when not the
    /// default): the console's address, and the one hidden field its forms send it back in.
    pub fn to_query(&self) -> String {
        let mut params = form_urlencoded::Serializer::new(String::new());
        if !self.query.is_empty() {
            params.append_pair("q", &self.query);
        }
        if self.order != AccountOrder::default() {
            params.append_pair("sort", self.order.as_str());
        }
        if let Some(months) = self.inactive_months {
            params.append_pair("inactive", &months.to_string());
        }
        if self.page > 1 {
            params.append_pair("page", &self.page.to_string());
        }
        params.finish()
    }

    /// From [`Self::to_query`]'s string (a form's `view` field); anything invalid is left out.
    pub fn from_query(query: &str) -> ListView {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        ListView::from_fields(field("q"), field("sort"), field("inactive"), field("page"))
    }

    /// Whether only some accounts are listed (a search or a filter).
    pub fn is_filtered(&self) -> bool {
        !self.query.is_empty() || self.inactive_months.is_some()
    }
}

/// The console's address, keeping the search, order, filter and page, with what was just done.
pub fn accounts_href(domain: &str, view: &ListView, done: Option<(Done, &str)>) -> String {
    let mut params = view.to_query();
    if let Some((done, jid)) = done {
        let done = form_urlencoded::Serializer::new(String::new())
            .append_pair("done", done.as_str())
            .append_pair("account", jid)
            .finish();
        params = if params.is_empty() {
            done
        } else {
            format!("{params}&{done}")
        };
    }
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

/// Where a console form sends the browser back to: the view it was sent from (its hidden field
/// `view`, [`ListView::to_query`]).
#[cfg(feature = "ssr")]
pub(crate) fn back_to(domain: &str, view: &Option<String>, done: Done, jid: &str) {
    let view = ListView::from_query(view.as_deref().unwrap_or(""));
    leptos_axum::redirect(&accounts_href(domain, &view, Some((done, jid))));
}

/// The console's two forms that give an account a password, chosen or generated: creating it
/// ([`Done::Created`]) and setting a new one ([`Done::PasswordSet`]).
#[cfg(feature = "ssr")]
struct PasswordForm {
    csrf: String,
    domain: String,
    username: String,
    password_mode: Option<String>,
    password: Option<String>,
}

#[cfg(feature = "ssr")]
impl PasswordForm {
    /// Makes the change, keeps a generated password to be shown once, and sends the browser
    /// back to the view `here`; returns the generated password.
    async fn apply(
        self,
        done: Done,
        here: &Option<String>,
    ) -> Result<Option<ShownPassword>, AppError> {
        let (portal, ctx) = crate::backend::checked_request(&self.csrf)?;
        let (domain, username) = (&self.domain, &self.username);
        let mode = self.password_mode.as_deref().unwrap_or("generate");
        let keep = |e: AppError| e.keeping(&[("username", username), ("password_mode", mode)]);
        let choice = NewPassword::from_form(Some(mode), self.password).map_err(keep)?;
        let made = if done == Done::Created {
            portal.add_account(&ctx, domain, username, choice).await
        } else {
            portal.set_password(&ctx, domain, username, choice).await
        };
        let (jid, shown) = made.map_err(keep)?;
        if let Some(shown) = &shown {
            portal.keep_shown_password(&ctx, domain, shown);
        }
        back_to(domain, here, done, &jid);
        Ok(shown)
    }
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

/// One page of the domain's accounts, `query` searching usernames, in the order `sort` names,
/// only those not seen for `inactive` months if given (the fields of [`ListView`]).
#[server(prefix = "/api", endpoint = "domain_accounts")]
pub async fn domain_accounts(
    domain: String,
    query: String,
    page: u32,
    sort: Option<String>,
    inactive: Option<String>,
) -> Result<AccountList, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    let view = ListView {
        page,
        ..ListView::from_fields(Some(&query), sort.as_deref(), inactive.as_deref(), None)
    };
    let mut list = portal.account_list(&ctx, &domain, &view).await?;
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
    view: Option<String>,
) -> Result<Option<ShownPassword>, AppError> {
    let form = PasswordForm {
        csrf,
        domain,
        username,
        password_mode,
        password,
    };
    form.apply(Done::Created, &view).await
}

/// Deletes an account once its username was typed again.
#[server(prefix = "/api", endpoint = "delete_domain_account")]
pub async fn delete_domain_account(
    csrf: String,
    domain: String,
    username: String,
    confirm: Option<String>,
    view: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .delete_account(&ctx, &domain, &username, confirm.as_deref().unwrap_or(""))
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    back_to(&domain, &view, Done::Deleted, &jid);
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
    view: Option<String>,
) -> Result<Option<ShownPassword>, AppError> {
    let form = PasswordForm {
        csrf,
        domain,
        username,
        password_mode,
        password,
    };
    form.apply(Done::PasswordSet, &view).await
}

/// Locks (`lock` = "1") or unlocks an account: saved at once, applied on the XMPP server now or
/// as soon as it is reachable.
#[server(prefix = "/api", endpoint = "set_account_lock")]
pub async fn set_account_lock(
    csrf: String,
    domain: String,
    username: String,
    lock: String,
    view: Option<String>,
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
    back_to(&domain, &view, done, &jid);
    Ok(())
}

/// Ends every live session of an account (its apps reconnect if they still have the password).
#[server(prefix = "/api", endpoint = "end_account_sessions")]
pub async fn end_account_sessions(
    csrf: String,
    domain: String,
    username: String,
    view: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let jid = portal
        .end_sessions(&ctx, &domain, &username)
        .await
        .map_err(|e| e.keeping(&[("username", &username)]))?;
    back_to(&domain, &view, Done::SessionsEnded, &jid);
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

    /// A page (1-based, `PAGE_SIZE` accounts) of the accounts `view` selects: username
    /// contains its query, in its order, not seen for its months.
    async fn account_list(
        &self,
        ctx: &RequestContext,
        domain: &str,
        view: &ListView,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_survives_its_hidden_field_and_leaves_out_what_is_invalid() {
        let view = ListView {
            query: "a&b=c é".into(),
            order: AccountOrder::Activity,
            inactive_months: Some(6),
            page: 3,
        };
        assert_eq!(ListView::from_query(&view.to_query()), view);
        assert_eq!(ListView::default().at_page(1).to_query(), "");
        assert_eq!(
            ListView::from_query("sort=nonsense&inactive=5&page=0&q=+x+"),
            ListView {
                query: "x".into(),
                page: 1,
                ..ListView::default()
            }
        );
        assert_eq!(
            accounts_href("bücher.example", &view, Some((Done::Deleted, "x@y"))),
            "/domains/b%C3%BCcher.example/accounts?q=a%26b%3Dc+%C3%A9&sort=activity&inactive=6&page=3&done=deleted&account=x%40y"
        );
    }
}
