//! Everything of Domaine that talks to the world: the database, the XMPP server, e-mail, the HTTP
//! server, and the command-line entry points.

pub mod accounts;
pub mod acme;
pub mod alerts;
pub mod announcements;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bulk;
pub mod check;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod dns_check;
pub mod domains;
pub mod errors;
pub mod figures;
pub mod health;
pub mod hosting_requests;
pub mod invitations;
pub mod jobs;
pub mod languages;
pub mod mail;
pub mod metrics;
pub mod password_resets;
pub mod portal;
pub mod reconcile;
pub mod recovery;
pub mod seal;
pub mod startup;
pub mod state;
pub mod tasks;
pub mod time_zones;
pub mod web;
pub mod xmpp;
