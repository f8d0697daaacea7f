//! Owner tasks: long jobs an owner starts on their domain (an announcement to every account,
//! bulk changes), shown on one page, `/domains/NAME/tasks/ID`, whatever their kind: its title,
//! state, progress and, once finished, its report (how many items succeeded and failed, and
//! why each failed one did).
//!
//! A kind's words are messages of `app/locales` named after the job kind: `task-kind-KIND`
//! (the title) and `task-summary-KIND` (the report's line, given `$succeeded`, `$failed` and
//! `$total`). Adding a kind needs those two messages and nothing here.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::{
    error::{AppError, ErrorKind},
    i18n::Locale,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// Where a task stands (the states of its job).
    pub enum TaskState("task state"), label "task-state-" {
        /// Waiting for its first run, or for its next attempt after a failed one.
        Queued = "queued",
        Running = "running",
        Done = "done",
        /// Given up.
        Failed = "failed",
    }
}

impl TaskState {
    /// Still to finish: the page shows it again a little later.
    pub fn is_open(self) -> bool {
        matches!(self, TaskState::Queued | TaskState::Running)
    }
}

/// One item of a task that failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFailure {
    /// Its line in the list the owner gave, if it came from one (from 1).
    pub line: Option<i64>,
    /// The item as the owner knows it (what they typed, a username).
    pub item: String,
    pub reason: ErrorKind,
}

/// A task as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: i64,
    pub domain: String,
    /// Its job's kind (`announcement`...): names its messages.
    pub kind: String,
    pub state: TaskState,
    pub started_by: String,
    /// Unix seconds.
    pub created_at: i64,
    pub finished_at: Option<i64>,
    /// Steps done, and of how many (`None` until the task knows).
    pub done: i64,
    pub total: Option<i64>,
    pub succeeded: i64,
    pub failed: i64,
    /// The first failed items (at most [`MAX_FAILURES_SHOWN`]), in order.
    pub failures: Vec<TaskFailure>,
    /// Attempts that did not finish, and the last one's error (kept until one does).
    pub attempts: i64,
    pub last_error: String,
    /// Unix seconds: when a queued task runs again.
    pub next_attempt_at: i64,
}

/// The failed items a task page lists; the count says how many there are in all.
pub const MAX_FAILURES_SHOWN: i64 = 500;

/// Seconds between two loads of the page of a task that has not finished.
pub const REFRESH_SECS: u32 = 2;

impl TaskView {
    /// The task's title: its kind's name.
    pub fn title(&self, l: Locale) -> String {
        l.t(&format!("task-kind-{}", self.kind))
    }

    /// The report's line, in the kind's words.
    pub fn summary(&self, l: Locale) -> String {
        l.t_with(
            &format!("task-summary-{}", self.kind),
            &[
                ("succeeded", self.succeeded.to_string()),
                ("failed", self.failed.to_string()),
                ("total", self.total.unwrap_or(self.done).to_string()),
            ],
        )
    }
}

/// The address of a task's page.
pub fn task_href(domain: &str, id: i64) -> String {
    format!("/domains/{domain}/tasks/{id}")
}

/// A task of `domain` (its owners and provider admins).
#[server(prefix = "/api", endpoint = "owner_task")]
pub async fn owner_task(domain: String, id: i64) -> Result<TaskView, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.owner_task(&ctx, &domain, id).await
}

/// The server's side of the task page.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait TasksBackend {
    /// [`ErrorKind::Forbidden`] for a task of another domain, or none, as for a domain the
    /// user does not run.
    async fn owner_task(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
    ) -> Result<TaskView, AppError>;
}
