//! The accounts console of a domain, for its owners and the provider's admins: the accounts with
//! search and pages, and creating, deleting, new passwords, locks, ending sessions and password
//! reset links (listed until used). Every action is a form posting to a server function and the
//! page renders from its URL, so all of it works without JavaScript.

use crate::bulk::BulkAccounts;
use crate::components::form::action_error;
use crate::components::title::PageTitle;
use crate::{
    accounts::{
        accounts_href, domain_accounts, AccountList, AccountOrder, AccountRow, AddDomainAccount,
        DeleteDomainAccount, Done, EndAccountSessions, ListView, LockState, SetAccountLock,
        SetAccountPassword, ShownPassword, INACTIVE_MONTHS,
    },
    components::{
        badge::{Badge, Tone},
        form::{field_error, CsrfField, FormError, LabelledField, Radio},
        layout::Layout,
        loaded::Loaded,
        table::{about, Column, DataTable},
        when::When,
    },
    context::use_request_context,
    error::{AppError, Field},
    i18n::{use_locale, Locale},
    pages::owner::invitations::select_on_focus,
    password_resets::{CreateResetLink, ResetLink},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The console's forms; the row forms are shared by every row, and an error goes to the row of
/// the username it kept.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<AddDomainAccount>,
    delete: ServerAction<DeleteDomainAccount>,
    password: ServerAction<SetAccountPassword>,
    lock: ServerAction<SetAccountLock>,
    sessions: ServerAction<EndAccountSessions>,
    reset: ServerAction<CreateResetLink>,
    /// Locking or deleting a selection (it leads to the job's page).
    bulk: ServerAction<BulkAccounts>,
}

impl Actions {
    fn new() -> Actions {
        Actions {
            create: ServerAction::new(),
            delete: ServerAction::new(),
            password: ServerAction::new(),
            lock: ServerAction::new(),
            sessions: ServerAction::new(),
            reset: ServerAction::new(),
            bulk: ServerAction::new(),
        }
    }

    /// Changes whenever a form came back, so the list is read again.
    fn version(self) -> usize {
        self.create.version().get()
            + self.delete.version().get()
            + self.password.version().get()
            + self.lock.version().get()
            + self.sessions.version().get()
            + self.reset.version().get()
    }

    fn create_error(self) -> Signal<Option<AppError>> {
        let action = self.create;
        Signal::derive(move || action.value().get().and_then(Result::err))
    }

    /// The errors of the row forms, as they are now.
    fn row_errors(self) -> Vec<AppError> {
        [
            self.delete.value().get().and_then(Result::err),
            self.password.value().get().and_then(Result::err),
            self.lock.value().get().and_then(Result::err),
            self.sessions.value().get().and_then(Result::err),
            self.reset.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn any_error(self) -> bool {
        self.create_error().get().is_some() || !self.row_errors().is_empty()
    }

    /// In the browser, once a form is sent, what the others showed (a generated password, an
    /// error) goes away: a password is shown once, not for as long as the page stays open.
    fn forget_older_results(self) {
        Effect::new(move |_| {
            let pending = [
                self.create.pending().get(),
                self.delete.pending().get(),
                self.password.pending().get(),
                self.lock.pending().get(),
                self.sessions.pending().get(),
                self.reset.pending().get(),
            ];
            let Some(sent) = pending.iter().position(|p| *p) else {
                return;
            };
            let clear: [&dyn Fn(); 6] = [
                &|| self.create.value().set(None),
                &|| self.delete.value().set(None),
                &|| self.password.value().set(None),
                &|| self.lock.value().set(None),
                &|| self.sessions.value().set(None),
                &|| self.reset.value().set(None),
            ];
            for (i, clear) in clear.iter().enumerate() {
                if i != sent {
                    clear();
                }
            }
        });
    }
}

/// An action's error if it is about `username`.
fn row_error<T>(action: ServerAction<T>, username: String) -> Signal<Option<AppError>>
where
    T: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    T::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.kept("username") == Some(username.as_str()))
    })
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let actions = Actions::new();
    actions.forget_older_results();
    let view = move || {
        let q = query.read();
        let field = |name: &str| q.get(name);
        ListView::from_fields(
            field("q").as_deref(),
            field("sort").as_deref(),
            field("inactive").as_deref(),
            field("page").as_deref(),
        )
    };
    let list = Resource::new(
        move || (domain(), view(), actions.version()),
        |(domain, view, _)| {
            domain_accounts(
                domain,
                view.query,
                view.page,
                Some(view.order.as_str().to_owned()),
                view.inactive_months.map(|m| m.to_string()),
            )
        },
    );
    view! {
        <PageTitle text=move || format!("{} — {}", crate::format::domain_name(&domain()), l.t("accounts-title"))/>
        <Layout>
            <p>
                <a href=move || format!("/domains/{}", domain())>{l.t("accounts-back")}</a>
            </p>
            <div class="page-header">
                <h1>{move || l.t_with("accounts-heading", &[("domain", crate::format::domain_name(&domain()))])}</h1>
            </div>
            <Loaded resource=list keep_while_reloading=true let:list>
                <Console list view=view() actions/>
            </Loaded>
        </Layout>
    }
}

#[component]
fn Console(list: AccountList, view: ListView, actions: Actions) -> impl IntoView {
    let l = use_request_context().locale;
    let total = match (list.total, list.quota) {
        (Some(n), Some(q)) => l.t_with(
            "accounts-count-of-quota",
            &[("count", n.to_string()), ("quota", q.to_string())],
        ),
        (Some(n), None) => l.t_with("accounts-count", &[("count", n.to_string())]),
        (None, Some(q)) => l.t_with("accounts-count-unknown-quota", &[("quota", q.to_string())]),
        (None, None) => l.t("accounts-count-unknown"),
    };
    let unavailable = (!list.available).then(|| {
        view! { <div class="alert alert--warning" role="status">{l.t("accounts-unavailable")}</div> }
    });
    let pending = (!list.pending_locks.is_empty()).then(|| {
        let items = list
            .pending_locks
            .iter()
            .map(|p| {
                let key = if p.locked {
                    "accounts-pending-lock"
                } else {
                    "accounts-pending-unlock"
                };
                view! { <li>{l.t_with(key, &[("jid", crate::format::address(&p.jid))])}</li> }
            })
            .collect_view();
        view! {
            <div class="alert alert--warning" role="status">
                <p>{l.t("accounts-pending")}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    let usernames: Vec<String> = list.accounts.iter().map(|a| a.username.clone()).collect();
    let reset_links = (!list.reset_links.is_empty())
        .then(|| view! { <ResetLinks links=list.reset_links.clone() actions/> });
    let here = Here {
        domain: list.domain.clone(),
        view: view.at_page(list.page),
    };
    view! {
        <Notice actions/>
        <ShownPasswords actions kept=list.shown.clone()/>
        <StrayErrors actions usernames/>
        {unavailable}
        {pending}
        {reset_links}
        <section class="stack" aria-labelledby="accounts-list-heading">
            <h2 id="accounts-list-heading">{l.t("accounts-list-heading")}</h2>
            <p>{total}</p>
            <SearchForm domain=list.domain.clone() view=view.clone()/>
            {list.available.then(|| view! {
                <AccountTable list=list.clone() here=here.clone() actions/>
                <Pagination domain=list.domain.clone() view=view.clone() page=list.page pages=list.pages/>
            })}
        </section>
        {(list.available && !list.accounts.is_empty())
            .then(|| view! { <BulkCard here=here.clone() matching=list.matching actions/> })}
        <CreateCard here actions/>
    }
}

/// Where the console is (domain, search, order, filter, page): the forms send it back with the
/// result.
#[derive(Clone, Debug)]
struct Here {
    domain: String,
    view: ListView,
}

#[component]
fn HereFields(here: Here) -> impl IntoView {
    view! {
        <CsrfField/>
        <input type="hidden" name="domain" value=here.domain/>
        <input type="hidden" name="view" value=here.view.to_query()/>
    }
}

/// What the last form did, from the URL it sent the browser to (so it shows without JavaScript).
#[component]
fn Notice(actions: Actions) -> impl IntoView {
    let l = use_request_context().locale;
    let query = use_query_map();
    move || {
        if actions.any_error() {
            return None;
        }
        let q = query.read();
        if q.get("__err").is_some() {
            return None;
        }
        let done = Done::parse(&q.get("done")?)?;
        let jid = q.get("account")?;
        let class = if done.is_pending() {
            "alert alert--warning"
        } else {
            "alert alert--success"
        };
        let key = format!("accounts-done-{}", done.as_str());
        Some(
            view! { <div class=class role="status">{l.t_with(&key, &[("jid", crate::format::address(&jid))])}</div> },
        )
    }
}

/// The passwords the portal just generated: from the server function's result with JavaScript,
/// from the one-time copy the server kept for this page load without.
#[component]
fn ShownPasswords(actions: Actions, kept: Option<ShownPassword>) -> impl IntoView {
    let l = use_request_context().locale;
    move || {
        let mut shown: Vec<ShownPassword> = [
            actions.create.value().get().and_then(Result::ok).flatten(),
            actions
                .password
                .value()
                .get()
                .and_then(Result::ok)
                .flatten(),
            kept.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        shown.dedup();
        shown
            .into_iter()
            .map(|s| {
                view! {
                    <div class="alert alert--success stack" role="status">
                        <p>{l.t_with("accounts-shown-password", &[("jid", crate::format::address(&s.jid))])}</p>
                        <p>
                            <code class="mono" translate="no" data-jid=s.jid>{s.password}</code>
                        </p>
                    </div>
                }
            })
            .collect_view()
    }
}

/// Errors of the row forms that no row on this page can show (the account is not on it, or the
/// form was refused before reading it, e.g. an expired form).
#[component]
fn StrayErrors(actions: Actions, usernames: Vec<String>) -> impl IntoView {
    let l = use_request_context().locale;
    move || {
        actions
            .row_errors()
            .into_iter()
            .filter(|e| {
                !e.kept("username")
                    .is_some_and(|u| usernames.iter().any(|n| n == u))
            })
            .map(|e| {
                let message = e.kind.message(l);
                let text = match e.kept("username") {
                    Some(u) => l.t_with(
                        "accounts-row-error",
                        &[("username", u.to_string()), ("message", message)],
                    ),
                    None => message,
                };
                view! { <div class="alert alert--error" role="alert">{text}</div> }
            })
            .collect_view()
    }
}

#[component]
fn SearchForm(domain: String, view: ListView) -> impl IntoView {
    let l = use_request_context().locale;
    let all = accounts_href(&domain, &ListView::default(), None);
    let clear = (view.is_filtered() || view.order != AccountOrder::default())
        .then(|| view! { <a href=all.clone()>{l.t("accounts-search-clear")}</a> });
    let orders = AccountOrder::ALL
        .into_iter()
        .map(|order| {
            let key = format!("accounts-sort-{}", order.as_str());
            view! { <option value=order.as_str() selected={order == view.order}>{l.t(&key)}</option> }
        })
        .collect_view();
    let months = INACTIVE_MONTHS
        .into_iter()
        .map(|m| {
            let label = l.t_with("accounts-inactive-months", &[("months", m.to_string())]);
            view! { <option value=m.to_string() selected={Some(m) == view.inactive_months}>{label}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action=all role="search" class="form">
            <div class="field">
                <label for="account-search">{l.t("accounts-search-label")}</label>
                <input id="account-search" name="q" type="search" value=view.query.clone()
                    autocomplete="off" autocapitalize="none" spellcheck="false"/>
            </div>
            <div class="field">
                <label for="account-sort">{l.t("accounts-sort-label")}</label>
                <select id="account-sort" name="sort">{orders}</select>
            </div>
            <div class="field">
                <label for="account-inactive">{l.t("accounts-inactive-label")}</label>
                <select id="account-inactive" name="inactive">
                    <option value="" selected=view.inactive_months.is_none()>{l.t("accounts-inactive-any")}</option>
                    {months}
                </select>
            </div>
            <div class="form-actions">
                <button type="submit" class="button">{l.t("accounts-search-submit")}</button>
                {clear}
            </div>
        </form>
    }
}

#[component]
fn AccountTable(list: AccountList, here: Here, actions: Actions) -> impl IntoView {
    let l = use_request_context().locale;
    if list.accounts.is_empty() {
        let key = if !here.view.is_filtered() {
            "accounts-empty"
        } else {
            "accounts-no-match"
        };
        return view! { <p class="empty">{l.t(key)}</p> }.into_any();
    }
    let rows = list
        .accounts
        .into_iter()
        .enumerate()
        .map(|(i, account)| view! { <Row i account here=here.clone() actions/> })
        .collect_view();
    let columns = [
        "accounts-col-select",
        "accounts-col-address",
        "accounts-col-last-active",
        "accounts-col-status",
        "accounts-col-actions",
    ]
    .map(|key| Column::new(l.t(key)))
    .into();
    let matching = match (&here.view.query, here.view.inactive_months) {
        (q, None) if q.is_empty() => None,
        (q, months) => Some(l.t_with(
            if q.is_empty() {
                "accounts-matching-inactive"
            } else {
                "accounts-matching"
            },
            &[
                ("count", list.matching.to_string()),
                ("query", q.clone()),
                ("months", months.unwrap_or_default().to_string()),
            ],
        )),
    };
    view! {
        {matching.map(|m| view! { <p>{m}</p> })}
        <DataTable columns labelled_by="accounts-list-heading">{rows}</DataTable>
    }
    .into_any()
}

fn badge(l: Locale, account: &AccountRow) -> impl IntoView {
    let (tone, key, state) = if account.service {
        (Tone::Muted, "accounts-badge-service", "service")
    } else {
        match account.lock {
            LockState::Unlocked => (Tone::Ok, "accounts-badge-active", "active"),
            LockState::Locked => (Tone::Danger, "accounts-badge-locked", "locked"),
            LockState::Locking => (Tone::Warn, "accounts-badge-locking", "locking"),
            LockState::Unlocking => (Tone::Warn, "accounts-badge-unlocking", "unlocking"),
        }
    };
    view! { <Badge tone state label=l.t(key)/> }
}

#[component]
fn Row(i: usize, account: AccountRow, here: Here, actions: Actions) -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let last_active = match account.last_active {
        Some(at) => view! { <When at/> }.into_any(),
        None => l.t("accounts-never").into_any(),
    };
    // Whether "Forgot your password?" can help this account; never the address itself.
    let recovery = account.recovery.then(|| {
        view! {
            <span class="badge badge--muted" data-recovery="confirmed" title=l.t("accounts-recovery-hint")>
                {l.t("accounts-badge-recovery")}
            </span>
        }
    });
    let manage = if account.service {
        view! { <span class="muted">{l.t("accounts-service-hint")}</span> }.into_any()
    } else {
        let is_self = ctx.user.as_ref().and_then(|u| u.jid()) == Some(account.jid.as_str());
        view! { <Manage i account=account.clone() here is_self actions/> }.into_any()
    };
    // Ticks belong to the bulk form below the table (`form`): rows hold forms of their own.
    let tick = (!account.service).then(|| {
        let label = l.t_with(
            "accounts-select",
            &[("jid", crate::format::address(&account.jid))],
        );
        view! {
            <input type="checkbox" name="selected[]" value=account.username.clone() form=BULK_FORM
                aria-label=label data-select=account.username.clone()/>
        }
    });
    view! {
        <tr data-account=account.jid.clone()>
            <td>{tick}</td>
            <td class="mono">{crate::format::address(&account.jid)}</td>
            <td>{last_active}</td>
            <td><div class="cluster">{badge(l, &account)}{recovery}</div></td>
            <td>{manage}</td>
        </tr>
    }
}

/// The actions on one account, in a disclosure so the table stays readable; it opens by itself
/// when one of its forms came back with an error.
#[component]
fn Manage(
    i: usize,
    account: AccountRow,
    here: Here,
    is_self: bool,
    actions: Actions,
) -> impl IntoView {
    let l = use_request_context().locale;
    let username = account.username.clone();
    let jid = account.jid.clone();
    let delete_error = row_error(actions.delete, username.clone());
    let password_error = row_error(actions.password, username.clone());
    let lock_error = row_error(actions.lock, username.clone());
    let sessions_error = row_error(actions.sessions, username.clone());
    let reset_error = row_error(actions.reset, username.clone());
    let open = move || {
        delete_error.get().is_some()
            || password_error.get().is_some()
            || lock_error.get().is_some()
            || sessions_error.get().is_some()
            || reset_error.get().is_some()
    };
    let locked = matches!(account.lock, LockState::Locked | LockState::Locking);
    let lock_form = (!is_self || locked).then(|| {
        let (here, username, jid) = (here.clone(), username.clone(), jid.clone());
        let (value, key, class) = if locked {
            ("0", "accounts-unlock", "button button--small")
        } else {
            ("1", "accounts-lock", "button button--small")
        };
        view! {
            <ActionForm action=actions.lock attr:class="cluster">
                <HereFields here/>
                <input type="hidden" name="username" value=username/>
                <input type="hidden" name="lock" value=value/>
                <button type="submit" class=class>{l.t(key)}{about(&jid)}</button>
            </ActionForm>
        }
    });
    let confirm_id = format!("confirm-{i}");
    let confirm_error_id = format!("confirm-{i}-error");
    let confirm_error = Signal::derive(move || {
        delete_error
            .get()
            .filter(|e| e.kind.field() == Some(Field::Confirm))
            .map(|e| e.kind.message(l))
    });
    let (sessions_here, reset_here, password_here, delete_here) =
        (here.clone(), here.clone(), here.clone(), here);
    let (sessions_user, reset_user, password_user, delete_user) = (
        username.clone(),
        username.clone(),
        username.clone(),
        username.clone(),
    );
    let confirm_label = l.t_with("accounts-delete-confirm", &[("username", username)]);
    let (summary_about, sessions_about, reset_about, delete_about) =
        (about(&jid), about(&jid), about(&jid), about(&jid));
    view! {
        <details open=open>
            <summary>{l.t("accounts-manage")}{summary_about}</summary>
            <div class="stack" style="--stack-gap: var(--space-4)">
                <FormError error=sessions_error/>
                <FormError error=lock_error/>
                <FormError error=reset_error/>
                <div class="cluster">
                    <ActionForm action=actions.sessions>
                        <HereFields here=sessions_here/>
                        <input type="hidden" name="username" value=sessions_user/>
                        <button type="submit" class="button button--small">
                            {l.t("accounts-end-sessions")}{sessions_about}
                        </button>
                    </ActionForm>
                    {lock_form}
                    <ActionForm action=actions.reset>
                        <HereFields here=reset_here/>
                        <input type="hidden" name="username" value=reset_user/>
                        <button type="submit" class="button button--small">
                            {l.t("accounts-reset-link")}{reset_about}
                        </button>
                    </ActionForm>
                </div>
                <PasswordForm i username=password_user jid=jid here=password_here actions error=password_error/>
                <FormError error=delete_error/>
                <ActionForm action=actions.delete attr:class="form">
                    <HereFields here=delete_here/>
                    <input type="hidden" name="username" value=delete_user/>
                    <div class="field" class:field--invalid=move || confirm_error.get().is_some()>
                        <label for=confirm_id.clone()>{confirm_label}</label>
                        <input id=confirm_id name="confirm" type="text" autocomplete="off" autocapitalize="none"
                            spellcheck="false" required aria-describedby=confirm_error_id.clone()
                            aria-invalid=move || confirm_error.get().is_some().then_some("true")/>
                        <p class="field__error" id=confirm_error_id role="alert" hidden=move || confirm_error.get().is_none()>
                            {confirm_error}
                        </p>
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button button--danger button--small">
                            {l.t("accounts-delete-submit")}{delete_about}
                        </button>
                    </div>
                </ActionForm>
            </div>
        </details>
    }
}

/// The password reset links not used yet. Each one's address is shown once, right after it was
/// made (from the server function's result with JavaScript, from the console's one-time copy
/// without): the portal keeps only its hash.
#[component]
fn ResetLinks(links: Vec<ResetLink>, actions: Actions) -> impl IntoView {
    let l = use_request_context().locale;
    let query = use_query_map();
    // The link just made, from the URL its form sent the browser to.
    let just_made = move || {
        let q = query.read();
        (q.get("done").as_deref() == Some(Done::ResetLink.as_str()))
            .then(|| q.get("account"))
            .flatten()
    };
    let items = links
        .into_iter()
        .enumerate()
        .map(|(i, link)| {
            let input_id = format!("reset-link-{i}");
            let until_id = format!("reset-link-{i}-until");
            let jid = link.jid.clone();
            let new = move || just_made().as_deref() == Some(jid.as_str());
            let (jid, kept, expires_at) = (link.jid.clone(), link.link.clone(), link.expires_at);
            let address = move || {
                let made = actions.reset.value().get().and_then(Result::ok);
                made.filter(|m| m.jid == jid && m.expires_at == expires_at)
                    .and_then(|m| m.link)
                    .or_else(|| kept.clone())
            };
            let until = l.t_with(
                "accounts-reset-links-until",
                &[("date", crate::format::use_dates().date_time(link.expires_at))],
            );
            let label = l.t_with("accounts-reset-links-for", &[("jid", crate::format::address(&link.jid))]);
            move || match address() {
                Some(url) => view! {
                    <li class="field reset-link" class:reset-link--new=new.clone()>
                        <label for=input_id.clone()>{label.clone()}</label>
                        <input id=input_id.clone() type="text" class="mono" readonly value=url
                            autocomplete="off" spellcheck="false" on:focus=select_on_focus
                            aria-describedby=until_id.clone()/>
                        <p class="field__hint" id=until_id.clone()>
                            {until.clone()} " " {l.t("accounts-reset-links-once")}
                        </p>
                    </li>
                }
                .into_any(),
                None => view! {
                    <li class="reset-link" data-link="hidden">
                        <p>{label.clone()}</p>
                        <p class="field__hint">{until.clone()} " " {l.t("accounts-reset-links-hidden")}</p>
                    </li>
                }
                .into_any(),
            }
        })
        .collect_view();
    view! {
        <section class="card stack" id="reset-links" aria-labelledby="reset-links-heading">
            <h2 id="reset-links-heading" class="card__title">{l.t("accounts-reset-links-heading")}</h2>
            <p class="muted">{l.t("accounts-reset-links-explained")}</p>
            <ul class="plain-list stack">{items}</ul>
        </section>
    }
}

#[component]
fn PasswordForm(
    i: usize,
    username: String,
    jid: String,
    here: Here,
    actions: Actions,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let l = use_request_context().locale;
    let field_message = Signal::derive(move || {
        error
            .get()
            .filter(|e| e.kind.field() == Some(Field::Password))
            .map(|e| e.kind.message(l))
    });
    let chosen = move || {
        error
            .get()
            .is_some_and(|e| e.kept("password_mode") == Some("choose"))
    };
    let password_id = format!("pw-{i}");
    let error_id = format!("pw-{i}-error");
    let (legend_about, submit_about) = (about(&jid), about(&jid));
    view! {
        <FormError error/>
        <ActionForm action=actions.password attr:class="form">
            <HereFields here/>
            <input type="hidden" name="username" value=username/>
            <fieldset class="field">
                <legend>{l.t("accounts-password-legend")}{legend_about}</legend>
                <PasswordModes id=format!("pw-{i}") chosen=Signal::derive(chosen)/>
            </fieldset>
            <div class="field" class:field--invalid=move || field_message.get().is_some()>
                <label for=password_id.clone()>{l.t("accounts-password-label")}</label>
                <input id=password_id name="password" type="password" autocomplete="new-password"
                    aria-describedby=error_id.clone()
                    aria-invalid=move || field_message.get().is_some().then_some("true")/>
                <p class="field__error" id=error_id role="alert" hidden=move || field_message.get().is_none()>
                    {field_message}
                </p>
            </div>
            <div class="form-actions">
                <button type="submit" class="button button--small">
                    {l.t("accounts-password-submit")}{submit_about}
                </button>
            </div>
        </ActionForm>
    }
}

#[component]
fn Pagination(domain: String, view: ListView, page: u32, pages: u32) -> impl IntoView {
    let l = use_request_context().locale;
    if pages <= 1 {
        return ().into_any();
    }
    let link = |n: u32| accounts_href(&domain, &view.at_page(n), None);
    // First, last, and two either side of the current page; gaps shown as "…".
    let mut shown: Vec<u32> = (page.saturating_sub(2).max(1)..=(page + 2).min(pages)).collect();
    if shown.first() != Some(&1) {
        shown.insert(0, 1);
    }
    if shown.last() != Some(&pages) {
        shown.push(pages);
    }
    let mut items = Vec::new();
    let mut previous = 0;
    for n in shown {
        if n > previous + 1 {
            items.push(view! { <li><span aria-hidden="true">"…"</span></li> }.into_any());
        }
        previous = n;
        let label = l.t_with("accounts-page-label", &[("page", n.to_string())]);
        items.push(if n == page {
            view! { <li><span aria-current="page" aria-label=label>{n}</span></li> }.into_any()
        } else {
            view! { <li><a href=link(n) aria-label=label>{n}</a></li> }.into_any()
        });
    }
    let prev = (page > 1).then(|| {
        view! { <li><a href=link(page - 1) rel="prev">{l.t("accounts-previous")}</a></li> }
    });
    let next = (page < pages).then(|| {
        view! { <li><a href=link(page + 1) rel="next">{l.t("accounts-next")}</a></li> }
    });
    view! {
        <nav class="pagination" aria-label=l.t("accounts-pagination")>
            <ul>{prev}{items}{next}</ul>
        </nav>
        <p class="muted">
            {l.t_with("accounts-page-of", &[("page", page.to_string()), ("pages", pages.to_string())])}
        </p>
    }
    .into_any()
}

/// Generate a password or choose one: the two choices of both password forms, with ids
/// `{id}-generate` and `{id}-choose`.
#[component]
fn PasswordModes(#[prop(into)] id: String, chosen: Signal<bool>) -> impl IntoView {
    let l = use_request_context().locale;
    view! {
        <Radio name="password_mode" value="generate" id=format!("{id}-generate")
            checked=Signal::derive(move || !chosen.get())>
            {l.t("accounts-password-generate")}
        </Radio>
        <Radio name="password_mode" value="choose" id=format!("{id}-choose") checked=chosen>
            {l.t("accounts-password-choose")}
        </Radio>
    }
}

#[component]
fn CreateCard(here: Here, actions: Actions) -> impl IntoView {
    let l = use_request_context().locale;
    let action = actions.create;
    let error = actions.create_error();
    let kept = move |name: &str| error.get().and_then(|e| e.kept(name).map(str::to_string));
    let username_error = field_error(error, Field::Username);
    let password_error = field_error(error, Field::Password);
    let chosen = move || kept("password_mode").as_deref() == Some("choose");
    let domain = here.domain.clone();
    view! {
        <section class="card stack" aria-labelledby="create-account-heading">
            <h2 id="create-account-heading" class="card__title">{l.t("accounts-create-heading")}</h2>
            <FormError error=error/>
            <ActionForm action=action attr:class="form">
                <HereFields here/>
                <LabelledField id="new-account-username" label=l.t("accounts-create-username") error=username_error>
                    <input id="new-account-username" name="username" type="text" autocomplete="off"
                        autocapitalize="none" spellcheck="false" required
                        value=move || kept("username")
                        aria-invalid=move || username_error.get().is_some().then_some("true")
                        aria-describedby="new-account-username-hint new-account-username-error"/>
                    <p class="field__hint" id="new-account-username-hint">
                        {l.t_with("accounts-create-username-hint", &[("domain", crate::format::domain_name(&domain))])}
                    </p>
                </LabelledField>
                <fieldset class="field">
                    <legend>{l.t("accounts-create-password-legend")}</legend>
                    <PasswordModes id="new-account" chosen=Signal::derive(chosen)/>
                </fieldset>
                <LabelledField id="new-account-password" label=l.t("accounts-password-label") error=password_error>
                    <input id="new-account-password" name="password" type="password" autocomplete="new-password"
                        aria-invalid=move || password_error.get().is_some().then_some("true")
                        aria-describedby="new-account-password-error"/>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button button--primary"
                        aria-busy=move || action.pending().get().then_some("true")>
                        {l.t("accounts-create-submit")}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The id of the bulk form, which the table's ticks belong to.
const BULK_FORM: &str = "bulk-form";

/// Locks or deletes several accounts at once: those ticked in the table, or all those the
/// search and filter match, on every page. The job runs in the background and its page follows
/// it; a deletion needs the domain's name typed again.
#[component]
fn BulkCard(here: Here, matching: u32, actions: Actions) -> impl IntoView {
    let l = use_request_context().locale;
    let action = actions.bulk;
    let error = action_error(action);
    let kept = move |name: &str| error.get().and_then(|e| e.kept(name).map(str::to_string));
    let confirm_error = field_error(error, Field::Confirm);
    let scope_error = field_error(error, Field::Scope);
    let all = move || kept("scope").as_deref() == Some("all");
    let delete = move || kept("action").as_deref() == Some("delete");
    let all_label = if here.view.is_filtered() {
        l.t_with(
            "bulk-scope-all-matching",
            &[("count", matching.to_string())],
        )
    } else {
        l.t_with("bulk-scope-all", &[("count", matching.to_string())])
    };
    let domain = crate::format::domain_name(&here.domain);
    view! {
        <section class="card stack" id="bulk" aria-labelledby="bulk-heading">
            <h2 id="bulk-heading" class="card__title">{l.t("bulk-heading")}</h2>
            <p class="muted">{l.t("bulk-explained")}</p>
            <FormError error/>
            <ActionForm action attr:id=BULK_FORM attr:class="form">
                <HereFields here/>
                <fieldset class="field" class:field--invalid=move || scope_error.get().is_some()
                    aria-describedby="bulk-scope-error">
                    <legend>{l.t("bulk-scope-legend")}</legend>
                    <Radio name="scope" value="ticked" id="bulk-scope-ticked" checked=Signal::derive(move || !all())>
                        {l.t("bulk-scope-ticked")}
                    </Radio>
                    <Radio name="scope" value="all" id="bulk-scope-all" checked=Signal::derive(all)>{all_label}</Radio>
                    <p class="field__error" id="bulk-scope-error" role="alert" hidden=move || scope_error.get().is_none()>
                        {scope_error}
                    </p>
                </fieldset>
                <fieldset class="field">
                    <legend>{l.t("bulk-action-legend")}</legend>
                    <Radio name="action" value="lock" id="bulk-action-lock" checked=Signal::derive(move || !delete())>
                        {l.t("bulk-action-lock")}
                    </Radio>
                    <Radio name="action" value="delete" id="bulk-action-delete" checked=Signal::derive(delete)>
                        {l.t("bulk-action-delete")}
                    </Radio>
                </fieldset>
                <div class="field" class:field--invalid=move || confirm_error.get().is_some()>
                    <label for="bulk-confirm">{l.t_with("bulk-confirm-label", &[("domain", domain)])}</label>
                    <input id="bulk-confirm" name="confirm" type="text" autocomplete="off" autocapitalize="none"
                        spellcheck="false" aria-describedby="bulk-confirm-error"
                        aria-invalid=move || confirm_error.get().is_some().then_some("true")/>
                    <p class="field__error" id="bulk-confirm-error" role="alert" hidden=move || confirm_error.get().is_none()>
                        {confirm_error}
                    </p>
                </div>
                <div class="check">
                    <input type="checkbox" name="notify" value="1" id="bulk-notify"
                        checked=move || kept("notify").is_some_and(|v| !v.is_empty())/>
                    <label for="bulk-notify">{l.t("bulk-notify")}</label>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button--danger"
                        aria-busy=move || action.pending().get().then_some("true")>
                        {l.t("bulk-submit")}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
