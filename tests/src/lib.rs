//! The test harness: real servers on loopback (Prosody, PostgreSQL when configured), the portal
//! running in-process against them, and a cookie-keeping web client.

pub mod database;
pub mod dns;
pub mod portal;
pub mod process;
pub mod prosody;
pub mod smtp;
pub mod web;
