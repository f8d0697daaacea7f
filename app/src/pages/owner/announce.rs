//! An announcement to every account of a domain (`/domains/NAME/announce`), in two steps that
//! work without JavaScript: the message goes in a GET form ("Preview"), and the page, given
//! `?message=`, shows it exactly as it will arrive (from the domain's address) with the number
//! of recipients, and a "Send to N accounts" form posting it again, which leads to the task's
//! page. A refused message shows its error under the field and stays in it.

use crate::components::title::PageTitle;
use crate::{
    announcements::{announcement_preview, AnnouncementDraft, SendAnnouncement, MAX_MESSAGE},
    components::{
        form::{
            action_error, field_error, textarea_text, ActionErrorAlert, CsrfField, FormError,
            LabelledField,
        },
        layout::Layout,
    },
    error::{AppError, Field},
    i18n::use_locale,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AnnouncePage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let message = move || query.read().get("message");
    // Only once a message was given: the first visit shows the empty form.
    let preview = Resource::new(
        move || (domain(), message()),
        |(domain, message)| async move {
            match message {
                Some(message) => Some(announcement_preview(domain, message).await),
                None => None,
            }
        },
    );
    view! {
        <PageTitle text=move || format!("{} — {}", crate::format::domain_name(&domain()), l.t("announce-title"))/>
        <Layout>
            <div class="page-header">
                <h1>
                    <span class="mono">{move || crate::format::domain_name(&domain())}</span>
                    " — "
                    {l.t("announce-title")}
                </h1>
                <a class="button button--ghost" href=move || format!("/domains/{}", domain())>{l.t("announce-back")}</a>
            </div>
            <p class="lead">{l.t("announce-lead")}</p>
            <Suspense fallback=move || view! { <p class="muted">{l.t("loading")}</p> }>
                {move || preview.get().map(|preview| {
                    let typed = message().unwrap_or_default();
                    view! { <Steps domain=domain() typed preview/> }
                })}
            </Suspense>
        </Layout>
    }
}

/// The message's form, and the preview once there is a valid message.
#[component]
fn Steps(
    domain: String,
    typed: String,
    preview: Option<Result<AnnouncementDraft, AppError>>,
) -> impl IntoView {
    let (preview, preview_error) = match preview {
        Some(Ok(preview)) => (Some(preview), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let preview_error = Signal::derive(move || preview_error.clone());
    view! {
        <MessageForm domain=domain.clone() typed error=preview_error/>
        {preview.map(|preview| view! { <Preview preview/> })}
    }
}

#[component]
fn MessageForm(domain: String, typed: String, error: Signal<Option<AppError>>) -> impl IntoView {
    let l = use_locale();
    let action = format!("/domains/{domain}/announce");
    view! {
        <section class="card stack" aria-labelledby="announce-form-heading">
            <h2 id="announce-form-heading" class="card__title">{l.t("announce-form-heading")}</h2>
            <FormError error/>
            // GET: a preview changes nothing, and the message it shows lives in the URL.
            <form method="get" action=action class="form">
                <LabelledField id="announce-message" label=l.t("announce-message") error=field_error(error, Field::Message)>
                    <textarea id="announce-message" name="message" rows="6" required
                        maxlength=MAX_MESSAGE.to_string()
                        aria-describedby="announce-message-hint announce-message-error">{textarea_text(typed)}</textarea>
                    <p class="field__hint" id="announce-message-hint">
                        {l.t_with("announce-message-hint", &[("max", MAX_MESSAGE.to_string())])}
                    </p>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button" data-announce-preview="">{l.t("announce-preview")}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn Preview(preview: AnnouncementDraft) -> impl IntoView {
    let l = use_locale();
    let send = ServerAction::<SendAnnouncement>::new();
    let error = action_error(send);
    let recipients = match preview.recipients {
        Some(n) => l.t_with("announce-recipients", &[("count", n.to_string())]),
        None => l.t("announce-recipients-unknown"),
    };
    let button = match preview.recipients {
        Some(n) => l.t_with("announce-send", &[("count", n.to_string())]),
        None => l.t("announce-send-all"),
    };
    view! {
        <section
            class="card stack"
            aria-labelledby="announce-preview-heading"
            data-announce-recipients=preview.recipients.map(|n| n.to_string())
        >
            <h2 id="announce-preview-heading" class="card__title">{l.t("announce-preview-heading")}</h2>
            <p>{l.t_with("announce-from", &[("from", crate::format::domain_name(&preview.domain))])}</p>
            <blockquote class="announcement" data-announce-message="">{preview.message.clone()}</blockquote>
            <p>{recipients}</p>
            <ActionErrorAlert error/>
            <ActionForm action=send>
                <CsrfField/>
                <input type="hidden" name="domain" value=preview.domain.clone()/>
                <input type="hidden" name="message" value=preview.message.clone()/>
                <button type="submit" class="button button--primary" data-announce-send="">{button}</button>
            </ActionForm>
        </section>
    }
}
