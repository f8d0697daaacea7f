//! The landing page of an invitation (`/invite/TOKEN`): who invites to which domain, the apps
//! to install, "open in my app", a QR code to continue on a phone, and account creation on the
//! web for those whose app cannot redeem the invitation itself.

use crate::{
    components::{
        apps::AppPicker,
        form::{action_error, field_error, CsrfField, FormError, LabelledField},
        layout::Layout,
        loaded::{Gone, Loaded},
        password::NewPasswordFields,
    },
    error::{ErrorKind, Field},
    format,
    i18n::use_locale,
    invitations::redeem::{
        check_invitation_username, invitation_landing, Landing, RedeemInvitation, UsernameCheck,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitationLandingPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let landing = Resource::new(token, invitation_landing);
    view! {
        <Title text=l.t("invite-title")/>
        <Layout>
            // One page for every unusable token (unknown, revoked, used up, expired), so the
            // answer never tells whether a token ever existed.
            <Loaded
                resource=landing
                gone=Gone::page(ErrorKind::InvitationNotFound, "invite-gone-title")
                let:landing
            >
                <Invitation landing/>
            </Loaded>
        </Layout>
    }
}

#[component]
fn Invitation(landing: Landing) -> impl IntoView {
    let l = use_locale();
    let qr = format!("/invite/{}/qr.svg", landing.token);
    view! {
        <div class="page-header stack">
            <h1>
                {l.t_with(
                    "invite-heading",
                    &[("inviter", format::address(&landing.inviter)), ("domain", format::domain_name(&landing.domain))],
                )}
            </h1>
            <p class="lead">
                {l.t_with(
                    "invite-lead",
                    &[
                        ("provider", landing.provider.clone()),
                        ("until", format::use_dates().date_time(landing.expires_at)),
                    ],
                )}
            </p>
        </div>
        <section class="card stack" aria-labelledby="step-app">
            <h2 id="step-app" class="card__title">{l.t("invite-step-app")}</h2>
            <AppPicker platform=landing.platform invitation_uri=Some(landing.uri.clone())/>
        </section>
        <section class="card stack" aria-labelledby="step-open">
            <h2 id="step-open" class="card__title">{l.t("invite-step-open")}</h2>
            <p>{l.t("invite-open-explained")}</p>
            <p>
                <a class="button button--primary button--large" href=landing.uri.clone()>
                    {l.t("invite-open-app")}
                </a>
            </p>
            <details>
                <summary>{l.t("invite-other-device")}</summary>
                <div class="qr stack">
                    <p>{l.t("invite-scan")}</p>
                    <img src=qr width="240" height="240" alt=l.t("invite-qr-alt") loading="lazy"/>
                </div>
            </details>
        </section>
        <WebRedemption landing/>
    }
}

#[component]
fn WebRedemption(landing: Landing) -> impl IntoView {
    let l = use_locale();
    let action = ServerAction::<RedeemInvitation>::new();
    let error = action_error(action);
    let kept = move |name: &str| error.get().and_then(|e| e.kept(name).map(str::to_string));
    let fixed = landing.username.clone();
    let typed = RwSignal::new(fixed.clone().unwrap_or_default());
    let token = landing.token.clone();
    // Asked only once something is typed, and only in the browser: without JavaScript the
    // form answers on submission.
    let check = Resource::new(
        move || typed.get(),
        move |username| {
            let token = token.clone();
            async move {
                if username.trim().is_empty() {
                    None
                } else {
                    check_invitation_username(token, username).await.ok()
                }
            }
        },
    );
    let availability = move || {
        check.get().flatten().map(|answer| {
            let (class, text) = match answer {
                UsernameCheck::Available { jid } => (
                    "field__ok",
                    l.t_with("invite-username-available", &[("jid", jid)]),
                ),
                UsernameCheck::Taken => ("field__error", l.t("error-account-exists")),
                UsernameCheck::Invalid => ("field__error", l.t("error-invalid-username")),
                UsernameCheck::Unknown => ("muted", String::new()),
            };
            view! { <span class=class>{text}</span> }
        })
    };
    let domain = landing.domain.clone();
    view! {
        <section class="card stack" aria-labelledby="step-web">
            <h2 id="step-web" class="card__title">{l.t("invite-step-web")}</h2>
            <p>{l.t("invite-web-explained")}</p>
            <FormError error/>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <input type="hidden" name="token" value=landing.token.clone()/>
                <LabelledField id="username" label=l.t("invite-username") error=field_error(error, Field::Username)>
                    <div class="input-suffix">
                        <input
                            id="username"
                            name="username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            readonly=fixed.is_some()
                            value=move || kept("username").or_else(|| fixed.clone())
                            aria-describedby="username-check username-error"
                            on:input=move |ev| typed.set(event_target_value(&ev))
                        />
                        <span class="mono">"@" {domain.clone()}</span>
                    </div>
                    <p class="field__hint" id="username-check" aria-live="polite">
                        <Suspense>{availability}</Suspense>
                    </p>
                </LabelledField>
                <NewPasswordFields min_length=landing.min_password_length error/>
                <div class="form-actions">
                    <button type="submit" class="button button--primary">{l.t("invite-create-account")}</button>
                </div>
            </ActionForm>
        </section>
    }
}
