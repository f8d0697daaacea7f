//! Concurrent asks for the same thing share one answer: the first one's lookup runs, the others
//! wait for it instead of asking again. Nothing is kept once it is answered, so an answer is
//! never older than the lookup it waited for.

use futures::future::{BoxFuture, FutureExt, Shared};
use std::{
    collections::HashMap,
    future::Future,
    hash::Hash,
    sync::{Arc, Mutex},
};

type Running<K, V> = Arc<Mutex<HashMap<K, Shared<BoxFuture<'static, V>>>>>;

pub struct SingleFlight<K, V: Clone> {
    running: Running<K, V>,
}

impl<K, V: Clone> Default for SingleFlight<K, V> {
    fn default() -> Self {
        SingleFlight {
            running: Arc::default(),
        }
    }
}

impl<K, V> SingleFlight<K, V>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// The answer of the lookup running for `key`, or of `lookup()` started now. The lookup
    /// leaves the table as it ends, whichever caller polled it to the end (one whose client went
    /// away may drop out: the next caller drives it on).
    pub async fn run<F>(&self, key: K, lookup: impl FnOnce() -> F) -> V
    where
        F: Future<Output = V> + Send + 'static,
    {
        let shared = {
            let mut running = self.running.lock().expect("never poisoned");
            match running.get(&key) {
                Some(shared) => shared.clone(),
                None => {
                    let table = self.running.clone();
                    let (key_then, work) = (key.clone(), lookup());
                    let shared = async move {
                        let value = work.await;
                        table.lock().expect("never poisoned").remove(&key_then);
                        value
                    }
                    .boxed()
                    .shared();
                    running.insert(key, shared.clone());
                    shared
                }
            }
        };
        shared.await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn concurrent_asks_share_one_lookup_and_later_ones_ask_again() {
        let flights = Arc::new(SingleFlight::<&str, u32>::default());
        let lookups = Arc::new(AtomicU32::new(0));
        let (release, released) = tokio::sync::watch::channel(false);
        let ask = |flights: Arc<SingleFlight<&'static str, u32>>| {
            let (lookups, mut released) = (lookups.clone(), released.clone());
            tokio::spawn(async move {
                flights
                    .run("token", move || async move {
                        let n = lookups.fetch_add(1, Ordering::SeqCst) + 1;
                        released.wait_for(|r| *r).await.unwrap();
                        n
                    })
                    .await
            })
        };
        let waiting: Vec<_> = (0..10).map(|_| ask(flights.clone())).collect();
        tokio::task::yield_now().await;
        release.send(true).unwrap();
        for asked in waiting {
            assert_eq!(asked.await.unwrap(), 1, "one lookup for all ten");
        }
        assert!(flights.running.lock().unwrap().is_empty(), "nothing kept");
        assert_eq!(
            ask(flights.clone()).await.unwrap(),
            2,
            "a later ask looks up again"
        );
    }
}
