use crate::{
    components::{layout::Layout, loaded::set_status},
    i18n::use_locale,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(404);
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
