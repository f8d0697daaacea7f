pub mod admin;
pub mod domain;
pub mod home;
pub mod login;
pub mod not_found;
