//! Password reset links: made by a domain's owners for one of its accounts, or e-mailed to the
//! account's recovery address ("Forgot your password?", `recovery`), used once by the account's
//! user to set a new password. Prosody then ends the account's XMPP sessions, the portal ends
//! its portal sessions, and the recovery address, if any, is told.

use super::{
    accounts::SHOWN_RESET_LINK_COOKIE, actor, internal, managed_domain, record_done, PortalService,
};
use crate::{
    accounts::{account_jid, check_password},
    auth::tokens::random_token,
    errors::Subject,
    password_resets::{self, ResetRecord},
};
use app::{
    accounts::ShownPassword,
    audit::{AuditAction, Outcome},
    context::RequestContext,
    error::{AppError, ErrorKind},
    password_resets::{PasswordResetsBackend, ResetInfo, ResetLink, RESET_LINK_SECS},
};

const CREATE: AuditAction = AuditAction::CreateResetLink;
const RESET: AuditAction = AuditAction::ResetPassword;

impl PortalService {
    /// A link as the console lists it; the address itself only with its `token`, known
    /// when it was just made (the database keeps its hash).
    fn reset_link(&self, record: &ResetRecord, token: Option<&str>) -> ResetLink {
        let link = token.map(|token| self.0.config.link(&format!("/reset/{token}")));
        ResetLink {
            jid: format!("{}@{}", record.username, record.domain),
            link,
            expires_at: record.expires_at,
        }
    }
}

#[async_trait::async_trait]
impl PasswordResetsBackend for PortalService {
    async fn create_reset_link(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
    ) -> Result<ResetLink, AppError> {
        let (row, jid) = self.target(ctx, domain, username).await?;
        // A link for an account that does not exist would only fail later, in the user's hands.
        match self.0.xmpp.account_exists(&jid).await {
            Ok(true) => {}
            Ok(false) => return Err(ErrorKind::UnknownAccount.into()),
            Err(e) => return Err(Subject::General.error(e)),
        }
        let node = jid.node().map(|n| n.to_string()).unwrap_or_default();
        let now = self.0.clock.now();
        let token = random_token();
        let record = ResetRecord {
            domain: row.name.clone(),
            username: node.clone(),
            expires_at: now + RESET_LINK_SECS,
        };
        password_resets::insert(
            &self.0.db.pool,
            &token,
            row.id,
            &node,
            &actor(ctx),
            now,
            record.expires_at,
        )
        .await
        .map_err(internal)?;
        record_done(&self.0, ctx, &row.name, CREATE, &node).await?;
        let link = self.reset_link(&record, Some(&token));
        // Without JavaScript the console that follows shows it, once.
        if let Some(url) = &link.link {
            let shown = ShownPassword {
                jid: link.jid.clone(),
                password: url.clone(),
            };
            self.keep_shown_once(ctx, &row.name, SHOWN_RESET_LINK_COOKIE, &shown);
        }
        Ok(link)
    }

    async fn reset_links(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<Vec<ResetLink>, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let records = password_resets::usable_for_domain(&self.0.db, &row.name, self.0.clock.now())
            .await
            .map_err(internal)?;
        // The link made by the previous request, if it was a form posted without JavaScript:
        // shown with the newest link of its account.
        let just_made = self.take_shown_once(ctx, &row.name, SHOWN_RESET_LINK_COOKIE);
        let mut links: Vec<ResetLink> = records.iter().map(|r| self.reset_link(r, None)).collect();
        if let Some(made) = just_made {
            if let Some(link) = links.iter_mut().find(|l| l.jid == made.jid) {
                link.link = Some(made.password);
            }
        }
        Ok(links)
    }

    async fn reset_page(&self, _ctx: &RequestContext, token: &str) -> Result<ResetInfo, AppError> {
        let record = password_resets::usable(&self.0.db, token, self.0.clock.now())
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::ResetLinkNotFound)?;
        Ok(ResetInfo {
            jid: format!("{}@{}", record.username, record.domain),
            expires_at: record.expires_at,
            min_password_length: self.0.config.accounts.min_password_length,
        })
    }

    async fn reset_password(
        &self,
        ctx: &RequestContext,
        token: &str,
        password: &str,
        confirm: &str,
    ) -> Result<String, AppError> {
        let db = &self.0.db;
        let now = self.0.clock.now();
        let record = password_resets::usable(db, token, now)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::ResetLinkNotFound)?;
        check_password(password, self.0.config.accounts.min_password_length)?;
        if password != confirm {
            return Err(ErrorKind::PasswordMismatch.into());
        }
        let jid = account_jid(&record.username, &record.domain)?;
        if !password_resets::claim(db, token, now)
            .await
            .map_err(internal)?
        {
            return Err(ErrorKind::ResetLinkNotFound.into());
        }
        // Prosody closes the account's live sessions when its password changes.
        if let Err(e) = self.0.xmpp.change_password(&jid, password).await {
            password_resets::release(db, token)
                .await
                .map_err(internal)?;
            return Err(Subject::ResetLink.error(e));
        }
        crate::audit::record(
            db,
            crate::audit::Change {
                actor: jid.as_str(),
                domain: Some(&record.domain),
                action: RESET,
                target: &record.username,
                outcome: Outcome::Done,
                detail: "",
            },
        )
        .await
        .map_err(internal)?;
        // Whoever was logged in with the old password is out of the portal too.
        crate::auth::sessions::close_all_of(db, jid.as_str())
            .await
            .map_err(internal)?;
        crate::recovery::tell_password_changed(&self.0, &jid, ctx.locale).await;
        Ok(jid.to_string())
    }
}
