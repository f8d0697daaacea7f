//! A domain's health page: its owners and provider admins read the last results and ask for
//! a check now.

use super::{actor, internal, managed_domain, PortalService};
use crate::health;
use app::{
    context::RequestContext,
    error::AppError,
    health::{HealthBackend, HealthReport},
};

#[async_trait::async_trait]
impl HealthBackend for PortalService {
    async fn domain_health(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<HealthReport, AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        Ok(HealthReport {
            lines: health::lines(&self.0.db, &row.name)
                .await
                .map_err(internal)?,
            interval_secs: self.0.config.health.interval_secs,
            domain: row.name,
        })
    }

    async fn check_health(&self, ctx: &RequestContext, domain: &str) -> Result<(), AppError> {
        let row = managed_domain(&self.0, ctx, domain).await?;
        health::check_now(&self.0, &actor(ctx), &row.name)
            .await
            .map_err(internal)
    }
}
