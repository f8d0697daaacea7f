//! Administration of the XMPP server (Prosody) through ad-hoc commands
//! (XEP-0050 / XEP-0133), over one long-lived client connection of the
//! portal's service account.

mod adhoc;
mod announcements;
mod certificates;
mod client;
mod commands;
mod disco;
mod domaine_module;
mod error;
mod hosts;
mod invitations;
pub mod tls;

pub use adhoc::{CommandOutcome, FormField, Note, NoteKind};
pub use announcements::{announcement_node, AnnouncementBatch};
pub use certificates::certificate_node;
pub use client::{check_password, AdminClient, ConnectionStatus, XmppConfig};
pub use commands::{node, AccountInvite, BulkOutcome, UserStats};
pub use domaine_module::{
    domaine_node, AccountFilter, AccountInfo, AccountOrder, AccountPage, HostFigures,
    RegistrationMode, MAX_PAGE_SIZE,
};
pub use error::XmppError;
pub use hosts::{hosts_node, HostInfo, HostState};
pub use invitations::{
    invitation_node, InvitationSpec, InvitationState, InvitationUsage, ServerInvitation,
};
pub use xmpp_parsers::jid::{BareJid, DomainPart, DomainRef, Jid};
