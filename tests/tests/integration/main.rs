//! The integration tests, one binary (linking each file as its own binary cost about a minute
//! of CI apiece): every file of this folder is a module, so a test is named by its module
//! path, e.g. `cargo test -p domaine-tests --test integration hosting_web::`. See
//! `tests/README.md` for the conventions (one test per backend, shared helpers).

mod accounts_console;
mod acme;
mod alerts;
mod announcements;
mod bulk;
mod dates;
mod dns_check;
mod figures;
mod health;
mod hosting_flow;
mod hosting_web;
mod hosts_module;
mod invitations_flow;
mod invitations_module;
mod invitations_web;
mod mail;
mod member_invitations;
mod metrics;
mod owners_and_users;
mod portal_web;
mod production;
mod production_shaped;
mod prosody_module;
mod reconcile;
mod recovery;
mod secrets;
mod two_factor;
mod xmpp_admin;
