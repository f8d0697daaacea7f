//! The test harness: real servers on loopback (Prosody, SMTP, DNS, PostgreSQL when configured),
//! the portal running in-process against them, and a cookie-keeping web client.
//!
//! How a test is written (see `tests/README.md` for the layout and how to run them):
//! - Integration tests are modules of one binary, `tests/tests/integration/` (a file there, one
//!   `mod` line in its `main.rs`); browser tests likewise in `end2end/tests/browser/`.
//! - A test of the portal runs on each database: [`per_backend!`]`(name)` above an
//!   `async fn name(backend: Backend)` makes `name::sqlite` and `name::postgres`.
//! - Helpers live here, once: [`portal::TestPortal`] (start, `admin_web`, `xmpp_user`,
//!   `add_owner`), [`web::WebClient`] (pages, forms, server functions, `add_owner`) and
//!   [`web::kind`], [`page`] (reading HTML: `tag`, `field_error`, `main_text`, `marked`,
//!   `attr`, `form`), [`smtp::SmtpServer::wait_for_mail_where`] and
//!   [`smtp::ReceivedMail::link`], [`wait::eventually`], [`prosody::Prosody`]
//!   (`start_with_admin_client`, `connected_admin_client_as`, `bare_jid`, `unix_now`,
//!   [`prosody::requiring_tls`]), [`tls::TestCa`] (a CA and certificates made in the test),
//!   [`nginx::Nginx`] (the deploy site in front of the portal), [`pebble::Pebble`] (an ACME
//!   CA), [`starttls::presented_certificate`] (what Prosody presents for a domain) and
//!   [`tasks`] (an owner task's page: `read_task`, `wait_for_task`, `task_id`).
//! - Assert on what the app marks for tests (`data-state`, `data-group`,
//!   `data-count`…, read with [`page::marked`] and [`page::attr`]) rather than on its wording;
//!   a few assertions still check the words, to prove the page speaks the visitor's language.
//! - A long flow reads as stages: one function per stage, called in order by the test (see
//!   `hosting_web.rs`).

pub mod database;
pub mod dns;
pub mod nginx;
pub mod page;
pub mod pebble;
pub mod portal;
pub mod process;
pub mod prosody;
pub mod smtp;
pub mod starttls;
pub mod tasks;
pub mod tls;
pub mod wait;
pub mod web;
