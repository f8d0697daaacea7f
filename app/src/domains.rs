//! Hosted domains: shared types and server functions.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainSummary {
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
}

#[server(prefix = "/api", endpoint = "list_domains")]
pub async fn list_domains() -> Result<Vec<DomainSummary>, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.list_domains(&ctx).await
}
