//! Announcements to every account of a domain: its owners and provider admins.

use super::{account_count, actor, internal, managed_domain, PortalService};
use app::{
    announcements::{normalize, AnnouncementDraft, AnnouncementsBackend},
    context::RequestContext,
    error::AppError,
};

#[async_trait::async_trait]
impl AnnouncementsBackend for PortalService {
    async fn announcement_preview(
        &self,
        ctx: &RequestContext,
        domain: &str,
        message: &str,
    ) -> Result<AnnouncementDraft, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let message = normalize(message)?;
        Ok(AnnouncementDraft {
            recipients: account_count(&self.0, &row.name).await,
            domain: row.name,
            message,
        })
    }

    async fn send_announcement(
        &self,
        ctx: &RequestContext,
        domain: &str,
        message: &str,
    ) -> Result<i64, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        let message = normalize(message)?;
        let recipients = account_count(&self.0, &row.name).await;
        let job = crate::announcements::send(&self.0, &actor(ctx), &row.name, &message, recipients)
            .await
            .map_err(internal)?;
        Ok(job.id)
    }
}
