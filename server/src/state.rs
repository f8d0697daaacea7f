//! What every request handler shares.

use crate::{config::Config, db::Db, xmpp::AdminClient};
use axum::extract::FromRef;
use axum_extra::extract::cookie::Key;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub xmpp: AdminClient,
    pub cookie_key: Key,
    pub leptos: LeptosOptions,
    /// The one "now" (the same clock as `db.clock`); tests move it.
    pub clock: crate::clock::Clock,
    /// Wakes the reconciliation worker (see `reconcile`).
    pub reconcile: Arc<Notify>,
    /// Wakes the e-mail worker (see `mail::outbox`).
    pub mail: Arc<Notify>,
    /// Wakes the owner tasks' worker (see `tasks`).
    pub tasks: Arc<Notify>,
    /// Landing pages of one invitation opened at once (a link shared in a busy group chat)
    /// ask Prosody for its uses once (see `portal::invitations::redeem`).
    pub invitation_lookups: Arc<InvitationLookups>,
    /// Provider consoles opened at once share one count of every domain's accounts (see
    /// `portal::provider`).
    pub host_counts: Arc<HostCounts>,
}

pub type InvitationLookups = crate::single_flight::SingleFlight<
    String,
    Result<Option<crate::xmpp::InvitationUsage>, crate::xmpp::XmppError>,
>;

/// Every domain's number of accounts; empty when Prosody could not answer.
pub type HostCounts =
    crate::single_flight::SingleFlight<(), std::collections::HashMap<String, u32>>;

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.cookie_key.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos.clone()
    }
}
