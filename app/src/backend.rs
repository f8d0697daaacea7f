//! The boundary between the UI's server functions and the server crate, which implements it.
//! Server functions find the implementation in Leptos' context, so this crate never needs the
//! database, XMPP or mail crates.

use crate::{
    context::RequestContext,
    domains::{DomainOverview, DomainSummary, RegistrationMode},
    error::{AppError, ErrorKind},
};
use leptos::prelude::*;
use std::sync::Arc;

#[async_trait::async_trait]
pub trait Portal: Send + Sync + 'static {
    async fn list_domains(&self, ctx: &RequestContext) -> Result<Vec<DomainSummary>, AppError>;

    /// Creates `username@domain` on the XMPP server; returns the new address.
    async fn create_account(
        &self,
        ctx: &RequestContext,
        domain: &str,
        username: &str,
        password: &str,
    ) -> Result<String, AppError>;

    async fn domain_overview(
        &self,
        ctx: &RequestContext,
        domain: &str,
    ) -> Result<DomainOverview, AppError>;

    /// Saved at once; reaches the XMPP server now or, if it is down, as soon as it is back.
    async fn set_registration_mode(
        &self,
        ctx: &RequestContext,
        domain: &str,
        mode: RegistrationMode,
    ) -> Result<(), AppError>;

    async fn add_owner(
        &self,
        ctx: &RequestContext,
        domain: &str,
        jid: &str,
    ) -> Result<(), AppError>;

    /// Refused for the last owner: a domain always keeps one.
    async fn remove_owner(
        &self,
        ctx: &RequestContext,
        domain: &str,
        jid: &str,
    ) -> Result<(), AppError>;

    /// Provider admins only.
    async fn set_quota(
        &self,
        ctx: &RequestContext,
        domain: &str,
        quota: Option<u32>,
    ) -> Result<(), AppError>;
}

pub type SharedPortal = Arc<dyn Portal>;

/// The portal and the request's context, once the form's anti-forgery token has been checked.
pub fn checked_request(csrf: &str) -> Result<(SharedPortal, RequestContext), AppError> {
    let ctx = use_context::<RequestContext>().ok_or(ErrorKind::Internal)?;
    if !constant_time_eq(csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(ErrorKind::StaleForm.into());
    }
    let portal = use_context::<SharedPortal>().ok_or(ErrorKind::Internal)?;
    Ok((portal, ctx))
}

/// The portal and the request's context, for reads that change nothing.
pub fn request() -> Result<(SharedPortal, RequestContext), AppError> {
    let ctx = use_context::<RequestContext>().ok_or(ErrorKind::Internal)?;
    let portal = use_context::<SharedPortal>().ok_or(ErrorKind::Internal)?;
    Ok((portal, ctx))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
