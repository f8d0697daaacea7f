//! Invitations: the owner's list and actions, the landing page and web registration. Prosody
//! holds the tokens and decides whether one still works (so a use in an app and a use on the
//! web are counted in one place); the portal records what it learns.

use super::{actor, internal, managed_domain, PortalService};
use crate::{
    accounts::{account_jid, check_password, xmpp_error},
    audit,
    domains::{self, DomainRow},
    invites::{self, mail::InviteMail, InviteRecord, NewRecord},
    mail::{outbox, Email},
    reconcile::Kind,
    xmpp::{InvitationSpec, InvitationState, InvitationUsage, XmppError},
};
use app::{
    audit::Outcome,
    context::RequestContext,
    error::{AppError, ErrorKind},
    i18n::Locale,
    invites::{
        InviteList, InviteRow, InviteState, InvitesBackend, Landing, MailState, NewInvite,
        UsernameCheck, Validity,
    },
};
use xmpp_parsers::jid::{BareJid, DomainPart};

const CREATE: &str = "create-invite";
const REVOKE: &str = "revoke-invite";
const EMAIL: &str = "email-invite";
const REDEEM: &str = "redeem-invite";

/// The longest note an owner may keep on an invitation.
const MAX_NOTE_CHARS: usize = 500;

impl PortalService {
    fn landing_link(&self, token: &str) -> String {
        let mut url = self.0.config.public_url.clone();
        url.set_path(&format!("/invite/{token}"));
        url.to_string()
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
        for record in invites::list(&self.0.db, domain).await.map_err(internal)? {
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
        record: &InviteRecord,
        found: &InvitationUsage,
    ) -> Result<bool, AppError> {
        let db = &self.0.db;
        let accounts: Vec<String> = found.accounts.clone();
        let mut changed = false;
        if i64::from(found.uses) != record.uses || accounts != record.account_names() {
            changed = true;
            invites::record_usage(db, record.id, found.uses, &accounts)
                .await
                .map_err(internal)?;
            if record.makes_owner != 0 {
                self.add_owners(record, &accounts).await?;
            }
        }
        // Withdrawn on the server by other means: the portal follows.
        if found.state == InvitationState::Revoked && record.revoked_at.is_none() {
            changed = true;
            invites::mark_revoked(db, record.id, self.0.clock.now())
                .await
                .map_err(internal)?;
        }
        Ok(changed)
    }

    /// The invitation behind `token` if, as the portal last recorded it, it can still be used;
    /// any other case answers the same. For forms whose answer Prosody gives anyway (the
    /// redemption checks the token there), so they cost no extra round trip.
    async fn recorded(&self, token: &str) -> Result<InviteRecord, AppError> {
        invites::by_token(&self.0.db, token)
            .await
            .map_err(internal)?
            .filter(|record| record.state(self.0.clock.now()) == InviteState::Pending)
            .ok_or_else(|| ErrorKind::InviteNotFound.into())
    }

    /// Like [`Self::recorded`], with this invitation's uses read from Prosody first (a use in
    /// an app since): for the landing page. No question to Prosody when the portal's record
    /// already says the invitation is over; otherwise one, costing Prosody one storage read.
    /// If Prosody cannot be asked, the portal's record answers.
    async fn usable(&self, token: &str) -> Result<InviteRecord, AppError> {
        let record = self.recorded(token).await?;
        let host = DomainPart::new(&record.domain).map_err(internal)?;
        let changed = match self.0.xmpp.invitation_status(&host, &record.token).await {
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

    async fn row(&self, record: InviteRecord) -> Result<InviteRow, AppError> {
        let mail = match record.mail_id {
            Some(id) => outbox::status(&self.0.db, id)
                .await
                .map_err(internal)?
                .map(mail_state),
            None => None,
        };
        Ok(InviteRow {
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
        })
    }

    /// Queues the invitation's e-mail and remembers it on the invitation.
    async fn send_mail(
        &self,
        record: &InviteRecord,
        to: &str,
        locale: Locale,
    ) -> Result<(), AppError> {
        let email: Email = invites::mail::compose(
            locale,
            &InviteMail {
                to,
                provider: &self.0.config.provider_name,
                inviter: &record.created_by,
                domain: &record.domain,
                link: &self.landing_link(&record.token),
                expires_at: record.expires_at,
            },
        );
        let mail_id = outbox::send(&self.0.db, &self.0.mail, &email)
            .await
            .map_err(internal)?;
        invites::set_mail(&self.0.db, record.id, to, locale.code(), mail_id)
            .await
            .map_err(internal)
    }

    /// The accounts made with an owner invitation become owners of its domain.
    async fn add_owners(&self, record: &InviteRecord, accounts: &[String]) -> Result<(), AppError> {
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
                        action: "add-owner",
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

    /// A single-use invitation whose account becomes an owner of `domain` (for the requester of
    /// an approved domain); returns its id and landing link.
    pub(super) async fn owner_invitation(&self, domain: &str) -> Result<(i64, String), AppError> {
        let db = &self.0.db;
        let row = domains::get(db, domain)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::Internal)?;
        let now = self.0.clock.now();
        let expires_at = now + Validity::FourWeeks.seconds();
        let host = DomainPart::new(domain).map_err(internal)?;
        let created = self
            .0
            .xmpp
            .create_invitation(
                &host,
                &InvitationSpec {
                    username: None,
                    max_uses: 1,
                    expires_at,
                    contact: None,
                },
            )
            .await
            .map_err(xmpp_error)?;
        let id = invites::insert(
            db,
            NewRecord {
                domain_id: row.id,
                token: &created.token,
                uri: &created.uri,
                created_by: &self.0.config.provider_name,
                created_at: now,
                expires_at,
                max_uses: 1,
                username: None,
                note: "owner invitation",
                contact: None,
                makes_owner: true,
            },
        )
        .await
        .map_err(internal)?;
        Ok((id, self.landing_link(&created.token)))
    }

    /// The landing link of invitation `id` of `domain`.
    pub(super) async fn invite_link(&self, domain: &str, id: i64) -> Result<String, AppError> {
        let record = invites::by_id(&self.0.db, domain, id)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::InviteNotFound)?;
        Ok(self.landing_link(&record.token))
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
}

/// Reads the uses of `domain`'s invitations when one of them makes owners and may have been used
/// in an app since the portal last looked. Best effort: a failure only delays it.
pub async fn claim_owner_invitations(state: &crate::state::AppState, domain: &str) {
    match invites::has_pending_owner_invitation(&state.db, domain, state.clock.now()).await {
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

/// What a refused redemption means to the person registering.
fn redeem_error(err: XmppError, row: &DomainRow) -> AppError {
    match err {
        XmppError::QuotaReached => ErrorKind::QuotaReached {
            quota: row
                .quota
                .and_then(|q| u32::try_from(q).ok())
                .unwrap_or_default(),
        }
        .into(),
        other => xmpp_error(other),
    }
}

#[async_trait::async_trait]
impl InvitesBackend for PortalService {
    async fn invite_list(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<InviteList, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let synced = self.sync_usage(&row.name).await?;
        let mut rows = Vec::new();
        for record in invites::list(&self.0.db, &row.name)
            .await
            .map_err(internal)?
        {
            rows.push(self.row(record).await?);
        }
        Ok(InviteList {
            synced,
            registration_closed: row.registration_mode == "closed",
            contact: self.contact_for(ctx).await?,
            invites: rows,
            domain: row.name,
        })
    }

    async fn create_invite(
        &self,
        ctx: &RequestContext,
        domain: &str,
        invite: NewInvite,
    ) -> Result<i64, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let username = match &invite.username {
            Some(name) => Some(account_jid(name, &row.name)?),
            None => None,
        };
        if username.is_some() && invite.max_uses > 1 {
            return Err(ErrorKind::FixedUsernameMultiUse.into());
        }
        if let Some(email) = &invite.email {
            check_email(email)?;
        }
        if row.registration_mode == "closed" {
            return Err(ErrorKind::RegistrationClosed.into());
        }
        let contact = if invite.add_contact {
            let jid = self
                .contact_for(ctx)
                .await?
                .ok_or(ErrorKind::ContactNotHosted)?;
            Some(BareJid::new(&jid).map_err(internal)?)
        } else {
            None
        };
        let note: String = invite.note.chars().take(MAX_NOTE_CHARS).collect();
        let now = self.0.clock.now();
        let expires_at = now + invite.validity.seconds();
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
                    max_uses: invite.max_uses,
                    expires_at,
                    contact: contact.clone(),
                },
            )
            .await
            .map_err(xmpp_error)?;
        let creator = actor(ctx);
        let username_node = username.as_ref().and_then(|j| j.node()).map(|n| n.as_str());
        let contact_text = contact.as_ref().map(|c| c.to_string());
        let id = invites::insert(
            &self.0.db,
            NewRecord {
                domain_id: row.id,
                token: &created.token,
                uri: &created.uri,
                created_by: &creator,
                created_at: now,
                expires_at,
                max_uses: invite.max_uses,
                username: username_node,
                note: &note,
                contact: contact_text.as_deref(),
                makes_owner: false,
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
                detail: &format!("uses: {}, until {}", invite.max_uses, expires_at),
            },
        )
        .await
        .map_err(internal)?;
        if let Some(email) = &invite.email {
            let record = invites::by_id(&self.0.db, &row.name, id)
                .await
                .map_err(internal)?
                .ok_or(ErrorKind::Internal)?;
            self.send_mail(&record, email, invite.email_locale).await?;
        }
        Ok(id)
    }

    async fn revoke_invite(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let record = invites::by_id(&self.0.db, &row.name, id)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::InviteNotFound)?;
        invites::mark_revoked(&self.0.db, record.id, self.0.clock.now())
            .await
            .map_err(internal)?;
        // Through the reconciler: if Prosody is down the withdrawal waits there, and the
        // portal already refuses the token meanwhile.
        self.apply(
            ctx,
            &row.name,
            Kind::RevokeInvite,
            REVOKE,
            &record.token,
            "",
        )
        .await
    }

    async fn email_invite(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
        email: &str,
        locale: Locale,
    ) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        check_email(email)?;
        let record = invites::by_id(&self.0.db, &row.name, id)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::InviteNotFound)?;
        if record.state(self.0.clock.now()) != InviteState::Pending {
            return Err(ErrorKind::InviteNotFound.into());
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

    async fn register(
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
            .ok_or(ErrorKind::InviteNotFound)?;
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
