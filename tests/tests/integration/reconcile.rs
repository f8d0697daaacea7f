//! The job queue and the changes that wait for Prosody on it: a job backs off, gives up, is
//! retried by hand, survives a dead instance's lease and keeps a newer version queued, with its
//! audit entries following; two portal instances sharing one database never push the same
//! pending change at the same time, and the change lands once Prosody is back.

use app::audit::Outcome;
use domaine_tests::{database::Backend, page, per_backend, portal::TestPortal, prosody::Prosody};
use server::{
    audit,
    db::Db,
    jobs::{self, Handler, Job, JobError, Kind, Lane, State},
    reconcile,
    xmpp::RegistrationMode,
};
use std::{
    collections::VecDeque,
    sync::Mutex,
    time::{Duration, Instant},
};

const DOMAIN: &str = "shared.test";

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn attempts(portal: &TestPortal) -> i64 {
    let (attempts,): (i64,) = sqlx::query_as("SELECT attempts FROM jobs WHERE domain = $1")
        .bind(DOMAIN)
        .fetch_one(&portal.state.db.pool)
        .await
        .unwrap();
    attempts
}

per_backend!(two_instances_never_push_the_same_change_at_once);
async fn two_instances_never_push_the_same_change_at_once(backend: Backend) {
    let mut prosody = Prosody::start(&[DOMAIN]);
    let first = TestPortal::start(&prosody, &backend).await;
    let second = first.second_instance(&prosody).await;

    prosody.stop();
    wait_until("both instances see Prosody gone", async || {
        !first.state.xmpp.is_connected() && !second.state.xmpp.is_connected()
    })
    .await;
    server::domains::set_registration_mode(&first.state.db, DOMAIN, RegistrationMode::Closed)
        .await
        .unwrap();
    reconcile::enqueue(&first.state.db, DOMAIN, Kind::RegistrationMode, "")
        .await
        .unwrap();

    // Both instances try the due change at the same moment: one claims it, and a single
    // push is attempted (and fails, Prosody being down).
    let (a, b) = tokio::join!(
        reconcile::run_due(&first.state),
        reconcile::run_due(&second.state)
    );
    assert_eq!((a.unwrap(), b.unwrap()), (0, 0));
    assert_eq!(
        attempts(&first).await,
        1,
        "{}: pushed once, not twice",
        backend.name()
    );

    prosody.start_again();
    let host = xmpp_parsers::jid::DomainPart::new(DOMAIN).unwrap();
    wait_until("the change lands on Prosody", async || {
        matches!(
            second.state.xmpp.registration_mode(&host).await,
            Ok(RegistrationMode::Closed)
        )
    })
    .await;
    wait_until("the pending row is gone", async || {
        server::domains::pending(&first.state.db, DOMAIN)
            .await
            .unwrap()
            .is_empty()
    })
    .await;
}

/// A handler of the `Prosody` lane that answers from a script, and can queue its own job again
/// while running it (as a user changing the same state meanwhile would).
struct Scripted<'a> {
    db: &'a Db,
    answers: Mutex<VecDeque<Result<(), JobError>>>,
    requeue_while_running: Mutex<bool>,
    runs: Mutex<usize>,
}

impl Handler for Scripted<'_> {
    fn lane(&self) -> Lane {
        Lane::Prosody
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        *self.runs.lock().unwrap() += 1;
        jobs::set_progress(self.db, job.id, 1, 2).await.unwrap();
        let requeue = std::mem::take(&mut *self.requeue_while_running.lock().unwrap());
        if requeue {
            queue_change(self.db).await;
        }
        let answer = self.answers.lock().unwrap().pop_front();
        answer.expect("a scripted answer")
    }
}

/// A quota change of DOMAIN, logged in the audit log as pending on its job.
async fn queue_change(db: &Db) -> jobs::Queued {
    let mut tx = db.pool.begin().await.unwrap();
    let job = jobs::enqueue(&mut *tx, db.now(), Kind::Quota, DOMAIN, "", "")
        .await
        .unwrap();
    let change = audit::Change {
        actor: "test",
        domain: Some(DOMAIN),
        action: app::audit::AuditAction::Quota,
        target: "",
        outcome: Outcome::Pending,
        detail: &format!("version {}", job.version),
    };
    audit::record_for_job(&mut *tx, db.now(), change, job)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    job
}

/// The audit outcomes of DOMAIN's quota changes, oldest first.
async fn outcomes(db: &Db) -> Vec<Outcome> {
    let mut entries = audit::list(db, Some(DOMAIN), Some("quota"), 10)
        .await
        .unwrap();
    entries.reverse();
    entries.into_iter().map(|e| e.outcome).collect()
}

per_backend!(a_job_backs_off_gives_up_is_retried_and_keeps_a_newer_version);
async fn a_job_backs_off_gives_up_is_retried_and_keeps_a_newer_version(backend: Backend) {
    let b = backend.name();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&backend.fresh_database(dir.path()).await)
        .await
        .unwrap();
    let handler = Scripted {
        db: &db,
        answers: Mutex::new(VecDeque::new()),
        requeue_while_running: Mutex::new(false),
        runs: Mutex::new(0),
    };
    let answer = |a: Result<(), JobError>| handler.answers.lock().unwrap().push_back(a);
    let runs = || *handler.runs.lock().unwrap();
    let run_due = async || jobs::run_due(&db, &db.clock, &handler).await.unwrap();
    let status = async |id| jobs::status(&db, id).await.unwrap().unwrap();

    // A failure: queued again with its error, not before its backoff (2 s) has passed.
    let job = queue_change(&db).await;
    answer(Err(JobError::retry("Prosody is away")));
    let before = db.now();
    assert_eq!(run_due().await, 0, "{b}");
    let after = status(job.id).await;
    assert_eq!(after.state, State::Queued, "{b}");
    assert_eq!(
        (after.attempts, after.last_error.as_str()),
        (1, "Prosody is away")
    );
    assert!(
        (before + 2..=db.now() + 2).contains(&after.next_attempt_at),
        "{b}"
    );
    assert_eq!(after.progress, Some((1, 2)));
    assert_eq!(run_due().await, 0);
    assert_eq!(runs(), 1, "{b}: the claim re-checks the due time");
    assert_eq!(
        jobs::run_one(&db, &db.clock, &handler, job.id)
            .await
            .unwrap(),
        Some(State::Queued)
    );
    assert_eq!(
        runs(),
        1,
        "{b}: nor does running that one job skip its backoff"
    );

    // A permanent error gives up: failed, and so is its audit entry.
    db.clock.advance(2);
    answer(Err(JobError::give_up("no such domain")));
    assert_eq!(run_due().await, 0);
    let failed = status(job.id).await;
    assert_eq!((failed.state, failed.attempts), (State::Failed, 2), "{b}");
    assert!(failed.finished_at.is_some());
    assert_eq!(outcomes(&db).await, [Outcome::Failed], "{b}");
    db.clock.advance(3600);
    assert_eq!(
        run_due().await,
        0,
        "{b}: a failed job waits for a retry by hand"
    );

    // Retried by hand: a fresh set of attempts, the error shown until the next one.
    assert!(jobs::retry(&db, &db.clock, job.id).await.unwrap());
    let retried = status(job.id).await;
    assert_eq!((retried.state, retried.attempts), (State::Queued, 0), "{b}");
    assert_eq!(retried.last_error, "no such domain");

    // An instance claimed it and died: nobody runs it until its lease (30 s) ends.
    sqlx::query("UPDATE jobs SET state = 'running', claimed_until = $1 WHERE id = $2")
        .bind(db.now() + 30)
        .bind(job.id)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(run_due().await, 0);
    assert_eq!(runs(), 2, "{b}");
    db.clock.advance(31);

    // It lands, but the same state changed again while it ran: the newer version stays
    // queued, and only the older version's audit entry is done.
    *handler.requeue_while_running.lock().unwrap() = true;
    answer(Ok(()));
    assert_eq!(run_due().await, 1, "{b}: the older version landed");
    assert_eq!(runs(), 3, "{b}");
    let requeued = status(job.id).await;
    assert_eq!(requeued.state, State::Queued, "{b}");
    assert_eq!(
        outcomes(&db).await,
        [Outcome::Done, Outcome::Pending],
        "{b}"
    );
    answer(Ok(()));
    assert_eq!(run_due().await, 1, "{b}");
    let done = status(job.id).await;
    assert_eq!(
        (done.state, done.last_error.as_str()),
        (State::Done, ""),
        "{b}"
    );
    assert_eq!(outcomes(&db).await, [Outcome::Done, Outcome::Done], "{b}");
    assert!(
        !jobs::retry(&db, &db.clock, job.id).await.unwrap(),
        "{b}: done"
    );
    assert!(server::domains::pending(&db, DOMAIN)
        .await
        .unwrap()
        .is_empty());
}

per_backend!(the_dashboard_shows_a_waiting_change_and_retries_it_by_hand);
async fn the_dashboard_shows_a_waiting_change_and_retries_it_by_hand(backend: Backend) {
    let mut prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let b = backend.name();
    let db = portal.state.db.clone();
    let web = portal
        .admin_web("admin", "correct horse battery", "en")
        .await;
    let dashboard = format!("/domains/{DOMAIN}");
    let csrf = web.get(&dashboard).await.csrf();

    prosody.stop();
    wait_until("the portal sees Prosody gone", async || {
        !portal.state.xmpp.is_connected()
    })
    .await;
    let (status, _) = web
        .post_form(
            "/api/set_registration_mode",
            &[("csrf", &csrf), ("domain", DOMAIN), ("mode", "closed")],
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::FOUND, "{b}");
    // The worker waits for Prosody; an attempt made anyway fails.
    assert_eq!(reconcile::run_due(&portal.state).await.unwrap(), 0);
    assert_eq!(attempts(&portal).await, 1, "{b}");
    // Its next attempt far away, so that only the button can push it once Prosody is back.
    sqlx::query("UPDATE jobs SET next_attempt_at = $1 WHERE domain = $2")
        .bind(i64::MAX / 2)
        .bind(DOMAIN)
        .execute(&db.pool)
        .await
        .unwrap();

    let retry_button = |html: &str| html.contains(r#"name="id""#) && html.contains("Retry now");
    let html = web.get(&dashboard).await.html;
    let item = page::marked(&html, "data-change", "registration-mode");
    assert!(
        item.len() == 1 && item[0].contains(r#"data-state="queued""#),
        "{b}: {item:?}"
    );
    assert!(html.contains("attempt failed; next one"), "{b}");
    assert!(retry_button(&html), "{b}: a failed attempt can be retried");

    // Given up (as a refusal for good would leave it): said so, still retryable.
    sqlx::query("UPDATE jobs SET state = 'failed' WHERE domain = $1")
        .bind(DOMAIN)
        .execute(&db.pool)
        .await
        .unwrap();
    let html = web.get(&dashboard).await.html;
    let item = page::marked(&html, "data-change", "registration-mode");
    assert!(
        item.len() == 1 && item[0].contains(r#"data-state="failed""#),
        "{b}: {item:?}"
    );
    assert!(html.contains("The XMPP server refused this change"), "{b}");
    assert!(retry_button(&html), "{b}");

    prosody.start_again();
    wait_until("the portal is back on Prosody", async || {
        portal.state.xmpp.is_connected()
    })
    .await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM jobs WHERE domain = $1")
        .bind(DOMAIN)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    // Another domain's change, or a made-up one, is nobody's to retry here.
    let (status, _) = web
        .post_form(
            "/api/retry_change",
            &[
                ("csrf", &csrf),
                ("domain", DOMAIN),
                ("id", &(id + 1000).to_string()),
            ],
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::FOUND, "{b}");
    assert_eq!(
        server::domains::pending(&db, DOMAIN).await.unwrap().len(),
        1
    );

    let (status, location) = web
        .post_form(
            "/api/retry_change",
            &[("csrf", &csrf), ("domain", DOMAIN), ("id", &id.to_string())],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (reqwest::StatusCode::FOUND, Some(dashboard.as_str())),
        "{b}"
    );
    // Pushed by the request itself: landed before the redirect.
    assert!(
        server::domains::pending(&db, DOMAIN)
            .await
            .unwrap()
            .is_empty(),
        "{b}"
    );
    let host = xmpp_parsers::jid::DomainPart::new(DOMAIN).unwrap();
    assert_eq!(
        portal.state.xmpp.registration_mode(&host).await.unwrap(),
        RegistrationMode::Closed,
        "{b}"
    );
    let entry = audit::list(&db, Some(DOMAIN), None, 10).await.unwrap();
    let entry = entry
        .iter()
        .find(|e| e.action.as_str() == "registration-mode")
        .unwrap();
    assert_eq!(entry.outcome, Outcome::Done, "{b}: the audit log follows");
    assert!(!web.get(&dashboard).await.html.contains("Retry now"), "{b}");
}
