//! Password reset links: made by a domain's owners for one of its accounts, used once by the
//! account's owner to set a new password (Prosody then ends the account's sessions).

use super::{actor, internal, managed_domain, record_done, PortalService};
use crate::{
    accounts::{account_jid, check_password},
    auth::tokens::random_token,
    errors::Subject,
    password_resets::{self, ResetRecord},
};
use app::{
    audit::{AuditAction, Outcome},
    context::RequestContext,
    error::{AppError, ErrorKind},
    password_resets::{PasswordResetsBackend, ResetInfo, ResetLink, RESET_LINK_SECS},
};

const CREATE: AuditAction = AuditAction::CreateResetLink;
const RESET: AuditAction = AuditAction::ResetPassword;

impl PortalService {
    fn reset_link(&self, record: &ResetRecord) -> ResetLink {
        let mut url = self.0.config.public_url.clone();
        url.set_path(&format!("/reset/{}", record.token));
        ResetLink {
            jid: format!("{}@{}", record.username, record.domain),
            link: url.to_string(),
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
        let record = ResetRecord {
            token: random_token(),
            domain: row.name.clone(),
            username: node.clone(),
            expires_at: now + RESET_LINK_SECS,
        };
        password_resets::insert(
            &self.0.db,
            &record.token,
            row.id,
            &node,
            &actor(ctx),
            now,
            record.expires_at,
        )
        .await
        .map_err(internal)?;
        record_done(&self.0, ctx, &row.name, CREATE, &node).await?;
        Ok(self.reset_link(&record))
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
        Ok(records.iter().map(|r| self.reset_link(r)).collect())
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
        _ctx: &RequestContext,
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
        Ok(jid.to_string())
    }
}
