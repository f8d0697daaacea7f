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
}

impl Cli {
    pub async fn run(self) -> Result<(), CliError> {
        let config = Config::load(Some(&self.config))?;
        let db = Db::connect(&config.database_url).await?;
        match self.command.unwrap_or(Command::Serve) {
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
