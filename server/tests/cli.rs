//! The `domaine` binary's subcommands and its start-up checks, run as a provider would.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

const VALID: &str = include_str!("domaine.toml");

/// `domaine ARGS` on `config` (written in `dir`, where `DIR` in it points).
fn command(dir: &std::path::Path, config: &str, args: &[&str]) -> Command {
    let path = dir.join("domaine.toml");
    let config = config
        .replace("DIR", &dir.display().to_string())
        .replace("listen = \"127.0.0.1:8080\"", "listen = \"127.0.0.1:0\"");
    std::fs::write(&path, config).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_domaine"));
    command
        .arg("--config")
        .arg(&path)
        .args(args)
        .env_remove("DOMAINE_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn domaine(dir: &std::path::Path, config: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = command(dir, config, args).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_bad_setting_stops_start_up_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = domaine(
        dir.path(),
        &VALID.replace("provider_name = \"JabberFR\"\n", ""),
        &["serve"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("provider_name"));

    let out = domaine(
        dir.path(),
        &VALID.replace("port = 2525", "port = 99999"),
        &["serve"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("port"));
}

#[test]
fn create_admin_hashes_the_password_from_stdin_and_refuses_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let out = domaine(
        dir.path(),
        VALID,
        &["create-admin", "--username", "root"],
        "short\n",
    );
    assert_eq!(out.status.code(), Some(2), "a short password is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10"));

    let out = domaine(
        dir.path(),
        VALID,
        &["create-admin", "--username", "root"],
        "a long enough password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = domaine(
        dir.path(),
        VALID,
        &["create-admin", "--username", "root"],
        "a long enough password\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    let out = domaine(dir.path(), VALID, &["add-domain", "Example.Test"], "");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("example.test"));
}

/// A loopback port where nothing listens (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn log_format_json_writes_one_json_object_a_line() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    // Prosody and the mail server are down: `serve` still starts, and its start-up checks log
    // the failures, with their fields.
    let config = format!(
        "log_format = \"json\"\n{}",
        VALID
            .replace("127.0.0.1:5222", &format!("127.0.0.1:{}", closed_port()))
            .replace("port = 2525", &format!("port = {}", closed_port()))
    );
    let mut child = command(dir.path(), &config, &["serve"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let seen = |lines: &[serde_json::Value], message: &str| {
        lines.iter().any(|l| {
            l["fields"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(message)
        })
    };
    while !(seen(&lines, "listening on") && seen(&lines, "start-up check failed")) {
        let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(60)) else {
            break;
        };
        let value: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(value["level"].is_string(), "{line}");
        assert!(value["fields"]["message"].is_string(), "{line}");
        lines.push(value);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen(&lines, "listening on"), "{lines:#?}");
    let failed = lines
        .iter()
        .find(|l| l["fields"]["message"] == "start-up check failed")
        .unwrap_or_else(|| panic!("a failed check is logged: {lines:#?}"));
    assert_eq!(failed["level"], "WARN");
    assert!(
        failed["fields"]["check"]
            .as_str()
            .is_some_and(|c| c.contains("is reachable")),
        "{failed}"
    );
    assert!(failed["fields"]["fix"].is_string(), "{failed}");
}
