//! The provider admins' console: every hosted domain with its owners, accounts, registration
//! mode and status (suspend and resume), creating an account on one of them, adding a domain,
//! the provider admins themselves, and links to the hosting requests and the global history.

use crate::{
    accounts::CreateAccount,
    components::{
        badge::{Badge, Tone},
        form::{action_error, field_error, ActionErrorAlert, CsrfField, FormError, LabelledField},
        layout::Layout,
        loaded::Loaded,
        table::{about, Column, DataTable},
        when::When,
    },
    context::{use_request_context, Principal},
    domains::{list_domains, AddDomain, DomainSummary},
    error::{AppError, Field},
    format,
    hosting_requests::{hosting_queue, RequestStatus},
    i18n::use_locale,
    pages::owner::health::HealthBadge,
    provider::{
        provider_admins, provider_domains, AddLocalAdmin, AdminsView, DomainStatus, LocalAdmin,
        ProviderDomainRow, RemoveLocalAdmin, SetDomainSuspended,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The console's forms that change what its lists show.
#[derive(Clone, Copy)]
struct ConsoleActions {
    suspend: ServerAction<SetDomainSuspended>,
    add_admin: ServerAction<AddLocalAdmin>,
    remove_admin: ServerAction<RemoveLocalAdmin>,
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let l = use_locale();
    let actions = ConsoleActions {
        suspend: ServerAction::new(),
        add_admin: ServerAction::new(),
        remove_admin: ServerAction::new(),
    };
    // The list and each domain's state, read together so that they render together.
    let domains = Resource::new(
        move || actions.suspend.version().get(),
        |_| async { Ok::<_, AppError>((list_domains().await?, provider_domains().await?)) },
    );
    let admins = Resource::new(
        move || actions.add_admin.version().get() + actions.remove_admin.version().get(),
        |_| provider_admins(),
    );
    let to_review = Resource::new(|| (), |_| hosting_queue(Some("to-review".into())));
    let query = use_query_map();
    let created = move || {
        query.read().get("created").map(|jid| {
            view! {
                <div class="alert alert--success" role="status">
                    {l.t_with("account-created", &[("jid", jid)])}
                </div>
            }
        })
    };
    let requests_link = move || {
        let count = to_review
            .get()
            .and_then(Result::ok)
            .and_then(|q| {
                q.counts
                    .iter()
                    .find(|(s, _)| *s == RequestStatus::ToReview)
                    .map(|(_, n)| *n)
            })
            .unwrap_or(0);
        let label = l.t_with("admin-requests-link", &[("count", count.to_string())]);
        let class = if count > 0 {
            "button button--primary"
        } else {
            "button"
        };
        view! { <a class=class href="/admin/requests" data-to-review=count>{label}</a> }
    };
    view! {
        <Title text=l.t("admin-title")/>
        <Layout>
            <div class="page-header">
                <h1>{l.t("admin-title")}</h1>
                <div class="cluster">
                    <Suspense fallback=|| view! { <a class="button" href="/admin/requests">"…"</a> }>
                        {requests_link}
                    </Suspense>
                    <a class="button button--ghost" href="/audit">{l.t("audit-all")}</a>
                </div>
            </div>
            {created}
            <ActionErrorAlert error=action_error(actions.suspend)/>
            <Loaded resource=domains let:domains>
                <DomainsSection domains=domains.0 rows=domains.1 actions/>
            </Loaded>
            <AddDomainForm/>
            <Loaded resource=admins let:admins>
                <AdminsSection admins actions/>
            </Loaded>
        </Layout>
    }
}

#[component]
fn DomainsSection(
    domains: Vec<DomainSummary>,
    rows: Vec<ProviderDomainRow>,
    actions: ConsoleActions,
) -> impl IntoView {
    let l = use_request_context().locale;
    if rows.is_empty() {
        return view! {
            <p class="empty">{l.t("admin-no-domains")}</p>
            <CreateAccountForm domains=domains/>
        }
        .into_any();
    }
    let dates = format::use_dates();
    let table_rows = rows
        .into_iter()
        .map(|row| {
            let created = domains
                .iter()
                .find(|d| d.name == row.name)
                .map(|d| dates.date(d.created_at))
                .unwrap_or_default();
            view! { <DomainRow row created actions/> }
        })
        .collect_view();
    let columns = vec![
        Column::new(l.t("admin-domain-name")),
        Column::new(l.t("admin-domain-owners")),
        Column::num(l.t("admin-domain-accounts")),
        Column::new(l.t("admin-domain-mode")),
        Column::new(l.t("admin-domain-status")),
        Column::new(l.t("admin-domain-health")),
        Column::new(l.t("admin-domain-created")),
        Column::new(l.t("admin-domain-actions")),
    ];
    view! {
        <section class="stack" aria-labelledby="domains-heading">
            <h2 id="domains-heading">{l.t("admin-domains-heading")}</h2>
            <DataTable columns labelled_by="domains-heading">{table_rows}</DataTable>
        </section>
        <CreateAccountForm domains=domains/>
    }
    .into_any()
}

#[component]
fn DomainRow(row: ProviderDomainRow, created: String, actions: ConsoleActions) -> impl IntoView {
    let l = use_request_context().locale;
    let owners = if row.owners.is_empty() {
        view! { <span class="muted">{l.t("admin-domain-no-owner")}</span> }.into_any()
    } else {
        let items = row
            .owners
            .iter()
            .map(|o| view! { <li class="mono">{o.clone()}</li> })
            .collect_view();
        view! { <ul class="plain-list">{items}</ul> }.into_any()
    };
    let accounts = match (row.accounts, row.quota) {
        (Some(n), Some(q)) => format!("{n} / {q}"),
        (Some(n), None) => l.t_with(
            "admin-domain-accounts-unlimited",
            &[("count", n.to_string())],
        ),
        (None, Some(q)) => l.t_with(
            "admin-domain-accounts-unknown-quota",
            &[("quota", q.to_string())],
        ),
        (None, None) => l.t("admin-domain-accounts-unknown"),
    };
    let tone = match row.status {
        DomainStatus::Active => Tone::Ok,
        DomainStatus::Suspended => Tone::Danger,
    };
    let status = view! { <Badge tone state=row.status.as_str() label=row.status.label(l)/> };
    let pending = row
        .pending
        .then(|| view! { <Badge tone=Tone::Warn label=l.t("admin-domain-pending")/> });
    let health = match row.health {
        Some(status) => view! { <HealthBadge status/> }.into_any(),
        None => view! { <span class="muted">{l.t("health-never-checked")}</span> }.into_any(),
    };
    let name = row.name.clone();
    // What people read; `name` (ASCII) is what the forms and links carry.
    let shown = crate::format::domain_name(&row.name);
    let action = match row.status {
        DomainStatus::Active => {
            let (summary_about, button_about) = (about(&shown), about(&shown));
            view! {
                <details class="suspend">
                    <summary>{l.t("admin-suspend")}{summary_about}</summary>
                    <div class="stack" style="--stack-gap: var(--space-3)">
                        <p>{l.t_with("admin-suspend-confirm", &[("domain", shown.clone())])}</p>
                        <ActionForm action=actions.suspend>
                            <CsrfField/>
                            <input type="hidden" name="domain" value=name.clone()/>
                            <input type="hidden" name="suspend" value="1"/>
                            <button type="submit" class="button button--danger button--small">
                                {l.t("admin-suspend-submit")}{button_about}
                            </button>
                        </ActionForm>
                    </div>
                </details>
            }
            .into_any()
        }
        DomainStatus::Suspended => {
            let button_about = about(&shown);
            view! {
                <ActionForm action=actions.suspend>
                    <CsrfField/>
                    <input type="hidden" name="domain" value=name.clone()/>
                    <input type="hidden" name="suspend" value="0"/>
                    <button type="submit" class="button button--small">
                        {l.t("admin-resume")}{button_about}
                    </button>
                </ActionForm>
            }
            .into_any()
        }
    };
    view! {
        <tr>
            <td class="mono">
                <a href=format!("/domains/{}", row.name)>{shown.clone()}</a>
            </td>
            <td>{owners}</td>
            <td class="num">{accounts}</td>
            <td>{row.mode.label(l)}</td>
            <td>
                <span class="cluster">{status}{pending}</span>
            </td>
            <td data-health=row.health.map(|s| s.as_str())>
                <a href=format!("/domains/{}/health", row.name)>{health}</a>
            </td>
            <td>{created}</td>
            <td>{action}</td>
        </tr>
    }
}

#[component]
fn AdminsSection(admins: AdminsView, actions: ConsoleActions) -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let me = match &ctx.user {
        Some(Principal::ProviderAdmin { id, .. }) => Some(*id),
        _ => None,
    };
    let configured = if admins.configured.is_empty() {
        view! { <p class="muted">{l.t("admin-admins-configured-none")}</p> }.into_any()
    } else {
        let items = admins
            .configured
            .iter()
            .map(|jid| view! { <li class="mono">{jid.clone()}</li> })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    let local = if admins.local.is_empty() {
        view! { <p class="muted">{l.t("admin-admins-local-none")}</p> }.into_any()
    } else {
        let rows = admins
            .local
            .into_iter()
            .map(|admin| {
                let is_me = me == Some(admin.id);
                view! { <LocalAdminRow admin is_me actions/> }
            })
            .collect_view();
        let columns = [
            "admin-admins-username",
            "admin-domain-created",
            "admin-domain-actions",
        ]
        .map(|key| Column::new(l.t(key)))
        .into();
        view! { <DataTable columns labelled_by="admins-local-heading">{rows}</DataTable> }
            .into_any()
    };
    view! {
        <section class="card stack" aria-labelledby="admins-heading">
            <h2 id="admins-heading" class="card__title">{l.t("admin-admins-heading")}</h2>
            <h3>{l.t("admin-admins-configured")}</h3>
            {configured}
            <p class="field__hint">{l.t("admin-admins-configured-hint")}</p>
            <h3 id="admins-local-heading">{l.t("admin-admins-local")}</h3>
            <ActionErrorAlert error=action_error(actions.remove_admin)/>
            {local}
            <AddAdminForm action=actions.add_admin/>
        </section>
    }
}

#[component]
fn LocalAdminRow(admin: LocalAdmin, is_me: bool, actions: ConsoleActions) -> impl IntoView {
    let l = use_request_context().locale;
    let action = if is_me {
        view! { <span class="muted">{l.t("admin-admins-you")}</span> }.into_any()
    } else {
        let button_about = about(&admin.username);
        view! {
            <ActionForm action=actions.remove_admin>
                <CsrfField/>
                <input type="hidden" name="id" value=admin.id.to_string()/>
                <button type="submit" class="button button--danger button--small">
                    {l.t("admin-admins-remove")}{button_about}
                </button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <tr>
            <td class="mono">{admin.username.clone()}</td>
            <td><When at=admin.created_at date_only=true/></td>
            <td>{action}</td>
        </tr>
    }
}

#[component]
fn AddAdminForm(action: ServerAction<AddLocalAdmin>) -> impl IntoView {
    let l = use_request_context().locale;
    let error = action_error(action);
    let kept = move |name: &str| error.get().and_then(|e| e.kept(name).map(str::to_string));
    view! {
        <h3 id="add-admin-heading">{l.t("admin-admins-add-heading")}</h3>
        <FormError error/>
        <ActionForm action attr:class="form" attr:aria-labelledby="add-admin-heading">
            <CsrfField/>
            <LabelledField id="admin-username" label=l.t("admin-admins-username") error=field_error(error, Field::Username)>
                <input id="admin-username" name="username" type="text" autocomplete="off" autocapitalize="none"
                    spellcheck="false" required value=move || kept("username")
                    aria-describedby="admin-username-hint admin-username-error"/>
                <p class="field__hint" id="admin-username-hint">{l.t("admin-admins-username-hint")}</p>
            </LabelledField>
            <LabelledField id="admin-password" label=l.t("admin-admins-password") error=field_error(error, Field::Password)>
                <input id="admin-password" name="password" type="password" autocomplete="new-password" required
                    aria-describedby="admin-password-error"/>
            </LabelledField>
            <div class="form-actions">
                <button type="submit" class="button button--primary"
                    aria-busy=move || action.pending().get().then_some("true")>
                    {l.t("admin-admins-add-submit")}
                </button>
            </div>
        </ActionForm>
    }
}

#[component]
fn AddDomainForm() -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<AddDomain>::new();
    let error = action_error(action);
    let kept = move |name: &str| error.get().and_then(|e| e.kept(name).map(str::to_string));
    view! {
        <section class="card stack" aria-labelledby="add-domain-heading">
            <h2 id="add-domain-heading" class="card__title">{l.t("add-domain-heading")}</h2>
            <p class="muted">{l.t("add-domain-explained")}</p>
            <FormError error/>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <LabelledField id="name" label=l.t("add-domain-name") error=field_error(error, Field::Domain)>
                    <input id="name" name="name" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" required
                        value=move || kept("name") aria-describedby="name-error"/>
                </LabelledField>
                <LabelledField id="quota" label=l.t("quota-label") error=field_error(error, Field::Quota)>
                    <input id="quota" name="quota" type="number" min="0" inputmode="numeric"
                        value=move || kept("quota") aria-describedby="quota-hint quota-error"/>
                    <p class="field__hint" id="quota-hint">{l.t("quota-hint")}</p>
                </LabelledField>
                <LabelledField id="owner" label=l.t("add-domain-owner") error=field_error(error, Field::Jid)>
                    <input id="owner" name="owner" type="text" inputmode="email" autocomplete="off" autocapitalize="none" spellcheck="false"
                        value=move || kept("owner") aria-describedby="owner-error"/>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button button--primary">{l.t("add-domain-submit")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn CreateAccountForm(domains: Vec<DomainSummary>) -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<CreateAccount>::new();
    let error = action_error(action);
    let query = use_query_map();
    let kept = move |name: &str| error.get().and_then(|e| e.kept(name).map(str::to_string));
    let selected_domain = kept("domain").or_else(|| query.read_untracked().get("domain"));
    let username_error = field_error(error, Field::Username);
    let password_error = field_error(error, Field::Password);
    let domain_error = field_error(error, Field::Domain);
    let options = domains
        .into_iter()
        .map(|d| {
            let selected = selected_domain.as_deref() == Some(d.name.as_str());
            let label = crate::format::domain_name(&d.name);
            view! { <option value=d.name selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <section class="card stack" aria-labelledby="create-account-heading">
            <h2 id="create-account-heading" class="card__title">{l.t("create-account-heading")}</h2>
            <FormError error=error/>
            <ActionForm action=action attr:class="form">
                <CsrfField/>
                <LabelledField id="account-domain" label=l.t("create-account-domain") error=domain_error>
                    <select id="account-domain" name="domain" required>{options}</select>
                </LabelledField>
                <LabelledField id="account-username" label=l.t("create-account-username") error=username_error>
                    <input
                        id="account-username"
                        name="username"
                        type="text"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        value=move || kept("username")
                        aria-describedby="account-username-hint account-username-error"
                    />
                    <p class="field__hint" id="account-username-hint">{l.t("create-account-username-hint")}</p>
                </LabelledField>
                <LabelledField id="account-password" label=l.t("create-account-password") error=password_error>
                    <input
                        id="account-password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        required
                        aria-describedby="account-password-error"
                    />
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button button--primary" aria-busy=move || action.pending().get().then_some("true")>
                        {l.t("create-account-submit")}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
