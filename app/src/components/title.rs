//! The document title of a page whose title depends on the route.

use leptos::prelude::*;
use leptos_meta::Title;

/// `<Title>` from a closure that may read reactive values (route parameters). On the server
/// the title is read once the whole page has rendered (leptos_meta injects it into the first
/// chunk), by which time the route's reactive owner may be disposed, in particular when the
/// client went away mid-render: reading a memo of it then panics ("Tried to access a reactive
/// value that has already been disposed"). So the server gets the text as a plain value,
/// computed now while everything is alive; the browser keeps it reactive.
#[component]
pub fn PageTitle(text: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = untrack(text);
    view! { <Title text/> }
}
