//! The `domaine` command: serve the portal, or administer it from a shell.

use crate::{auth::admins, config::Config, db::Db, domains, startup};
use clap::{Parser, Subcommand};
use std::{io::BufRead, path::PathBuf};

#[derive(Parser)]
#[command(
    name = "domaine",
    version,
    about = "Self-service portal for hosted XMPP domains"
)]
pub struct Cli {
    /// The TOML configuration file; `DOMAINE_*` environment variables override it.
    #[arg(long, short, env = "DOMAINE_CONFIG", default_value = "domaine.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web portal (the default).
    Serve,
    /// Create a provider administrator; the password is read from the first line of stdin.
    CreateAdmin {
        #[arg(long)]
        username: String,
    },
    /// Record a domain (a Prosody virtual host that already exists) as managed by the portal.
    AddDomain { name: String },
    /// Check the installation: configuration, database, Prosody and its modules, SMTP,
    /// public_url. One line each, ✓ or ✗ with the fix; exits non-zero on any ✗.
    Check,
    /// Write a consistent copy of the SQLite database to FILE, also while the portal runs.
    Backup { file: PathBuf },
    /// Replace the SQLite database by the backup FILE; the portal must be stopped.
    Restore { file: PathBuf },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error(transparent)]
    Admin(#[from] admins::AdminError),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("`{0}` is not a valid domain name")]
    InvalidDomain(String),
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    #[error("{0} of the checks failed")]
    ChecksFailed(usize),
}

impl Cli {
    pub async fn run(self) -> Result<(), CliError> {
        let command = self.command.unwrap_or(Command::Serve);
        if let Command::Check = command {
            return check(&self.config).await;
        }
        let config = Config::load(Some(&self.config))?;
        init_logging(config.log_format);
        // Restoring replaces the file: nothing may have it open, not even to migrate it.
        let command = match command {
            Command::Restore { file } => {
                crate::backup::restore(&config.database_url, &file).await?;
                println!("restored {}; start the portal again", file.display());
                return Ok(());
            }
            other => other,
        };
        let db = Db::connect(&config.database_url).await?;
        match command {
            Command::Restore { .. } | Command::Check => Ok(()),
            Command::Backup { file } => {
                crate::backup::backup(&db, &file).await?;
                println!("backup written to {}", file.display());
                Ok(())
            }
            Command::Serve => serve(config, db).await,
            Command::CreateAdmin { username } => {
                let mut password = String::new();
                std::io::stdin().lock().read_line(&mut password)?;
                let password = password.trim_end_matches(['\r', '\n']);
                admins::create(
                    &db,
                    &username,
                    password,
                    config.accounts.min_password_length,
                )
                .await?;
                println!("created provider administrator {username}");
                Ok(())
            }
            Command::AddDomain { name } => match domains::add(&db, &name).await? {
                Some(name) => {
                    println!("domain {name} is managed by the portal");
                    Ok(())
                }
                None => Err(CliError::InvalidDomain(name)),
            },
        }
    }
}

/// Prints every check's line (see `check::report`).
async fn check(path: &std::path::Path) -> Result<(), CliError> {
    let lines = crate::check::report(path).await;
    for line in &lines {
        println!("{line}");
    }
    match lines.iter().filter(|l| !l.ok).count() {
        0 => Ok(()),
        failed => Err(CliError::ChecksFailed(failed)),
    }
}

async fn serve(config: Config, db: Db) -> Result<(), CliError> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!("listening on http://{}", config.listen);
    startup::serve(
        listener,
        startup::build_state(config, db),
        shutdown_signal(),
    )
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// Logs to standard output, filtered by `RUST_LOG` (default `info`), as text or JSON lines.
fn init_logging(format: crate::config::LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        crate::config::LogFormat::Text => builder.init(),
        crate::config::LogFormat::Json => builder.json().init(),
    }
}
