//! The `domaine` command: serve the portal, or administer it from a shell.

use crate::{
    auth::admins,
    config::Config,
    db::Db,
    domains,
    state::AppState,
    web,
    xmpp::{AdminClient, XmppConfig},
};
use axum_extra::extract::cookie::Key;
use clap::{Parser, Subcommand};
use leptos::config::LeptosOptions;
use std::{io::BufRead, path::PathBuf, sync::Arc, time::Duration};

#[derive(Parser)]
#[command(name = "domaine", version, about = "Self-service portal for hosted XMPP domains")]
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
                admins::create(&db, &username, password, config.accounts.min_password_length).await?;
                println!("created provider administrator {username}");
                Ok(())
            }
            Command::AddDomain { name } => {
                domains::add(&db, &name.to_lowercase()).await?;
                println!("domain {name} is managed by the portal");
                Ok(())
            }
        }
    }
}

async fn serve(config: Config, db: Db) -> Result<(), CliError> {
    let xmpp = AdminClient::start(XmppConfig {
        server_addr: config.xmpp.server,
        jid: config.xmpp.jid.clone(),
        password: config.xmpp.password.clone(),
        request_timeout: config.xmpp_timeout(),
    });
    let key = Key::from(&config.secret_key_bytes().expect("validated at load"));
    let leptos = LeptosOptions::builder()
        .output_name("domaine")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build();
    let listen = config.listen;
    let state = AppState {
        config: Arc::new(config),
        db,
        xmpp,
        cookie_key: key,
        leptos,
    };
    tokio::spawn(purge_sessions_periodically(state.db.clone()));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!("listening on http://{listen}");
    axum::serve(listener, web::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn purge_sessions_periodically(db: Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = crate::auth::sessions::purge_expired(&db).await {
            tracing::warn!(error = %e, "could not purge expired sessions");
        }
    }
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
