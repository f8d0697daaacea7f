//! The accounts console of a domain: listing, creating, deleting, passwords, locks and sessions,
//! for the domain's owners and the provider's admins, each change in the audit log.

use super::{actor, internal, managed_domain, record_done, require_provider_admin, PortalService};
use crate::{
    accounts::{self, account_jid, check_password},
    audit,
    domains::{self, DomainRow},
    errors::Subject,
    jobs::Kind,
    xmpp::{AccountFilter, BareJid, XmppError},
};
use app::{
    accounts::{
        AccountList, AccountRow, AccountsBackend, ListView, LockState, NewPassword, PendingLock,
        ShownPassword, PAGE_SIZE,
    },
    audit::{AuditAction, Outcome},
    context::RequestContext,
    error::{AppError, ErrorKind},
};
use axum::http::{header, HeaderValue};
use axum_extra::extract::cookie::{Cookie, PrivateCookieJar, SameSite};
use leptos::prelude::use_context;
use xmpp_parsers::jid::DomainPart;

/// Audit actions of the console (the target is the username, the domain has its own column).
const CREATE: AuditAction = AuditAction::CreateAccount;
const DELETE: AuditAction = AuditAction::DeleteAccount;
const PASSWORD: AuditAction = AuditAction::SetPassword;
const LOCK: AuditAction = AuditAction::Lock;
const UNLOCK: AuditAction = AuditAction::Unlock;
const END_SESSIONS: AuditAction = AuditAction::EndSessions;

/// "Not seen for N months": 30-day months are precise enough for finding inactive accounts.
const SECONDS_PER_MONTH: i64 = 30 * 24 * 3600;

#[async_trait::async_trait]
impl AccountsBackend for PortalService {
    async fn create_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: &str,
    ) -> Result<String, AppError> {
        require_provider_admin(ctx)?;
        // The checks and their order of the admin's form: input first, then the domain.
        let jid = account_jid(username, domain)?;
        check_password(password, self.0.config.accounts.min_password_length)?;
        let row = domains::get(&self.0.db, domain)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::UnknownDomain)?;
        self.create_in(ctx, &row, &jid, password).await?;
        Ok(jid.to_string())
    }

    async fn account_list(
        &self,
        ctx: &RequestContext,
        domain: &str,
        view: &ListView,
    ) -> Result<AccountList, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let query = view.query.trim();
        let filter = self.account_filter(view);
        let db = &self.0.db;
        let wanted = accounts::pending_locks(db, &row.name)
            .await
            .map_err(internal)?;
        let host = DomainPart::new(&row.name).map_err(internal)?;
        let quota = row.quota.and_then(|q| u32::try_from(q).ok());
        let pending_locks = wanted
            .iter()
            .map(|(username, locked)| PendingLock {
                jid: format!("{username}@{}", row.name),
                locked: *locked,
            })
            .collect();
        let mut list = AccountList {
            domain: row.name.clone(),
            quota,
            available: false,
            total: None,
            matching: 0,
            page: 1,
            pages: 1,
            accounts: Vec::new(),
            pending_locks,
            shown: None,
            reset_links: Vec::new(),
        };
        let xmpp = &self.0.xmpp;
        let mut page = view.page.max(1);
        let mut found = match xmpp
            .list_accounts_by(
                &host,
                &filter,
                (page - 1).saturating_mul(PAGE_SIZE),
                PAGE_SIZE,
            )
            .await
        {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(domain = %row.name, error = %e, "cannot list accounts");
                return Ok(list);
            }
        };
        let pages = found.total.div_ceil(PAGE_SIZE).max(1);
        if page > pages {
            // A page beyond the end (accounts were deleted meanwhile): show the last one.
            page = pages;
            found = xmpp
                .list_accounts_by(&host, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)
                .await
                .map_err(|e| Subject::General.error(e))?;
        }
        list.available = true;
        list.matching = found.total;
        list.page = page;
        list.pages = pages;
        list.total = if query.is_empty() && view.inactive_months.is_none() {
            Some(found.total)
        } else {
            xmpp.count_accounts(&host).await.ok()
        };
        list.accounts = found
            .accounts
            .into_iter()
            .map(|account| {
                let jid = format!("{}@{}", account.username, row.name);
                // A queued change says what the portal wants; without one, the XMPP server
                // has the state the portal wants.
                let lock = match wanted.iter().find(|(u, _)| *u == account.username) {
                    Some((_, true)) if account.locked => LockState::Locked,
                    Some((_, true)) => LockState::Locking,
                    Some((_, false)) if account.locked => LockState::Unlocking,
                    Some((_, false)) => LockState::Unlocked,
                    None if account.locked => LockState::Locked,
                    None => LockState::Unlocked,
                };
                AccountRow {
                    service: jid == self.0.config.xmpp.jid.as_str(),
                    username: account.username,
                    jid,
                    last_active: account.last_active,
                    lock,
                    recovery: false,
                }
            })
            .collect();
        let names: Vec<&str> = list.accounts.iter().map(|a| a.username.as_str()).collect();
        let with_recovery = crate::recovery::confirmed_among(&self.0.db, &row.name, &names)
            .await
            .map_err(internal)?;
        for account in &mut list.accounts {
            account.recovery = with_recovery.contains(&account.username);
        }
        Ok(list)
    }

    async fn add_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: NewPassword,
    ) -> Result<(String, Option<ShownPassword>), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let jid = account_jid(username, &row.name)?;
        let (password, generated) = self.new_password(password)?;
        self.create_in(ctx, &row, &jid, &password).await?;
        let shown = generated.then(|| ShownPassword {
            jid: jid.to_string(),
            password,
        });
        Ok((jid.to_string(), shown))
    }

    async fn delete_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        confirm: &str,
    ) -> Result<String, AppError> {
        let (row, jid) = self.target(ctx, domain, username).await?;
        // The username typed again, compared as XMPP does (`Alice` is `alice`).
        if account_jid(confirm, &row.name).ok().as_ref() != Some(&jid) {
            return Err(ErrorKind::ConfirmationMismatch.into());
        }
        let node = node(&jid);
        match self.0.xmpp.delete_users(std::slice::from_ref(&jid)).await {
            Ok(outcome) if outcome.succeeded.contains(&jid) => {
                accounts::forget_account(&self.0.db, row.id, &row.name, node)
                    .await
                    .map_err(internal)?;
                tracing::info!(%jid, "account deleted");
                record_done(&self.0, ctx, &row.name, DELETE, node).await?;
                self.withdraw_member_invitations(ctx, &jid).await?;
                Ok(jid.to_string())
            }
            Ok(_) => Err(self
                .failed(ctx, &row.name, DELETE, node, XmppError::UserNotFound)
                .await),
            Err(e) => Err(self.failed(ctx, &row.name, DELETE, node, e).await),
        }
    }

    async fn set_password(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: NewPassword,
    ) -> Result<(String, Option<ShownPassword>), AppError> {
        let (row, jid) = self.target(ctx, domain, username).await?;
        let (password, generated) = self.new_password(password)?;
        let node = node(&jid);
        if let Err(e) = self.0.xmpp.change_password(&jid, &password).await {
            return Err(self.failed(ctx, &row.name, PASSWORD, node, e).await);
        }
        record_done(&self.0, ctx, &row.name, PASSWORD, node).await?;
        let shown = generated.then(|| ShownPassword {
            jid: jid.to_string(),
            password,
        });
        Ok((jid.to_string(), shown))
    }

    async fn set_locked(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        locked: bool,
    ) -> Result<(String, bool), AppError> {
        let (row, jid) = self.target(ctx, domain, username).await?;
        if locked && ctx.user.as_ref().and_then(|u| u.jid()) == Some(jid.as_str()) {
            return Err(ErrorKind::CannotLockOwnAccount.into());
        }
        let node = node(&jid);
        let action = if locked { LOCK } else { UNLOCK };
        // A lock queued for an account that does not exist would be retried for ever, so ask
        // first when the server is there; when it is not, the change waits for it anyway.
        if self.0.xmpp.is_connected() {
            if let Err(XmppError::UserNotFound) = self.0.xmpp.user_stats(&jid).await {
                return Err(self
                    .failed(ctx, &row.name, action, node, XmppError::UserNotFound)
                    .await);
            }
        }
        accounts::set_lock_wanted(&self.0.db, row.id, node, locked)
            .await
            .map_err(internal)?;
        self.apply(ctx, &row.name, Kind::Lock, action, node, "")
            .await?;
        if locked {
            self.withdraw_member_invitations(ctx, &jid).await?;
        }
        let pending = accounts::pending_locks(&self.0.db, &row.name)
            .await
            .map_err(internal)?
            .iter()
            .any(|(u, _)| u == node);
        Ok((jid.to_string(), pending))
    }

    async fn end_sessions(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
    ) -> Result<String, AppError> {
        let (row, jid) = self.target(ctx, domain, username).await?;
        let node = node(&jid);
        match self.0.xmpp.end_sessions(std::slice::from_ref(&jid)).await {
            Ok(outcome) if outcome.failed.is_empty() => {
                record_done(&self.0, ctx, &row.name, END_SESSIONS, node).await?;
                Ok(jid.to_string())
            }
            Ok(_) => Err(self
                .failed(ctx, &row.name, END_SESSIONS, node, XmppError::UserNotFound)
                .await),
            Err(e) => Err(self.failed(ctx, &row.name, END_SESSIONS, node, e).await),
        }
    }

    fn keep_shown_password(&self, ctx: &RequestContext, domain: &str, shown: &ShownPassword) {
        self.keep_shown_once(ctx, domain, SHOWN_PASSWORD_COOKIE, shown);
    }

    fn take_shown_password(&self, ctx: &RequestContext, domain: &str) -> Option<ShownPassword> {
        self.take_shown_once(ctx, domain, SHOWN_PASSWORD_COOKIE)
    }
}

impl PortalService {
    /// Keeps `shown` (a password, a reset link, recovery codes) in the one-time cookie `cookie`
    /// for the next page load of its page (`domain`: the domain's console, or a name for
    /// another page), when the request is a plain form post (see [`SHOWN_PASSWORD_COOKIE`]).
    pub(super) fn keep_shown_once(
        &self,
        ctx: &RequestContext,
        domain: &str,
        cookie: ShownOnce,
        shown: &ShownPassword,
    ) {
        let (Some(parts), Some(response)) = (
            use_context::<axum::http::request::Parts>(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) else {
            return;
        };
        if !is_plain_form_post(&parts) {
            // The hydrated page shows the server function's result itself.
            return;
        }
        let kept = KeptPassword {
            domain: domain.to_string(),
            actor: actor(ctx),
            jid: shown.jid.clone(),
            password: shown.password.clone(),
            expires: self.0.clock.now() + SHOWN_PASSWORD_SECS,
        };
        let Ok(json) = serde_json::to_vec(&kept) else {
            return;
        };
        let value = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, json);
        let cookie = Cookie::build((cookie.name, value))
            .path(cookie.path)
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(self.0.config.secure_cookies())
            .max_age(time::Duration::seconds(SHOWN_PASSWORD_SECS))
            .build();
        let jar = PrivateCookieJar::new(self.0.cookie_key.clone()).add(cookie);
        set_cookies(&response, jar);
    }

    /// What [`Self::keep_shown_once`] kept in `cookie` for this user and domain, forgotten as it
    /// is read.
    pub(super) fn take_shown_once(
        &self,
        ctx: &RequestContext,
        domain: &str,
        cookie: ShownOnce,
    ) -> Option<ShownPassword> {
        let parts = use_context::<axum::http::request::Parts>()?;
        let response = use_context::<leptos_axum::ResponseOptions>()?;
        let jar = PrivateCookieJar::from_headers(&parts.headers, self.0.cookie_key.clone());
        let kept_cookie = jar.get(cookie.name)?;
        let kept: Option<KeptPassword> = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            kept_cookie.value(),
        )
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok());
        if kept.as_ref().is_some_and(|k| k.domain != domain) {
            return None; // for another domain's page; it expires on its own
        }
        // Read once: gone from the browser with this response, whatever it held.
        set_cookies(
            &response,
            jar.remove(Cookie::build(cookie.name).path(cookie.path)),
        );
        let kept = kept.filter(|k| k.actor == actor(ctx) && k.expires >= self.0.clock.now())?;
        // Nor kept in the browser's cache or history.
        response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Some(ShownPassword {
            jid: kept.jid,
            password: kept.password,
        })
    }
}

/// How a password the portal generated reaches the page that follows a form posted without
/// JavaScript, to be shown there once.
///
/// Such a form's answer is a redirect, and the password must not be in its URL (history, logs,
/// Referer) nor stored on the server (the portal never keeps passwords, and a one-time row
/// would need a table; an in-memory one breaks with several portal instances behind one name).
/// So it travels in a cookie that only this browser holds: encrypted and authenticated with the
/// portal's key (unreadable on the way and at rest in the browser's cookie store, and a forged
/// one cannot make the page show a fake password), HttpOnly (no script reads it),
/// SameSite=Strict, Secure over HTTPS, limited to the page's path, bound to the person who set
/// it and to the domain, valid two minutes, and deleted by the response that shows it — so a
/// reload or the back button does not show it again, and that page is sent with
/// `Cache-Control: no-store`. It only carries what that response is about to show this same
/// person anyway. With JavaScript no cookie is set: the page shows the server function's result.
const SHOWN_PASSWORD_COOKIE: ShownOnce = ShownOnce {
    name: "domaine_shown_password",
    path: "/domains",
};
/// The same for a password reset link (shown once: the portal keeps only its hash).
pub(super) const SHOWN_RESET_LINK_COOKIE: ShownOnce = ShownOnce {
    name: "domaine_shown_reset_link",
    path: "/domains",
};
/// The same for the recovery codes of a two-factor enrolment, on `/me` (the portal keeps their
/// hashes only).
pub(super) const SHOWN_RECOVERY_CODES_COOKIE: ShownOnce = ShownOnce {
    name: "domaine_shown_recovery_codes",
    path: "/me",
};

/// A one-time cookie: its name, and the pages it is sent to.
#[derive(Clone, Copy)]
pub(super) struct ShownOnce {
    name: &'static str,
    path: &'static str,
}
const SHOWN_PASSWORD_SECS: i64 = 120;

#[derive(serde::Serialize, serde::Deserialize)]
struct KeptPassword {
    domain: String,
    actor: String,
    jid: String,
    password: String,
    expires: i64,
}

/// Whether the request is a form posted without JavaScript (what `leptos_axum` checks too).
fn is_plain_form_post(parts: &axum::http::request::Parts) -> bool {
    parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn set_cookies(response: &leptos_axum::ResponseOptions, jar: PrivateCookieJar) {
    use axum::response::IntoResponse;
    let res = jar.into_response();
    for value in res.headers().get_all(header::SET_COOKIE) {
        response.append_header(header::SET_COOKIE, value.clone());
    }
}

fn node(jid: &BareJid) -> &str {
    jid.node().map(|n| n.as_str()).unwrap_or_default()
}

impl PortalService {
    /// What Prosody's index is asked for to list `view`'s accounts.
    pub(super) fn account_filter(&self, view: &ListView) -> AccountFilter {
        AccountFilter {
            query: view.query.trim().to_owned(),
            order: view.order,
            inactive_before: view
                .inactive_months
                .map(|months| self.0.clock.now() - i64::from(months) * SECONDS_PER_MONTH),
        }
    }

    /// The domain and the account a console action is about; never the portal's own account,
    /// which the portal needs to reach the XMPP server at all.
    pub(super) async fn target(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
    ) -> Result<(DomainRow, BareJid), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let jid = account_jid(username, &row.name)?;
        if jid == self.0.config.xmpp.jid {
            return Err(ErrorKind::ServiceAccount.into());
        }
        Ok((row, jid))
    }

    /// The password to set and whether the portal generated it.
    fn new_password(&self, password: NewPassword) -> Result<(String, bool), AppError> {
        match password {
            NewPassword::Generate => Ok((accounts::generate_password(), true)),
            NewPassword::Chosen(password) => {
                check_password(&password, self.0.config.accounts.min_password_length)?;
                Ok((password, false))
            }
        }
    }

    /// Creates the account within the domain's quota, one creation at a time per domain.
    async fn create_in(
        &self,
        ctx: &RequestContext,
        row: &DomainRow,
        jid: &BareJid,
        password: &str,
    ) -> Result<(), AppError> {
        let node = node(jid);
        let _guard = accounts::creation_guard(&row.name).await;
        if let Some(quota) = row.quota.and_then(|q| u32::try_from(q).ok()) {
            match self.0.xmpp.count_accounts(jid.domain()).await {
                Ok(count) if count >= quota => {
                    return Err(ErrorKind::QuotaReached { quota }.into());
                }
                Ok(_) => {}
                Err(e) => return Err(self.failed(ctx, &row.name, CREATE, node, e).await),
            }
        }
        if let Err(e) = self.0.xmpp.add_user(jid, password).await {
            return Err(self.failed(ctx, &row.name, CREATE, node, e).await);
        }
        tracing::info!(%jid, "account created");
        record_done(&self.0, ctx, &row.name, CREATE, node).await
    }

    /// Logs a change the XMPP server did not make, and says why to the user.
    async fn failed(
        &self,
        ctx: &RequestContext,
        domain: &str,
        action: AuditAction,
        target: &str,
        err: XmppError,
    ) -> AppError {
        let recorded = audit::record(
            &self.0.db,
            audit::Change {
                actor: &actor(ctx),
                domain: Some(domain),
                action,
                target,
                outcome: Outcome::Failed,
                detail: &err.to_string(),
            },
        )
        .await;
        if let Err(e) = recorded {
            return internal(e);
        }
        let subject = if action == CREATE {
            Subject::General
        } else {
            Subject::Account
        };
        subject.error(err)
    }
}
