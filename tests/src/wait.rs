//! Waiting for something the servers do in the background (a mail sent, a change pushed, a
//! session ended), polled and bounded: tests assert the outcome, never how long it took.

use std::future::Future;
use std::time::{Duration, Instant};

/// How often a wait checks its condition.
const POLL: Duration = Duration::from_millis(50);

/// Whether `condition` holds within `within` (checked every 50 ms, and once more at the end).
pub async fn eventually<F, Fut>(within: Duration, mut condition: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    loop {
        if condition().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The first `Some` that `attempt` gives within `within`; panics with `what` after that.
pub async fn until_some<T, F, Fut>(what: &str, within: Duration, mut attempt: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(found) = attempt().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "gave up after {within:?}: {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}
