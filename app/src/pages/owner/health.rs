//! A domain's health page (`/domains/NAME/health`): each check with ✓/⚠/✗, what was found,
//! what was expected and the record to add, and a "Check now" button.

use crate::components::title::PageTitle;
use crate::{
    components::{
        badge::{Badge, Tone},
        form::{action_error, CsrfField, FormError},
        layout::Layout,
        loaded::Loaded,
    },
    context::use_request_context,
    health::{domain_health, CheckHealth, CheckStatus, HealthLine, HealthReport},
    i18n::use_locale,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_params_map;

#[component]
pub fn HealthPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    // "Check now" answers in place: the report is read again once the check is done.
    let check = ServerAction::<CheckHealth>::new();
    let health = Resource::new(
        move || (domain(), check.version().get()),
        |(domain, _)| domain_health(domain),
    );
    view! {
        <PageTitle text=move || format!("{} — {}", crate::format::domain_name(&domain()), l.t("health-title"))/>
        <Layout>
            <Loaded resource=health error_heading=move || view! { <h1>{crate::format::domain_name(&domain())}</h1> } let:health>
                <Health health check/>
            </Loaded>
        </Layout>
    }
}

/// A status as a badge: its sign and its label (never the sign alone).
#[component]
pub fn HealthBadge(status: CheckStatus) -> impl IntoView {
    let l = use_request_context().locale;
    let tone = match status {
        CheckStatus::Ok => Tone::Ok,
        CheckStatus::Warning => Tone::Warn,
        CheckStatus::Failing => Tone::Danger,
    };
    let label = format!("{} {}", status.sign(), status.label(l));
    view! { <Badge tone state=status.as_str() label/> }
}

#[component]
fn Health(health: HealthReport, check: ServerAction<CheckHealth>) -> impl IntoView {
    let l = use_request_context().locale;
    let error = action_error(check);
    let domain = health.domain.clone();
    let checked = health.lines.iter().map(|line| line.checked_at).max();
    let summary = match (crate::health::worst(health.lines.iter().map(|line| line.status)), checked) {
        (Some(worst), Some(at)) => view! {
            <p class="cluster" data-worst=worst.as_str()>
                <HealthBadge status=worst/>
                <span>{l.t_with("health-checked-at", &[("date", crate::format::use_dates().date_time(at))])}</span>
            </p>
        }
        .into_any(),
        _ => view! { <p class="empty">{l.t("health-never-checked")}</p> }.into_any(),
    };
    let schedule = if health.interval_secs == 0 {
        l.t("health-on-demand")
    } else {
        l.t_with(
            "health-every",
            &[("minutes", (health.interval_secs / 60).max(1).to_string())],
        )
    };
    let lines = health
        .lines
        .into_iter()
        .map(|line| view! { <Line line/> })
        .collect_view();
    view! {
        <div class="page-header">
            <h1>
                <span class="mono">{crate::format::domain_name(&domain)}</span>
                " — "
                {l.t("health-title")}
            </h1>
            <a class="button button--ghost" href=format!("/domains/{domain}")>{l.t("health-back")}</a>
        </div>
        <section class="card stack" aria-labelledby="health-summary-heading">
            <h2 id="health-summary-heading" class="card__title">{l.t("health-summary")}</h2>
            {summary}
            <p class="field__hint">{schedule}</p>
            <FormError error=error/>
            <ActionForm action=check>
                <CsrfField/>
                <input type="hidden" name="domain" value=domain.clone()/>
                <button type="submit" class="button button--primary" data-check-now="">{l.t("health-check-now")}</button>
            </ActionForm>
        </section>
        <ul class="plain-list stack health-lines" aria-label=l.t("health-lines")>{lines}</ul>
    }
}

#[component]
fn Line(line: HealthLine) -> impl IntoView {
    let l = use_request_context().locale;
    let finding = line.finding.map(|f| {
        view! { <p class="health-line__finding">{f.text(l, line.days_left)}</p> }
    });
    let days = line.days_left.map(|days| {
        view! {
            <dt>{l.t("health-days-left")}</dt>
            <dd data-days-left=days.to_string()>{days}</dd>
        }
    });
    let expected = (!line.expected.is_empty()).then(|| {
        view! {
            <dt>{l.t("health-expected")}</dt>
            <dd><code class="health-text">{line.expected.clone()}</code></dd>
        }
    });
    let record = (!line.record.is_empty()).then(|| {
        view! {
            <dt>{l.t("health-record")}</dt>
            <dd><pre><code class="dns-records" data-record="">{line.record.clone()}</code></pre></dd>
        }
    });
    view! {
        <li
            class="card stack health-line"
            data-check=line.kind.as_str()
            data-status=line.status.as_str()
            data-name=line.name.clone()
        >
            <div class="cluster health-line__head">
                <h2 class="card__title">
                    <span aria-hidden="true">{line.status.sign()}</span>
                    " "
                    {line.kind.label(l)}
                </h2>
                <HealthBadge status=line.status/>
            </div>
            <p class="mono health-line__name">{line.name.clone()}</p>
            {finding}
            <dl class="facts">
                <dt>{l.t("health-found")}</dt>
                <dd><code class="health-text" data-found="">{line.found.clone()}</code></dd>
                {expected}
                {days}
                {record}
                <dt>{l.t("health-changed-at")}</dt>
                <dd><crate::components::when::When at=line.changed_at/></dd>
            </dl>
        </li>
    }
}
