//! "My account": what a user can do with their own XMPP account, and two-factor login (the one
//! part a provider admin's local login has too).

use crate::{
    components::{
        form::{action_error, field_error, CsrfField, FormError, LabelledField},
        layout::Layout,
        loaded::Loaded,
    },
    context::use_request_context,
    error::Field,
    format::{domain_name, use_dates},
    invitations::{
        members::{my_invitations, InviteSomeone, OwnInvitations},
        InvitationRow,
    },
    own_account::{ChangeOwnPassword, DeleteOwnAccount, EndOwnSessions},
    pages::owner::invitations::{state_badge, Created},
    recovery::{recovery_status, RecoveryAddresses, RemoveRecoveryEmail, SetRecoveryEmail},
    two_factor::{
        two_factor_status, ConfirmTwoFactor, RemoveTwoFactor, StartTwoFactor, TwoFactorOverview,
        TwoFactorState,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MePage() -> impl IntoView {
    let ctx = use_request_context();
    let l = ctx.locale;
    let name = ctx
        .user
        .as_ref()
        .map(|u| u.display_name().to_string())
        .unwrap_or_default();
    // A provider admin's local login has no XMPP account to manage.
    let jid = ctx.user.as_ref().and_then(|u| u.jid()).map(str::to_string);
    let query = use_query_map();
    let done = move || {
        query.read().get("done").and_then(|what| {
            let text = match what.as_str() {
                "password" => l.t("me-password-changed"),
                "sessions" => l.t("me-sessions-ended"),
                "recovery-sent" => l.t("me-recovery-sent"),
                "recovery-removed" => l.t("me-recovery-removed"),
                "two-factor-on" => l.t("me-two-factor-turned-on"),
                "two-factor-off" => l.t("me-two-factor-turned-off"),
                "invited" => l.t("me-invite-created"),
                _ => return None,
            };
            Some(view! { <div class="alert alert--success" role="status">{text}</div> })
        })
    };
    view! {
        <Title text=l.t("me-title")/>
        <Layout>
            <div class="page-header">
                <h1>{l.t("me-title")}</h1>
            </div>
            <p class="lead mono">{name}</p>
            {done}
            <TwoFactor/>
            {jid.map(|jid| view! {
                <ChangePassword/>
                <Invite jid=jid.clone()/>
                <Recovery/>
                <EndSessions/>
                <DeleteAccount jid/>
            })}
        </Layout>
    }
}

/// Two-factor login: set up (QR code, secret, first code), recovery codes once, removal.
/// Without JavaScript each form's answer is this page again, read afresh.
#[component]
fn TwoFactor() -> impl IntoView {
    let l = use_request_context().locale;
    let query = use_query_map();
    let status = Resource::new(move || query.read().get("done"), |_| two_factor_status());
    // Here, not in its form: with JavaScript the codes are the confirmation's result, and they
    // must stay on screen when the section shows two-factor login on.
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let just_made = move || {
        confirm
            .value()
            .get()
            .and_then(Result::ok)
            .map(|codes| view! { <RecoveryCodes codes/> })
    };
    view! {
        <section class="card stack" id="two-factor" aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading" class="card__title">{l.t("me-two-factor-heading")}</h2>
            {just_made}
            <Loaded resource=status let:status>
                <TwoFactorBody status confirm/>
            </Loaded>
        </section>
    }
}

#[component]
fn TwoFactorBody(
    status: TwoFactorOverview,
    confirm: ServerAction<ConfirmTwoFactor>,
) -> impl IntoView {
    let l = use_request_context().locale;
    let required = (status.required && !matches!(status.state, TwoFactorState::On { .. })).then(|| {
        view! { <div class="alert alert--warning" role="alert" data-two-factor-required="">{l.t("me-two-factor-required")}</div> }
    });
    let codes = (!status.recovery_codes.is_empty())
        .then(|| view! { <RecoveryCodes codes=status.recovery_codes.clone()/> });
    let body = match status.state {
        TwoFactorState::Off => view! { <StartTwoFactorForm/> }.into_any(),
        TwoFactorState::Pending(setup) => view! {
            <p>{l.t("me-two-factor-scan")}</p>
            <div class="qr-code" role="img" aria-label=l.t("me-two-factor-qr") inner_html=setup.qr_svg></div>
            <p>{l.t("me-two-factor-secret")}" "<code class="mono" data-two-factor-secret=setup.secret.clone()>{setup.secret.clone()}</code></p>
            <ConfirmTwoFactorForm action=confirm/>
        }
        .into_any(),
        TwoFactorState::On { recovery_left } => view! {
            <p data-two-factor="on">{l.t_with("me-two-factor-on", &[("left", recovery_left.to_string())])}</p>
            <RemoveTwoFactorForm/>
        }
        .into_any(),
    };
    view! { {required} {codes} {body} }
}

/// The recovery codes, this once: with JavaScript the confirmation's result, without it the
/// page that follows.
#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let l = use_request_context().locale;
    view! {
        <div class="alert alert--success stack" role="status">
            <p>{l.t("me-two-factor-recovery-codes")}</p>
            <ol class="mono" data-recovery-codes="">
                {codes.into_iter().map(|code| { let marker = code.clone(); view! { <li data-recovery-code=marker>{code}</li> } }).collect_view()}
            </ol>
        </div>
    }
}

#[component]
fn StartTwoFactorForm() -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<StartTwoFactor>::new();
    let error = action_error(action);
    view! {
        <p>{l.t("me-two-factor-explained")}</p>
        <FormError error/>
        <ActionForm action>
            <CsrfField/>
            <button type="submit" class="button" data-two-factor-start="">{l.t("me-two-factor-start")}</button>
        </ActionForm>
    }
}

/// A code field as phones should offer it: digits, filled in by the app where it can.
#[component]
fn CodeInput(id: &'static str) -> impl IntoView {
    view! {
        <input id=id name="code" type="text" inputmode="numeric" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" aria-describedby=format!("{id}-error")/>
    }
}

#[component]
fn ConfirmTwoFactorForm(action: ServerAction<ConfirmTwoFactor>) -> impl IntoView {
    let l = use_request_context().locale;
    let error = action_error(action);
    view! {
        <FormError error/>
        <ActionForm action attr:class="form">
            <CsrfField/>
            <LabelledField id="two-factor-code" label=l.t("me-two-factor-code") error=field_error(error, Field::Code)>
                <CodeInput id="two-factor-code"/>
            </LabelledField>
            <div class="form-actions">
                <button type="submit" class="button button--primary">{l.t("me-two-factor-confirm")}</button>
            </div>
        </ActionForm>
    }
}

#[component]
fn RemoveTwoFactorForm() -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<RemoveTwoFactor>::new();
    let error = action_error(action);
    view! {
        <FormError error/>
        <ActionForm action attr:class="form">
            <CsrfField/>
            <p>{l.t("me-two-factor-remove-explained")}</p>
            <LabelledField id="two-factor-remove-code" label=l.t("me-two-factor-code") error=field_error(error, Field::Code)>
                <CodeInput id="two-factor-remove-code"/>
            </LabelledField>
            <LabelledField id="two-factor-remove-password" label=l.t("me-current-password") error=field_error(error, Field::CurrentPassword)>
                <input id="two-factor-remove-password" name="current_password" type="password" autocomplete="current-password" aria-describedby="two-factor-remove-password-error"/>
            </LabelledField>
            <div class="form-actions">
                <button type="submit" class="button button--danger">{l.t("me-two-factor-remove")}</button>
            </div>
        </ActionForm>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<ChangeOwnPassword>::new();
    let error = action_error(action);
    view! {
        <section class="card stack" aria-labelledby="password-heading">
            <h2 id="password-heading" class="card__title">{l.t("me-password-heading")}</h2>
            <FormError error/>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <LabelledField id="current_password" label=l.t("me-current-password") error=field_error(error, Field::CurrentPassword)>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required aria-describedby="current_password-error"/>
                </LabelledField>
                <LabelledField id="new_password" label=l.t("me-new-password") error=field_error(error, Field::Password)>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" required aria-describedby="new_password-error"/>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button button--primary">{l.t("me-password-submit")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The recovery e-mail address "Forgot your password?" sends reset links to.
#[component]
fn Recovery() -> impl IntoView {
    let l = use_request_context().locale;
    let set = ServerAction::<SetRecoveryEmail>::new();
    let remove = ServerAction::<RemoveRecoveryEmail>::new();
    // Read again after each change (with JavaScript the page stays).
    let status = Resource::new(
        move || (set.version().get(), remove.version().get()),
        |_| recovery_status(),
    );
    view! {
        <section class="card stack" aria-labelledby="recovery-heading">
            <h2 id="recovery-heading" class="card__title">{l.t("me-recovery-heading")}</h2>
            <p>{l.t("me-recovery-explained")}</p>
            <Loaded resource=status keep_while_reloading=true let:status>
                <RecoveryForms status set remove/>
            </Loaded>
        </section>
    }
}

#[component]
fn RecoveryForms(
    status: RecoveryAddresses,
    set: ServerAction<SetRecoveryEmail>,
    remove: ServerAction<RemoveRecoveryEmail>,
) -> impl IntoView {
    let l = use_request_context().locale;
    let error = action_error(set);
    let remove_error = action_error(remove);
    let kept = move || {
        error
            .get()
            .and_then(|e| e.kept("email").map(str::to_string))
    };
    let current = match &status.confirmed {
        Some(email) => view! {
            <p data-recovery="confirmed">
                {l.t("me-recovery-confirmed")}" "<strong class="mono">{email.clone()}</strong>
            </p>
        }
        .into_any(),
        None => {
            view! { <p class="muted" data-recovery="none">{l.t("me-recovery-none")}</p> }.into_any()
        }
    };
    let pending = status.pending.clone().map(|email| {
        view! {
            <p class="muted" data-recovery="pending">
                {l.t_with("me-recovery-pending", &[("email", email)])}
            </p>
        }
    });
    let has_any = status.confirmed.is_some() || status.pending.is_some();
    let submit = if status.confirmed.is_some() {
        "me-recovery-change"
    } else {
        "me-recovery-submit"
    };
    view! {
        {current}
        {pending}
        <FormError error/>
        <ActionForm action=set attr:class="form">
            <CsrfField/>
            <LabelledField id="email" label=l.t("me-recovery-email") error=field_error(error, Field::Email)>
                <input id="email" name="email" type="email" autocomplete="email" required
                    aria-describedby="email-error" value=kept/>
            </LabelledField>
            <div class="form-actions">
                <button type="submit" class="button button--primary">{l.t(submit)}</button>
            </div>
        </ActionForm>
        {has_any.then(|| view! {
            <FormError error=remove_error/>
            <ActionForm action=remove>
                <CsrfField/>
                <button type="submit" class="button">{l.t("me-recovery-remove")}</button>
            </ActionForm>
        })}
    }
}

/// "Invite someone": where the domain's owners let members invite, an invitation for one
/// person (with the member as their contact by default), and the member's invitations.
#[component]
fn Invite(jid: String) -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<InviteSomeone>::new();
    let mine = Resource::new(move || action.version().get(), |_| my_invitations());
    let domain = jid.rsplit('@').next().unwrap_or_default().to_string();
    view! {
        <section class="card stack" aria-labelledby="invite-heading">
            <h2 id="invite-heading" class="card__title">{l.t("me-invite-heading")}</h2>
            <Loaded resource=mine keep_while_reloading=true let:mine>
                <InviteForm mine action domain=domain.clone()/>
            </Loaded>
        </section>
    }
}

#[component]
fn InviteForm(
    mine: OwnInvitations,
    action: ServerAction<InviteSomeone>,
    domain: String,
) -> impl IntoView {
    let l = use_request_context().locale;
    let error = action_error(action);
    let query = use_query_map();
    // The invitation just made: its link and QR code.
    // With JavaScript the page stays, and the action has the new invitation's id.
    let created_id = action
        .value()
        .get_untracked()
        .and_then(Result::ok)
        .or_else(|| {
            query
                .read_untracked()
                .get("invite")
                .and_then(|id| id.parse::<i64>().ok())
        });
    let created = created_id
        .and_then(|id| mine.invitations.iter().find(|r| r.id == id).cloned())
        .map(|row| view! { <Created row domain=domain.clone()/> });
    let policy = mine.policy;
    let form = if policy.per_member == 0 {
        view! {
            <p class="muted" data-member-invite="off">
                {l.t_with("me-invite-off", &[("domain", domain_name(&domain))])}
            </p>
        }
        .into_any()
    } else {
        let wait = mine.wait_until.map(|until| {
            view! {
                <p class="alert" role="status" data-member-invite="wait">
                    {l.t_with("me-invite-wait", &[("date", use_dates().date_time(until))])}
                </p>
            }
        });
        let contact = if policy.contact_only {
            view! {
                <input type="hidden" name="add_contact" value="on"/>
                <p class="muted">{l.t("me-invite-contact-only")}</p>
            }
            .into_any()
        } else {
            view! {
                <div class="check">
                    <input type="checkbox" name="add_contact" value="on" id="me-invite-contact" checked/>
                    <label for="me-invite-contact">{l.t("me-invite-add-contact")}</label>
                </div>
            }
            .into_any()
        };
        let kept = move || {
            error
                .get()
                .and_then(|e| e.kept("email").map(str::to_string))
        };
        view! {
            <p data-member-invite="open" data-invite-cap=policy.per_member data-invite-used=mine.used>
                {l.t_with(
                    "me-invite-explained",
                    &[
                        ("domain", domain_name(&domain)),
                        ("cap", policy.per_member.to_string()),
                        ("used", mine.used.to_string()),
                    ],
                )}
            </p>
            {wait}
            <FormError error/>
            <ActionForm action attr:class="form">
                <CsrfField/>
                {contact}
                <LabelledField id="invite-email" label=l.t("me-invite-email") error=field_error(error, Field::Email)>
                    <input id="invite-email" name="email" type="email" autocomplete="off"
                        aria-describedby="invite-email-error" value=kept/>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button button--primary">{l.t("me-invite-submit")}</button>
                </div>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        {created}
        {form}
        <MyInvitationList rows=mine.invitations/>
    }
}

#[component]
fn MyInvitationList(rows: Vec<InvitationRow>) -> impl IntoView {
    let l = use_request_context().locale;
    if rows.is_empty() {
        return view! { <p class="empty">{l.t("me-invite-none")}</p> }.into_any();
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let accounts = (!row.accounts.is_empty()).then(|| {
                view! {
                    <p class="mono" data-accounts=row.accounts.join(",")>
                        {l.t_with("me-invite-accounts", &[("accounts", row.accounts.join(", "))])}
                    </p>
                }
            });
            view! {
                <li class="card stack" data-my-invite=row.id>
                    <div class="cluster">
                        <span>{use_dates().date_time(row.created_at)}</span>
                        {state_badge(l, row.state)}
                    </div>
                    <p class="mono">{row.link.clone()}</p>
                    {accounts}
                </li>
            }
        })
        .collect_view();
    view! {
        <h3>{l.t("me-invite-list-heading")}</h3>
        <ul class="stack" role="list">{items}</ul>
    }
    .into_any()
}

#[component]
fn EndSessions() -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<EndOwnSessions>::new();
    let error = action_error(action);
    view! {
        <section class="card stack" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading" class="card__title">{l.t("me-sessions-heading")}</h2>
            <p>{l.t("me-sessions-explained")}</p>
            <FormError error/>
            <ActionForm action>
                <CsrfField/>
                <button type="submit" class="button">{l.t("me-sessions-submit")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteAccount(jid: String) -> impl IntoView {
    let l = use_request_context().locale;
    let action = ServerAction::<DeleteOwnAccount>::new();
    let error = action_error(action);
    view! {
        <section class="card stack" aria-labelledby="delete-heading">
            <h2 id="delete-heading" class="card__title">{l.t("me-delete-heading")}</h2>
            <p>{l.t("me-delete-explained")}</p>
            <FormError error/>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <LabelledField id="confirm" label=l.t_with("me-delete-confirm", &[("jid", jid)]) error=field_error(error, Field::Confirm)>
                    <input id="confirm" name="confirm" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" required aria-describedby="confirm-error"/>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button button--danger">{l.t("me-delete-submit")}</button>
                </div>
            </ActionForm>
        </section>
    }
}
