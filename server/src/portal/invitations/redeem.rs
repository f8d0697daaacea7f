//! Redeeming an invitation on the web: the landing page, the username check and the registration
//! that creates the account with the invitation. Prosody creates the account and counts the use in
//! one step (`mod_domaine`'s redeem command, see `xmpp/invitations.rs`); the portal records what
//! it learns.

use crate::{
    accounts::{account_jid, check_password},
    audit,
    domains::{self, DomainRow},
    errors::Subject,
    invitations::{self, InvitationRecord},
    portal::{internal, PortalService},
    xmpp::XmppError,
};
use app::{
    audit::{AuditAction, Outcome},
    context::RequestContext,
    error::{AppError, ErrorKind},
    invitations::{
        redeem::{Landing, RedemptionBackend, UsernameCheck},
        InvitationState,
    },
};
use xmpp_parsers::jid::DomainPart;

const REDEEM: AuditAction = AuditAction::RedeemInvite;

impl PortalService {
    /// The invitation behind `token` if, as the portal last recorded it, it can still be used;
    /// any other case answers the same. For forms whose answer Prosody gives anyway (the
    /// redemption checks the token there), so they cost no extra round trip.
    async fn recorded(&self, token: &str) -> Result<InvitationRecord, AppError> {
        invitations::by_token(&self.0.db, token)
            .await
            .map_err(internal)?
            .filter(|record| record.state(self.0.clock.now()) == InvitationState::Pending)
            .ok_or_else(|| ErrorKind::InvitationNotFound.into())
    }

    /// Like [`Self::recorded`], with this invitation's uses read from Prosody first (a use in
    /// an app since): for the landing page. No question to Prosody when the portal's record
    /// already says the invitation is over; otherwise one, costing Prosody one storage read,
    /// shared by the landing pages of that invitation asked meanwhile. If Prosody cannot be
    /// asked, the portal's record answers.
    async fn usable(&self, token: &str) -> Result<InvitationRecord, AppError> {
        let record = self.recorded(token).await?;
        let host = DomainPart::new(&record.domain)
            .map_err(internal)?
            .into_owned();
        let xmpp = self.0.xmpp.clone();
        let asked = record.token.clone();
        let status = self
            .0
            .invitation_lookups
            .run(record.token.clone(), move || async move {
                xmpp.invitation_status(&host, &asked).await
            })
            .await;
        let changed = match status {
            Ok(Some(found)) => self.apply_usage(&record, &found).await?,
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(domain = %record.domain, error = %e, "cannot read an invitation's uses");
                false
            }
        };
        if changed {
            self.recorded(token).await
        } else {
            Ok(record)
        }
    }
}

/// What a refused redemption means to the person registering.
fn redeem_error(err: XmppError, row: &DomainRow) -> AppError {
    // The quota as the portal knows it, for the message.
    let quota = row.quota.and_then(|q| u32::try_from(q).ok());
    Subject::Redemption {
        quota: quota.unwrap_or_default(),
    }
    .error(err)
}

#[async_trait::async_trait]
impl RedemptionBackend for PortalService {
    async fn landing(&self, ctx: &RequestContext, token: &str) -> Result<Landing, AppError> {
        let record = self.usable(token).await?;
        Ok(Landing {
            link: self.landing_link(&record.token),
            token: record.token,
            domain: record.domain,
            inviter: record.created_by,
            provider: ctx.provider_name.clone(),
            expires_at: record.expires_at,
            uri: record.uri,
            username: record.username,
            platform: None,
            min_password_length: self.0.config.accounts.min_password_length,
        })
    }

    async fn check_username(
        &self,
        _ctx: &RequestContext,
        token: &str,
        username: &str,
    ) -> Result<UsernameCheck, AppError> {
        let record = self.recorded(token).await?;
        let Ok(jid) = account_jid(username, &record.domain) else {
            return Ok(UsernameCheck::Invalid);
        };
        if record
            .username
            .as_deref()
            .is_some_and(|fixed| Some(fixed) != jid.node().map(|n| n.as_str()))
        {
            return Ok(UsernameCheck::Invalid);
        }
        Ok(match self.0.xmpp.account_exists(&jid).await {
            Ok(true) => UsernameCheck::Taken,
            Ok(false) => UsernameCheck::Available {
                jid: jid.to_string(),
            },
            Err(_) => UsernameCheck::Unknown,
        })
    }

    async fn redeem(
        &self,
        _ctx: &RequestContext,
        token: &str,
        username: &str,
        password: &str,
        confirm: &str,
    ) -> Result<String, AppError> {
        let record = self.recorded(token).await?;
        let jid = account_jid(username, &record.domain)?;
        let node = jid.node().map(|n| n.to_string()).unwrap_or_default();
        if record
            .username
            .as_deref()
            .is_some_and(|fixed| fixed != node)
        {
            return Err(ErrorKind::UsernameNotInvited.into());
        }
        check_password(password, self.0.config.accounts.min_password_length)?;
        if password != confirm {
            return Err(ErrorKind::PasswordMismatch.into());
        }
        let row = domains::get(&self.0.db, &record.domain)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::InvitationNotFound)?;
        let host = DomainPart::new(&row.name).map_err(internal)?;
        // Prosody creates the account and counts the use in one step: concurrent redemptions,
        // here or in apps, cannot exceed the invitation's uses.
        let created = self
            .0
            .xmpp
            .redeem_invitation(&host, token, &node, password)
            .await
            .map_err(|e| redeem_error(e, &row))?;
        // Best effort: the next list or landing reads the uses from Prosody anyway.
        if let Err(e) = self.sync_usage(&row.name).await {
            tracing::warn!(error = ?e, "cannot record an invitation's use");
        }
        audit::record(
            &self.0.db,
            audit::Change {
                actor: created.as_str(),
                domain: Some(&row.name),
                action: REDEEM,
                target: &node,
                outcome: Outcome::Done,
                detail: "web",
            },
        )
        .await
        .map_err(internal)?;
        Ok(created.to_string())
    }
}
