//! The audit log with filters: a domain's for its owners, everything for provider admins.

use crate::{
    audit::AuditAction,
    components::{layout::Layout, loaded::Loaded},
    domains::audit_log,
    i18n::use_locale,
    pages::owner::domain::AuditTable,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let l = use_locale();
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
            <Loaded resource=entries let:entries>
                <AuditTable entries locale=l/>
            </Loaded>
        </Layout>
    }
}
