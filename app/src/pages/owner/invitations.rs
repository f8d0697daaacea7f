//! The invitations of a domain, for its owners and the provider's admins: a form to make one
//! (single or multi-use, validity, fixed username, note, contact, e-mail), the new invitation's
//! link and QR code, and every invitation by state with its uses, e-mail and actions. Every
//! action is a form posting to a server function that redirects back here, and the page renders
//! from its URL, so all of it works without JavaScript.

use crate::components::title::PageTitle;
use crate::{
    components::{
        badge::{Badge, Tone},
        form::{
            action_error, field_error, ActionErrorAlert, CsrfField, FormError, LabelledField, Radio,
        },
        layout::Layout,
        loaded::Loaded,
        table::about,
    },
    context::use_request_context,
    error::{AppError, Field},
    format::{address, domain_name, use_dates},
    i18n::{use_locale, Locale},
    invitations::{
        domain_invitations, CreateInvitation, Done, EmailInvitation, InvitationList, InvitationRow,
        InvitationState, MailState, RevokeInvitation, Validity, MAX_USES,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};

/// Selects the whole text of a read-only input when it gets the focus, so a link is copied in
/// one gesture (with JavaScript; without, the input is still easy to select by hand).
pub fn select_on_focus(ev: leptos::ev::FocusEvent) {
    event_target::<leptos::web_sys::HtmlInputElement>(&ev).select();
}

/// The page's forms; the row forms are shared by every invitation.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateInvitation>,
    revoke: ServerAction<RevokeInvitation>,
    email: ServerAction<EmailInvitation>,
}

impl Actions {
    fn new() -> Actions {
        Actions {
            create: ServerAction::new(),
            revoke: ServerAction::new(),
            email: ServerAction::new(),
        }
    }

    /// Changes whenever a form came back, so the list is read again.
    fn version(self) -> usize {
        self.create.version().get() + self.revoke.version().get() + self.email.version().get()
    }

    /// In the browser, once a form is sent, what the others showed (an error) goes away.
    fn forget_older_results(self) {
        Effect::new(move |_| {
            let (create, revoke, email) = (
                self.create.pending().get(),
                self.revoke.pending().get(),
                self.email.pending().get(),
            );
            if create || revoke || email {
                if !create {
                    self.create.value().set(None);
                }
                if !revoke {
                    self.revoke.value().set(None);
                }
                if !email {
                    self.email.value().set(None);
                }
            }
        });
    }

    fn any_error(self) -> bool {
        action_error(self.create).get().is_some()
            || action_error(self.revoke).get().is_some()
            || action_error(self.email).get().is_some()
    }
}

/// The token of an invitation: the last segment of its landing page's address.
fn token(row: &InvitationRow) -> &str {
    row.link.rsplit('/').next().unwrap_or_default()
}

fn qr_src(row: &InvitationRow) -> String {
    format!("/invite/{}/qr.svg", token(row))
}

#[component]
pub fn InvitationsPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let actions = Actions::new();
    actions.forget_older_results();
    let list = Resource::new(
        move || (domain(), actions.version()),
        |(domain, _)| domain_invitations(domain),
    );
    // What the last form did, from the URL it sent the browser to.
    let done = move || {
        let q = query.read();
        if q.get("__err").is_some() {
            return None;
        }
        let done = Done::parse(&q.get("done")?)?;
        let id = q.get("invite")?.parse::<i64>().ok()?;
        Some((done, id))
    };
    view! {
        <PageTitle text=move || format!("{} — {}", domain_name(&domain()), l.t("invites-title"))/>
        <Layout>
            <p>
                <a href=move || format!("/domains/{}", domain())>{l.t("invites-back")}</a>
            </p>
            <div class="page-header">
                <h1>{move || l.t_with("invites-heading", &[("domain", domain_name(&domain()))])}</h1>
            </div>
            <Loaded resource=list keep_while_reloading=true let:list>
                <Invitations list actions done=done()/>
            </Loaded>
        </Layout>
    }
}

#[component]
fn Invitations(list: InvitationList, actions: Actions, done: Option<(Done, i64)>) -> impl IntoView {
    let l = use_request_context().locale;
    let domain = list.domain.clone();
    let dashboard = format!("/domains/{domain}");
    let unsynced = (!list.synced).then(|| {
        view! { <div class="alert alert--warning" role="status">{l.t("invites-unsynced")}</div> }
    });
    let closed = list.registration_closed.then(|| {
        view! {
            <div class="alert alert--warning" role="status">
                <p>{l.t("invites-registration-closed")}</p>
                <p><a href=dashboard.clone()>{l.t("invites-registration-closed-link")}</a></p>
            </div>
        }
    });
    let created = done
        .filter(|(d, _)| *d == Done::Created)
        .and_then(|(_, id)| list.invitations.iter().find(|r| r.id == id).cloned())
        .filter(|row| row.state == InvitationState::Pending)
        .map(|row| view! { <Created row domain=domain.clone()/> });
    let pending_ids: Vec<i64> = list
        .invitations
        .iter()
        .filter(|r| r.state == InvitationState::Pending)
        .map(|r| r.id)
        .collect();
    let create = if list.registration_closed {
        view! {
            <section class="card stack" aria-labelledby="invite-create-heading">
                <h2 id="invite-create-heading" class="card__title">{l.t("invites-create-heading")}</h2>
                <p>{l.t("invites-create-closed")}</p>
                <p><a class="button" href=dashboard>{l.t("invites-registration-closed-link")}</a></p>
            </section>
        }
        .into_any()
    } else {
        view! {
            <CreateCard domain=domain.clone() contact=list.contact.clone() actions/>
            <BulkCard domain=domain.clone()/>
        }
        .into_any()
    };
    view! {
        <Notice actions done list=list.clone()/>
        <FormError error=action_error(actions.revoke)/>
        <StrayEmailErrors actions pending_ids/>
        {unsynced}
        {closed}
        {created}
        {create}
        <InvitationGroups list highlight=done.map(|(_, id)| id) actions/>
    }
}

/// What the last form did (so it shows without JavaScript too), unless a form came back with an
/// error since.
#[component]
fn Notice(actions: Actions, done: Option<(Done, i64)>, list: InvitationList) -> impl IntoView {
    let l = use_request_context().locale;
    move || {
        if actions.any_error() {
            return None;
        }
        let (done, id) = done?;
        let text = match done {
            Done::Created => l.t("invites-done-created"),
            Done::Revoked => l.t("invites-done-revoked"),
            Done::Emailed => match list
                .invitations
                .iter()
                .find(|r| r.id == id)
                .and_then(|r| r.email.clone())
            {
                Some(email) => l.t_with("invites-done-emailed", &[("email", email)]),
                None => l.t("invites-done-emailed-unknown"),
            },
        };
        Some(view! { <div class="alert alert--success" role="status">{text}</div> })
    }
}

/// E-mail errors that no invitation on the page can show (e.g. an expired form, or an
/// invitation that is no longer pending).
#[component]
fn StrayEmailErrors(actions: Actions, pending_ids: Vec<i64>) -> impl IntoView {
    let error = action_error(actions.email);
    let stray = Signal::derive(move || {
        error.get().filter(|e| {
            !e.kept("invite")
                .and_then(|id| id.parse::<i64>().ok())
                .is_some_and(|id| pending_ids.contains(&id))
        })
    });
    view! { <ActionErrorAlert error=stray/> }
}

/// The invitation just made: its link and QR code, to share at once.
#[component]
pub fn Created(row: InvitationRow, domain: String) -> impl IntoView {
    let l = use_request_context().locale;
    let until = use_dates().date_time(row.expires_at);
    let domain = domain_name(&domain);
    let share = if row.max_uses > 1 {
        l.t_with(
            "invites-created-share-multi",
            &[
                ("domain", domain),
                ("until", until),
                ("max", row.max_uses.to_string()),
            ],
        )
    } else {
        l.t_with(
            "invites-created-share-single",
            &[("domain", domain), ("until", until)],
        )
    };
    let email = row
        .email
        .clone()
        .map(|email| view! { <p>{l.t_with("invites-created-email", &[("email", email)])}</p> });
    view! {
        <section class="card stack invite-created" aria-labelledby="invite-created-heading">
            <h2 id="invite-created-heading" class="card__title">{l.t("invites-created-heading")}</h2>
            <div class="field">
                <label for="invite-created-link">{l.t("invites-link-label")}</label>
                <input id="invite-created-link" type="text" class="mono" readonly value=row.link.clone()
                    autocomplete="off" spellcheck="false" on:focus=select_on_focus
                    aria-describedby="invite-created-share"/>
            </div>
            <p id="invite-created-share">{share}</p>
            {email}
            <figure class="invite-qr">
                <img src=qr_src(&row) alt=l.t("invites-qr-alt") width="240" height="240"/>
                <figcaption class="muted">{l.t("invites-qr-caption")}</figcaption>
            </figure>
        </section>
    }
}

/// Invitations for a list of addresses: pasted, or a file (one address a line, or a CSV file).
/// A multipart form posting to a plain handler (a file needs one), which sends the browser to
/// the job's page, or back here with the error in the URL as a server function would.
#[component]
fn BulkCard(domain: String) -> impl IntoView {
    let l = use_request_context().locale;
    let query = use_query_map();
    let path = crate::bulk::bulk_invitations_action(&domain);
    let error_path = path.clone();
    let error = Signal::derive(move || {
        let q = query.read();
        (q.get("__path").as_deref() == Some(error_path.as_str()))
            .then(|| q.get("__err"))
            .flatten()
            .map(|e| leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(&e))
    });
    let list_error = field_error(error, Field::Addresses);
    let locale = Signal::derive(move || l);
    view! {
        <section class="card stack" id="bulk-invite" aria-labelledby="bulk-invite-heading">
            <h2 id="bulk-invite-heading" class="card__title">{l.t("bulk-invite-heading")}</h2>
            <p class="muted">{l.t_with("bulk-invite-explained", &[("max", crate::bulk::MAX_ADDRESSES.to_string())])}</p>
            <FormError error/>
            <form method="post" action=path enctype="multipart/form-data" class="form">
                <CsrfField/>
                <div class="field" class:field--invalid=move || list_error.get().is_some()>
                    <label for="bulk-invite-addresses">{l.t("bulk-invite-addresses")}</label>
                    <textarea id="bulk-invite-addresses" name="addresses" rows="6" autocomplete="off"
                        autocapitalize="none" spellcheck="false"
                        aria-describedby="bulk-invite-addresses-hint bulk-invite-addresses-error"
                        aria-invalid=move || list_error.get().is_some().then_some("true")></textarea>
                    <p class="field__hint" id="bulk-invite-addresses-hint">{l.t("bulk-invite-addresses-hint")}</p>
                    <p class="field__error" id="bulk-invite-addresses-error" role="alert" hidden=move || list_error.get().is_none()>
                        {list_error}
                    </p>
                </div>
                <div class="field">
                    <label for="bulk-invite-file">{l.t("bulk-invite-file")}</label>
                    <input id="bulk-invite-file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain"
                        aria-describedby="bulk-invite-file-hint"/>
                    <p class="field__hint" id="bulk-invite-file-hint">{l.t("bulk-invite-file-hint")}</p>
                </div>
                <div class="field">
                    <label for="bulk-invite-locale">{l.t("invites-email-locale")}</label>
                    <select id="bulk-invite-locale" name="email_locale">
                        <LocaleOptions selected=locale/>
                    </select>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button--primary">{l.t("bulk-invite-submit")}</button>
                </div>
            </form>
        </section>
    }
}

/// The value the last creation attempt sent for `name`, when it came back with an error.
fn kept(error: Signal<Option<AppError>>, name: &'static str) -> Option<String> {
    error.get().and_then(|e| e.kept(name).map(str::to_string))
}

#[component]
fn LocaleOptions(selected: Signal<Locale>) -> impl IntoView {
    Locale::ALL
        .into_iter()
        .map(|locale| {
            view! {
                <option value=locale.code() selected=move || selected.get() == locale>
                    {locale.native_name()}
                </option>
            }
        })
        .collect_view()
}

#[component]
fn CreateCard(domain: String, contact: Option<String>, actions: Actions) -> impl IntoView {
    let l = use_request_context().locale;
    let action = actions.create;
    let error = action_error(action);
    let max_error = field_error(error, Field::MaxUses);
    let username_error = field_error(error, Field::Username);
    let email_error = field_error(error, Field::Email);
    let multi = move || kept(error, "uses").as_deref() == Some("multi");
    let validity = move || Validity::parse(kept(error, "validity").as_deref()).unwrap_or_default();
    let validities = Validity::ALL
        .into_iter()
        .map(|v| {
            view! {
                <option value=v.as_str() selected=move || validity() == v>{l.t(v.label_key())}</option>
            }
        })
        .collect_view();
    let email_locale = Signal::derive(move || {
        kept(error, "email_locale")
            .as_deref()
            .and_then(Locale::from_code)
            .unwrap_or(l)
    });
    let contact = contact.map(|jid| {
        view! {
            <div class="check">
                <input type="checkbox" name="add_contact" value="1" id="invite-add-contact"
                    checked=move || kept(error, "add_contact").is_some_and(|v| !v.is_empty())
                    aria-describedby="invite-add-contact-hint"/>
                <label for="invite-add-contact">
                    {l.t_with("invites-add-contact", &[("jid", jid)])}
                    <br/>
                    <span class="field__hint" id="invite-add-contact-hint">{l.t("invites-add-contact-hint")}</span>
                </label>
            </div>
        }
    });
    view! {
        <section class="card stack" aria-labelledby="invite-create-heading">
            <h2 id="invite-create-heading" class="card__title">{l.t("invites-create-heading")}</h2>
            <FormError error/>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <input type="hidden" name="domain" value=domain.clone()/>
                <fieldset class="field">
                    <legend>{l.t("invites-uses-legend")}</legend>
                    <Radio name="uses" value="single" id="invite-uses-single" checked=Signal::derive(move || !multi())>
                        {l.t("invites-uses-single")}
                    </Radio>
                    <Radio name="uses" value="multi" id="invite-uses-multi" checked=Signal::derive(multi)>
                        {l.t("invites-uses-multi")}
                    </Radio>
                </fieldset>
                <LabelledField id="invite-max-uses" label=l.t("invites-max-uses") error=max_error>
                    <input id="invite-max-uses" name="max_uses" type="number" min="1" max=MAX_USES.to_string()
                        inputmode="numeric"
                        value=move || kept(error, "max_uses").unwrap_or_else(|| "10".into())
                        aria-invalid=move || max_error.get().is_some().then_some("true")
                        aria-describedby="invite-max-uses-hint invite-max-uses-error"/>
                    <p class="field__hint" id="invite-max-uses-hint">
                        {l.t_with("invites-max-uses-hint", &[("max", MAX_USES.to_string())])}
                    </p>
                </LabelledField>
                <div class="field">
                    <label for="invite-validity">{l.t("invites-validity")}</label>
                    <select id="invite-validity" name="validity">{validities}</select>
                </div>
                <LabelledField id="invite-username" label=l.t("invites-username") error=username_error>
                    <div class="input-suffix">
                        <input id="invite-username" name="username" type="text" autocomplete="off"
                            autocapitalize="none" spellcheck="false"
                            value=move || kept(error, "username")
                            aria-invalid=move || username_error.get().is_some().then_some("true")
                            aria-describedby="invite-username-hint invite-username-error"/>
                        <span class="input-suffix__text mono">"@"{domain_name(&domain)}</span>
                    </div>
                    <p class="field__hint" id="invite-username-hint">{l.t("invites-username-hint")}</p>
                </LabelledField>
                <div class="field">
                    <label for="invite-note">{l.t("invites-note")}</label>
                    <input id="invite-note" name="note" type="text" maxlength="500" autocomplete="off"
                        value=move || kept(error, "note") aria-describedby="invite-note-hint"/>
                    <p class="field__hint" id="invite-note-hint">{l.t("invites-note-hint")}</p>
                </div>
                {contact}
                <LabelledField id="invite-email" label=l.t("invites-email") error=email_error>
                    <input id="invite-email" name="email" type="email" autocomplete="off"
                        autocapitalize="none" spellcheck="false"
                        value=move || kept(error, "email")
                        aria-invalid=move || email_error.get().is_some().then_some("true")
                        aria-describedby="invite-email-hint invite-email-error"/>
                    <p class="field__hint" id="invite-email-hint">{l.t("invites-email-hint")}</p>
                </LabelledField>
                <div class="field">
                    <label for="invite-email-locale">{l.t("invites-email-locale")}</label>
                    <select id="invite-email-locale" name="email_locale">
                        <LocaleOptions selected=email_locale/>
                    </select>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button--primary"
                        aria-busy=move || action.pending().get().then_some("true")>
                        {l.t("invites-create-submit")}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The invitations, newest first within each state; pending ones first and open, the others
/// folded away.
#[component]
fn InvitationGroups(
    list: InvitationList,
    highlight: Option<i64>,
    actions: Actions,
) -> impl IntoView {
    let l = use_request_context().locale;
    let domain = list.domain.clone();
    let group = |state: InvitationState| -> Vec<InvitationRow> {
        list.invitations
            .iter()
            .filter(|r| r.state == state)
            .cloned()
            .collect()
    };
    let cards = move |rows: Vec<InvitationRow>| {
        let domain = domain.clone();
        view! {
            <ul class="invite-list stack">
                {rows
                    .into_iter()
                    .map(|row| {
                        let highlight = highlight == Some(row.id);
                        view! { <InvitationCard row domain=domain.clone() highlight actions/> }
                    })
                    .collect_view()}
            </ul>
        }
    };
    let pending = group(InvitationState::Pending);
    let pending_view = if pending.is_empty() {
        view! { <p class="empty">{l.t("invites-none-pending")}</p> }.into_any()
    } else {
        cards(pending).into_any()
    };
    let others = [
        (InvitationState::UsedUp, "used"),
        (InvitationState::Expired, "expired"),
        (InvitationState::Revoked, "revoked"),
    ]
    .into_iter()
    .filter_map(|(state, name)| {
        let rows = group(state);
        if rows.is_empty() {
            return None;
        }
        let open = highlight.is_some_and(|id| rows.iter().any(|r| r.id == id));
        let count = rows.len();
        let title = l.t_with(
            &format!("invites-group-{name}"),
            &[("count", count.to_string())],
        );
        Some(view! {
            <details class="invite-group" open=open data-group=name data-count=count>
                <summary><h3>{title}</h3></summary>
                {cards(rows)}
            </details>
        })
    })
    .collect_view();
    let pending_count = list
        .invitations
        .iter()
        .filter(|r| r.state == InvitationState::Pending)
        .count();
    view! {
        <section class="stack" aria-labelledby="invites-list-heading">
            <h2 id="invites-list-heading">{l.t("invites-list-heading")}</h2>
            {list.invitations.is_empty().then(|| view! { <p class="empty">{l.t("invites-empty")}</p> })}
            {(!list.invitations.is_empty()).then(|| view! {
                <h3 data-group="pending" data-count=pending_count>
                    {l.t_with("invites-group-pending", &[("count", pending_count.to_string())])}
                </h3>
                {pending_view}
                {others}
            })}
        </section>
    }
}

pub fn state_badge(l: Locale, state: InvitationState) -> impl IntoView {
    let (tone, key, name) = match state {
        InvitationState::Pending => (Tone::Ok, "invites-state-pending", "pending"),
        InvitationState::UsedUp => (Tone::Muted, "invites-state-used", "used"),
        InvitationState::Expired => (Tone::Warn, "invites-state-expired", "expired"),
        InvitationState::Revoked => (Tone::Danger, "invites-state-revoked", "revoked"),
    };
    view! { <Badge tone state=name label=l.t(key)/> }
}

#[component]
fn InvitationCard(
    row: InvitationRow,
    domain: String,
    highlight: bool,
    actions: Actions,
) -> impl IntoView {
    let l = use_request_context().locale;
    let id = row.id;
    let heading_id = format!("invite-{id}-heading");
    let title = match (&row.username, row.max_uses) {
        (Some(username), _) => l.t_with(
            "invites-title-for",
            &[("jid", address(&format!("{username}@{domain}")))],
        ),
        (None, 1) => l.t("invites-title-single"),
        (None, max) => l.t_with("invites-title-multi", &[("max", max.to_string())]),
    };
    // Names the invitation in the controls' accessible names, as the title alone may repeat.
    let dates = use_dates();
    let name = format!("{title}, {}", dates.date_time(row.created_at));
    let pending = row.state == InvitationState::Pending;
    let accounts = if row.accounts.is_empty() {
        view! { <span class="muted">{l.t("invites-accounts-none")}</span> }.into_any()
    } else {
        view! { <span class="mono" data-accounts=row.accounts.join(",")>{row.accounts.join(", ")}</span> }.into_any()
    };
    let username = row.username.clone().map(|u| {
        view! {
            <dt>{l.t("invites-fact-username")}</dt>
            <dd class="mono">{address(&format!("{u}@{domain}"))}</dd>
        }
    });
    let note = (!row.note.is_empty()).then(|| {
        view! {
            <dt>{l.t("invites-fact-note")}</dt>
            <dd>{row.note.clone()}</dd>
        }
    });
    let contact = row.contact.clone().map(|c| {
        view! {
            <dt>{l.t("invites-fact-contact")}</dt>
            <dd class="mono">{address(&c)}</dd>
        }
    });
    // Who invited whom, for an invitation a member made on their page.
    let invited_by = row.by_member.then(|| {
        view! {
            <dt>{l.t("invites-fact-invited-by")}</dt>
            <dd class="mono" data-invited-by=row.created_by.clone()>{address(&row.created_by)}</dd>
        }
    });
    let email = row.email.clone().map(|address| {
        view! {
            <dt>{l.t("invites-fact-email")}</dt>
            <dd>
                <MailStatus id address locale=row.email_locale.clone() mail=row.mail.clone() pending domain=domain.clone() actions/>
            </dd>
        }
    });
    let row_actions = pending
        .then(|| view! { <PendingActions row=row.clone() domain=domain.clone() name actions/> });
    view! {
        <li class="card stack invite" class:invite--highlight=highlight id=format!("invite-{id}")>
            <div class="cluster">
                <h4 id=heading_id class="card__title invite__title">{title}</h4>
                {state_badge(l, row.state)}
            </div>
            <dl class="facts">
                <dt>{l.t("invites-fact-created")}</dt>
                <dd>
                    {l.t_with(
                        "invites-created-by",
                        &[("date", dates.date_time(row.created_at)), ("who", address(&row.created_by))],
                    )}
                </dd>
                <dt>{l.t("invites-fact-valid-until")}</dt>
                <dd>{dates.date_time(row.expires_at)}</dd>
                <dt>{l.t("invites-fact-uses")}</dt>
                <dd>{format!("{} / {}", row.uses, row.max_uses)}</dd>
                <dt>{l.t("invites-fact-accounts")}</dt>
                <dd>{accounts}</dd>
                {username}
                {note}
                {contact}
                {invited_by}
                {email}
            </dl>
            {row_actions}
        </li>
    }
    // Erased: a page of these cards nests deep enough to strain a worker's stack.
    .into_any()
}

/// The recipient of an invitation's e-mail and where the e-mail stands, with a retry button
/// when sending failed.
#[component]
fn MailStatus(
    id: i64,
    address: String,
    /// The language the e-mail was written in, kept for a retry.
    locale: Option<String>,
    mail: Option<MailState>,
    pending: bool,
    domain: String,
    actions: Actions,
) -> impl IntoView {
    let l = use_request_context().locale;
    let (badge, text, retry) = match mail {
        None => (None, None, false),
        Some(MailState::Sent { at }) => (
            Some((Tone::Ok, l.t("invites-mail-sent"))),
            Some(l.t_with(
                "invites-mail-sent-at",
                &[("date", use_dates().date_time(at))],
            )),
            false,
        ),
        Some(MailState::Queued {
            attempts,
            last_error,
        }) => {
            let text = match (attempts, last_error) {
                (0, _) => l.t("invites-mail-queued-first"),
                (n, Some(error)) => l.t_with(
                    "invites-mail-queued-retrying",
                    &[("attempts", n.to_string()), ("error", error)],
                ),
                (n, None) => l.t_with(
                    "invites-mail-queued-retrying-unknown",
                    &[("attempts", n.to_string())],
                ),
            };
            // Already failed once: no need to wait for the next automatic attempt.
            (
                Some((Tone::Warn, l.t("invites-mail-queued"))),
                Some(text),
                attempts > 0,
            )
        }
        Some(MailState::Failed {
            attempts,
            last_error,
        }) => {
            let text = l.t_with(
                "invites-mail-failed-after",
                &[
                    ("attempts", attempts.to_string()),
                    ("error", last_error.unwrap_or_else(|| "?".into())),
                ],
            );
            (
                Some((Tone::Danger, l.t("invites-mail-failed"))),
                Some(text),
                true,
            )
        }
    };
    let retry_address = address.clone();
    let retry = (retry && pending).then(move || {
        let address = retry_address;
        let retry_about = about(&address);
        view! {
            <ActionForm action=actions.email>
                <CsrfField/>
                <input type="hidden" name="domain" value=domain/>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="email" value=address/>
                {locale.map(|code| view! { <input type="hidden" name="email_locale" value=code/> })}
                <button type="submit" class="button button--small">{l.t("invites-mail-retry")}{retry_about}</button>
            </ActionForm>
        }
    });
    view! {
        <div class="stack" style="--stack-gap: var(--space-2)">
            <p class="cluster">
                <span class="mono">{address}</span>
                {badge.map(|(tone, label)| view! { <Badge tone label/> })}
            </p>
            {text.map(|t| view! { <p class="field__hint">{t}</p> })}
            {retry}
        </div>
    }
}

/// What can be done with an invitation that still works: copy its link, show its QR code,
/// send it by e-mail, withdraw it.
#[component]
fn PendingActions(
    row: InvitationRow,
    domain: String,
    name: String,
    actions: Actions,
) -> impl IntoView {
    let l = use_request_context().locale;
    let id = row.id;
    let id_text = id.to_string();
    let email_error = Signal::derive(move || {
        action_error(actions.email)
            .get()
            .filter(|e| e.kept("invite") == Some(id_text.as_str()))
    });
    let email_field_error = field_error(email_error, Field::Email);
    let email_other_error =
        Signal::derive(move || email_error.get().filter(|e| e.kind.field().is_none()));
    let link_id = format!("invite-{id}-link");
    let email_id = format!("invite-{id}-email");
    let email_error_id = format!("invite-{id}-email-error");
    let locale_id = format!("invite-{id}-email-locale");
    let page_locale = Signal::derive(move || l);
    let kept_email = move || {
        email_error
            .get()
            .and_then(|e| e.kept("email").map(str::to_string))
    };
    let (link_about, qr_about, email_about, send_about, revoke_about, confirm_about) = (
        about(&name),
        about(&name),
        about(&name),
        about(&name),
        about(&name),
        about(&name),
    );
    let (email_domain, revoke_domain) = (domain.clone(), domain);
    view! {
        <div class="field">
            <label for=link_id.clone()>{l.t("invites-link-label")}{link_about}</label>
            <input id=link_id type="text" class="mono" readonly value=row.link.clone()
                autocomplete="off" spellcheck="false" on:focus=select_on_focus/>
        </div>
        <details class="invite-action">
            <summary>{l.t("invites-qr-show")}{qr_about}</summary>
            <figure class="invite-qr">
                <img src=qr_src(&row) alt=l.t("invites-qr-alt") width="240" height="240" loading="lazy"/>
            </figure>
        </details>
        <details class="invite-action" open=move || email_error.get().is_some()>
            <summary>{l.t("invites-email-show")}{email_about}</summary>
            <FormError error=email_other_error/>
            <ActionForm action=actions.email attr:class="form">
                <CsrfField/>
                <input type="hidden" name="domain" value=email_domain/>
                <input type="hidden" name="id" value=id.to_string()/>
                <div class="field" class:field--invalid=move || email_field_error.get().is_some()>
                    <label for=email_id.clone()>{l.t("invites-email-address")}</label>
                    <input id=email_id name="email" type="email" required autocomplete="off"
                        autocapitalize="none" spellcheck="false" value=kept_email
                        aria-invalid=move || email_field_error.get().is_some().then_some("true")
                        aria-describedby=email_error_id.clone()/>
                    <p class="field__error" id=email_error_id role="alert" hidden=move || email_field_error.get().is_none()>
                        {email_field_error}
                    </p>
                </div>
                <div class="field">
                    <label for=locale_id.clone()>{l.t("invites-email-locale")}</label>
                    <select id=locale_id name="email_locale">
                        <LocaleOptions selected=page_locale/>
                    </select>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button--small">{l.t("invites-email-submit")}{send_about}</button>
                </div>
            </ActionForm>
        </details>
        <details class="invite-action">
            <summary>{l.t("invites-revoke-show")}{revoke_about}</summary>
            <div class="stack" style="--stack-gap: var(--space-3)">
                <p>{l.t("invites-revoke-confirm")}</p>
                <ActionForm action=actions.revoke>
                    <CsrfField/>
                    <input type="hidden" name="domain" value=revoke_domain/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="button button--danger button--small">
                        {l.t("invites-revoke-submit")}{confirm_about}
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}
