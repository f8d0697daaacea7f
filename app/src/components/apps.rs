//! The XMPP apps to install, for the visitor's platform first and every other one on demand.

use crate::{
    i18n::use_locale,
    xmpp_apps::{apps_for, download_link, Platform},
};
use leptos::prelude::*;

/// `invitation_uri`: carried to the stores that hand it to the app after installation.
#[component]
pub fn AppPicker(platform: Option<Platform>, invitation_uri: Option<String>) -> impl IntoView {
    let l = use_locale();
    let list = move |platform: Platform| {
        let uri = invitation_uri.clone();
        let items = apps_for(platform)
            .iter()
            .map(|app| {
                let href = download_link(app, uri.as_deref());
                view! {
                    <li class="app-choice">
                        <span class="app-choice__name">{app.name}</span>
                        <span class="muted">{l.t(app.about_key)}</span>
                        <a class="button button--small" href=href rel="noopener">
                            {l.t_with("apps-get", &[("app", app.name.to_string())])}
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="app-list" role="list">{items}</ul> }
    };
    let others = Platform::ALL
        .into_iter()
        .filter(|p| Some(*p) != platform)
        .map(|p| {
            view! {
                <h4>{p.name()}</h4>
                {list(p)}
            }
        })
        .collect_view();
    let first = platform.map(|p| {
        view! {
            <p>{l.t_with("apps-for-platform", &[("platform", p.name().to_string())])}</p>
            {list(p)}
        }
    });
    let others_label = if platform.is_some() {
        l.t("apps-other-platforms")
    } else {
        l.t("apps-all-platforms")
    };
    view! {
        <div class="stack">
            {first}
            <details open=platform.is_none()>
                <summary>{others_label}</summary>
                <div class="stack">{others}</div>
            </details>
        </div>
    }
}
