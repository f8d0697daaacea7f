//! The boundary between the UI's server functions and the server crate, which implements it.
//! Server functions find the implementation in Leptos' context, so this crate never needs the
//! database, XMPP or mail crates.

use crate::{
    accounts::AccountsBackend,
    announcements::AnnouncementsBackend,
    bulk::BulkBackend,
    context::RequestContext,
    domains::DomainsBackend,
    error::{AppError, ErrorKind},
    health::HealthBackend,
    hosting_requests::HostingRequestsBackend,
    invitations::{
        members::MemberInvitationsBackend, redeem::RedemptionBackend, InvitationsBackend,
    },
    own_account::OwnAccountBackend,
    password_resets::PasswordResetsBackend,
    provider::ProviderBackend,
    recovery::RecoveryBackend,
    tasks::TasksBackend,
    two_factor::TwoFactorBackend,
};
use leptos::prelude::*;
use std::sync::Arc;

/// Declares [`Portal`] with its parts, and implements it for every type that has them all.
macro_rules! portal_of {
    ($($part:path),+ $(,)?) => {
        /// Everything the server provides to the UI, one part per concept (each defined beside
        /// that concept's server functions).
        pub trait Portal: $($part +)+ Send + Sync + 'static {}

        impl<T: $($part +)+ Send + Sync + 'static> Portal for T {}
    };
}

portal_of!(
    DomainsBackend,
    AccountsBackend,
    BulkBackend,
    OwnAccountBackend,
    InvitationsBackend,
    MemberInvitationsBackend,
    RedemptionBackend,
    PasswordResetsBackend,
    HostingRequestsBackend,
    ProviderBackend,
    HealthBackend,
    TwoFactorBackend,
    RecoveryBackend,
    TasksBackend,
    AnnouncementsBackend,
);

pub type SharedPortal = Arc<dyn Portal>;

/// The portal and the request's context, once the form's anti-forgery token has been checked: for
/// every change a user asks for.
pub fn checked_request(csrf: &str) -> Result<(SharedPortal, RequestContext), AppError> {
    let ctx = use_context::<RequestContext>().ok_or(ErrorKind::Internal)?;
    if !constant_time_eq(csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(ErrorKind::StaleForm.into());
    }
    let portal = use_context::<SharedPortal>().ok_or(ErrorKind::Internal)?;
    Ok((portal, ctx))
}

/// The portal and the request's context, with no anti-forgery token: for what a page loads as it
/// renders (a plain link or a GET form can call it). Nothing a user asks for is changed, but some
/// reads bring the portal's records up to date with Prosody on the way (the invitations list and
/// landing page record the uses Prosody reports, and the owners an owner invitation makes).
pub fn request() -> Result<(SharedPortal, RequestContext), AppError> {
    let ctx = use_context::<RequestContext>().ok_or(ErrorKind::Internal)?;
    let portal = use_context::<SharedPortal>().ok_or(ErrorKind::Internal)?;
    Ok((portal, ctx))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
