//! The databases every portal test runs against: SQLite always, PostgreSQL when
//! `DATABASE_URL_POSTGRES` names a server (the test script starts one on loopback).
//!
//! [`per_backend!`](crate::per_backend) makes one test per backend out of an
//! `async fn NAME(backend: Backend)`, so that a failure names its backend and the two run in
//! parallel. Without `DATABASE_URL_POSTGRES` the PostgreSQL case is skipped and says so on
//! stderr, except in CI (`CI=true`), where it fails: CI always has PostgreSQL.

use sqlx::{Connection, Executor};
use std::io::Write;

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres { server_url: String },
}

/// Makes `NAME::sqlite` and `NAME::postgres`, two tests that run `async fn NAME(backend:
/// Backend)` (a multi-threaded tokio test each). Put it where the `#[tokio::test]` would go:
///
/// ```ignore
/// per_backend!(a_request_is_kept);
/// async fn a_request_is_kept(backend: Backend) {
///     let portal = TestPortal::start(&prosody, &backend).await;
///     // ...
/// }
/// ```
#[macro_export]
macro_rules! per_backend {
    ($test:ident) => {
        mod $test {
            #[tokio::test(flavor = "multi_thread")]
            async fn sqlite() {
                super::$test($crate::database::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn postgres() {
                if let Some(backend) = $crate::database::Backend::postgres(module_path!()) {
                    super::$test(backend).await
                }
            }
        }
    };
}

impl Backend {
    /// The PostgreSQL test server of `DATABASE_URL_POSTGRES`, for the test `test`. Without one
    /// `None`, after a line on stderr (written past the test harness's capture, so that a
    /// skipped test shows); in CI (`CI=true`) it panics instead, since CI always has one.
    pub fn postgres(test: &str) -> Option<Backend> {
        match std::env::var("DATABASE_URL_POSTGRES") {
            Ok(url) if !url.is_empty() => Some(Backend::Postgres { server_url: url }),
            _ if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("{test}: DATABASE_URL_POSTGRES is not set, and CI must test PostgreSQL")
            }
            _ => {
                let _ = writeln!(
                    std::io::stderr(),
                    "{test}: skipped, DATABASE_URL_POSTGRES is not set"
                );
                None
            }
        }
    }

    /// A fresh, empty database of this backend, so tests never see each other's rows.
    pub async fn fresh_database(&self, dir: &std::path::Path) -> String {
        match self {
            Backend::Sqlite => format!("sqlite://{}", dir.join("domaine.db").display()),
            Backend::Postgres { server_url } => {
                let name = format!("domaine_test_{:016x}", rand::random::<u64>());
                let mut conn = sqlx::PgConnection::connect(server_url)
                    .await
                    .expect("connect to the PostgreSQL test server");
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create a test database");
                let (base, _) = server_url
                    .rsplit_once('/')
                    .expect("DATABASE_URL_POSTGRES ends with /DBNAME");
                format!("{base}/{name}")
            }
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres { .. } => "postgres",
        }
    }
}
