//! Owner tasks as a test follows them: the task page (`/domains/NAME/tasks/ID`), read through
//! its `data-task-*` markers, and waiting until a task has finished.

use crate::{
    page::{attr, marked_with},
    wait::until_some,
    web::WebClient,
};
use std::time::Duration;

/// What a task's page shows, from its markers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskMarks {
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    pub done: i64,
    /// `None` while the task does not know it.
    pub total: Option<i64>,
    pub succeeded: i64,
    pub failed: i64,
    /// The `data-task-failure` of each failed item listed (the item), in order.
    pub failures: Vec<String>,
    /// The whole page.
    pub html: String,
}

impl TaskMarks {
    pub fn finished(&self) -> bool {
        matches!(self.state.as_str(), "done" | "failed")
    }
}

/// The task id in the address a task's page has (`/domains/NAME/tasks/ID`, e.g. the
/// `Location` a form that started one redirects to); panics on another.
pub fn task_id(location: &str) -> i64 {
    let (_, id) = location
        .rsplit_once("/tasks/")
        .unwrap_or_else(|| panic!("a task's page: {location}"));
    id.parse()
        .unwrap_or_else(|_| panic!("a task's page: {location}"))
}

/// Reads the page of task `id` of `domain` as `web` sees it; `None` if it shows no task (an
/// error, or no access).
pub async fn read_task(web: &WebClient, domain: &str, id: i64) -> Option<TaskMarks> {
    let html = web.get(&app::tasks::task_href(domain, id)).await.html;
    let section = *marked_with(&html, "data-task-state").first()?;
    let number = |name: &str| attr(section, name).and_then(|v| v.parse::<i64>().ok());
    let failures = marked_with(&html, "data-task-failure")
        .into_iter()
        .filter_map(|tag| attr(tag, "data-task-failure").map(crate::page::unescape))
        .collect();
    Some(TaskMarks {
        state: attr(section, "data-task-state")?.to_owned(),
        done: number("data-task-done")?,
        total: number("data-task-total"),
        succeeded: number("data-task-succeeded")?,
        failed: number("data-task-failed")?,
        failures,
        html: html.clone(),
    })
}

/// Reads the page of task `id` until it shows the task done or failed; panics after
/// `within`.
pub async fn wait_for_task(web: &WebClient, domain: &str, id: i64, within: Duration) -> TaskMarks {
    until_some(
        &format!("task {id} of {domain} finishes"),
        within,
        || async move { read_task(web, domain, id).await.filter(TaskMarks::finished) },
    )
    .await
}
