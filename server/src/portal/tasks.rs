//! The page of an owner task: the domain's owners and provider admins.

use super::{internal, managed_domain, PortalService};
use app::{
    context::RequestContext,
    error::{AppError, ErrorKind},
    tasks::{TaskView, TasksBackend},
};

#[async_trait::async_trait]
impl TasksBackend for PortalService {
    async fn owner_task(
        &self,
        ctx: &RequestContext,
        domain: &str,
        id: i64,
    ) -> Result<TaskView, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        // Another domain's task answers as no task, which answers as another domain.
        crate::tasks::view(&self.0.db, id)
            .await
            .map_err(internal)?
            .filter(|task| task.domain == row.name)
            .ok_or_else(|| ErrorKind::Forbidden.into())
    }
}
