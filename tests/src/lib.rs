//! The test harness: real servers on loopback (Prosody, PostgreSQL when configured), the portal
//! running in-process against them, and a cookie-keeping web client.

pub mod database;
pub mod portal;
pub mod prosody;
pub mod smtp;
pub mod web;
