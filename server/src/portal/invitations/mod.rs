//! Invitations: the owner's list and actions; their redemption on the web is in [`redeem`].
//! Prosody holds the tokens and decides whether one still works (so a use in an app and a use on
//! the web are counted in one place); the portal records what it learns.

mod members;
mod redeem;

use super::{actor, internal, managed_domain, PortalService};
use crate::{
    accounts::account_jid,
    audit,
    domains::{self, DomainRow},
    errors::Subject,
    invitations::{self, mail::InvitationMail, InvitationRecord, NewRecord},
    jobs::Kind,
    mail::{outbox, Email},
    xmpp::{self, InvitationSpec, InvitationUsage},
};
use app::{
    audit::{AuditAction, Outcome},
    context::RequestContext,
    domains::RegistrationMode,
    error::{AppError, ErrorKind},
    i18n::Locale,
    invitations::{
        InvitationList, InvitationRow, InvitationState, InvitationsBackend, MailState,
        NewInvitation,
    },
};
use xmpp_parsers::jid::{BareJid, DomainPart};

const CREATE: AuditAction = AuditAction::CreateInvite;
const REVOKE: AuditAction = AuditAction::RevokeInvite;
const EMAIL: AuditAction = AuditAction::EmailInvite;

/// The longest note an owner may keep on an invitation.
const MAX_NOTE_CHARS: usize = 500;

impl PortalService {
    fn landing_link(&self, token: &str) -> String {
        invitations::landing_link(&self.0.config.public_url, token)
    }

    /// Reads the uses of the domain's invitations from Prosody into the database; `false` when
    /// Prosody could not be asked (the stored uses are then shown as they are).
    async fn sync_usage(&self, domain: &str) -> Result<bool, AppError> {
        let host = DomainPart::new(domain).map_err(internal)?;
        let usage = match self.0.xmpp.invitation_usage(&host).await {
            Ok(usage) => usage,
            Err(e) => {
                tracing::warn!(%domain, error = %e, "cannot read invitation uses");
                return Ok(false);
            }
        };
        let db = &self.0.db;
        for record in invitations::list(db, domain).await.map_err(internal)? {
            if let Some(found) = usage.iter().find(|u| u.token == record.token) {
                self.apply_usage(&record, found).await?;
            }
        }
        Ok(true)
    }

    /// Records what Prosody says of one invitation: its uses (and the owners they make), and a
    /// revocation made there. Whether that changed the record.
    async fn apply_usage(
        &self,
        record: &InvitationRecord,
        found: &InvitationUsage,
    ) -> Result<bool, AppError> {
        let db = &self.0.db;
        let accounts: Vec<String> = found.accounts.clone();
        let mut changed = false;
        if i64::from(found.uses) != record.uses || accounts != record.account_names() {
            changed = true;
            invitations::record_usage(db, record.id, found.uses, &accounts)
                .await
                .map_err(internal)?;
            if record.makes_owner != 0 {
                self.add_owners(record, &accounts).await?;
            }
        }
        // Withdrawn on the server by other means: the portal follows.
        if found.state == xmpp::InvitationState::Revoked && record.revoked_at.is_none() {
            changed = true;
            invitations::mark_revoked(db, record.id, self.0.clock.now())
                .await
                .map_err(internal)?;
        }
        Ok(changed)
    }

    async fn row(&self, record: InvitationRecord) -> Result<InvitationRow, AppError> {
        let mail = match record.mail_id {
            Some(id) => outbox::status(&self.0.db, id)
                .await
                .map_err(internal)?
                .map(mail_state),
            None => None,
        };
        Ok(InvitationRow {
            id: record.id,
            link: self.landing_link(&record.token),
            state: record.state(self.0.clock.now()),
            accounts: record
                .account_names()
                .into_iter()
                .map(|a| format!("{a}@{}", record.domain))
                .collect(),
            uri: record.uri,
            created_by: record.created_by,
            created_at: record.created_at,
            expires_at: record.expires_at,
            max_uses: u32::try_from(record.max_uses).unwrap_or(u32::MAX),
            uses: u32::try_from(record.uses).unwrap_or(u32::MAX),
            username: record.username,
            note: record.note,
            contact: record.contact,
            email: record.email,
            email_locale: record.email_locale,
            mail,
            by_member: record.by_member != 0,
        })
    }

    /// Queues the invitation's e-mail and remembers it on the invitation.
    async fn send_mail(
        &self,
        record: &InvitationRecord,
        to: &str,
        locale: Locale,
    ) -> Result<(), AppError> {
        let email: Email = invitations::mail::compose(
            locale,
            &InvitationMail {
                to,
                provider: &self.0.config.provider_name,
                inviter: &record.created_by,
                domain: &record.domain,
                link: &self.landing_link(&record.token),
                expires_at: record.expires_at,
                zone: &crate::time_zones::provider(&self.0.config, self.0.db.now()),
            },
        );
        let mail_id = outbox::send(&self.0.db, &self.0.mail, &email)
            .await
            .map_err(internal)?;
        invitations::set_mail(&self.0.db, record.id, to, locale.code(), mail_id)
            .await
            .map_err(internal)
    }

    /// The accounts made with an owner invitation become owners of its domain.
    async fn add_owners(
        &self,
        record: &InvitationRecord,
        accounts: &[String],
    ) -> Result<(), AppError> {
        let db = &self.0.db;
        let row = domains::get(db, &record.domain)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::Internal)?;
        for account in accounts {
            let jid = format!("{account}@{}", record.domain);
            if domains::add_owner(db, row.id, &jid)
                .await
                .map_err(internal)?
            {
                audit::record(
                    db,
                    audit::Change {
                        actor: &jid,
                        domain: Some(&record.domain),
                        action: AuditAction::AddOwner,
                        target: &jid,
                        outcome: Outcome::Done,
                        detail: "owner invitation",
                    },
                )
                .await
                .map_err(internal)?;
            }
        }
        Ok(())
    }

    /// The logged-in user's address if it can be a new user's contact: an XMPP account on a
    /// domain of this server.
    async fn contact_for(&self, ctx: &RequestContext) -> Result<Option<String>, AppError> {
        let Some(jid) = ctx.user.as_ref().and_then(|u| u.jid()) else {
            return Ok(None);
        };
        let Ok(bare) = BareJid::new(jid) else {
            return Ok(None);
        };
        let hosted = domains::exists(&self.0.db, bare.domain().as_str())
            .await
            .map_err(internal)?;
        Ok(hosted.then(|| jid.to_string()))
    }

    /// Revokes an invitation: the portal refuses its token at once, and the withdrawal from
    /// Prosody goes through the reconciler (it waits there if Prosody is down).
    async fn withdraw(
        &self,
        ctx: &RequestContext,
        record: &InvitationRecord,
    ) -> Result<(), AppError> {
        invitations::mark_revoked(&self.0.db, record.id, self.0.clock.now())
            .await
            .map_err(internal)?;
        self.apply(
            ctx,
            &record.domain,
            Kind::RevokeInvite,
            REVOKE,
            &record.token,
            "",
        )
        .await
    }

    /// Makes an invitation on `row` for the logged-in user, who may: on Prosody, then in the
    /// database and the audit log, and sends its e-mail if asked. `by_member`: made by a member
    /// on their own page.
    pub(in crate::portal) async fn make_invitation(
        &self,
        ctx: &RequestContext,
        row: &DomainRow,
        invitation: NewInvitation,
        by_member: bool,
    ) -> Result<i64, AppError> {
        let username = match &invitation.username {
            Some(name) => Some(account_jid(name, &row.name)?),
            None => None,
        };
        if username.is_some() && invitation.max_uses > 1 {
            return Err(ErrorKind::FixedUsernameMultiUse.into());
        }
        if let Some(email) = &invitation.email {
            check_email(email)?;
        }
        if row.registration_mode == RegistrationMode::Closed {
            return Err(ErrorKind::RegistrationClosed.into());
        }
        let contact = if invitation.add_contact {
            let jid = self
                .contact_for(ctx)
                .await?
                .ok_or(ErrorKind::ContactNotHosted)?;
            Some(BareJid::new(&jid).map_err(internal)?)
        } else {
            None
        };
        let note: String = invitation.note.chars().take(MAX_NOTE_CHARS).collect();
        let now = self.0.clock.now();
        let expires_at = now + invitation.validity.seconds();
        let host = DomainPart::new(&row.name).map_err(internal)?;
        let created = self
            .0
            .xmpp
            .create_invitation(
                &host,
                &InvitationSpec {
                    username: username
                        .as_ref()
                        .and_then(|j| j.node())
                        .map(|n| n.to_string()),
                    max_uses: invitation.max_uses,
                    expires_at,
                    contact: contact.clone(),
                },
            )
            .await
            .map_err(|e| Subject::General.error(e))?;
        let creator = actor(ctx);
        let username_node = username.as_ref().and_then(|j| j.node()).map(|n| n.as_str());
        let contact_text = contact.as_ref().map(|c| c.to_string());
        let id = invitations::insert(
            &self.0.db,
            NewRecord {
                domain_id: row.id,
                token: &created.token,
                uri: &created.uri,
                created_by: &creator,
                created_at: now,
                expires_at,
                max_uses: invitation.max_uses,
                username: username_node,
                note: &note,
                contact: contact_text.as_deref(),
                makes_owner: false,
                by_member,
            },
        )
        .await
        .map_err(internal)?;
        audit::record(
            &self.0.db,
            audit::Change {
                actor: &creator,
                domain: Some(&row.name),
                action: CREATE,
                target: username_node.unwrap_or(""),
                outcome: Outcome::Done,
                detail: &format!("uses: {}, until {}", invitation.max_uses, expires_at),
            },
        )
        .await
        .map_err(internal)?;
        if let Some(email) = &invitation.email {
            let record = invitations::by_id(&self.0.db, &row.name, id)
                .await
                .map_err(internal)?
                .ok_or(ErrorKind::Internal)?;
            self.send_mail(&record, email, invitation.email_locale)
                .await?;
        }
        Ok(id)
    }
}

/// Reads the uses of `domain`'s invitations when one of them makes owners and may have been used
/// in an app since the portal last looked. Best effort: a failure only delays it.
pub async fn claim_owner_invitations(state: &crate::state::AppState, domain: &str) {
    match invitations::has_pending_owner_invitation(&state.db, domain, state.clock.now()).await {
        Ok(true) => {
            if let Err(e) = PortalService(state.clone()).sync_usage(domain).await {
                tracing::warn!(%domain, error = ?e, "cannot read owner invitations");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(%domain, error = %e, "cannot read owner invitations"),
    }
}

fn mail_state(status: outbox::MailStatus) -> MailState {
    match status {
        outbox::MailStatus::Pending {
            attempts,
            last_error,
        } => MailState::Queued {
            attempts,
            last_error,
        },
        outbox::MailStatus::Sent { at } => MailState::Sent { at },
        outbox::MailStatus::Failed {
            attempts,
            last_error,
        } => MailState::Failed {
            attempts,
            last_error: Some(last_error),
        },
    }
}

fn check_email(email: &str) -> Result<(), ErrorKind> {
    email
        .parse::<lettre::Address>()
        .map(|_| ())
        .map_err(|_| ErrorKind::InvalidEmail)
}

#[async_trait::async_trait]
impl InvitationsBackend for PortalService {
    async fn invitation_list(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<InvitationList, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let synced = self.sync_usage(&row.name).await?;
        let mut rows = Vec::new();
        for record in invitations::list(&self.0.db, &row.name)
            .await
            .map_err(internal)?
        {
            rows.push(self.row(record).await?);
        }
        Ok(InvitationList {
            synced,
            registration_closed: row.registration_mode == RegistrationMode::Closed,
            contact: self.contact_for(ctx).await?,
            invitations: rows,
            domain: row.name,
        })
    }

    async fn create_invitation(
        &self,
        ctx: &RequestContext,
        domain: &str,
        invitation: NewInvitation,
    ) -> Result<i64, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        self.make_invitation(ctx, &row, invitation, false).await
    }

    async fn revoke_invitation(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let record = invitations::by_id(&self.0.db, &row.name, id)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::InvitationNotFound)?;
        self.withdraw(ctx, &record).await
    }

    async fn email_invitation(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
        email: &str,
        locale: Locale,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        check_email(email)?;
        let record = invitations::by_id(&self.0.db, &row.name, id)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::InvitationNotFound)?;
        if record.state(self.0.clock.now()) != InvitationState::Pending {
            return Err(ErrorKind::InvitationNotFound.into());
        }
        let same = record.email.as_deref() == Some(email)
            && record.email_locale.as_deref() == Some(locale.code());
        // The same mail again: retry the queued one rather than send a second copy.
        let retried = match (same, record.mail_id) {
            (true, Some(mail_id)) => outbox::retry(&self.0.db, &self.0.mail, mail_id)
                .await
                .map_err(internal)?,
            _ => false,
        };
        if !retried {
            self.send_mail(&record, email, locale).await?;
        }
        audit::record(
            &self.0.db,
            audit::Change {
                actor: &actor(ctx),
                domain: Some(&row.name),
                action: EMAIL,
                target: email,
                outcome: Outcome::Pending,
                detail: "",
            },
        )
        .await
        .map_err(internal)
    }
}
