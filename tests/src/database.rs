//! The databases every portal test runs against: SQLite always, PostgreSQL when
//! `DATABASE_URL_POSTGRES` names a server (the test script starts one on loopback).

use sqlx::{Connection, Executor};

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres { server_url: String },
}

/// The backends to run each test against.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("DATABASE_URL_POSTGRES") {
        if !url.is_empty() {
            all.push(Backend::Postgres { server_url: url });
        }
    }
    all
}

impl Backend {
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
