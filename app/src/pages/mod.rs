//! Pages, grouped by who sees them: anyone (`public`), a logged-in user about their own account
//! (`member`), a domain's owners (`owner`), the provider's admins (`admin`).

pub mod admin;
pub mod member;
pub mod owner;
pub mod public;
