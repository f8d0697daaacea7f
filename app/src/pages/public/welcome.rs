//! After an account was created with an invitation (or its password reset): the address, the
//! apps again, and a button that opens the app.

use crate::{
    components::{apps::AppPicker, layout::Layout},
    i18n::use_locale,
    xmpp_apps::browser_platform,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WelcomePage() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    // Only an address is shown back: nothing here is secret.
    let jid = move || query.read().get("jid").unwrap_or_default();
    let reset = move || query.read().get("reset").is_some();
    let platform = Resource::new(|| (), |_| browser_platform());
    view! {
        <Title text=l.t("welcome-title")/>
        <Layout>
            <div class="page-header stack">
                <h1>{move || if reset() { l.t("welcome-reset-heading") } else { l.t("welcome-heading") }}</h1>
                <p class="lead">{l.t("welcome-address")}</p>
                <p class="jid-display mono">{jid}</p>
            </div>
            <section class="card stack" aria-labelledby="welcome-next">
                <h2 id="welcome-next" class="card__title">{l.t("welcome-next")}</h2>
                <p>{l.t("welcome-next-explained")}</p>
                <p>
                    <a class="button button--primary button--large" href=move || format!("xmpp:{}", jid())>
                        {l.t("welcome-open-app")}
                    </a>
                </p>
                <Suspense>
                    {move || {
                        platform
                            .get()
                            .map(|p| view! { <AppPicker platform=p.ok().flatten() invitation_uri=None/> })
                    }}
                </Suspense>
            </section>
        </Layout>
    }
}
