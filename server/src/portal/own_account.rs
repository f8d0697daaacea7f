use super::{internal, record_done, PortalService};
use crate::{
    accounts,
    errors::Subject,
    xmpp::{check_password, BareJid},
};
use app::{
    audit::AuditAction,
    context::RequestContext,
    error::{AppError, ErrorKind},
    own_account::OwnAccountBackend,
};

impl PortalService {
    /// Logs a change a user made to their own account.
    async fn record_own(
        &self,
        ctx: &RequestContext,
        jid: &BareJid,
        action: AuditAction,
    ) -> Result<(), AppError> {
        record_done(&self.0, ctx, jid.domain().as_str(), action, jid.as_str()).await
    }
}

/// The logged-in user's own XMPP account.
pub(super) fn own_jid(ctx: &RequestContext) -> Result<BareJid, AppError> {
    let jid = ctx
        .user
        .as_ref()
        .ok_or(ErrorKind::NotLoggedIn)?
        .jid()
        .ok_or(ErrorKind::Forbidden)?;
    BareJid::new(jid).map_err(internal)
}

#[async_trait::async_trait]
impl OwnAccountBackend for PortalService {
    async fn change_own_password(
        &self,
        ctx: &RequestContext,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), AppError> {
        let jid = own_jid(ctx)?;
        accounts::check_password(new_password, self.0.config.accounts.min_password_length)?;
        let config = &self.0.config;
        let right = check_password(
            self.0.xmpp.transport(),
            &jid,
            current_password,
            config.xmpp_timeout(),
        )
        .await
        .map_err(|e| Subject::General.error(e))?;
        if !right {
            return Err(ErrorKind::WrongPassword.into());
        }
        self.0
            .xmpp
            .change_password(&jid, new_password)
            .await
            .map_err(|e| Subject::General.error(e))?;
        self.record_own(ctx, &jid, AuditAction::ChangeOwnPassword)
            .await
    }

    async fn end_own_sessions(&self, ctx: &RequestContext) -> Result<(), AppError> {
        let jid = own_jid(ctx)?;
        self.0
            .xmpp
            .end_sessions(std::slice::from_ref(&jid))
            .await
            .map_err(|e| Subject::General.error(e))?;
        self.record_own(ctx, &jid, AuditAction::EndOwnSessions)
            .await
    }

    async fn delete_own_account(
        &self,
        ctx: &RequestContext,
        confirm: &str,
    ) -> Result<(), AppError> {
        let jid = own_jid(ctx)?;
        if confirm.trim().to_lowercase() != jid.as_str() {
            return Err(ErrorKind::ConfirmationMismatch.into());
        }
        let outcome = self
            .0
            .xmpp
            .delete_users(std::slice::from_ref(&jid))
            .await
            .map_err(|e| Subject::General.error(e))?;
        if !outcome.failed.is_empty() {
            return Err(ErrorKind::XmppRefused.into());
        }
        self.record_own(ctx, &jid, AuditAction::DeleteOwnAccount)
            .await?;
        self.forget_recovery(&jid).await?;
        self.withdraw_member_invitations(ctx, &jid).await?;
        // The portal session and second factor of a deleted account must not outlive it.
        let account = crate::auth::two_factor::Account::Xmpp(jid.to_string());
        crate::auth::two_factor::forget(&self.0.db, &account)
            .await
            .map_err(internal)?;
        crate::auth::sessions::close_all_of(&self.0.db, jid.as_str())
            .await
            .map_err(internal)
    }
}
