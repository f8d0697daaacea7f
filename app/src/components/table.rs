//! Tables of rows (accounts, domains, the audit log), and naming a row's controls.

use leptos::prelude::*;

/// A column's heading.
#[derive(Clone, Debug)]
pub struct Column {
    label: String,
    class: Option<&'static str>,
    hidden: bool,
}

impl Column {
    pub fn new(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            class: None,
            hidden: false,
        }
    }

    /// A column of numbers, aligned right.
    pub fn num(label: impl Into<String>) -> Self {
        Self {
            class: Some("num"),
            ..Self::new(label)
        }
    }

    /// A column whose heading only screen readers need (a column of buttons).
    pub fn hidden(label: impl Into<String>) -> Self {
        Self {
            hidden: true,
            ..Self::new(label)
        }
    }
}

/// A table in a wrapper that scrolls sideways on a narrow screen; the wrapper takes keyboard
/// focus for that, and is a region named by `labelled_by` (a heading's id) when given.
#[component]
pub fn DataTable(
    columns: Vec<Column>,
    #[prop(optional)] labelled_by: Option<&'static str>,
    /// The rows (`<tr>`).
    children: Children,
) -> impl IntoView {
    let headings = columns
        .into_iter()
        .map(|c| {
            let label = if c.hidden {
                view! { <span class="visually-hidden">{c.label}</span> }.into_any()
            } else {
                c.label.into_any()
            };
            view! { <th scope="col" class=c.class>{label}</th> }
        })
        .collect_view();
    view! {
        <div
            class="table-wrap"
            tabindex="0"
            role=labelled_by.map(|_| "region")
            aria-labelledby=labelled_by
        >
            <table class="table">
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// The visually hidden part of a control's name: what it acts on, so that a screen reader tells
/// apart the "Delete" buttons of a list.
pub fn about(text: &str) -> impl IntoView {
    view! { <span class="visually-hidden">{format!(" ({text})")}</span> }
}
