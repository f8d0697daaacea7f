use super::{require_provider_admin, PortalService};
use crate::accounts;
use app::{accounts::AccountsBackend, context::RequestContext, error::AppError};

#[async_trait::async_trait]
impl AccountsBackend for PortalService {
    async fn create_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: &str,
    ) -> Result<String, AppError> {
        require_provider_admin(ctx)?;
        accounts::create(&self.0, domain, username, password)
            .await
            .map(|jid| jid.to_string())
    }
}
