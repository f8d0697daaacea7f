//! A domain's console for its owners (and provider admins): accounts, registration mode,
//! co-owners, quota, pending changes and recent history.

use crate::components::title::PageTitle;
use crate::{
    audit::{AuditEntry, Outcome},
    components::{
        badge::{Badge, Tone},
        chart::FiguresCharts,
        form::{action_error, field_error, CsrfField, FormError, LabelledField},
        layout::Layout,
        loaded::Loaded,
        table::{Column, DataTable},
        when::When,
    },
    context::use_request_context,
    domains::{
        domain_dashboard, AddOwner, ChangeState, DomainOverview, PendingChange, RegistrationMode,
        RemoveOwner, RetryChange, SetQuota, SetRegistrationMode,
    },
    error::Field,
    i18n::{use_locale, Locale},
    invitations::members::{MemberPolicy, SetMemberInvitations, MAX_PER_MEMBER},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_params_map;

#[component]
pub fn DomainPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let overview = Resource::new(domain, domain_dashboard);
    view! {
        <PageTitle text=move || format!("{} — {}", crate::format::domain_name(&domain()), l.t("domain-title"))/>
        <Layout>
            <Loaded resource=overview error_heading=move || view! { <h1>{crate::format::domain_name(&domain())}</h1> } let:overview>
                <Dashboard overview/>
            </Loaded>
        </Layout>
    }
}

#[component]
fn Dashboard(overview: DomainOverview) -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let is_provider_admin = ctx.user.as_ref().is_some_and(|u| u.is_provider_admin());
    let accounts = match (overview.accounts, overview.quota) {
        (Some(n), Some(q)) => l.t_with(
            "domain-accounts-of-quota",
            &[("count", n.to_string()), ("quota", q.to_string())],
        ),
        (Some(n), None) => l.t_with("domain-accounts", &[("count", n.to_string())]),
        (None, _) => l.t("domain-accounts-unknown"),
    };
    let pending = (!overview.pending.is_empty())
        .then(|| view! { <PendingChanges domain=overview.name.clone() changes=overview.pending.clone()/> });
    let name = overview.name.clone();
    view! {
        <div class="page-header">
            <h1 class="mono">{crate::format::domain_name(&overview.name)}</h1>
        </div>
        {pending}
        <div class="grid-cards">
            <section class="card stack" aria-labelledby="accounts-heading">
                <h2 id="accounts-heading" class="card__title">{l.t("domain-accounts-heading")}</h2>
                <p>{accounts}</p>
                <p>
                    <a class="button" href=format!("/domains/{name}/accounts")>
                        {l.t("domain-manage-accounts")}
                    </a>
                </p>
            </section>
            <section class="card stack" aria-labelledby="invites-heading">
                <h2 id="invites-heading" class="card__title">{l.t("domain-invites-heading")}</h2>
                <p>{l.t_with("domain-invites-pending", &[("count", overview.pending_invitations.to_string())])}</p>
                <p>
                    <a class="button" href=crate::invitations::invitations_href(&name, None)>
                        {l.t("domain-manage-invites")}
                    </a>
                </p>
            </section>
            <RegistrationCard domain=name.clone() mode=overview.registration_mode/>
            <MemberInvitationsCard domain=name.clone() policy=overview.member_policy/>
            <section class="card stack" aria-labelledby="health-heading">
                <h2 id="health-heading" class="card__title">{l.t("health-title")}</h2>
                <p>{l.t("domain-health-intro")}</p>
                <p>
                    <a class="button" href=format!("/domains/{name}/health") data-health-link="">
                        {l.t("domain-health-link")}
                    </a>
                </p>
            </section>
            <section class="card stack" aria-labelledby="announce-heading">
                <h2 id="announce-heading" class="card__title">{l.t("domain-announce-heading")}</h2>
                <p>{l.t("domain-announce-intro")}</p>
                <p>
                    <a class="button" href=format!("/domains/{name}/announce") data-announce-link="">
                        {l.t("domain-announce-link")}
                    </a>
                </p>
            </section>
        </div>
        <FiguresCharts figures=overview.figures.clone()/>
        <OwnersCard domain=name.clone() owners=overview.owners.clone()/>
        {is_provider_admin.then(|| view! { <QuotaCard domain=name.clone() quota=overview.quota/> })}
        <AuditTable entries=overview.recent.clone() locale=l/>
        <p>
            <a href=format!("/audit?domain={name}")>{l.t("audit-all")}</a>
        </p>
    }
}

/// The domain's changes that have not reached the XMPP server: where each stands, why the
/// last attempt failed, and a button to push it now rather than at its next attempt.
#[component]
fn PendingChanges(domain: String, changes: Vec<PendingChange>) -> impl IntoView {
    let l = use_request_context().locale;
    let dates = crate::format::use_dates();
    let retry = ServerAction::<RetryChange>::new();
    let error = action_error(retry);
    let items = changes
        .into_iter()
        .map(|p| {
            let what = if p.target.is_empty() {
                p.kind.label(l)
            } else {
                format!("{} {}", p.kind.label(l), p.target)
            };
            let tone = match p.state {
                ChangeState::Failed => Tone::Danger,
                ChangeState::Queued | ChangeState::Running => Tone::Warn,
            };
            let why = match p.state {
                ChangeState::Failed => Some(l.t_with("domain-change-failed", &[("error", p.last_error.clone())])),
                _ if p.attempts > 0 => Some(l.t_with(
                    "domain-change-retrying",
                    &[
                        ("attempts", p.attempts.to_string()),
                        ("date", dates.date_time(p.next_attempt_at)),
                        ("error", p.last_error.clone()),
                    ],
                )),
                _ => None,
            };
            // Worth a click once an attempt failed; a first attempt is under way anyway.
            let domain = domain.clone();
            let label = l.t_with("domain-change-retry-label", &[("change", what.clone())]);
            let button = (p.state == ChangeState::Failed || p.attempts > 0).then(move || {
                view! {
                    <ActionForm action=retry>
                        <CsrfField/>
                        <input type="hidden" name="domain" value=domain/>
                        <input type="hidden" name="id" value=p.id.to_string()/>
                        <button type="submit" class="button button--small" aria-label=label>{l.t("domain-change-retry")}</button>
                    </ActionForm>
                }
            });
            view! {
                <li class="stack" style="--stack-gap: var(--space-1)" data-change=p.kind.as_str() data-state=p.state.as_str()>
                    <p class="cluster">{what}<Badge tone label=p.state.label(l)/></p>
                    {why.map(|t| view! { <p class="field__hint">{t}</p> })}
                    {button}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="alert alert--warning stack" role="status">
            <p>{l.t("domain-pending")}</p>
            <FormError error=error/>
            <ul class="stack">{items}</ul>
        </div>
    }
}

#[component]
fn RegistrationCard(domain: String, mode: RegistrationMode) -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<SetRegistrationMode>::new();
    let error = action_error(action);
    let mode_error = field_error(error, Field::Mode);
    let options = RegistrationMode::ALL
        .into_iter()
        .map(|m| {
            let id = format!("mode-{}", m.as_str());
            view! {
                <div class="check">
                    <input type="radio" name="mode" id=id.clone() value=m.as_str() checked=m == mode aria-describedby="mode-error"/>
                    <label for=id>
                        <strong>{m.label(l)}</strong>
                        " — "
                        <span class="muted">{m.explanation(l)}</span>
                    </label>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card stack" aria-labelledby="registration-heading">
            <h2 id="registration-heading" class="card__title">{l.t("domain-registration-heading")}</h2>
            <FormError error=error/>
            <ActionForm action=action attr:class="form">
                <CsrfField/>
                <input type="hidden" name="domain" value=domain/>
                <fieldset class="stack">
                    <legend class="visually-hidden">{l.t("domain-registration-heading")}</legend>
                    {options}
                    <p class="field__error" id="mode-error" role="alert" hidden=move || mode_error.get().is_none()>
                        {mode_error}
                    </p>
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="button button--primary">{l.t("domain-registration-save")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn OwnersCard(domain: String, owners: Vec<String>) -> impl IntoView {
    let l = use_request_context().locale;
    let add = ServerAction::<AddOwner>::new();
    let remove = ServerAction::<RemoveOwner>::new();
    let add_error = action_error(add);
    let remove_error = action_error(remove);
    let jid_error = field_error(add_error, Field::Jid);
    let rows = owners
        .into_iter()
        .map(|jid| {
            let domain = domain.clone();
            view! {
                <tr>
                    <td class="mono">{crate::format::address(&jid)}</td>
                    <td>
                        <ActionForm action=remove>
                            <CsrfField/>
                            <input type="hidden" name="domain" value=domain/>
                            <input type="hidden" name="jid" value=jid.clone()/>
                            <button type="submit" class="button button--ghost button--small" aria-label=l.t_with("owners-remove-label", &[("jid", crate::format::address(&jid))])>
                                {l.t("owners-remove")}
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card stack" aria-labelledby="owners-heading">
            <h2 id="owners-heading" class="card__title">{l.t("owners-heading")}</h2>
            <FormError error=remove_error/>
            <DataTable columns=vec![Column::new(l.t("owners-address")), Column::hidden(l.t("owners-actions"))]>
                {rows}
            </DataTable>
            <FormError error=add_error/>
            <ActionForm action=add attr:class="form">
                <CsrfField/>
                <input type="hidden" name="domain" value=domain.clone()/>
                <LabelledField id="owner-jid" label=l.t("owners-add-label") error=jid_error>
                    <input id="owner-jid" name="jid" type="text" inputmode="email" autocomplete="off" autocapitalize="none" spellcheck="false" required
                        placeholder="nom@exemple.org"
                        value=move || add_error.get().and_then(|e| e.kept("jid").map(str::to_string))
                        aria-describedby="owner-jid-error"/>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button">{l.t("owners-add")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Whether the domain's members may invite people from their own page, how many invitations
/// each, and whether only as contact invitations.
#[component]
fn MemberInvitationsCard(domain: String, policy: MemberPolicy) -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<SetMemberInvitations>::new();
    let error = action_error(action);
    let now = if policy.per_member == 0 {
        l.t("members-invites-off")
    } else {
        l.t_with(
            "members-invites-on",
            &[("count", policy.per_member.to_string())],
        )
    };
    view! {
        <section class="card stack" aria-labelledby="member-invites-heading" data-member-invites=policy.per_member>
            <h2 id="member-invites-heading" class="card__title">{l.t("members-invites-heading")}</h2>
            <p>{l.t("members-invites-explained")}</p>
            <p><strong>{now}</strong></p>
            <FormError error=error/>
            <ActionForm action=action attr:class="form">
                <CsrfField/>
                <input type="hidden" name="domain" value=domain/>
                <LabelledField id="per_member" label=l.t("members-invites-per-member") error=Signal::derive(|| None)>
                    <input id="per_member" name="per_member" type="number" min="0" max=MAX_PER_MEMBER inputmode="numeric"
                        value=move || error.get().and_then(|e| e.kept("per_member").map(str::to_string)).unwrap_or_else(|| policy.per_member.to_string())
                        aria-describedby="per_member-hint"/>
                    <p class="field__hint" id="per_member-hint">
                        {l.t_with("members-invites-per-member-hint", &[("max", MAX_PER_MEMBER.to_string())])}
                    </p>
                </LabelledField>
                <div class="check">
                    <input type="checkbox" name="contact_only" value="on" id="contact_only" checked=policy.contact_only/>
                    <label for="contact_only">{l.t("members-invites-contact-only")}</label>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button">{l.t("members-invites-submit")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn QuotaCard(domain: String, quota: Option<u32>) -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<SetQuota>::new();
    let error = action_error(action);
    let quota_error = field_error(error, Field::Quota);
    view! {
        <section class="card stack" aria-labelledby="quota-heading">
            <h2 id="quota-heading" class="card__title">{l.t("quota-heading")}</h2>
            <FormError error=error/>
            <ActionForm action=action attr:class="form">
                <CsrfField/>
                <input type="hidden" name="domain" value=domain/>
                <LabelledField id="quota" label=l.t("quota-label") error=quota_error>
                    <input id="quota" name="quota" type="number" min="0" inputmode="numeric"
                        value=move || error.get().and_then(|e| e.kept("quota").map(str::to_string)).or(quota.map(|q| q.to_string()))
                        aria-describedby="quota-hint quota-error"/>
                    <p class="field__hint" id="quota-hint">{l.t("quota-hint")}</p>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button">{l.t("quota-save")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AuditTable(entries: Vec<AuditEntry>, locale: Locale) -> impl IntoView {
    let l = locale;
    if entries.is_empty() {
        return view! { <p class="empty">{l.t("audit-empty")}</p> }.into_any();
    }
    let rows = entries
        .into_iter()
        .map(|e| {
            let tone = match e.outcome {
                Outcome::Done => Tone::Ok,
                Outcome::Pending => Tone::Warn,
                Outcome::Failed => Tone::Danger,
            };
            let label = e.outcome.label(l);
            // The stable names, for tests and scripts; people read the labels.
            view! {
                <tr data-action=e.action.as_str() data-outcome=e.outcome.as_str()>
                    <td><When at=e.at/></td>
                    <td class="mono">{crate::format::address(&e.actor)}</td>
                    <td>{e.action.label(l)}</td>
                    <td class="mono">{e.target}</td>
                    <td><Badge tone label/></td>
                    <td>{e.detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="stack" aria-labelledby="audit-heading">
            <h2 id="audit-heading">{l.t("audit-heading")}</h2>
            <DataTable columns=["audit-when", "audit-who", "audit-what", "audit-target", "audit-outcome", "audit-detail"]
                .map(|key| Column::new(l.t(key)))
                .into()>
                {rows}
            </DataTable>
        </section>
    }
    .into_any()
}
