//! `domaine check`: whether this installation can work, one line per check with ✓ or ✗ and,
//! for each ✗, what to do. `serve` runs the same checks at start and logs the failures.

use crate::{
    config::Config,
    db::Db,
    xmpp::{check_password, AdminClient, BareJid, Jid, XmppError},
};
use std::{collections::HashSet, time::Duration};

/// The version of mod_domaine's commands this portal speaks (`urn:domaine:version`, at the end
/// of `server/prosody/mod_domaine.lua`).
pub const MODULE_PROTOCOL_VERSION: &str = "5";
const VERSION_NODE: &str = "urn:domaine:version";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub ok: bool,
    pub what: String,
    /// What to do about a failure.
    pub fix: Option<String>,
}

impl Line {
    fn ok(what: impl Into<String>) -> Line {
        Line {
            ok: true,
            what: what.into(),
            fix: None,
        }
    }

    fn failed(what: impl Into<String>, fix: impl Into<String>) -> Line {
        Line {
            ok: false,
            what: what.into(),
            fix: Some(fix.into()),
        }
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", if self.ok { "✓" } else { "✗" }, self.what)?;
        if let Some(fix) = &self.fix {
            write!(f, "\n    fix: {fix}")?;
        }
        Ok(())
    }
}

/// `domaine check`: the configuration at `path` loads, then every other check (none when it
/// does not load).
pub async fn report(path: &std::path::Path) -> Vec<Line> {
    let config = match Config::load(Some(path)) {
        Ok(config) => config,
        Err(e) => {
            return vec![Line::failed(
                format!("the configuration {} loads: {e}", path.display()),
                "correct the setting it names (see the README)",
            )]
        }
    };
    let mut lines = vec![Line::ok(format!(
        "the configuration {} loads",
        path.display()
    ))];
    let db = Db::open(&config.database_url).await;
    let xmpp = crate::startup::admin_client(&config);
    lines.extend(run(&config, db.as_ref().map_err(|e| e.to_string()), &xmpp).await);
    lines
}

/// Every check but the configuration's (which must load for these to run). `db` is the
/// database as opened without migrating; `xmpp` a client of the service account.
pub async fn run(config: &Config, db: Result<&Db, String>, xmpp: &AdminClient) -> Vec<Line> {
    let mut lines = Vec::new();
    let db = match db {
        Ok(db) => {
            lines.extend(database(db).await);
            Some(db)
        }
        Err(e) => {
            lines.push(Line::failed(
                format!("the database answers: {e}"),
                "check `database_url`, and that the database server runs (or the SQLite \
                 file's folder is writable by the portal)",
            ));
            None
        }
    };
    lines.extend(prosody(config, db, xmpp).await);
    lines.push(smtp(config).await);
    lines.push(public_url(config).await);
    lines
}

async fn database(db: &Db) -> Vec<Line> {
    if let Err(e) = sqlx::query("SELECT 1").execute(&db.pool).await {
        return vec![Line::failed(
            format!("the database answers: {e}"),
            "check `database_url` and that the database server runs",
        )];
    }
    let mut lines = vec![Line::ok("the database answers")];
    let applied: HashSet<i64> =
        sqlx::query_as::<_, (i64,)>("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&db.pool)
            .await
            .map(|rows| rows.into_iter().map(|(v,)| v).collect())
            .unwrap_or_default();
    let expected: HashSet<i64> = db.migrator().iter().map(|m| m.version).collect();
    let pending = expected.difference(&applied).count();
    let unknown = applied.difference(&expected).count();
    lines.push(if unknown > 0 {
        Line::failed(
            format!("the database's migrations are current ({unknown} newer than this portal)"),
            "a newer portal migrated this database: run that version, or restore a backup \
             made before the upgrade",
        )
    } else if pending > 0 {
        Line::failed(
            format!("the database's migrations are current ({pending} pending)"),
            "start the portal (`domaine serve`): it applies them at start",
        )
    } else {
        Line::ok("the database's migrations are current")
    });
    lines
}

async fn prosody(config: &Config, db: Option<&Db>, xmpp: &AdminClient) -> Vec<Line> {
    let server = config.xmpp.server;
    let timeout = config.xmpp_timeout();
    let jid = &config.xmpp.jid;
    let reachable = matches!(
        tokio::time::timeout(timeout, tokio::net::TcpStream::connect(server)).await,
        Ok(Ok(_))
    );
    if !reachable {
        return vec![Line::failed(
            format!("Prosody is reachable at {server}"),
            "start Prosody, or correct `[xmpp] server`",
        )];
    }
    let mut lines = vec![Line::ok(format!("Prosody is reachable at {server}"))];
    // The portal's own connection proves the password; only without it is the password tried
    // on its own, to tell a wrong one from other failures.
    if xmpp.wait_connected(timeout).await.is_ok() {
        lines.push(Line::ok(format!("the service account {jid} logs in")));
    } else {
        let (what, fix) =
            match check_password(xmpp.transport(), jid, &config.xmpp.password, timeout).await {
                Ok(false) => (
                    format!("the service account {jid} logs in"),
                    format!(
                        "create it or set its password (`prosodyctl adduser {jid}` or \
                     `prosodyctl passwd {jid}`) to `[xmpp] password`"
                    ),
                ),
                Ok(true) => (
                    format!("the portal's XMPP connection as {jid} opens"),
                    "see the portal's log for the XMPP error".to_string(),
                ),
                Err(e) => (
                    format!("the service account {jid} logs in: {e}"),
                    "check that Prosody serves this domain on `[xmpp] server`".to_string(),
                ),
            };
        lines.push(Line::failed(what, fix));
        return lines;
    }
    let admin_fix = format!("add \"{jid}\" to `admins` in Prosody's configuration and restart it");
    match xmpp.online_users(jid.domain()).await {
        Ok(_) => lines.push(Line::ok(format!("{jid} is an admin of Prosody"))),
        Err(XmppError::Forbidden) | Err(XmppError::NotAllowed) => {
            lines.push(Line::failed(
                format!("{jid} is an admin of Prosody"),
                admin_fix,
            ));
            return lines;
        }
        Err(e) => lines.push(Line::failed(
            format!("{jid} is an admin of Prosody: {e}"),
            "load mod_admin_adhoc in Prosody (`modules_enabled`)",
        )),
    }
    let hosts = match db {
        Some(db) => crate::domains::list(db).await.unwrap_or_default(),
        None => Vec::new(),
    };
    for host in hosts {
        lines.extend(companion_module(xmpp, &host.name).await);
    }
    lines
}

/// mod_domaine answers on `host`, speaks this portal's version, and finds the modules it
/// needs loaded there.
async fn companion_module(xmpp: &AdminClient, host: &str) -> Vec<Line> {
    let module_fix = "load mod_domaine on this host: its folder in `plugin_paths`, \"domaine\" in \
                      `modules_enabled` (see deploy/prosody-domaine.cfg.lua), then restart Prosody";
    let Ok(bare) = BareJid::new(host) else {
        return vec![Line::failed(
            format!("{host} is a valid domain"),
            "remove it from the portal's domains",
        )];
    };
    let outcome = match xmpp
        .execute(Jid::from(bare.clone()), VERSION_NODE, Vec::new())
        .await
    {
        Ok(outcome) => outcome,
        Err(XmppError::ServiceUnavailable) | Err(XmppError::ServerError { .. }) => {
            // An older mod_domaine has its other commands but not this one.
            let older = xmpp.registration_mode(bare.domain()).await.is_ok();
            return vec![if older {
                Line::failed(
                    format!("mod_domaine on {host} is the version this portal expects"),
                    "it is older: copy this release's server/prosody/*.lua into Prosody's \
                     plugin folder and restart Prosody",
                )
            } else {
                Line::failed(format!("mod_domaine answers on {host}"), module_fix)
            }];
        }
        Err(e) => {
            return vec![Line::failed(
                format!("mod_domaine answers on {host}: {e}"),
                module_fix,
            )]
        }
    };
    let mut lines = vec![Line::ok(format!("mod_domaine answers on {host}"))];
    let version = outcome.value("version").unwrap_or("none");
    lines.push(if version == MODULE_PROTOCOL_VERSION {
        Line::ok(format!(
            "mod_domaine on {host} speaks version {MODULE_PROTOCOL_VERSION}"
        ))
    } else {
        Line::failed(
            format!(
                "mod_domaine on {host} speaks version {MODULE_PROTOCOL_VERSION} (it speaks {version})"
            ),
            "install the Lua modules of this portal's release (server/prosody/*.lua) and restart \
             Prosody",
        )
    });
    let missing: Vec<&str> = outcome
        .values("missing")
        .iter()
        .map(String::as_str)
        .filter(|m| !m.is_empty())
        .collect();
    lines.push(if missing.is_empty() {
        Line::ok(format!(
            "{host} has the invitation and registration modules"
        ))
    } else {
        Line::failed(
            format!(
                "{host} has the invitation and registration modules (missing: {})",
                missing.join(", ")
            ),
            "add them to `modules_enabled` (see deploy/prosody-domaine.cfg.lua) and restart \
             Prosody",
        )
    });
    lines
}

async fn smtp(config: &Config) -> Line {
    let what = format!(
        "the SMTP server {}:{} answers",
        config.smtp.host, config.smtp.port
    );
    let fix = "correct `[smtp]` (host, port, security, credentials), or start the mail server";
    match crate::mail::Mailer::new(&config.smtp) {
        Ok(mailer) => {
            match tokio::time::timeout(Duration::from_secs(20), mailer.test_connection()).await {
                Ok(Ok(true)) => Line::ok(what),
                Ok(Ok(false)) => Line::failed(what, fix),
                Ok(Err(e)) => Line::failed(format!("{what}: {e}"), fix),
                Err(_) => Line::failed(format!("{what}: no answer in 20 s"), fix),
            }
        }
        Err(e) => Line::failed(format!("{what}: {e}"), fix),
    }
}

async fn public_url(config: &Config) -> Line {
    let url = &config.public_url;
    let what = format!("public_url {url} accepts connections");
    let fix = "start the reverse proxy (or the portal) that serves it, or correct `public_url`";
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Line::failed(what, fix);
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match tokio::time::timeout(
        Duration::from_secs(10),
        tokio::net::TcpStream::connect((host, port)),
    )
    .await
    {
        Ok(Ok(_)) => Line::ok(what),
        Ok(Err(e)) => Line::failed(format!("{what}: {e}"), fix),
        Err(_) => Line::failed(format!("{what}: no answer in 10 s"), fix),
    }
}

/// At start: the same checks, failures logged (the portal still starts: Prosody may come later).
pub async fn log_at_start(state: crate::state::AppState) {
    let lines = run(&state.config, Ok(&state.db), &state.xmpp).await;
    let failed = lines.iter().filter(|l| !l.ok).count();
    for line in lines.iter().filter(|l| !l.ok) {
        tracing::warn!(
            check = %line.what,
            fix = line.fix.as_deref().unwrap_or(""),
            "start-up check failed"
        );
    }
    if failed == 0 {
        tracing::info!("start-up checks passed ({})", lines.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_show_a_mark_and_the_fix() {
        assert_eq!(Line::ok("a").to_string(), "✓ a");
        assert_eq!(Line::failed("b", "do c").to_string(), "✗ b\n    fix: do c");
    }
}
