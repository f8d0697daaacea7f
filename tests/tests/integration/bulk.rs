//! Bulk work on a domain's accounts against a real Prosody, a real SMTP server and each database
//! backend: locking a filtered selection (the accounts cannot log in any more), deleting the
//! ticked accounts once the domain's name is typed (with a notice to those that have a recovery
//! address), inviting a pasted list (each good line its own single-use invitation by e-mail, bad
//! lines reported by number), and a job cut off by a restart of the portal finishing without
//! doing anything twice. The owner drives the forms as a browser without JavaScript does.

use app::{
    error::{ErrorKind, Field},
    i18n::Locale,
};
use domaine_tests::domain::OwnedDomain;
use domaine_tests::tasks::{task_id, wait_for_task, TaskMarks};
use domaine_tests::{
    database::Backend,
    per_backend,
    prosody::{bare_jid, can_login},
    wait::eventually,
    web::kind,
};
use reqwest::StatusCode;
use server::jobs;
use std::time::Duration;

const DOMAIN: &str = "one.test";
const OWNER: &str = "olivia";
const PASSWORD: &str = "a long password";
/// Long enough for a job of a few items, however slow the machine.
const WITHIN: Duration = Duration::from_secs(30);

/// Prosody, a mail server, the portal (bulk jobs in batches of two, `pause_secs` apart) and its
/// owner Olivia logged in on the web.
struct Site(OwnedDomain);

impl std::ops::Deref for Site {
    type Target = OwnedDomain;
    fn deref(&self) -> &OwnedDomain {
        &self.0
    }
}

impl Site {
    async fn start(backend: &Backend, pause_secs: u64) -> Site {
        let config = format!("[bulk]\nbatch_size = 2\npause_secs = {pause_secs}\n");
        Site(OwnedDomain::start_configured(backend, DOMAIN, OWNER, PASSWORD, &config).await)
    }

    fn b(&self) -> &'static str {
        self.portal.backend.name()
    }

    fn register(&self, users: &[&str]) {
        for user in users {
            self.prosody.register(user, DOMAIN, PASSWORD);
        }
    }

    async fn can_login(&self, user: &str) -> bool {
        let jid = bare_jid(&format!("{user}@{DOMAIN}"));
        can_login(self.prosody.c2s_addr(), &jid, PASSWORD).await
    }

    /// Posts the accounts console's bulk form without JavaScript; the job's id.
    async fn bulk_accounts(&self, fields: &[(&str, &str)]) -> i64 {
        let mut all = vec![("csrf", self.csrf.as_str()), ("domain", DOMAIN)];
        all.extend_from_slice(fields);
        let (status, location) = self.owner.post_form("/api/bulk_accounts", &all).await;
        assert_eq!(status, StatusCode::FOUND, "{}", self.b());
        task_id(&location.expect("a redirect"))
    }

    /// Posts the bulk invitation form (a pasted list) without JavaScript; where it leads.
    async fn invite_list(&self, list: &str) -> String {
        let fields = [
            ("csrf", self.csrf.as_str()),
            ("addresses", list),
            ("email_locale", "en"),
        ];
        let path = format!("/domains/{DOMAIN}/invites/bulk");
        let (status, location) = self.owner.post_multipart(&path, &fields, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", self.b());
        location.expect("a redirect")
    }

    /// Waits until task `id` is over, as its page shows it.
    async fn finished(&self, id: i64) -> TaskMarks {
        let marks = wait_for_task(&self.owner, DOMAIN, id, WITHIN).await;
        assert_eq!(marks.state, "done", "{}: {}", self.b(), marks.html);
        marks
    }

    /// The failed items of task `id`: line (for a list), item and why.
    async fn failures(&self, id: i64) -> Vec<(Option<i64>, String, ErrorKind)> {
        server::tasks::view(&self.portal.state.db, id)
            .await
            .unwrap()
            .expect("the task")
            .failures
            .into_iter()
            .map(|f| (f.line, f.item, f.reason))
            .collect()
    }

    /// Gives `user` a confirmed recovery address.
    async fn recovery_address(&self, user: &str, email: &str) {
        let db = &self.portal.state.db;
        let row = server::domains::get(db, DOMAIN).await.unwrap().unwrap();
        let token = server::recovery::set_pending(db, row.id, user, email)
            .await
            .unwrap();
        assert!(server::recovery::confirm(db, &token)
            .await
            .unwrap()
            .is_some());
    }

    /// How many mails the outbox holds for `address`.
    async fn queued_mails_to(&self, address: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mail_outbox WHERE recipient = $1")
            .bind(address)
            .fetch_one(&self.portal.state.db.pool)
            .await
            .unwrap();
        n
    }
}

per_backend!(a_bulk_lock_of_a_filtered_selection_locks_them_on_prosody);
/// "Not seen for a month" selects the accounts nobody used; locking all of them locks each on
/// Prosody, through the same lock state as a single lock, and the report says so. Ticking
/// accounts on the page locks those only, and one that does not exist is reported.
async fn a_bulk_lock_of_a_filtered_selection_locks_them_on_prosody(backend: Backend) {
    let site = Site::start(&backend, 0).await;
    let b = site.b();
    site.register(&["anna", "bert", "cleo", "dave", "emil"]);
    // Bert and Emil log in: seen now. Olivia logged in to the portal.
    assert!(site.can_login("bert").await && site.can_login("emil").await);

    // Prosody records their activity as their sessions end, a moment later.
    let seen = eventually(WITHIN, || async {
        let page = site
            .owner
            .get(&format!("/domains/{DOMAIN}/accounts?inactive=1"))
            .await;
        !page.html.contains("bert@") && !page.html.contains("emil@")
    })
    .await;
    assert!(seen, "{b}: Bert and Emil are seen");
    let id = site
        .bulk_accounts(&[("action", "lock"), ("scope", "all"), ("view", "inactive=1")])
        .await;
    let report = site.finished(id).await;
    // Olivia is seen (she logged in); were she not, she would be left out, not locked.
    assert_eq!(
        (report.total, report.succeeded, report.failed),
        (Some(3), 3, 0),
        "{b}: {}",
        report.html
    );
    assert!(
        report.html.contains("3 accounts locked"),
        "{b}: the summary"
    );
    for (user, can) in [
        ("anna", false),
        ("cleo", false),
        ("dave", false),
        ("bert", true),
        ("emil", true),
    ] {
        assert_eq!(site.can_login(user).await, can, "{b}: {user}");
        let wanted = server::accounts::is_locked(&site.portal.state.db, DOMAIN, user)
            .await
            .unwrap();
        assert_eq!(wanted, !can, "{b}: the lock state of {user}");
    }
    let page = site.owner.get(&format!("/domains/{DOMAIN}/accounts")).await;
    assert_eq!(
        page.html.matches(r#"data-state="locked""#).count(),
        3,
        "{b}"
    );

    // The ticked accounts only; a name Prosody does not have is reported.
    let id = site
        .bulk_accounts(&[
            ("action", "lock"),
            ("scope", "ticked"),
            ("selected[]", "bert"),
            ("selected[]", "ghost"),
        ])
        .await;
    let report = site.finished(id).await;
    assert_eq!((report.succeeded, report.failed), (1, 1), "{b}");
    assert_eq!(report.failures, ["ghost"], "{b}");
    assert_eq!(
        site.failures(id).await,
        [(None, "ghost".to_string(), ErrorKind::UnknownAccount)],
        "{b}"
    );
    assert!(!site.can_login("bert").await, "{b}");
    assert!(site.can_login("emil").await, "{b}");
}

per_backend!(a_bulk_deletion_needs_the_domain_typed_and_tells_recovery_addresses);
/// Deleting the ticked accounts needs the domain's name typed again: anything else is refused
/// with a message and deletes nothing. Once typed, the accounts are deleted, and those with a
/// confirmed recovery address are told by e-mail, in their own language, if the owner asked.
async fn a_bulk_deletion_needs_the_domain_typed_and_tells_recovery_addresses(backend: Backend) {
    let site = &Site::start(&backend, 0).await;
    let b = site.b();
    site.register(&["anna", "bert", "cleo"]);
    site.recovery_address("anna", "anna@mail.test").await;
    site.recovery_address("bert", "bert@mail.test").await;
    server::languages::record(&site.portal.state.db, &format!("anna@{DOMAIN}"), Locale::Fr)
        .await
        .unwrap();
    let call = |confirm: &'static str| async move {
        let fields = [
            ("csrf", site.csrf.as_str()),
            ("domain", DOMAIN),
            ("action", "delete"),
            ("scope", "ticked"),
            ("selected[]", "anna"),
            ("selected[]", "cleo"),
            ("notify", "1"),
            ("confirm", confirm),
        ];
        site.owner.server_fn("bulk_accounts", &fields).await
    };
    let refused_once = call("3").await;
    assert_eq!(kind(refused_once), ErrorKind::ConfirmationMismatch, "{b}");
    assert_eq!(
        ErrorKind::ConfirmationMismatch.field(),
        Some(Field::Confirm)
    );
    for user in ["anna", "bert", "cleo"] {
        assert!(site.can_login(user).await, "{b}: {user} is still there");
    }
    let jobs_made: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE kind = 'bulk'")
        .fetch_one(&site.portal.state.db.pool)
        .await
        .unwrap();
    assert_eq!(jobs_made.0, 0, "{b}: no job for a refused deletion");

    let id: i64 = call("ONE.test")
        .await
        .expect("typed right")
        .parse()
        .unwrap();
    let report = site.finished(id).await;
    assert_eq!((report.succeeded, report.failed), (2, 0), "{b}");
    for (user, there) in [("anna", false), ("cleo", false), ("bert", true)] {
        assert_eq!(site.can_login(user).await, there, "{b}: {user}");
    }
    let notice = site.smtp.wait_for_mail("anna@mail.test", WITHIN).await;
    assert!(
        notice.subject.contains(&format!("anna@{DOMAIN}")),
        "{b}: {}",
        notice.subject
    );
    assert!(
        notice.text.contains("supprimé"),
        "{b}: in French: {}",
        notice.text
    );
    // Bert was not deleted, Cleo has no address: nobody else is told.
    assert_eq!(site.queued_mails_to("bert@mail.test").await, 0, "{b}");
    assert_eq!(site.smtp.mails_to("anna@mail.test").len(), 1, "{b}");
    let audit = server::audit::list(&site.portal.state.db, Some(DOMAIN), None, 100)
        .await
        .unwrap();
    for user in ["anna", "cleo"] {
        assert!(
            audit
                .iter()
                .any(|e| e.action.as_str() == "delete-account" && e.target == user),
            "{b}: {user}'s deletion is audited"
        );
    }
}

per_backend!(a_bulk_invitation_of_a_pasted_list_reports_bad_lines);
/// A pasted list: every good address gets its own single-use invitation by e-mail; a line that
/// is not an address, or repeats one, is reported with its number. An empty list is refused on
/// the form.
async fn a_bulk_invitation_of_a_pasted_list_reports_bad_lines(backend: Backend) {
    let site = Site::start(&backend, 0).await;
    let b = site.b();
    let list = "ann@mail.test\nnot an address\n\nbob@mail.test\nANN@mail.test\n";
    let id = task_id(&site.invite_list(list).await);
    let report = site.finished(id).await;
    assert_eq!((report.succeeded, report.failed), (2, 2), "{b}");
    assert_eq!(
        site.failures(id).await,
        [
            (
                Some(2),
                "not an address".to_string(),
                ErrorKind::InvalidEmail
            ),
            (
                Some(5),
                "ANN@mail.test".to_string(),
                ErrorKind::DuplicateAddress { line: 1 }
            ),
        ],
        "{b}"
    );
    assert!(
        report.html.contains("line 2: not an address"),
        "{b}: the report names the line"
    );
    let mut links = Vec::new();
    for address in ["ann@mail.test", "bob@mail.test"] {
        let mail = site.smtp.wait_for_mail(address, WITHIN).await;
        links.push(mail.link("/invite/"));
    }
    assert_ne!(links[0], links[1], "{b}: one invitation each");
    assert_eq!(site.smtp.mails_to("ann@mail.test").len(), 1, "{b}");
    let invitations = server::invitations::list(&site.portal.state.db, DOMAIN)
        .await
        .unwrap();
    assert_eq!(invitations.len(), 2, "{b}");
    assert!(
        invitations.iter().all(|i| i.max_uses == 1),
        "{b}: single-use"
    );

    // Nothing to invite: the form says so, and no job is made.
    let back = site.invite_list(" \n").await;
    assert!(
        back.starts_with(&format!("/domains/{DOMAIN}/invites?")) && back.contains("__err="),
        "{b}: {back}"
    );
    let page = site.owner.get(&back).await.html;
    let message = ErrorKind::Required {
        field: Field::Addresses,
    }
    .message(Locale::En);
    let at = page
        .find(r#"id="bulk-invite-addresses-error""#)
        .expect("the list's error element");
    let element = &page[at..at + page[at..].find("</p>").unwrap()];
    assert!(
        element.contains(&message) && !element.contains("hidden"),
        "{b}: the form says why under the list: {element}"
    );
}

per_backend!(a_bulk_job_interrupted_by_a_portal_restart_finishes);
/// A portal restart cuts a bulk invitation off after its first batch, with the job still held
/// by the instance that went away: the new instance takes it up when that lease ends and
/// finishes it, and nobody gets a second invitation.
async fn a_bulk_job_interrupted_by_a_portal_restart_finishes(backend: Backend) {
    // Ten minutes (of the portal's clock) between batches: the restart comes in between.
    let site = Site::start(&backend, 600).await;
    let b = site.b();
    let addresses: Vec<String> = (1..=5).map(|i| format!("guest{i}@mail.test")).collect();
    let id = task_id(&site.invite_list(&addresses.join("\n")).await);
    let db = site.portal.state.db.clone();
    let first_batch = eventually(WITHIN, || async {
        let task = server::tasks::view(&db, id).await.unwrap().unwrap();
        task.done == 2 && task.state == app::tasks::TaskState::Queued
    })
    .await;
    assert!(first_batch, "{b}: {:?}", server::tasks::view(&db, id).await);
    // Their mails are out, so the restart cuts off the bulk job only.
    for address in &addresses[..2] {
        site.smtp.wait_for_mail(address, WITHIN).await;
    }
    let mails_sent = eventually(WITHIN, || async {
        let (open,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE kind = 'mail' AND state <> 'done'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        open == 0
    })
    .await;
    assert!(mails_sent, "{b}");
    // As an instance that died in the middle of a run leaves it: running, its lease held.
    let now = site.portal.state.clock.now();
    sqlx::query("UPDATE jobs SET state = 'running', claimed_until = $1 WHERE id = $2")
        .bind(now + jobs::TASK_LEASE_SECS)
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();

    let OwnedDomain {
        portal,
        smtp,
        prosody,
        ..
    } = site.0;
    let portal = portal.restart(&prosody).await;
    // Past the lease: the new instance takes the job up, and past each pause after.
    portal.state.clock.advance(jobs::TASK_LEASE_SECS);
    let db = &portal.state.db;
    let done = eventually(WITHIN, || async {
        portal.state.clock.advance(601);
        server::tasks::wake(&portal.state);
        jobs::status(db, id).await.unwrap().map(|s| s.state) == Some(jobs::State::Done)
    })
    .await;
    assert!(done, "{b}: {:?}", jobs::status(db, id).await.unwrap());
    let task = server::tasks::view(db, id).await.unwrap().unwrap();
    assert_eq!(
        (task.done, task.succeeded, task.failed),
        (5, 5, 0),
        "{b}: {task:?}"
    );
    for address in &addresses {
        smtp.wait_for_mail(address, WITHIN).await;
    }
    for address in &addresses {
        assert_eq!(smtp.mails_to(address).len(), 1, "{b}: {address}");
    }
    let invitations = server::invitations::list(db, DOMAIN).await.unwrap();
    assert_eq!(invitations.len(), 5, "{b}: one invitation each");
}
