//! Password hashing with argon2id (the crate's defaults follow OWASP's recommendation).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::sync::{mpsc, Arc, LazyLock, Mutex};
use tokio::sync::oneshot;

/// Hashes `password` with a fresh salt into a PHC string.
pub async fn hash(password: String) -> String {
    on_hashing_thread(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 accepts any password with default parameters")
            .to_string()
    })
    .await
}

/// Checks `password` against a stored PHC string. With no stored hash (unknown user) it still
/// does the same work against a dummy hash, so timing does not reveal which usernames exist.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    on_hashing_thread(move || {
        let (phc, known) = match &stored {
            Some(phc) => (phc.as_str(), true),
            None => (DUMMY_HASH.as_str(), false),
        };
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && known
    })
    .await
}

type Job = Box<dyn FnOnce() + Send>;

/// argon2id takes 19 MiB and tens of milliseconds per hash by design. A fixed pool of one thread
/// per core runs them: a burst of logins queues instead of stalling the async runtime, and the
/// memory stays bounded (on tokio's elastic blocking pool every new thread kept its own copy).
static HASHING_THREADS: LazyLock<mpsc::Sender<Job>> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for i in 0..std::thread::available_parallelism().map_or(2, |n| n.get()) {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || loop {
                let job = receiver.lock().expect("no job panics").recv();
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            })
            .expect("spawn a hashing thread");
    }
    sender
});

async fn on_hashing_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (reply, result) = oneshot::channel();
    HASHING_THREADS
        .send(Box::new(move || {
            let _ = reply.send(work());
        }))
        .expect("the hashing threads live as long as the process");
    result.await.expect("hashing does not panic")
}

static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(b"no such user", &salt)
        .expect("argon2 hashes a constant")
        .to_string()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let phc = hash("correct horse".into()).await;
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(phc.clone())).await);
        assert!(!verify("Correct horse".into(), Some(phc)).await);
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify("no such user".into(), None).await);
    }
}
