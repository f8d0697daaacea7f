//! The browser tests, one binary (see `tests/tests/integration/main.rs` for why): every file
//! of this folder is a module. Needs the site built first (`scripts/build.sh`).

mod admin_creates_account;
mod bulk_invitation_on_phone;
mod forgot_password_on_phone;
mod health_on_phone;
mod hosting_request;
mod invitation_on_phone;
mod owner_console;
mod two_factor_on_phone;
