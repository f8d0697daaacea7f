//! Hosting requests: a stranger asks the provider to host their XMPP domain, confirms by e-mail,
//! and the provider's admins approve (the domain is provisioned on the XMPP server) or reject it.
//! Shared types and server functions.

// A server function takes its form's fields one by one; the request form has eight.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Form limits, in characters.
pub const MAX_NAME: usize = 100;
pub const MAX_EMAIL: usize = 254;
pub const MAX_MESSAGE: usize = 2000;
pub const MAX_REASON: usize = 2000;

crate::text_enum! {
    pub enum RequestStatus("hosting request status"), label "requests-status-" {
        /// Waiting for the requester to click the link e-mailed to them.
        Unconfirmed = "unconfirmed",
        ToReview = "to-review",
        Approved = "approved",
        Rejected = "rejected",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostingRequest {
    pub id: i64,
    /// As people read it (internationalised names in Unicode).
    pub domain: String,
    /// As DNS and XMPP servers use it (IDNA ASCII form).
    pub domain_ascii: String,
    pub name: String,
    pub email: String,
    pub xmpp: Option<String>,
    pub member: bool,
    pub message: String,
    pub status: RequestStatus,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    /// Approved, but the domain is not up on the XMPP server yet (it was unreachable).
    pub provisioning_pending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestQueue {
    pub status: RequestStatus,
    /// How many requests have each status.
    pub counts: Vec<(RequestStatus, u32)>,
    /// Newest first.
    pub requests: Vec<HostingRequest>,
}

/// What the DNS of a requested domain says, as the admins see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DnsVerdict {
    /// It points at the provider's server.
    Ready,
    /// Something points somewhere, but not all of it at the provider's server.
    Partial,
    NotReady,
    /// The DNS could not be asked.
    Unavailable,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsView {
    pub verdict: DnsVerdict,
    /// What was found, one line per record or problem.
    pub findings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub request: HostingRequest,
    pub dns: DnsView,
    /// The records the requester must add (zone-file lines).
    pub records: Vec<String>,
    /// The quota an approval proposes.
    pub default_quota: Option<u32>,
}

/// What the requester sees on the confirmation page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationPage {
    pub domain: String,
    pub status: RequestStatus,
    pub records: Vec<String>,
}

/// Files a request; it waits for the e-mail confirmation. A filled honeypot field (`website`,
/// hidden from people) looks like success and stores nothing.
#[server(prefix = "/api", endpoint = "submit_hosting_request")]
pub async fn submit_hosting_request(
    csrf: String,
    domain: String,
    name: String,
    email: String,
    xmpp: Option<String>,
    member: Option<String>,
    message: Option<String>,
    website: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let form = RequestForm {
        domain: domain.trim().to_string(),
        name: name.trim().to_string(),
        email: email.trim().to_string(),
        xmpp: xmpp.map(|x| x.trim().to_string()).filter(|x| !x.is_empty()),
        member: member.is_some(),
        message: message.unwrap_or_default().trim().to_string(),
    };
    let is_bot = website.is_some_and(|w| !w.trim().is_empty());
    if !is_bot {
        portal.submit_request(&ctx, &form).await.map_err(|e| {
            e.keeping(&[
                ("domain", &form.domain),
                ("name", &form.name),
                ("email", &form.email),
                ("xmpp", form.xmpp.as_deref().unwrap_or("")),
                ("member", if form.member { "on" } else { "" }),
                ("message", &form.message),
            ])
        })?;
    }
    leptos_axum::redirect("/request/sent");
    Ok(())
}

/// The form's content, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestForm {
    pub domain: String,
    pub name: String,
    pub email: String,
    pub xmpp: Option<String>,
    pub member: bool,
    pub message: String,
}

#[server(prefix = "/api", endpoint = "request_confirmation")]
pub async fn request_confirmation(token: String) -> Result<ConfirmationPage, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.confirmation_page(&ctx, &token).await
}

/// The requester confirms their address; the request enters the admins' queue.
#[server(prefix = "/api", endpoint = "confirm_hosting_request")]
pub async fn confirm_hosting_request(csrf: String, token: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal.confirm_request(&ctx, &token).await?;
    leptos_axum::redirect(&format!("/request/confirm/{token}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "hosting_queue")]
pub async fn hosting_queue(status: Option<String>) -> Result<RequestQueue, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    let status = status
        .as_deref()
        .and_then(RequestStatus::parse)
        .unwrap_or(RequestStatus::ToReview);
    portal.request_queue(&ctx, status).await
}

/// One request with a fresh DNS readiness check.
#[server(prefix = "/api", endpoint = "hosting_request_detail")]
pub async fn hosting_request_detail(id: i64) -> Result<RequestDetail, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal.request_detail(&ctx, id).await
}

/// Approves: the domain is recorded with `quota` ("" for unlimited) and brought up on the XMPP
/// server now or, if it is unreachable, as soon as it is back.
#[server(prefix = "/api", endpoint = "approve_hosting_request")]
pub async fn approve_hosting_request(
    csrf: String,
    id: i64,
    quota: Option<String>,
) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let quota_text = quota.unwrap_or_default();
    let quota = crate::domains::parse_quota(&quota_text)
        .map_err(|e| e.keeping(&[("quota", &quota_text)]))?;
    portal.approve_request(&ctx, id, quota).await?;
    leptos_axum::redirect(&format!("/admin/requests/{id}?done=approved"));
    Ok(())
}

/// Rejects with a reason, e-mailed to the requester.
#[server(prefix = "/api", endpoint = "reject_hosting_request")]
pub async fn reject_hosting_request(csrf: String, id: i64, reason: String) -> Result<(), AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    portal
        .reject_request(&ctx, id, reason.trim())
        .await
        .map_err(|e| e.keeping(&[("reason", &reason)]))?;
    leptos_axum::redirect(&format!("/admin/requests/{id}?done=rejected"));
    Ok(())
}

/// The server's side of hosting requests.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait HostingRequestsBackend {
    async fn submit_request(
        &self,
        ctx: &RequestContext,
        form: &RequestForm,
    ) -> Result<(), AppError>;

    async fn confirmation_page(
        &self,
        ctx: &RequestContext,
        token: &str,
    ) -> Result<ConfirmationPage, AppError>;

    async fn confirm_request(&self, ctx: &RequestContext, token: &str) -> Result<(), AppError>;

    /// Provider admins only, as every method below.
    async fn request_queue(
        &self,
        ctx: &RequestContext,
        status: RequestStatus,
    ) -> Result<RequestQueue, AppError>;

    async fn request_detail(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> Result<RequestDetail, AppError>;

    async fn approve_request(
        &self,
        ctx: &RequestContext,
        id: i64,
        quota: Option<u32>,
    ) -> Result<(), AppError>;

    async fn reject_request(
        &self,
        ctx: &RequestContext,
        id: i64,
        reason: &str,
    ) -> Result<(), AppError>;
}
