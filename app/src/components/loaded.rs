//! What a page shows around data it loads: "Loading…" meanwhile, the data once there, and an error
//! alert, or a page of its own for a link that no longer works.

use crate::{
    components::form::ErrorAlert,
    error::{AppError, ErrorKind},
    i18n::use_locale,
};
use leptos::prelude::*;

/// Where two-factor login is set up, and the only page open to whoever must set it up first.
pub const ENROLMENT_PAGE: &str = "/me";

/// A page of its own for one error, instead of the alert: a link that no longer works (a used
/// invitation, an unknown request) is not a failure to report.
#[derive(Clone)]
pub struct Gone {
    kind: ErrorKind,
    view: ViewFn,
}

impl Gone {
    pub fn new<V>(kind: ErrorKind, view: impl Fn() -> V + Send + Sync + 'static) -> Self
    where
        V: IntoView + 'static,
    {
        Self {
            kind,
            view: ViewFn::from(view),
        }
    }

    /// The usual such page, with a 404 status: `title` (a message key) over the error's message.
    pub fn page(kind: ErrorKind, title: &'static str) -> Self {
        Self::new(kind, move || {
            set_status(404);
            let l = use_locale();
            view! {
                <h1>{l.t(title)}</h1>
                <p>{kind.message(l)}</p>
            }
        })
    }
}

/// `resource`'s value rendered by `children` once it is loaded; pages render completely on the
/// server, so "Loading…" shows only while a hydrated page loads again.
#[component]
pub fn Loaded<T, F, V>(
    resource: Resource<Result<T, AppError>>,
    children: F,
    /// Keeps the value on screen while it loads again (a list re-read after a change).
    #[prop(optional)]
    keep_while_reloading: bool,
    #[prop(optional)] gone: Option<Gone>,
    /// Shown above the error alert: the heading the loaded content would have had.
    #[prop(optional, into)]
    error_heading: Option<ViewFn>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let l = use_locale();
    let content = move || {
        resource.get().map(|result| match result {
            Ok(value) => children(value).into_any(),
            Err(e) => match &gone {
                Some(gone) if gone.kind == e.kind => gone.view.run(),
                // Reached by a hydrated page's own navigation, which the server's redirect of
                // page loads (`web::context`) does not see.
                _ if e.kind == ErrorKind::TwoFactorRequired => view! {
                    <leptos_router::components::Redirect path=ENROLMENT_PAGE/>
                    <ErrorAlert kind=e.kind/>
                }
                .into_any(),
                _ => view! {
                    {error_heading.as_ref().map(ViewFn::run)}
                    <ErrorAlert kind=e.kind/>
                }
                .into_any(),
            },
        })
    };
    let fallback = move || view! { <p class="muted">{l.t("loading")}</p> };
    if keep_while_reloading {
        view! { <Transition fallback>{content}</Transition> }.into_any()
    } else {
        view! { <Suspense fallback>{content}</Suspense> }.into_any()
    }
}

/// Sets the page's HTTP status on the server (a link that no longer works answers 404); nothing
/// in the browser.
pub fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}
