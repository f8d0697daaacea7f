//! Recovery e-mail addresses (a user's own, on `/me`) and "Forgot your password?" (anyone): the
//! server side of `app::recovery`.

use super::{client_ip, internal, own_account::own_jid, record_done_in, PortalService};
use crate::{
    auth::throttle,
    domains::{self, DomainRow},
    mail::outbox,
    recovery::{self, mail},
    xmpp::BareJid,
};
use app::{
    audit::AuditAction,
    context::RequestContext,
    error::{AppError, ErrorKind, Field},
    recovery::{PendingRecovery, RecoveryAddresses, RecoveryBackend, MAX_EMAIL},
};

impl PortalService {
    /// The logged-in user's account and their domain's row (recovery addresses and members'
    /// invitations are for the portal's domains only).
    pub(super) async fn own_account(
        &self,
        ctx: &RequestContext,
    ) -> Result<(BareJid, DomainRow), AppError> {
        let jid = own_jid(ctx)?;
        let row = domains::get(&self.0.db, jid.domain().as_str())
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::Forbidden)?;
        Ok((jid, row))
    }

    /// Forgets a deleted account's recovery addresses.
    pub(super) async fn forget_recovery(&self, jid: &BareJid) -> Result<(), AppError> {
        let Some(username) = jid.node() else {
            return Ok(());
        };
        if let Some(row) = domains::get(&self.0.db, jid.domain().as_str())
            .await
            .map_err(internal)?
        {
            recovery::remove(&self.0.db, row.id, username.as_str())
                .await
                .map_err(internal)?;
        }
        Ok(())
    }

    async fn record_recovery(
        &self,
        ctx: &RequestContext,
        jid: &BareJid,
        action: AuditAction,
    ) -> Result<(), AppError> {
        // Never the address: the domain's owners read the audit log.
        let username = jid.node().map(|n| n.to_string()).unwrap_or_default();
        record_done_in(&self.0, ctx, Some(jid.domain().as_str()), action, &username).await
    }
}

fn username(jid: &BareJid) -> &str {
    jid.node().map(|n| n.as_str()).unwrap_or_default()
}

#[async_trait::async_trait]
impl RecoveryBackend for PortalService {
    async fn recovery_status(&self, ctx: &RequestContext) -> Result<RecoveryAddresses, AppError> {
        let jid = own_jid(ctx)?;
        recovery::status(&self.0.db, jid.domain().as_str(), username(&jid))
            .await
            .map_err(internal)
    }

    async fn set_recovery_email(&self, ctx: &RequestContext, email: &str) -> Result<(), AppError> {
        let (jid, row) = self.own_account(ctx).await?;
        if email.is_empty() {
            return Err(ErrorKind::Required {
                field: Field::Email,
            }
            .into());
        }
        if email.chars().count() > MAX_EMAIL {
            return Err(ErrorKind::TooLong {
                field: Field::Email,
                max: MAX_EMAIL,
            }
            .into());
        }
        if email.parse::<lettre::Address>().is_err() {
            return Err(ErrorKind::InvalidEmail.into());
        }
        let db = &self.0.db;
        let token = recovery::set_pending(db, row.id, username(&jid), email)
            .await
            .map_err(internal)?;
        let link = self.0.config.link(&format!("/recovery/confirm/{token}"));
        let texts = mail::Texts {
            to: email,
            provider: &self.0.config.provider_name,
            jid: jid.as_str(),
            zone: &crate::time_zones::provider(&self.0.config, db.now()),
        };
        let until = db.now() + app::recovery::CONFIRM_LINK_SECS;
        outbox::send(
            db,
            &self.0.mail,
            &mail::confirm(ctx.locale, &texts, &link, until),
        )
        .await
        .map_err(internal)?;
        self.record_recovery(ctx, &jid, AuditAction::SetRecoveryEmail)
            .await
    }

    async fn remove_recovery_email(&self, ctx: &RequestContext) -> Result<(), AppError> {
        let (jid, row) = self.own_account(ctx).await?;
        recovery::remove(&self.0.db, row.id, username(&jid))
            .await
            .map_err(internal)?;
        self.record_recovery(ctx, &jid, AuditAction::RemoveRecoveryEmail)
            .await
    }

    async fn recovery_confirmation(
        &self,
        _ctx: &RequestContext,
        token: &str,
    ) -> Result<PendingRecovery, AppError> {
        let found = recovery::pending(&self.0.db, token)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::RecoveryLinkNotFound)?;
        Ok(PendingRecovery {
            jid: format!("{}@{}", found.username, found.domain),
            email: found.email,
        })
    }

    async fn confirm_recovery_email(
        &self,
        _ctx: &RequestContext,
        token: &str,
    ) -> Result<(), AppError> {
        let found = recovery::confirm(&self.0.db, token)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::RecoveryLinkNotFound)?;
        let jid = format!("{}@{}", found.username, found.domain);
        // The link's holder, logged in or not, is the account's user.
        crate::audit::record(
            &self.0.db,
            crate::audit::Change {
                actor: &jid,
                domain: Some(&found.domain),
                action: AuditAction::ConfirmRecoveryEmail,
                target: &found.username,
                outcome: app::audit::Outcome::Done,
                detail: "",
            },
        )
        .await
        .map_err(internal)
    }

    async fn forgot_password(&self, ctx: &RequestContext, jid: &str) -> Result<(), AppError> {
        if jid.is_empty() {
            return Err(ErrorKind::Required { field: Field::Jid }.into());
        }
        let jid = BareJid::new(jid)
            .ok()
            .filter(|j| j.node().is_some())
            .ok_or(ErrorKind::InvalidJid)?;
        // Every request counts, whatever the account; the one past the allowance is refused.
        let db = &self.0.db;
        let keys = throttle::reset_request_keys(&client_ip(), jid.as_str());
        throttle::record_failure(db, &keys)
            .await
            .map_err(internal)?;
        if let Some(secs) = throttle::locked_for(db, &keys).await.map_err(internal)? {
            let minutes = u32::try_from((secs + 59) / 60).unwrap_or(u32::MAX);
            return Err(ErrorKind::Throttled { minutes }.into());
        }
        recovery::request_reset_link(&self.0, &jid, ctx.locale)
            .await
            .map_err(internal)
    }
}
