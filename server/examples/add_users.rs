//! The peer of the account-creation benchmark (scripts/bench.sh): Prosody's own XEP-0133
//! add-user, sent straight from the service account's XMPP connection with no portal in
//! between, by CONNECTIONS concurrent senders for SECONDS. Prints what wrk would: the requests
//! done, the errors and the rate.
//!   DOMAINE_CONFIG=… add_users DOMAIN PREFIX CONNECTIONS SECONDS

use server::{config::Config, startup, xmpp::BareJid};
use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [domain, prefix, connections, seconds] = &args[..] else {
        eprintln!("usage: add_users DOMAIN PREFIX CONNECTIONS SECONDS");
        std::process::exit(2);
    };
    let connections: u64 = connections.parse().expect("CONNECTIONS is a number");
    let duration = Duration::from_secs(seconds.parse().expect("SECONDS is a number"));
    let path = std::env::var_os("DOMAINE_CONFIG")
        .expect("DOMAINE_CONFIG names the portal's configuration");
    let config = Config::load(Some(std::path::Path::new(&path))).expect("a valid configuration");
    let client = startup::admin_client(&config);
    client
        .wait_connected(Duration::from_secs(10))
        .await
        .expect("the service account connects");
    let (done, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let start = Instant::now();
    let senders: Vec<_> = (0..connections)
        .map(|sender| {
            let (client, done, failed) = (client.clone(), done.clone(), failed.clone());
            let (domain, prefix) = (domain.clone(), prefix.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while start.elapsed() < duration {
                    n += 1;
                    let jid = BareJid::new(&format!("{prefix}s{sender}x{n}@{domain}"))
                        .expect("a valid address");
                    match client.add_user(&jid, "bench password 1").await {
                        Ok(()) => done.fetch_add(1, Ordering::Relaxed),
                        Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    for sender in senders {
        sender.await.expect("a sender does not panic");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let (done, failed) = (done.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    println!("requests {} errors {failed}", done + failed);
    println!("rate {:.2}", (done + failed) as f64 / elapsed);
}
