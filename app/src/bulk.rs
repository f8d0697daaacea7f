//! Bulk work on a domain's accounts: locking or deleting a selection of the accounts console
//! (the accounts ticked on the page, or all those its search and filter match), and inviting a
//! list of e-mail addresses at once. Each runs in the background as an owner task, whose
//! progress and final report the owner follows on the task page (`tasks`).

// The accounts console's forms carry the list's view (search, order, filter, page).
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::{accounts::ListView, error::AppError};
use leptos::prelude::*;

crate::text_enum! {
    /// What a bulk job does to each of its items.
    pub enum BulkAction("bulk action"), label "bulk-action-" {
        Lock = "lock",
        Delete = "delete",
        Invite = "invite",
    }
}

/// The most addresses one list may invite.
pub const MAX_ADDRESSES: usize = 1000;

/// Which accounts of the console a bulk action is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// The accounts ticked on the page shown.
    Ticked(Vec<String>),
    /// Every account the view's search and filter match, on all pages, as they are when the
    /// job is asked for.
    AllMatching(ListView),
}

/// A lock or a deletion of a selection of accounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountsWork {
    /// [`BulkAction::Lock`] or [`BulkAction::Delete`].
    pub action: BulkAction,
    pub selection: Selection,
    /// For a deletion: the domain's name, typed again.
    pub confirm: String,
    /// For a deletion: tell the accounts that have a confirmed recovery address, by e-mail.
    pub notify: bool,
}

/// Where the bulk invitation form posts (a multipart form, for the file; see the server's
/// `web::bulk_invitations`).
pub fn bulk_invitations_action(domain: &str) -> String {
    let domain: String = form_urlencoded::byte_serialize(domain.as_bytes()).collect();
    format!("/domains/{domain}/invites/bulk")
}

/// Locks or deletes (`action`) the accounts ticked on the page (`scope` = `ticked`, the
/// `selected[]` boxes) or all those the view matches (`scope` = `all`: `q`, `sort`,
/// `inactive`), then sends the browser to the job's page.
#[server(prefix = "/api", endpoint = "bulk_accounts")]
pub async fn bulk_accounts(
    csrf: String,
    domain: String,
    action: BulkAction,
    scope: String,
    selected: Option<Vec<String>>,
    confirm: Option<String>,
    notify: Option<String>,
    view: Option<String>,
) -> Result<i64, AppError> {
    use crate::error::{ErrorKind, Field};
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let keep = |e: AppError| {
        e.keeping(&[
            ("action", action.as_str()),
            ("scope", &scope),
            ("notify", notify.as_deref().unwrap_or("")),
        ])
    };
    let selection = match scope.as_str() {
        "ticked" => Selection::Ticked(selected.unwrap_or_default()),
        "all" => Selection::AllMatching(ListView {
            page: 1,
            ..ListView::from_query(view.as_deref().unwrap_or(""))
        }),
        _ => {
            return Err(keep(
                ErrorKind::InvalidChoice {
                    field: Some(Field::Scope),
                }
                .into(),
            ))
        }
    };
    let work = AccountsWork {
        action,
        selection,
        confirm: confirm.unwrap_or_default(),
        notify: notify.is_some(),
    };
    let id = portal
        .start_bulk_accounts(&ctx, &domain, work)
        .await
        .map_err(keep)?;
    leptos_axum::redirect(&crate::tasks::task_href(&domain, id));
    Ok(id)
}

/// The server's side of bulk work. Every method checks that the user runs the domain.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait BulkBackend {
    /// Snapshots the selection and queues the job; its id. A deletion needs `confirm` to be
    /// the domain's name.
    async fn start_bulk_accounts(
        &self,
        ctx: &RequestContext,
        domain: &str,
        work: AccountsWork,
    ) -> Result<i64, AppError>;

    /// Queues a single-use invitation by e-mail (in `locale`) for every address of `list` (one
    /// per line, or a CSV column); lines that are not an address, or repeat one, are reported
    /// with their number in the job's report. The job's id.
    async fn start_bulk_invitations(
        &self,
        ctx: &RequestContext,
        domain: &str,
        list: &str,
        locale: crate::i18n::Locale,
    ) -> Result<i64, AppError>;
}
