//! E-mail through a real SMTP server: what arrives (subject, both parts, accents), and the
//! outbox's promise that a mail server that is down loses no mail and gets none twice, even
//! with two portal instances sharing the database.

use domaine_tests::{
    database::Backend, per_backend, portal::TestPortal, prosody::Prosody, smtp::SmtpServer,
};
use server::{
    config::{SmtpSecurity, SmtpSettings},
    db::Db,
    mail::{
        outbox::{self, MailStatus, MAX_ATTEMPTS},
        Email, MailError, Mailer,
    },
};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

const WITHIN: Duration = Duration::from_secs(10);

fn invitation(address: &str) -> Email {
    Email {
        to: format!("Élodie Martin <{address}>"),
        subject: "Invitation à rejoindre « Café Crème » sur Jabber — déjà prête".into(),
        text:
            "Bonjour Élodie,\n\nVoici votre invitation : https://example.test/i/abc\n\nÀ bientôt !"
                .into(),
        html: "<p>Bonjour Élodie,</p><p>Voici votre <a href=\"https://example.test/i/abc\">\
               invitation</a>.</p><p>À bientôt !</p>"
            .into(),
    }
}

fn settings(smtp: &SmtpServer) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: smtp.port(),
        from: "Domaine <noreply@example.test>".into(),
        username: None,
        password: None,
        security: SmtpSecurity::None,
    }
}

/// A fresh database of `backend`, and the directory it may live in.
async fn fresh_db(backend: &Backend) -> (Db, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = backend.fresh_database(dir.path()).await;
    (Db::connect(&url).await.unwrap(), url, dir)
}

async fn status(db: &Db, id: i64) -> MailStatus {
    outbox::status(db, id)
        .await
        .unwrap()
        .expect("the mail exists")
}

/// Makes every queued mail due now, as if its backoff had passed.
async fn skip_backoff(db: &Db) {
    sqlx::query("UPDATE jobs SET next_attempt_at = 0")
        .execute(&db.pool)
        .await
        .unwrap();
}

fn lines(text: &str) -> String {
    text.replace("\r\n", "\n").trim_end().to_string()
}

per_backend!(the_portal_sends_a_queued_mail_at_once_with_both_parts);
async fn the_portal_sends_a_queued_mail_at_once_with_both_parts(backend: Backend) {
    let smtp = SmtpServer::start();
    let prosody = Prosody::start(&["mail.test"]);
    let portal = TestPortal::start_with_smtp(&prosody, &backend, &smtp).await;
    let address = format!("elodie-{}@example.test", backend.name());
    let email = invitation(&address);
    let id = outbox::send(&portal.state.db, &portal.state.mail, &email)
        .await
        .unwrap();

    // Well before the worker's next tick (5 s): it was woken.
    let mail = smtp.wait_for_mail(&address, Duration::from_secs(4)).await;
    assert_eq!(mail.subject, email.subject, "{}", backend.name());
    assert_eq!(mail.from, "Domaine <noreply@example.test>");
    assert!(mail.to.contains("Élodie Martin"), "{}", mail.to);
    assert!(mail.to.contains(&format!("<{address}>")), "{}", mail.to);
    assert_eq!(mail.content_type, "multipart/alternative");
    assert_eq!(lines(&mail.text), lines(&email.text));
    assert_eq!(lines(&mail.html), lines(&email.html));
    // The headers went out 7-bit clean (RFC 2047), as every mail server accepts.
    let raw = String::from_utf8_lossy(&mail.raw);
    let headers = raw.split("\n\n").next().unwrap();
    assert!(headers.is_ascii(), "{headers}");

    let deadline = Instant::now() + WITHIN;
    while !matches!(status(&portal.state.db, id).await, MailStatus::Sent { .. }) {
        assert!(Instant::now() < deadline, "the mail is never marked sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(smtp.mails_to(&address).len(), 1);
}

/// A mail queued for `PREFIX-BACKEND@example.test` while the mail server is stopped.
struct Down {
    smtp: SmtpServer,
    db: Db,
    mailer: Mailer,
    wake: Notify,
    address: String,
    id: i64,
    _dir: tempfile::TempDir,
}

async fn mail_while_down(backend: &Backend, prefix: &str) -> Down {
    let mut smtp = SmtpServer::start();
    let (db, _, _dir) = fresh_db(backend).await;
    let mailer = Mailer::new(&settings(&smtp)).unwrap();
    let wake = Notify::new();
    smtp.stop();
    let address = format!("{prefix}-{}@example.test", backend.name());
    let id = outbox::send(&db, &wake, &invitation(&address))
        .await
        .unwrap();
    Down {
        smtp,
        db,
        mailer,
        wake,
        address,
        id,
        _dir,
    }
}

impl Down {
    async fn status(&self) -> MailStatus {
        status(&self.db, self.id).await
    }

    /// Runs the due mails once; how many were sent.
    async fn run_due(&self) -> usize {
        outbox::run_due(&self.db, &self.mailer).await.unwrap()
    }

    /// Whether a retry by hand queued the mail again.
    async fn retry(&self) -> bool {
        outbox::retry(&self.db, &self.wake, self.id).await.unwrap()
    }
}

per_backend!(a_mail_waits_for_the_mail_server_and_is_delivered_once);
async fn a_mail_waits_for_the_mail_server_and_is_delivered_once(backend: Backend) {
    let name = backend.name();
    let mut down = mail_while_down(&backend, "down").await;
    assert_eq!(
        down.status().await,
        MailStatus::Pending {
            attempts: 0,
            last_error: None
        }
    );
    assert_eq!(down.run_due().await, 0);
    let MailStatus::Pending {
        attempts: 1,
        last_error: Some(error),
    } = down.status().await
    else {
        panic!("{name}: {:?}", down.status().await);
    };
    assert!(error.contains("refused"), "{name}: {error}");

    // Backing off: the next run does not try again at once, even with the server back.
    down.smtp.start_again();
    assert_eq!(down.run_due().await, 0);
    assert!(matches!(
        down.status().await,
        MailStatus::Pending { attempts: 1, .. }
    ));
    assert!(down.smtp.received().is_empty());

    // Retried by hand: sent now, once.
    assert!(down.retry().await);
    assert_eq!(down.run_due().await, 1);
    assert!(matches!(down.status().await, MailStatus::Sent { .. }));
    assert_eq!(down.smtp.mails_to(&down.address).len(), 1);
    skip_backoff(&down.db).await;
    assert_eq!(down.run_due().await, 0);
    assert!(!down.retry().await, "already sent");
    assert_eq!(
        down.smtp.received().len(),
        1,
        "{name}: delivered exactly once"
    );
}

per_backend!(a_mail_fails_after_bounded_attempts_and_can_be_retried_by_hand);
async fn a_mail_fails_after_bounded_attempts_and_can_be_retried_by_hand(backend: Backend) {
    let name = backend.name();
    let mut down = mail_while_down(&backend, "failed").await;

    for _ in 0..MAX_ATTEMPTS {
        skip_backoff(&down.db).await;
        assert_eq!(down.run_due().await, 0);
    }
    let MailStatus::Failed {
        attempts,
        last_error,
    } = down.status().await
    else {
        panic!("{name}: {:?}", down.status().await);
    };
    assert_eq!(attempts, MAX_ATTEMPTS);
    assert!(last_error.contains("refused"), "{last_error}");

    // Failed mails are left alone, even when the server is back...
    down.smtp.start_again();
    skip_backoff(&down.db).await;
    assert_eq!(down.run_due().await, 0);
    assert!(down.smtp.received().is_empty());

    // ...until retried by hand, which starts afresh and keeps the error visible meanwhile.
    assert!(down.retry().await);
    assert_eq!(
        down.status().await,
        MailStatus::Pending {
            attempts: 0,
            last_error: Some(last_error)
        }
    );
    assert_eq!(down.run_due().await, 1);
    assert!(matches!(down.status().await, MailStatus::Sent { .. }));
    assert_eq!(down.smtp.mails_to(&down.address).len(), 1, "{name}");
}

per_backend!(two_instances_on_one_database_send_each_mail_once);
async fn two_instances_on_one_database_send_each_mail_once(backend: Backend) {
    let name = backend.name();
    let smtp = SmtpServer::start();
    let (first, url, _dir) = fresh_db(&backend).await;
    let second = Db::connect(&url).await.unwrap();
    let (mailer1, mailer2) = (
        Mailer::new(&settings(&smtp)).unwrap(),
        Mailer::new(&settings(&smtp)).unwrap(),
    );
    let addresses: Vec<String> = (0..6)
        .map(|i| format!("twice-{name}-{i}@example.test"))
        .collect();
    for address in &addresses[..3] {
        outbox::enqueue(&first.pool, first.now(), &invitation(address))
            .await
            .unwrap();
    }

    // Both instances run at the same moment: each mail is claimed by one of them.
    let (a, b) = tokio::join!(
        outbox::run_due(&first, &mailer1),
        outbox::run_due(&second, &mailer2)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 3, "{name}");
    for address in &addresses[..3] {
        assert_eq!(smtp.mails_to(address).len(), 1, "{name}: {address}");
    }

    // The same with the real workers, both woken for each new mail.
    let (wake1, wake2) = (
        std::sync::Arc::new(Notify::new()),
        std::sync::Arc::new(Notify::new()),
    );
    let workers = [
        tokio::spawn(outbox::worker(
            first.clone(),
            settings(&smtp),
            wake1.clone(),
        )),
        tokio::spawn(outbox::worker(
            second.clone(),
            settings(&smtp),
            wake2.clone(),
        )),
    ];
    let mut ids = Vec::new();
    for address in &addresses[3..] {
        ids.push(
            outbox::send(&first, &wake1, &invitation(address))
                .await
                .unwrap(),
        );
        wake2.notify_one();
    }
    for id in ids {
        let deadline = Instant::now() + WITHIN;
        while !matches!(status(&second, id).await, MailStatus::Sent { .. }) {
            assert!(Instant::now() < deadline, "{name}: mail {id} never sent");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for worker in workers {
        worker.abort();
    }
    for address in &addresses {
        assert_eq!(smtp.mails_to(address).len(), 1, "{name}: {address}");
    }
    assert_eq!(smtp.received().len(), addresses.len(), "{name}");
}

per_backend!(a_mail_is_queued_with_the_transaction_that_makes_it);
async fn a_mail_is_queued_with_the_transaction_that_makes_it(backend: Backend) {
    let (db, _, _dir) = fresh_db(&backend).await;
    let count = async || -> i64 {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mail_outbox")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        n
    };

    let err = outbox::enqueue(&db.pool, db.now(), &invitation("not an address"))
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::InvalidAddress(_)), "{err}");

    let mut tx = db.pool.begin().await.unwrap();
    outbox::enqueue(&mut *tx, db.now(), &invitation("rolled-back@example.test"))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(count().await, 0, "{}", backend.name());

    let mut tx = db.pool.begin().await.unwrap();
    let id = outbox::enqueue(&mut *tx, db.now(), &invitation("kept@example.test"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count().await, 1);
    assert!(matches!(
        status(&db, id).await,
        MailStatus::Pending { attempts: 0, .. }
    ));
}
