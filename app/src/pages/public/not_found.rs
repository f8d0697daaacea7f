use crate::{components::layout::Layout, i18n::use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let l = use_locale();
    view! {
        <Title text=l.t("not-found-title")/>
        <Layout>
            <h1>{l.t("not-found-title")}</h1>
            <p>{l.t("not-found-text")}</p>
            <p><a href="/">{l.t("not-found-home")}</a></p>
        </Layout>
    }
}
