//! The short status label of a row (an account's state, a request's status).

use leptos::prelude::*;

/// A badge's colour, by what the status means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Warn,
    Danger,
    Muted,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Ok => "badge badge--ok",
            Tone::Warn => "badge badge--warn",
            Tone::Danger => "badge badge--danger",
            Tone::Muted => "badge badge--muted",
        }
    }
}

/// `state`, where given, is the status's stable name (`data-state`): a marker for tests,
/// whatever the language.
#[component]
pub fn Badge(
    tone: Tone,
    #[prop(optional, into)] state: Option<&'static str>,
    #[prop(into)] label: String,
) -> impl IntoView {
    view! { <span class=tone.class() data-state=state>{label}</span> }
}
