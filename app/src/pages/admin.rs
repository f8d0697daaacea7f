//! The provider admin's first page: the hosted domains, and creating an account on one of them.

use crate::{
    accounts::CreateAccount,
    components::{
        form::{action_error, field_error, CsrfField, FormError, LabelledField},
        layout::Layout,
    },
    context::use_request_context,
    domains::{list_domains, AddDomain, DomainSummary},
    error::Field,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_query_map};

#[component]
pub fn AdminPage() -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    if !ctx.user.as_ref().is_some_and(|u| u.is_provider_admin()) {
        return view! { <Redirect path="/login?next=/admin"/> }.into_any();
    }
    let domains = Resource::new(|| (), |_| list_domains());
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
    view! {
        <Title text=l.t("admin-title")/>
        <Layout>
            <div class="page-header">
                <h1>{l.t("admin-title")}</h1>
                <a class="button button--ghost" href="/audit">{l.t("audit-all")}</a>
            </div>
            {created}
            <Suspense fallback=move || view! { <p class="muted">{l.t("loading")}</p> }>
                {move || {
                    domains
                        .get()
                        .map(|result| match result {
                            Ok(list) => view! { <DomainsSection domains=list/> }.into_any(),
                            Err(e) => {
                                view! {
                                    <div class="alert alert--error" role="alert">
                                        {e.kind.message(l)}
                                    </div>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
            <AddDomainForm/>
        </Layout>
    }
    .into_any()
}

#[component]
fn DomainsSection(domains: Vec<DomainSummary>) -> impl IntoView {
    let l = use_request_context().locale;
    if domains.is_empty() {
        return view! { <p class="empty">{l.t("admin-no-domains")}</p> }.into_any();
    }
    let rows = domains
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <td class="mono">
                        <a href=format!("/domains/{}", d.name)>{d.name.clone()}</a>
                    </td>
                    <td>{crate::format::date(d.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="stack" aria-labelledby="domains-heading">
            <h2 id="domains-heading">{l.t("admin-domains-heading")}</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{l.t("admin-domain-name")}</th>
                            <th scope="col">{l.t("admin-domain-created")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        <CreateAccountForm domains=domains/>
    }
    .into_any()
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
                <LabelledField id="name" label=l.t("add-domain-name") error=field_error(error, Field::Name)>
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
            let label = d.name.clone();
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
