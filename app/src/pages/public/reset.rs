//! A password reset link (`/reset/TOKEN`): the account it is for and the new password form.

use crate::{
    components::{
        form::{action_error, CsrfField, FormError},
        layout::Layout,
        loaded::{Gone, Loaded},
        password::NewPasswordFields,
    },
    error::ErrorKind,
    format,
    i18n::use_locale,
    password_resets::{reset_page, ResetInfo, ResetPassword},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ResetPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, reset_page);
    view! {
        <Title text=l.t("reset-title")/>
        <Layout>
            <Loaded
                resource=info
                gone=Gone::page(ErrorKind::ResetLinkNotFound, "reset-gone-title")
                let:info
            >
                <ResetForm info token=token()/>
            </Loaded>
        </Layout>
    }
}

#[component]
fn ResetForm(info: ResetInfo, token: String) -> impl IntoView {
    let l = use_locale();
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    view! {
        <div class="page-header stack">
            <h1>{l.t("reset-heading")}</h1>
            <p class="jid-display mono">{format::address(&info.jid)}</p>
            <p class="muted">{l.t_with("reset-valid-until", &[("until", format::use_dates().date_time(info.expires_at))])}</p>
        </div>
        <section class="card stack">
            <p>{l.t("reset-explained")}</p>
            <FormError error/>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <input type="hidden" name="token" value=token/>
                <NewPasswordFields min_length=info.min_password_length error/>
                <div class="form-actions">
                    <button type="submit" class="button button--primary">{l.t("reset-submit")}</button>
                </div>
            </ActionForm>
        </section>
    }
}
