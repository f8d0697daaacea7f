//! Pages of a logged-in user about their own account.

pub mod me;
