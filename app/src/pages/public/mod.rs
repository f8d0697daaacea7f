//! Pages anyone may open, logged in or not.

pub mod forgot;
pub mod home;
pub mod hosting_request;
pub mod invitation_landing;
pub mod login;
pub mod not_found;
pub mod reset;
pub mod welcome;
