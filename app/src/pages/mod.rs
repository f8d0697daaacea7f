pub mod accounts;
pub mod admin;
pub mod audit;
pub mod domain;
pub mod home;
pub mod login;
pub mod me;
pub mod not_found;
