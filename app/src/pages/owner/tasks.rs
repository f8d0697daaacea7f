//! The page of an owner task (`/domains/NAME/tasks/ID`), whatever its kind: its title, state,
//! a progress bar with "n of m", and once it has finished its report (how many items succeeded
//! and failed, and why each failed one did). While it runs the page loads itself again every
//! few seconds (`<meta http-equiv="refresh">`, with or without JavaScript).
//!
//! Stable markers for tests: `data-task-state`, `data-task-done`, `data-task-total`,
//! `data-task-succeeded`, `data-task-failed` on the task's section, `data-task-failure` on
//! each failed item.

use crate::components::title::PageTitle;
use crate::{
    components::{
        badge::{Badge, Tone},
        layout::Layout,
        loaded::Loaded,
        when::When,
    },
    i18n::use_locale,
    tasks::{owner_task, TaskFailure, TaskState, TaskView, REFRESH_SECS},
};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TaskPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    // Not a number: no such task (the server answers as for another domain's).
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let task = Resource::new(
        move || (domain(), id()),
        |(domain, id)| owner_task(domain, id),
    );
    view! {
        <PageTitle text=move || format!("{} — {}", crate::format::domain_name(&domain()), l.t("task-page-title"))/>
        <Layout>
            <Loaded resource=task error_heading=move || view! { <h1>{l.t("task-page-title")}</h1> } let:task>
                <Task task/>
            </Loaded>
        </Layout>
    }
}

/// The badge of a task's state.
fn state_badge(l: crate::i18n::Locale, state: TaskState) -> impl IntoView {
    let tone = match state {
        TaskState::Queued => Tone::Muted,
        TaskState::Running => Tone::Warn,
        TaskState::Done => Tone::Ok,
        TaskState::Failed => Tone::Danger,
    };
    view! { <Badge tone state=state.as_str() label=state.label(l)/> }
}

#[component]
fn Task(task: TaskView) -> impl IntoView {
    let l = use_locale();
    let refresh = task
        .state
        .is_open()
        .then(|| view! { <Meta http_equiv="refresh" content=REFRESH_SECS.to_string()/> });
    let total = task.total.map(|t| t.max(task.done));
    let counted = match total {
        Some(total) => l.t_with(
            "task-progress",
            &[
                ("done", task.done.to_string()),
                ("total", total.to_string()),
            ],
        ),
        None => l.t_with("task-progress-unknown", &[("done", task.done.to_string())]),
    };
    // Without a total the bar is indeterminate (no value).
    let bar = match total {
        Some(total) => view! {
            <progress id="task-progress" class="task-progress" max=total.max(1).to_string() value=task.done.to_string()
                aria-describedby="task-progress-text"></progress>
        }
        .into_any(),
        None => {
            view! { <progress id="task-progress" class="task-progress" aria-describedby="task-progress-text"></progress> }
                .into_any()
        }
    };
    let retrying = (task.state.is_open() && !task.last_error.is_empty()).then(|| {
        view! {
            <div class="alert alert--warning" role="status" data-task-retrying="">
                <p>{l.t_with("task-retrying", &[
                    ("attempts", task.attempts.to_string()),
                    ("date", crate::format::use_dates().date_time(task.next_attempt_at)),
                ])}</p>
                <p class="mono">{task.last_error.clone()}</p>
            </div>
        }
    });
    let gave_up = (task.state == TaskState::Failed).then(|| {
        view! {
            <div class="alert alert--error" role="alert">
                <p>{l.t("task-gave-up")}</p>
                <p class="mono">{task.last_error.clone()}</p>
            </div>
        }
    });
    let report = (!task.state.is_open()).then(|| view! { <Report task=task.clone()/> });
    let finished = task.finished_at.map(|at| {
        view! {
            <dt>{l.t("task-finished-at")}</dt>
            <dd><When at/></dd>
        }
    });
    let domain = task.domain.clone();
    view! {
        {refresh}
        <div class="page-header">
            <h1>{task.title(l)}</h1>
            <a class="button button--ghost" href=format!("/domains/{domain}")>{l.t("task-back")}</a>
        </div>
        <section
            class="card stack"
            aria-labelledby="task-progress-heading"
            data-task-state=task.state.as_str()
            data-task-done=task.done.to_string()
            data-task-total=total.map(|t| t.to_string())
            data-task-succeeded=task.succeeded.to_string()
            data-task-failed=task.failed.to_string()
        >
            <div class="cluster">
                <h2 id="task-progress-heading" class="card__title">{l.t("task-progress-heading")}</h2>
                {state_badge(l, task.state)}
            </div>
            {bar}
            <p id="task-progress-text" aria-live="polite">{counted}</p>
            {task.state.is_open().then(|| view! { <p class="field__hint">{l.t("task-refreshes")}</p> })}
            {retrying}
            {gave_up}
            <dl class="facts">
                <dt>{l.t("task-domain")}</dt>
                <dd class="mono">{crate::format::domain_name(&domain)}</dd>
                <dt>{l.t("task-started-by")}</dt>
                <dd>{task.started_by.clone()}</dd>
                <dt>{l.t("task-started-at")}</dt>
                <dd><When at=task.created_at/></dd>
                {finished}
            </dl>
        </section>
        {report}
    }
}

/// What a finished task did: its kind's summary line and the items that failed.
#[component]
fn Report(task: TaskView) -> impl IntoView {
    let l = use_locale();
    let failures = (!task.failures.is_empty()).then(|| {
        let more = (task.failed > task.failures.len() as i64).then(|| {
            view! {
                <p class="field__hint">{l.t_with("task-failures-more", &[
                    ("shown", task.failures.len().to_string()),
                    ("failed", task.failed.to_string()),
                ])}</p>
            }
        });
        let items = task
            .failures
            .iter()
            .cloned()
            .map(|failure| view! { <Failure failure/> })
            .collect_view();
        view! {
            <h3>{l.t("task-failures-heading")}</h3>
            <ul class="plain-list stack" aria-label=l.t("task-failures-heading")>{items}</ul>
            {more}
        }
    });
    view! {
        <section class="card stack" aria-labelledby="task-report-heading" data-task-report="">
            <h2 id="task-report-heading" class="card__title">{l.t("task-report-heading")}</h2>
            <p>{task.summary(l)}</p>
            {failures}
        </section>
    }
}

#[component]
fn Failure(failure: TaskFailure) -> impl IntoView {
    let l = use_locale();
    let what = match failure.line {
        Some(line) => l.t_with(
            "task-failure-line",
            &[("line", line.to_string()), ("item", failure.item.clone())],
        ),
        None => failure.item.clone(),
    };
    view! {
        <li data-task-failure=failure.item.clone()>
            <strong>{what}</strong>
            " — "
            {failure.reason.message(l)}
        </li>
    }
}
