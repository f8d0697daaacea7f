//! The audit log with filters: a domain's for its owners, everything for provider admins.

use crate::components::form::ErrorAlert;
use crate::{
    audit::AuditAction, components::layout::Layout, context::use_request_context,
    domains::audit_log, pages::domain::AuditTable,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_query_map};

#[component]
pub fn AuditPage() -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    if ctx.user.is_none() {
        return view! { <Redirect path="/login?next=/audit"/> }.into_any();
    }
    let query = use_query_map();
    let filters = move || query.with(|q| (q.get("domain"), q.get("action")));
    let entries = Resource::new(filters, |(domain, action)| audit_log(domain, action));
    let (domain, action) = query.with_untracked(|q| (q.get("domain"), q.get("action")));
    view! {
        <Title text=l.t("audit-heading")/>
        <Layout>
            <h1>{l.t("audit-page-title")}</h1>
            // A GET form: filters live in the URL, so they work without JavaScript and can be shared.
            <form method="get" action="/audit" class="cluster" role="search">
                <div class="field">
                    <label for="filter-domain">{l.t("audit-filter-domain")}</label>
                    <input id="filter-domain" name="domain" type="text" value=domain autocapitalize="none"/>
                </div>
                <div class="field">
                    <label for="filter-action">{l.t("audit-filter-action")}</label>
                    <select id="filter-action" name="action">
                        <option value="">{l.t("audit-filter-any-action")}</option>
                        {AuditAction::ALL
                            .into_iter()
                            .map(|a| {
                                let selected = action.as_deref().and_then(AuditAction::parse) == Some(a);
                                view! { <option value=a.as_str() selected=selected>{a.label(l)}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button">{l.t("audit-filter-submit")}</button>
                </div>
            </form>
            <Suspense fallback=move || view! { <p class="muted">{l.t("loading")}</p> }>
                {move || {
                    entries
                        .get()
                        .map(|result| match result {
                            Ok(entries) => view! { <AuditTable entries locale=l/> }.into_any(),
                            Err(e) => {
                                view! { <ErrorAlert kind=e.kind/> }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </Layout>
    }
    .into_any()
}
