//! Bulk work: what an owner asks for (the selection snapshot when asked, the typed confirmation
//! of a deletion, the list of addresses read), and each item done as the one-account forms do
//! it, as the owner who asked: a lock through the lock state the reconciler pushes, a deletion
//! through the console's deletion (its audit entry, its withdrawn invitations), an invitation
//! through the invitations page's.

use super::{internal, managed_domain, PortalService};
use crate::{
    accounts::account_jid,
    bulk::{self, addresses, Item, Retry, Spec},
    errors::Subject,
    invitations,
    mail::outbox,
    state::AppState,
    xmpp::{AccountOrder, MAX_PAGE_SIZE},
};
use app::{
    accounts::{AccountsBackend, ListView},
    bulk::{AccountsWork, BulkAction, BulkBackend, Selection},
    context::RequestContext,
    error::{AppError, ErrorKind},
    i18n::Locale,
    invitations::{NewInvitation, Validity},
};
use std::collections::HashSet;
use xmpp_parsers::jid::DomainPart;

#[async_trait::async_trait]
impl BulkBackend for PortalService {
    async fn start_bulk_accounts(
        &self,
        ctx: &RequestContext,
        domain: &str,
        work: AccountsWork,
    ) -> Result<i64, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        match work.action {
            BulkAction::Lock => {}
            BulkAction::Delete if confirms(&work.confirm, &row.name) => {}
            BulkAction::Delete => return Err(ErrorKind::ConfirmationMismatch.into()),
            BulkAction::Invite => return Err(ErrorKind::InvalidChoice { field: None }.into()),
        }
        let usernames = match work.selection {
            Selection::Ticked(names) => names,
            Selection::AllMatching(view) => self.matching(&row.name, &view).await?,
        };
        let service = &self.0.config.xmpp.jid;
        let mut seen = HashSet::new();
        let items: Vec<Item> = usernames
            .into_iter()
            .map(|name| name.trim().to_string())
            .filter(|name| seen.insert(name.clone()))
            // Never listed as changeable: the portal needs it to reach Prosody at all.
            .filter(|name| account_jid(name, &row.name).ok().as_ref() != Some(service))
            .enumerate()
            .map(|(i, name)| Item {
                position: i as i64 + 1,
                refused: account_jid(&name, &row.name)
                    .err()
                    .map(|_| ErrorKind::InvalidUsername),
                item: name,
            })
            .collect();
        if items.is_empty() {
            return Err(ErrorKind::NothingSelected.into());
        }
        let spec = Spec {
            action: work.action,
            notify: work.notify && work.action == BulkAction::Delete,
            locale: ctx.locale,
            by: without_token(ctx),
            created_at: self.0.clock.now(),
        };
        self.start(&row.name, &spec, &items).await
    }

    async fn start_bulk_invitations(
        &self,
        ctx: &RequestContext,
        domain: &str,
        list: &str,
        locale: Locale,
    ) -> Result<i64, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let lines = addresses::read(list)?;
        let items: Vec<Item> = lines
            .into_iter()
            .map(|line| Item {
                position: i64::from(line.number),
                item: line.text,
                refused: line.refused,
            })
            .collect();
        let spec = Spec {
            action: BulkAction::Invite,
            notify: false,
            locale,
            by: without_token(ctx),
            created_at: self.0.clock.now(),
        };
        self.start(&row.name, &spec, &items).await
    }
}

/// Whether `typed` is the domain's name (as stored, or as people write it).
fn confirms(typed: &str, domain: &str) -> bool {
    let typed = typed.trim().trim_end_matches('.');
    typed.eq_ignore_ascii_case(domain)
        || typed.to_lowercase() == app::format::domain_name(domain).to_lowercase()
}

/// The request's context as a job keeps it: its anti-forgery token has done its work.
fn without_token(ctx: &RequestContext) -> RequestContext {
    RequestContext {
        csrf: String::new(),
        ..ctx.clone()
    }
}

impl PortalService {
    /// Queues the task, audited as asked for; its id.
    async fn start(&self, domain: &str, spec: &Spec, items: &[Item]) -> Result<i64, AppError> {
        bulk::create(&self.0, domain, spec, items)
            .await
            .map_err(internal)
    }

    /// The usernames of every account `view` matches, read from Prosody's index a page at a
    /// time (never the whole host in one command), in username order, which accounts being
    /// seen meanwhile does not reorder.
    async fn matching(&self, domain: &str, view: &ListView) -> Result<Vec<String>, AppError> {
        let host = DomainPart::new(domain).map_err(internal)?;
        let filter = crate::xmpp::AccountFilter {
            order: AccountOrder::Username,
            ..self.account_filter(view)
        };
        let mut names = Vec::new();
        let mut offset = 0;
        loop {
            let page = self
                .0
                .xmpp
                .list_accounts_by(&host, &filter, offset, MAX_PAGE_SIZE)
                .await
                .map_err(|e| Subject::General.error(e))?;
            let read = u32::try_from(page.accounts.len()).unwrap_or(u32::MAX);
            names.extend(page.accounts.into_iter().map(|a| a.username));
            offset += read;
            if read == 0 || offset >= page.total {
                return Ok(names);
            }
        }
    }
}

/// Does `item` of a bulk task about `domain`: `None` if done, else why not.
pub async fn bulk_item(
    state: &AppState,
    spec: &Spec,
    domain: &str,
    item: &str,
) -> Result<Option<ErrorKind>, Retry> {
    let portal = PortalService(state.clone());
    let db = &state.db;
    let ctx = &spec.by;
    let retry = |e: sqlx::Error| Retry(e.to_string());
    match spec.action {
        BulkAction::Lock => reported(portal.set_locked(ctx, domain, item, true).await),
        BulkAction::Delete => {
            let jid = format!("{item}@{domain}");
            if ctx.user.as_ref().and_then(|u| u.jid()) == Some(jid.as_str()) {
                return Ok(Some(ErrorKind::CannotDeleteOwnAccount));
            }
            // Read first: the deletion forgets it (so a run taken up again finds none to
            // tell twice).
            let notify_to = if spec.notify {
                crate::recovery::status(db, domain, item)
                    .await
                    .map_err(retry)?
                    .confirmed
            } else {
                None
            };
            let refused = reported(portal.delete_account(ctx, domain, item, item).await)?;
            if let (None, Some(to)) = (refused, notify_to) {
                notify_deleted(state, spec, domain, &jid, &to).await;
            }
            Ok(refused)
        }
        BulkAction::Invite => {
            // Made by a run that stopped before saving it: not sent twice.
            if invitations::emailed_since(db, domain, item, spec.created_at)
                .await
                .map_err(retry)?
            {
                return Ok(None);
            }
            let invitation = NewInvitation {
                max_uses: 1,
                validity: Validity::default(),
                username: None,
                note: String::new(),
                add_contact: false,
                email: Some(item.to_string()),
                email_locale: spec.locale,
            };
            let invited = match managed_domain(state, ctx, domain).await {
                Ok(row) => portal.make_invitation(ctx, &row, invitation, false).await,
                Err(e) => Err(e),
            };
            reported(invited)
        }
    }
}

/// Tells a deleted account's recovery address, in the account's language. The account is
/// gone already: a notice that cannot be queued is logged, not retried.
async fn notify_deleted(state: &AppState, spec: &Spec, domain: &str, jid: &str, to: &str) {
    let db = &state.db;
    let locale = crate::recovery::language(db, jid, Some(spec.locale)).await;
    let email = bulk::mail::deleted(
        locale,
        &bulk::mail::Deleted {
            to,
            provider: &state.config.provider_name,
            jid,
            domain,
        },
    );
    if let Err(e) = outbox::send(db, &state.mail, &email).await {
        tracing::error!(%jid, error = %e, "cannot queue the deletion notice");
    }
}

/// An item's result as its report shows it; Prosody or the database missing is not a result:
/// the item is tried again.
fn reported<T>(result: Result<T, AppError>) -> Result<Option<ErrorKind>, Retry> {
    match result {
        Ok(_) => Ok(None),
        Err(e) if matches!(e.kind, ErrorKind::XmppUnavailable | ErrorKind::Internal) => {
            Err(Retry(format!("{:?}", e.kind)))
        }
        Err(e) => Ok(Some(e.kind)),
    }
}
