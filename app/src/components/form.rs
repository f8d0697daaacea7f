//! Form pieces shared by every page: the anti-forgery field and error display.

use crate::{
    context::use_request_context,
    error::{AppError, ErrorKind, Field},
    i18n::use_locale,
};
use leptos::{prelude::*, server_fn::ServerFn};

/// The hidden anti-forgery token every state-changing form carries.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=use_request_context().csrf/> }
}

/// One error's message, announced to screen readers.
#[component]
pub fn ErrorAlert(kind: ErrorKind) -> impl IntoView {
    let l = use_locale();
    view! { <div class="alert alert--error" role="alert">{kind.message(l)}</div> }
}

/// A form-wide error (one not tied to a field), announced to screen readers.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.kind.field().is_none())
            .map(|e| view! { <ErrorAlert kind=e.kind/> })
    }
}

/// Any error of a form, whatever field it belongs to: for forms that have no input for that
/// field (e.g. an unknown domain on a button-only form).
#[component]
pub fn ActionErrorAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || error.get().map(|e| view! { <ErrorAlert kind=e.kind/> })
}

/// The error of a server action's last call, whether it came back to the hydrated page or, without
/// JavaScript, in the URL of the page the form redirected to.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// The message under one field when the error belongs to it.
pub fn field_error(error: Signal<Option<AppError>>, field: Field) -> Signal<Option<String>> {
    let l = use_locale();
    Signal::derive(move || {
        error
            .get()
            .filter(|e| e.kind.field() == Some(field))
            .map(|e| e.kind.message(l))
    })
}

/// A labelled field with the error that belongs to it; the error's element id is `{id}-error`,
/// for the control's `aria-describedby`.
#[component]
pub fn LabelledField(
    id: &'static str,
    label: String,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label for=id>{label}</label>
            {children()}
            <p class="field__error" id=format!("{id}-error") role="alert" hidden=move || error.get().is_none()>
                {error}
            </p>
        </div>
    }
}

/// One choice of a radio group, its label beside it.
#[component]
pub fn Radio(
    name: &'static str,
    value: &'static str,
    #[prop(into)] id: String,
    #[prop(into)] checked: Signal<bool>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="check">
            <input type="radio" name=name value=value id=id.clone() checked=checked/>
            <label for=id>{children()}</label>
        </div>
    }
}

/// The initial text of a `<textarea>`. Leptos writes a textarea's children into the page
/// unescaped (and never hydrates them), so on the server the text is escaped here: kept values
/// come back from the URL, and must not be able to close the element. In the browser, text
/// nodes are made from it as it is.
pub fn textarea_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text
    }
}
