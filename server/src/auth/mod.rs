//! Who is making a request: provider admin accounts, their passwords, browser sessions, two-factor
//! login and the anti-forgery tokens of forms.

pub mod admins;
pub mod passwords;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod two_factor;
