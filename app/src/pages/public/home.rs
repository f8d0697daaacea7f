use crate::{components::layout::Layout, context::use_request_context};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let deleted = use_query_map()
        .with_untracked(|q| q.get("deleted").is_some())
        .then(|| {
            view! { <div class="alert alert--success" role="status">{l.t("me-deleted")}</div> }
        });
    let body = match &ctx.user {
        None => view! {
            <div class="cluster">
                <a class="button button--primary" href="/login">{l.t("nav-login")}</a>
            </div>
            <section class="card stack" aria-labelledby="home-request-heading">
                <h2 id="home-request-heading" class="card__title">{l.t("home-request-heading")}</h2>
                <p>{l.t("home-request-text")}</p>
                <p><a class="button" href="/request">{l.t("home-request-link")}</a></p>
            </section>
        }
        .into_any(),
        Some(user) => {
            let admin = user.is_provider_admin().then(|| {
                view! { <a class="button button--primary" href="/admin">{l.t("home-go-admin")}</a> }
            });
            // Everyone has one: a local admin's holds their two-factor login.
            let own = view! { <a class="button" href="/me">{l.t("home-my-account")}</a> };
            let domains = match user {
                crate::context::Principal::Xmpp { owned_domains, .. }
                    if !owned_domains.is_empty() =>
                {
                    let items = owned_domains
                        .iter()
                        .map(|d| view! { <li><a class="mono" href=format!("/domains/{d}")>{d.clone()}</a></li> })
                        .collect_view();
                    Some(view! {
                        <section class="stack" aria-labelledby="my-domains">
                            <h2 id="my-domains">{l.t("home-my-domains")}</h2>
                            <ul>{items}</ul>
                        </section>
                    })
                }
                _ => None,
            };
            view! {
                {domains}
                <div class="cluster">{admin}{own}</div>
            }
            .into_any()
        }
    };
    view! {
        <Title text=ctx.provider_name.clone()/>
        <Layout>
            {deleted}
            <h1>{l.t("home-title")}</h1>
            <p class="lead">{l.t("home-lead")}</p>
            {body}
        </Layout>
    }
}
