//! Pages of the provider's admins.

pub mod console;
pub mod requests;
