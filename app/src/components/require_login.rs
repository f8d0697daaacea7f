//! Pages for some people only: anyone else is sent to the login page, which brings them back.

use crate::context::use_request_context;
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

/// Who may see a page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Audience {
    /// Anyone logged in; the page's server functions check the rest (e.g. who runs a domain).
    #[default]
    LoggedIn,
    ProviderAdmin,
}

/// `children` for the page's audience. Anyone else goes to the login page, which brings them back
/// to this page, unless `forbidden` says what someone logged in but not of the audience sees
/// instead.
#[component]
pub fn RequireLogin(
    #[prop(optional)] audience: Audience,
    #[prop(optional, into)] forbidden: Option<ViewFn>,
    children: Children,
) -> impl IntoView {
    let ctx = use_request_context();
    let admitted = ctx.user.as_ref().map(|user| match audience {
        Audience::LoggedIn => true,
        Audience::ProviderAdmin => user.is_provider_admin(),
    });
    match (admitted, forbidden) {
        (Some(true), _) => children(),
        (Some(false), Some(forbidden)) => forbidden.run(),
        _ => {
            let path = format!("/login?next={}", use_location().pathname.get_untracked());
            view! { <Redirect path/> }.into_any()
        }
    }
}
