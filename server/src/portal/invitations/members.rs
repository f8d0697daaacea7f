//! Members inviting people: the owner's policy, and "Invite someone" on a member's own page.
//! A member's invitation is made like an owner's ([`PortalService::make_invitation`]), within
//! the domain's cap and after the new-account wait; locking or deleting the member withdraws the
//! ones still pending.

use super::super::{internal, managed_domain, record_done, PortalService};
use crate::{
    accounts,
    domains::DomainRow,
    invitations::members::{self, CAP_WINDOW_SECS, NEW_ACCOUNT_WAIT_SECS},
    xmpp::BareJid,
};
use app::{
    audit::AuditAction,
    context::RequestContext,
    error::{AppError, ErrorKind},
    i18n::Locale,
    invitations::{
        members::{MemberInvitationsBackend, MemberPolicy, OwnInvitations},
        NewInvitation, Validity,
    },
};

impl PortalService {
    /// Until when the member must wait before inviting, if their account was created from an
    /// invitation less than a day ago. Prosody's uses are read first, so that an account made
    /// in an app since the portal last looked counts (if Prosody cannot be asked, what the
    /// portal recorded answers).
    async fn invite_wait(&self, jid: &BareJid, row: &DomainRow) -> Result<Option<i64>, AppError> {
        self.sync_usage(&row.name).await?;
        let node = jid.node().map(|n| n.as_str()).unwrap_or_default();
        let seen = members::invited_at(&self.0.db, row.id, node)
            .await
            .map_err(internal)?;
        let now = self.0.clock.now();
        Ok(seen
            .map(|at| at + NEW_ACCOUNT_WAIT_SECS)
            .filter(|until| *until > now))
    }

    /// Withdraws the pending invitations `member` made on their page: they were locked or
    /// deleted.
    pub(in crate::portal) async fn withdraw_member_invitations(
        &self,
        ctx: &RequestContext,
        member: &BareJid,
    ) -> Result<(), AppError> {
        let db = &self.0.db;
        let pending = || async {
            members::pending_of(db, member.as_str(), self.0.clock.now())
                .await
                .map_err(internal)
        };
        if pending().await?.is_empty() {
            return Ok(());
        }
        // Uses made in apps since the portal last looked: a used invitation stays used.
        self.sync_usage(member.domain().as_str()).await?;
        let pending = pending().await?;
        for record in pending {
            self.withdraw(ctx, &record).await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl MemberInvitationsBackend for PortalService {
    async fn set_member_policy(
        &self,
        ctx: &RequestContext,
        domain: &str,
        policy: MemberPolicy,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        members::set_policy(&self.0.db, row.id, policy)
            .await
            .map_err(internal)?;
        let target = format!(
            "{} per member{}",
            policy.per_member,
            if policy.contact_only {
                ", contacts only"
            } else {
                ""
            }
        );
        record_done(&self.0, ctx, &row.name, AuditAction::MemberInvites, &target).await
    }

    async fn my_invitations(&self, ctx: &RequestContext) -> Result<OwnInvitations, AppError> {
        let (jid, row) = self.own_account(ctx).await?;
        let policy = members::policy(&self.0.db, row.id)
            .await
            .map_err(internal)?;
        // Only where members may invite is Prosody asked (the wait reads its uses).
        let wait_until = if policy.per_member > 0 {
            self.invite_wait(&jid, &row).await?
        } else {
            None
        };
        let db = &self.0.db;
        let used = members::count_since(db, jid.as_str(), self.0.clock.now() - CAP_WINDOW_SECS)
            .await
            .map_err(internal)?;
        let mut invitations = Vec::new();
        for record in members::made_by(db, jid.as_str()).await.map_err(internal)? {
            invitations.push(self.row(record).await?);
        }
        Ok(OwnInvitations {
            policy,
            used,
            wait_until,
            invitations,
        })
    }

    async fn invite_someone(
        &self,
        ctx: &RequestContext,
        email: Option<&str>,
        email_locale: Locale,
        add_contact: bool,
    ) -> Result<i64, AppError> {
        let (jid, row) = self.own_account(ctx).await?;
        let db = &self.0.db;
        let policy = members::policy(db, row.id).await.map_err(internal)?;
        let node = jid.node().map(|n| n.as_str()).unwrap_or_default();
        if policy.per_member == 0
            || accounts::is_locked(db, &row.name, node)
                .await
                .map_err(internal)?
        {
            return Err(ErrorKind::MemberInvitationsOff.into());
        }
        if self.invite_wait(&jid, &row).await?.is_some() {
            return Err(ErrorKind::InviterTooNew.into());
        }
        // One invitation at a time per member, so that two at once cannot pass the cap.
        let _guard = accounts::creation_guard(&format!("invite:{jid}")).await;
        let used = members::count_since(db, jid.as_str(), self.0.clock.now() - CAP_WINDOW_SECS)
            .await
            .map_err(internal)?;
        if used >= policy.per_member {
            return Err(ErrorKind::MemberInvitationCap {
                cap: policy.per_member,
            }
            .into());
        }
        let invitation = NewInvitation {
            max_uses: 1,
            validity: Validity::Week,
            username: None,
            note: String::new(),
            add_contact: add_contact || policy.contact_only,
            email: email.map(str::to_string),
            email_locale,
        };
        self.make_invitation(ctx, &row, invitation, true).await
    }
}
