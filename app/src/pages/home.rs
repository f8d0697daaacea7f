use crate::{components::layout::Layout, context::use_request_context};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let next_step = match &ctx.user {
        Some(user) if user.is_provider_admin() => {
            view! { <a class="button button--primary" href="/admin">{l.t("home-go-admin")}</a> }
                .into_any()
        }
        Some(_) => ().into_any(),
        None => view! { <a class="button button--primary" href="/login">{l.t("nav-login")}</a> }
            .into_any(),
    };
    view! {
        <Title text=ctx.provider_name.clone()/>
        <Layout>
            <h1>{l.t("home-title")}</h1>
            <p class="lead">{l.t("home-lead")}</p>
            <div class="cluster">{next_step}</div>
        </Layout>
    }
}
