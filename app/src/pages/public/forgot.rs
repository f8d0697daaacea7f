//! "Forgot your password?" (`/forgot`): the XMPP address, then a reset link e-mailed to the
//! account's confirmed recovery address. The page that follows says the same whatever the
//! address, so it tells nobody which accounts exist or have a recovery address. Also the page of
//! the link that confirms a recovery address (`/recovery/confirm/TOKEN`).

use crate::{
    components::{
        form::{action_error, field_error, CsrfField, FormError, LabelledField},
        layout::Layout,
        loaded::{Gone, Loaded},
    },
    error::{ErrorKind, Field},
    i18n::use_locale,
    recovery::{recovery_confirmation, ConfirmRecoveryEmail, ForgotPassword, PendingRecovery},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ForgotPage() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let sent = move || {
        query.read().get("sent").map(|_| {
            view! {
                <div class="alert alert--success" role="status" data-forgot="sent">
                    {l.t("forgot-sent")}
                </div>
            }
        })
    };
    let action = ServerAction::<ForgotPassword>::new();
    let error = action_error(action);
    let kept = move || error.get().and_then(|e| e.kept("jid").map(str::to_string));
    view! {
        <Title text=l.t("forgot-title")/>
        <Layout>
            <div class="login-box card stack">
                <h1>{l.t("forgot-title")}</h1>
                {sent}
                <p>{l.t("forgot-explained")}</p>
                <FormError error/>
                <ActionForm action attr:class="form">
                    <CsrfField/>
                    <LabelledField id="jid" label=l.t("forgot-jid") error=field_error(error, Field::Jid)>
                        <input id="jid" name="jid" type="text" autocomplete="username" autocapitalize="none"
                            spellcheck="false" inputmode="email" required aria-describedby="jid-error"
                            value=kept/>
                    </LabelledField>
                    <div class="form-actions">
                        <button type="submit" class="button button--primary">{l.t("forgot-submit")}</button>
                    </div>
                </ActionForm>
                <p><a href="/login">{l.t("forgot-back")}</a></p>
            </div>
        </Layout>
    }
}

#[component]
pub fn ConfirmRecoveryPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, recovery_confirmation);
    view! {
        <Title text=l.t("recovery-confirm-title")/>
        <Layout>
            <Loaded
                resource=info
                gone=Gone::page(ErrorKind::RecoveryLinkNotFound, "recovery-gone-title")
                let:info
            >
                <ConfirmForm info token=token()/>
            </Loaded>
        </Layout>
    }
}

#[component]
fn ConfirmForm(info: PendingRecovery, token: String) -> impl IntoView {
    let l = use_locale();
    let action = ServerAction::<ConfirmRecoveryEmail>::new();
    let error = action_error(action);
    view! {
        <div class="page-header stack">
            <h1>{l.t("recovery-confirm-title")}</h1>
            <p class="jid-display mono">{info.jid.clone()}</p>
        </div>
        <section class="card stack">
            <p>{l.t_with("recovery-confirm-explained", &[("email", info.email.clone())])}</p>
            <FormError error/>
            <ActionForm action>
                <CsrfField/>
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button button--primary">{l.t("recovery-confirm-submit")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn RecoveryConfirmedPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=l.t("recovery-confirm-title")/>
        <Layout>
            <div class="alert alert--success" role="status" data-recovery="confirmed">
                {l.t("recovery-confirmed")}
            </div>
            <p><a href="/me">{l.t("recovery-to-my-account")}</a></p>
        </Layout>
    }
}
