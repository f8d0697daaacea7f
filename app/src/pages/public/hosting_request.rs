//! The public side of hosting requests: the form (`/request`), "check your mailbox"
//! (`/request/sent`) and the confirmation link (`/request/confirm/TOKEN`), which confirms the
//! request on a button press (never on the GET, which mail scanners follow) and then shows the
//! DNS records to add. Every form posts to a server function, so all of it works without
//! JavaScript.

use crate::{
    components::{
        badge::{Badge, Tone},
        form::{
            action_error, field_error, textarea_text, ActionErrorAlert, CsrfField, FormError,
            LabelledField,
        },
        layout::Layout,
        loaded::{set_status, Gone, Loaded},
    },
    context::use_request_context,
    error::{ErrorKind, Field},
    hosting_requests::{
        request_confirmation, ConfirmHostingRequest, ConfirmationPage, RequestStatus,
        SubmitHostingRequest, MAX_EMAIL, MAX_MESSAGE, MAX_NAME,
    },
    i18n::{use_locale, Locale},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The badge of a request's status.
pub fn status_badge(l: Locale, status: RequestStatus) -> impl IntoView {
    let tone = match status {
        RequestStatus::Unconfirmed => Tone::Muted,
        RequestStatus::ToReview => Tone::Warn,
        RequestStatus::Approved => Tone::Ok,
        RequestStatus::Rejected => Tone::Danger,
    };
    view! { <Badge tone state=status.as_str() label=status.label(l)/> }
}

/// The DNS records a hosted domain needs, ready to copy: the SRV records, or alternatively the
/// CNAME (zone-file lines as the server proposes them).
#[component]
pub fn DnsRecords(records: Vec<String>) -> impl IntoView {
    let l = use_locale();
    let (srv, other): (Vec<String>, Vec<String>) =
        records.into_iter().partition(|r| r.contains(" SRV "));
    let other = (!other.is_empty()).then(|| {
        view! {
            <p>{l.t("dns-records-alternative")}</p>
            <pre class="dns-records" tabindex="0" aria-label=l.t("dns-records-cname-label")><code>{other.join("\n")}</code></pre>
        }
    });
    view! {
        <div class="stack" style="--stack-gap: var(--space-3)">
            <p>{l.t("dns-records-srv")}</p>
            <pre class="dns-records" tabindex="0" aria-label=l.t("dns-records-srv-label")><code>{srv.join("\n")}</code></pre>
            {other}
            <p class="field__hint">{l.t("dns-records-hint")}</p>
        </div>
    }
}

#[component]
pub fn RequestPage() -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let provider = ctx.provider_name.clone();
    view! {
        <Title text=l.t("request-title")/>
        <Layout>
            <div class="page-header stack" style="--stack-gap: var(--space-3)">
                <h1>{l.t_with("request-heading", &[("provider", provider.clone())])}</h1>
                <p class="lead">{l.t("request-lead")}</p>
            </div>
            <ol class="request-steps">
                <li>{l.t("request-step-form")}</li>
                <li>{l.t("request-step-mail")}</li>
                <li>{l.t("request-step-review")}</li>
            </ol>
            <RequestForm/>
        </Layout>
    }
}

#[component]
fn RequestForm() -> impl IntoView {
    let l = use_locale();
    let action = ServerAction::<SubmitHostingRequest>::new();
    let error = action_error(action);
    let kept = move |name: &str| error.get().and_then(|e| e.kept(name).map(str::to_string));
    // Read once: a textarea's text is its initial value only, and what was typed stays in it.
    let kept_message = textarea_text(
        error
            .get_untracked()
            .and_then(|e| e.kept("message").map(str::to_string))
            .unwrap_or_default(),
    );
    let member_error = field_error(error, Field::Member);
    let message_error = field_error(error, Field::Message);
    view! {
        <section class="card stack" aria-labelledby="request-form-heading">
            <h2 id="request-form-heading" class="card__title">{l.t("request-form-heading")}</h2>
            <FormError error/>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <LabelledField id="request-domain" label=l.t("request-domain") error=field_error(error, Field::Domain)>
                    <input id="request-domain" name="domain" type="text" required maxlength="253"
                        autocomplete="off" autocapitalize="none" spellcheck="false"
                        value=move || kept("domain")
                        aria-describedby="request-domain-hint request-domain-error"/>
                    <p class="field__hint" id="request-domain-hint">{l.t("request-domain-hint")}</p>
                </LabelledField>
                <LabelledField id="request-name" label=l.t("request-name") error=field_error(error, Field::Name)>
                    <input id="request-name" name="name" type="text" required maxlength=MAX_NAME.to_string()
                        autocomplete="name" value=move || kept("name")
                        aria-describedby="request-name-error"/>
                </LabelledField>
                <LabelledField id="request-email" label=l.t("request-email") error=field_error(error, Field::Email)>
                    <input id="request-email" name="email" type="email" required maxlength=MAX_EMAIL.to_string()
                        autocomplete="email" autocapitalize="none" spellcheck="false"
                        value=move || kept("email")
                        aria-describedby="request-email-hint request-email-error"/>
                    <p class="field__hint" id="request-email-hint">{l.t("request-email-hint")}</p>
                </LabelledField>
                <LabelledField id="request-xmpp" label=l.t("request-xmpp") error=field_error(error, Field::Jid)>
                    <input id="request-xmpp" name="xmpp" type="text" inputmode="email"
                        autocomplete="off" autocapitalize="none" spellcheck="false"
                        value=move || kept("xmpp")
                        aria-describedby="request-xmpp-hint request-xmpp-error"/>
                    <p class="field__hint" id="request-xmpp-hint">{l.t("request-xmpp-hint")}</p>
                </LabelledField>
                <div class="field" class:field--invalid=move || member_error.get().is_some()>
                    <div class="check">
                        <input id="request-member" name="member" type="checkbox" value="on"
                            checked=move || kept("member").is_some_and(|v| !v.is_empty())
                            aria-describedby="request-member-hint request-member-error"/>
                        <label for="request-member">
                            {l.t("request-member")}
                            <br/>
                            <span class="field__hint" id="request-member-hint">{l.t("request-member-hint")}</span>
                        </label>
                    </div>
                    <p class="field__error" id="request-member-error" role="alert" hidden=move || member_error.get().is_none()>
                        {member_error}
                    </p>
                </div>
                <div class="field" class:field--invalid=move || message_error.get().is_some()>
                    <label for="request-message">{l.t("request-message")}</label>
                    <textarea id="request-message" name="message" rows="5" maxlength=MAX_MESSAGE.to_string()
                        aria-describedby="request-message-hint request-message-error">{kept_message}</textarea>
                    <p class="field__hint" id="request-message-hint">
                        {l.t_with("request-message-hint", &[("max", MAX_MESSAGE.to_string())])}
                    </p>
                    <p class="field__error" id="request-message-error" role="alert" hidden=move || message_error.get().is_none()>
                        {message_error}
                    </p>
                </div>
                // A trap for robots, which fill in every field: hidden from people (visually and
                // from screen readers) but not `type=hidden`, which robots skip.
                <div class="honeypot" aria-hidden="true">
                    <label for="request-website">{l.t("request-honeypot")}</label>
                    <input id="request-website" name="website" type="text" tabindex="-1" autocomplete="off" value=""/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button--primary"
                        aria-busy=move || action.pending().get().then_some("true")>
                        {l.t("request-submit")}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn RequestSentPage() -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=l.t("request-sent-title")/>
        <Layout>
            <h1>{l.t("request-sent-title")}</h1>
            <div class="alert alert--success" role="status">
                <p>{l.t("request-sent-text")}</p>
            </div>
            <p>{l.t("request-sent-spam")}</p>
            <p><a href="/">{l.t("not-found-home")}</a></p>
        </Layout>
    }
}

#[component]
pub fn RequestConfirmPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmHostingRequest>::new();
    let page = Resource::new(
        move || (token(), confirm.version().get()),
        |(token, _)| request_confirmation(token),
    );
    view! {
        <Title text=l.t("request-confirm-title")/>
        <Layout>
            <Loaded resource=page gone=Gone::new(ErrorKind::RequestNotFound, RequestGone) let:page>
                <Confirmation page token=token() confirm/>
            </Loaded>
        </Layout>
    }
}

/// An unknown confirmation link, with a 404 status.
#[component]
fn RequestGone() -> impl IntoView {
    set_status(404);
    let l = use_locale();
    view! {
        <h1>{l.t("request-gone-title")}</h1>
        <p>{ErrorKind::RequestNotFound.message(l)}</p>
        <p><a href="/request">{l.t("request-gone-new")}</a></p>
    }
}

#[component]
fn Confirmation(
    page: ConfirmationPage,
    token: String,
    confirm: ServerAction<ConfirmHostingRequest>,
) -> impl IntoView {
    let l = use_locale();
    let domain = page.domain.clone();
    let body = match page.status {
        RequestStatus::Unconfirmed => view! {
            <section class="card stack" aria-labelledby="confirm-heading">
                <h2 id="confirm-heading" class="card__title">{l.t("request-confirm-step")}</h2>
                <p>{l.t_with("request-confirm-explained", &[("domain", domain.clone())])}</p>
                <ActionErrorAlert error=action_error(confirm)/>
                <ActionForm action=confirm>
                    <CsrfField/>
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" class="button button--primary button--large"
                        aria-busy=move || confirm.pending().get().then_some("true")>
                        {l.t("request-confirm-submit")}
                    </button>
                </ActionForm>
            </section>
        }
        .into_any(),
        RequestStatus::ToReview | RequestStatus::Approved => {
            let text = if page.status == RequestStatus::ToReview {
                l.t("request-confirmed-queue")
            } else {
                l.t("request-confirmed-approved")
            };
            view! {
                <div class="alert alert--success" role="status">
                    <p>{text}</p>
                </div>
                <section class="card stack" aria-labelledby="dns-heading">
                    <h2 id="dns-heading" class="card__title">{l.t("request-dns-heading")}</h2>
                    <p>{l.t_with("request-dns-explained", &[("domain", domain.clone())])}</p>
                    <DnsRecords records=page.records.clone()/>
                </section>
            }
            .into_any()
        }
        RequestStatus::Rejected => view! {
            <div class="alert alert--info" role="status">
                <p>{l.t("request-confirmed-rejected")}</p>
            </div>
        }
        .into_any(),
    };
    view! {
        <div class="page-header stack" style="--stack-gap: var(--space-3)">
            <h1>{l.t_with("request-confirm-heading", &[("domain", page.domain.clone())])}</h1>
            <p class="cluster">
                <span>{l.t("request-status")}</span>
                {status_badge(l, page.status)}
            </p>
        </div>
        {body}
    }
}
