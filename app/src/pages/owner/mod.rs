//! Pages of a domain's owners (provider admins see them too).

pub mod accounts;
pub mod announce;
pub mod audit;
pub mod domain;
pub mod health;
pub mod invitations;
pub mod tasks;
