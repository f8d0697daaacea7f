//! The provider admins' queue of hosting requests (`/admin/requests?status=…`) and one request
//! (`/admin/requests/ID`): who asks, their message, whether the domain's DNS is ready, and the
//! approve and reject forms. Every form posts to a server function that redirects back here, so
//! all of it works without JavaScript.

use crate::{
    components::{
        badge::{Badge, Tone},
        form::{action_error, field_error, textarea_text, CsrfField, ErrorAlert, LabelledField},
        layout::Layout,
        loaded::{set_status, Gone, Loaded},
        table::{Column, DataTable},
        when::When,
    },
    error::{ErrorKind, Field},
    format::use_dates,
    hosting_requests::{
        hosting_queue, hosting_request_detail, ApproveHostingRequest, DnsVerdict, HostingRequest,
        RejectHostingRequest, RequestDetail, RequestQueue, RequestStatus, MAX_REASON,
    },
    i18n::{use_locale, Locale},
    pages::public::hosting_request::{status_badge, DnsRecords},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Someone logged in who is not a provider admin, with a 403 status.
#[component]
pub fn NotForYou() -> impl IntoView {
    set_status(403);
    let l = use_locale();
    view! {
        <Title text=l.t("requests-title")/>
        <Layout>
            <h1>{l.t("requests-title")}</h1>
            <ErrorAlert kind=ErrorKind::Forbidden/>
        </Layout>
    }
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let status = move || query.read().get("status");
    let queue = Resource::new(status, hosting_queue);
    view! {
        <Title text=l.t("requests-title")/>
        <Layout>
            <p><a href="/admin">{l.t("requests-back-console")}</a></p>
            <div class="page-header">
                <h1>{l.t("requests-title")}</h1>
            </div>
            <Loaded resource=queue let:queue>
                <Queue queue/>
            </Loaded>
        </Layout>
    }
}

fn queue_href(status: RequestStatus) -> String {
    format!("/admin/requests?status={}", status.as_str())
}

#[component]
fn Queue(queue: RequestQueue) -> impl IntoView {
    let l = use_locale();
    let tabs = RequestStatus::ALL
        .into_iter()
        .map(|status| {
            let count = queue
                .counts
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |(_, n)| *n);
            let current = status == queue.status;
            view! {
                <li>
                    <a href=queue_href(status) aria-current=current.then_some("page")>
                        {status.label(l)}
                        " "
                        <Badge tone=Tone::Muted label=count.to_string()/>
                    </a>
                </li>
            }
        })
        .collect_view();
    let list = if queue.requests.is_empty() {
        view! { <p class="empty">{l.t("requests-empty")}</p> }.into_any()
    } else {
        view! { <RequestTable requests=queue.requests.clone()/> }.into_any()
    };
    view! {
        <nav class="tabs" aria-label=l.t("requests-tabs-label")>
            <ul>{tabs}</ul>
        </nav>
        <section class="stack" aria-labelledby="requests-list-heading">
            <h2 id="requests-list-heading">{queue.status.label(l)}</h2>
            {list}
        </section>
    }
}

/// The domain as people read it, with its ASCII form under it when it differs.
fn domain_names(request: &HostingRequest) -> impl IntoView {
    let ascii = (request.domain_ascii != request.domain).then(|| {
        view! { <br/><span class="muted mono">{request.domain_ascii.clone()}</span> }
    });
    view! {
        <span class="mono">{request.domain.clone()}</span>
        {ascii}
    }
}

fn yes_no(l: Locale, yes: bool) -> String {
    l.t(if yes { "requests-yes" } else { "requests-no" })
}

fn pending_badge(l: Locale, request: &HostingRequest) -> Option<AnyView> {
    request.provisioning_pending.then(|| {
        view! { <Badge tone=Tone::Warn label=l.t("requests-provisioning-pending")/> }.into_any()
    })
}

#[component]
fn RequestTable(requests: Vec<HostingRequest>) -> impl IntoView {
    let l = use_locale();
    let times = use_dates();
    let rows = requests
        .into_iter()
        .map(|r| {
            let mut dates = vec![l.t_with(
                "requests-date-created",
                &[("date", times.date_time(r.created_at))],
            )];
            dates.extend(
                r.confirmed_at.map(|at| {
                    l.t_with("requests-date-confirmed", &[("date", times.date_time(at))])
                }),
            );
            dates.extend(
                r.decided_at
                    .map(|at| l.t_with("requests-date-decided", &[("date", times.date_time(at))])),
            );
            let dates = dates
                .into_iter()
                .map(|d| view! { <li>{d}</li> })
                .collect_view();
            let xmpp = match r.xmpp.clone() {
                Some(jid) => view! { <span class="mono">{jid}</span> }.into_any(),
                None => view! { <span class="muted">"—"</span> }.into_any(),
            };
            view! {
                <tr>
                    <td>
                        <a href=format!("/admin/requests/{}", r.id)>{domain_names(&r)}</a>
                        {pending_badge(l, &r).map(|b| view! { <br/>{b} })}
                    </td>
                    <td>{r.name.clone()}</td>
                    <td class="mono">{r.email.clone()}</td>
                    <td>{xmpp}</td>
                    <td>{yes_no(l, r.member)}</td>
                    <td><ul class="plain-list">{dates}</ul></td>
                </tr>
            }
        })
        .collect_view();
    let columns = [
        "requests-col-domain",
        "requests-col-requester",
        "requests-col-email",
        "requests-col-xmpp",
        "requests-col-member",
        "requests-col-dates",
    ]
    .map(|key| Column::new(l.t(key)))
    .into();
    view! { <DataTable columns labelled_by="requests-list-heading">{rows}</DataTable> }
}

/// The forms of the detail page; a decision made reads the request again.
#[derive(Clone, Copy)]
struct Decisions {
    approve: ServerAction<ApproveHostingRequest>,
    reject: ServerAction<RejectHostingRequest>,
}

#[component]
pub fn RequestDetailPage() -> impl IntoView {
    let params = use_params_map();
    let l = use_locale();
    let query = use_query_map();
    let decisions = Decisions {
        approve: ServerAction::new(),
        reject: ServerAction::new(),
    };
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let detail = Resource::new(
        move || {
            (
                id(),
                decisions.approve.version().get() + decisions.reject.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => hosting_request_detail(id).await,
                None => Err(ErrorKind::RequestNotFound.into()),
            }
        },
    );
    // What the last form did, from the URL it sent the browser to.
    let done = move || {
        let q = query.read();
        if q.get("__err").is_some() {
            return None;
        }
        match q.get("done").as_deref() {
            Some("approved") => Some(l.t("requests-done-approved")),
            Some("rejected") => Some(l.t("requests-done-rejected")),
            _ => None,
        }
        .map(|text| view! { <div class="alert alert--success" role="status">{text}</div> })
    };
    view! {
        <Title text=l.t("requests-detail-title")/>
        <Layout>
            <p><a href="/admin/requests">{l.t("requests-back-queue")}</a></p>
            {done}
            <Loaded
                resource=detail
                gone=Gone::new(ErrorKind::RequestNotFound, UnknownRequest)
                let:detail
            >
                <Detail detail decisions/>
            </Loaded>
        </Layout>
    }
}

#[component]
fn UnknownRequest() -> impl IntoView {
    set_status(404);
    let l = use_locale();
    view! {
        <h1>{l.t("requests-detail-title")}</h1>
        <ErrorAlert kind=ErrorKind::RequestNotFound/>
    }
}

#[component]
fn Detail(detail: RequestDetail, decisions: Decisions) -> impl IntoView {
    let l = use_locale();
    let r = detail.request.clone();
    // Errors no input of the forms shows (e.g. decided already), whatever the request's state.
    let approve_error = action_error(decisions.approve);
    let reject_error = action_error(decisions.reject);
    let general_error = move || {
        approve_error
            .get()
            .filter(|e| e.kind.field() != Some(Field::Quota))
            .or_else(|| {
                reject_error
                    .get()
                    .filter(|e| e.kind.field() != Some(Field::Reason))
            })
            .map(|e| view! { <ErrorAlert kind=e.kind/> })
    };
    let decision = match r.status {
        RequestStatus::ToReview => view! {
            <div class="grid-cards">
                <ApproveCard id=r.id default_quota=detail.default_quota action=decisions.approve/>
                <RejectCard id=r.id action=decisions.reject/>
            </div>
        }
        .into_any(),
        RequestStatus::Unconfirmed => view! {
            <div class="alert alert--info" role="status">{l.t("requests-unconfirmed-explained")}</div>
        }
        .into_any(),
        RequestStatus::Approved | RequestStatus::Rejected => view! { <Decided request=r.clone()/> }.into_any(),
    };
    view! {
        <div class="page-header">
            <h1>{domain_names(&r)}</h1>
            <p class="cluster">
                {status_badge(l, r.status)}
                {pending_badge(l, &r)}
            </p>
        </div>
        {general_error}
        <RequestFacts request=r.clone()/>
        <DnsCard detail=detail.clone()/>
        {decision}
    }
}

#[component]
fn RequestFacts(request: HostingRequest) -> impl IntoView {
    let l = use_locale();
    let r = request;
    let xmpp = match r.xmpp.clone() {
        Some(jid) => view! { <dd class="mono">{jid}</dd> }.into_any(),
        None => view! { <dd class="muted">{l.t("requests-no-xmpp")}</dd> }.into_any(),
    };
    let confirmed = r.confirmed_at.map(|at| {
        view! {
            <dt>{l.t("requests-fact-confirmed")}</dt>
            <dd><When at/></dd>
        }
    });
    let message = if r.message.is_empty() {
        view! { <p class="muted">{l.t("requests-no-message")}</p> }.into_any()
    } else {
        view! { <blockquote class="request-message">{r.message.clone()}</blockquote> }.into_any()
    };
    view! {
        <section class="card stack" aria-labelledby="request-facts-heading">
            <h2 id="request-facts-heading" class="card__title">{l.t("requests-facts-heading")}</h2>
            <dl class="facts">
                <dt>{l.t("requests-col-requester")}</dt>
                <dd>{r.name.clone()}</dd>
                <dt>{l.t("requests-col-email")}</dt>
                <dd class="mono"><a href=format!("mailto:{}", r.email)>{r.email.clone()}</a></dd>
                <dt>{l.t("requests-col-xmpp")}</dt>
                {xmpp}
                <dt>{l.t("requests-col-member")}</dt>
                <dd>{yes_no(l, r.member)}</dd>
                <dt>{l.t("requests-fact-created")}</dt>
                <dd><When at=r.created_at/></dd>
                {confirmed}
            </dl>
            <h3>{l.t("requests-message-heading")}</h3>
            {message}
        </section>
    }
}

#[component]
fn DnsCard(detail: RequestDetail) -> impl IntoView {
    let l = use_locale();
    let (tone, key, explained) = match detail.dns.verdict {
        DnsVerdict::Ready => (
            Tone::Ok,
            "requests-dns-ready",
            "requests-dns-ready-explained",
        ),
        DnsVerdict::Partial => (
            Tone::Warn,
            "requests-dns-partial",
            "requests-dns-partial-explained",
        ),
        DnsVerdict::NotReady => (
            Tone::Danger,
            "requests-dns-not-ready",
            "requests-dns-not-ready-explained",
        ),
        DnsVerdict::Unavailable => (
            Tone::Muted,
            "requests-dns-unavailable",
            "requests-dns-unavailable-explained",
        ),
    };
    let findings = if detail.dns.findings.is_empty() {
        view! { <p class="muted">{l.t("requests-dns-no-findings")}</p> }.into_any()
    } else {
        let items = detail
            .dns
            .findings
            .iter()
            .map(|f| view! { <li class="mono">{f.clone()}</li> })
            .collect_view();
        view! { <ul class="dns-findings">{items}</ul> }.into_any()
    };
    view! {
        <section class="card stack" aria-labelledby="request-dns-heading">
            <h2 id="request-dns-heading" class="card__title">{l.t("requests-dns-heading")}</h2>
            <p class="cluster">
                <Badge tone label=l.t(key)/>
                <span>{l.t(explained)}</span>
            </p>
            <h3>{l.t("requests-dns-findings")}</h3>
            {findings}
            <details>
                <summary>{l.t("requests-dns-records")}</summary>
                <DnsRecords records=detail.records.clone()/>
            </details>
        </section>
    }
}

#[component]
fn ApproveCard(
    id: i64,
    default_quota: Option<u32>,
    action: ServerAction<ApproveHostingRequest>,
) -> impl IntoView {
    let l = use_locale();
    let error = action_error(action);
    let quota = move || {
        error
            .get()
            .and_then(|e| e.kept("quota").map(str::to_string))
            .or_else(|| default_quota.map(|q| q.to_string()))
    };
    view! {
        <section class="card stack" aria-labelledby="approve-heading">
            <h2 id="approve-heading" class="card__title">{l.t("requests-approve-heading")}</h2>
            <p>{l.t("requests-approve-explained")}</p>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <input type="hidden" name="id" value=id.to_string()/>
                <LabelledField id="approve-quota" label=l.t("quota-label") error=field_error(error, Field::Quota)>
                    <input id="approve-quota" name="quota" type="number" min="0" inputmode="numeric"
                        value=quota aria-describedby="approve-quota-hint approve-quota-error"/>
                    <p class="field__hint" id="approve-quota-hint">{l.t("quota-hint")}</p>
                </LabelledField>
                <div class="form-actions">
                    <button type="submit" class="button button--primary"
                        aria-busy=move || action.pending().get().then_some("true")>
                        {l.t("requests-approve-submit")}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn RejectCard(id: i64, action: ServerAction<RejectHostingRequest>) -> impl IntoView {
    let l = use_locale();
    let error = action_error(action);
    let reason_error = field_error(error, Field::Reason);
    // Read once: a textarea's text is its initial value only, and what was typed stays in it.
    let kept = textarea_text(
        error
            .get_untracked()
            .and_then(|e| e.kept("reason").map(str::to_string))
            .unwrap_or_default(),
    );
    view! {
        <section class="card stack" aria-labelledby="reject-heading">
            <h2 id="reject-heading" class="card__title">{l.t("requests-reject-heading")}</h2>
            <ActionForm action attr:class="form">
                <CsrfField/>
                <input type="hidden" name="id" value=id.to_string()/>
                <div class="field" class:field--invalid=move || reason_error.get().is_some()>
                    <label for="reject-reason">{l.t("requests-reject-reason")}</label>
                    <textarea id="reject-reason" name="reason" rows="4" required maxlength=MAX_REASON.to_string()
                        aria-describedby="reject-reason-hint reject-reason-error">{kept}</textarea>
                    <p class="field__hint" id="reject-reason-hint">{l.t("requests-reject-hint")}</p>
                    <p class="field__error" id="reject-reason-error" role="alert" hidden=move || reason_error.get().is_none()>
                        {reason_error}
                    </p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button--danger"
                        aria-busy=move || action.pending().get().then_some("true")>
                        {l.t("requests-reject-submit")}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Who decided, when, and why (a rejection's reason).
#[component]
fn Decided(request: HostingRequest) -> impl IntoView {
    let l = use_locale();
    let dates = use_dates();
    let r = request;
    let when = r
        .decided_at
        .map(|at| dates.date_time(at))
        .unwrap_or_default();
    let who = r.decided_by.clone().unwrap_or_default();
    let (heading, summary) = if r.status == RequestStatus::Approved {
        (
            l.t("requests-decided-approved"),
            l.t_with(
                "requests-decided-approved-by",
                &[("who", who), ("date", when)],
            ),
        )
    } else {
        (
            l.t("requests-decided-rejected"),
            l.t_with(
                "requests-decided-rejected-by",
                &[("who", who), ("date", when)],
            ),
        )
    };
    let reason = r.reason.clone().map(|reason| {
        view! {
            <h3>{l.t("requests-decided-reason")}</h3>
            <blockquote class="request-message">{reason}</blockquote>
        }
    });
    let domain_link = (r.status == RequestStatus::Approved).then(|| {
        view! {
            <p>
                <a class="button" href=format!("/domains/{}", r.domain_ascii)>
                    {l.t("requests-open-domain")}
                </a>
            </p>
        }
    });
    let pending = r
        .provisioning_pending
        .then(|| view! { <p>{l.t("requests-provisioning-pending-explained")}</p> });
    view! {
        <section class="card stack" aria-labelledby="decided-heading">
            <h2 id="decided-heading" class="card__title">{heading}</h2>
            <p>{summary}</p>
            {reason}
            {pending}
            {domain_link}
        </section>
    }
}
