//! The server's side of the UI boundary: `app::backend::Portal`, with authorization checked here
//! for every call, whatever the page did.

use crate::{accounts, domains, state::AppState};
use app::{
    backend::Portal,
    context::RequestContext,
    domains::DomainSummary,
    error::{AppError, ErrorKind},
};

pub struct PortalService(pub AppState);

/// Logs an unexpected failure and shows the user a generic message.
pub fn internal(err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "internal error");
    ErrorKind::Internal.into()
}

fn require_provider_admin(ctx: &RequestContext) -> Result<(), AppError> {
    match &ctx.user {
        None => Err(ErrorKind::NotLoggedIn.into()),
        Some(user) if user.is_provider_admin() => Ok(()),
        Some(_) => Err(ErrorKind::Forbidden.into()),
    }
}

#[async_trait::async_trait]
impl Portal for PortalService {
    async fn list_domains(&self, ctx: &RequestContext) -> Result<Vec<DomainSummary>, AppError> {
        require_provider_admin(ctx)?;
        domains::list(&self.0.db).await.map_err(internal)
    }

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

/// The same, for handlers that answer with a bare response.
pub fn internal_response(err: impl std::fmt::Display) -> axum::response::Response {
    use axum::response::IntoResponse;
    internal(err);
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error / Erreur interne",
    )
        .into_response()
}
