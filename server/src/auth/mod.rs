//! Who is making a request: provider admin accounts, their passwords, browser sessions and the
//! anti-forgery tokens of forms.

pub mod admins;
pub mod passwords;
pub mod sessions;
pub mod throttle;
pub mod tokens;
