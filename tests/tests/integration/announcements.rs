//! Announcements, end to end through the portal's HTTP interface without JavaScript, against a
//! real Prosody and each database backend: the owner's preview (the message as it will arrive,
//! the recipient count), the confirmation leading to the task page, which follows the paced
//! batches to the end; the message reaching an online client at once and an offline account at
//! its next login, from the domain itself; the audit entry; refusals (empty, too long, in
//! French and English; someone who does not run the domain). And mod_domaine's command itself:
//! batches after a username cursor.

use app::error::{ErrorKind, Field};
use domaine_tests::{
    database::Backend,
    page::{attr, field_error, marked_with},
    per_backend,
    portal::{Overrides, TestPortal},
    prosody::{bare_jid, Prosody, Session},
    tasks::{read_task, task_id, wait_for_task},
    wait::until_some,
    web::{kind, WebClient},
};
use reqwest::StatusCode;
use server::xmpp::{BareJid, DomainPart, Jid};
use std::time::Duration;

const DOMAIN: &str = "club.test";
const OWNER: &str = "olga";
/// Online (available) while the announcement goes out.
const ONLINE: &str = "mia";
/// Offline until it has gone out.
const OFFLINE: &str = "otto";
const PASSWORD: &str = "a member's password";
const MESSAGE: &str = "Maintenance tonight at 22:00 — about 10 minutes.\nThanks for your patience!";
const WITHIN: Duration = Duration::from_secs(30);

fn jid(user: &str) -> String {
    format!("{user}@{DOMAIN}")
}

/// Two accounts at a time, so that an announcement takes several batches.
const PACED: &str = "batch_size = 2\nper_second = 8";
/// One account a second: slow enough to stop Prosody half-way.
const SLOW: &str = "batch_size = 1\nper_second = 1";

/// Prosody with the owner, two members and a few more accounts, and the portal sending
/// announcements at `pace` (`[announcements]` lines).
async fn start(backend: &Backend, pace: &str) -> (Prosody, TestPortal) {
    let prosody = Prosody::start(&[DOMAIN]);
    let overrides = Overrides {
        extra: format!("[announcements]\n{pace}\n"),
        ..Overrides::default()
    };
    let portal =
        TestPortal::start_managing_overriding(&prosody, backend, &[DOMAIN], None, overrides).await;
    for user in [OWNER, ONLINE, OFFLINE, "paul", "quentin"] {
        prosody.register(user, DOMAIN, PASSWORD);
    }
    portal.add_owner(DOMAIN, &jid(OWNER)).await;
    (prosody, portal)
}

async fn log_in(portal: &TestPortal, user: &str, language: &str) -> WebClient {
    WebClient::logged_in(&portal.url("/"), language, &jid(user), PASSWORD, "/").await
}

/// The domain's own address, which announcements come from.
fn domain_jid() -> Jid {
    Jid::from(BareJid::from_parts(None, &DomainPart::new(DOMAIN).unwrap()))
}

fn announce_path(message: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("message", message)
        .finish();
    format!("/domains/{DOMAIN}/announce?{query}")
}

async fn announcement_reaches_online_and_offline_accounts(backend: Backend) {
    let name = backend.name();
    let (prosody, portal) = start(&backend, PACED).await;
    let mut online = Session::open(&prosody, &bare_jid(&jid(ONLINE)), PASSWORD).await;
    online.become_available().await;
    let owner = log_in(&portal, OWNER, "en").await;

    // The dashboard leads to the page; the preview shows the message and whom it goes to.
    let dashboard = owner.get(&format!("/domains/{DOMAIN}")).await.html;
    assert_eq!(
        marked_with(&dashboard, "data-announce-link").len(),
        1,
        "{name}"
    );
    let preview = owner.get(&announce_path(&format!("  {MESSAGE}\r\n"))).await;
    assert_eq!(preview.status, StatusCode::OK, "{name}");
    let section = *marked_with(&preview.html, "data-announce-recipients")
        .first()
        .unwrap_or_else(|| panic!("{name}: a preview"));
    let recipients: i64 = attr(section, "data-announce-recipients")
        .unwrap()
        .parse()
        .unwrap();
    // The five accounts made here, and the portal's own if it lives on this host.
    assert!(recipients >= 5, "{name}: {recipients}");
    assert!(
        domaine_tests::page::unescape(&preview.html).contains(MESSAGE),
        "{name}: the message as it will arrive"
    );

    // "Send to N accounts", as the form posts it without JavaScript: to the task's page.
    let csrf = preview.csrf();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", csrf.as_str()),
            ("domain", DOMAIN),
            ("message", MESSAGE),
        ])
        .finish();
    let (status, location, _) = owner
        .post_bytes(
            &announce_path(MESSAGE),
            "/api/send_announcement",
            "text/html",
            body.into_bytes(),
        )
        .await;
    assert!(status.is_redirection(), "{name}: {status}");
    let location = location.unwrap();
    let id = task_id(&location);
    assert!(
        location.ends_with(&format!("/domains/{DOMAIN}/tasks/{id}")),
        "{name}: {location}"
    );

    // The page follows it (refreshing itself while it runs) to the end.
    let first = read_task(&owner, DOMAIN, id)
        .await
        .expect("the task's page");
    if !first.finished() {
        assert!(
            first.html.contains("http-equiv=\"refresh\""),
            "{name}: refreshes"
        );
    }
    let last = wait_for_task(&owner, DOMAIN, id, WITHIN).await;
    assert_eq!(last.state, "done", "{name}");
    assert_eq!(
        (last.done, last.total),
        (recipients, Some(recipients)),
        "{name}"
    );
    assert_eq!((last.succeeded, last.failed), (recipients, 0), "{name}");
    assert!(
        !last.html.contains("http-equiv=\"refresh\""),
        "{name}: stops refreshing"
    );
    assert!(last.html.contains("<progress"), "{name}");

    // From the domain itself, at once to the online client...
    let domain = domain_jid();
    let (from, text) = online.next_chat(WITHIN).await.expect("the announcement");
    assert_eq!(from, Some(domain.clone()), "{name}");
    assert_eq!(text, MESSAGE, "{name}");
    assert!(
        online.next_chat(Duration::from_millis(300)).await.is_none(),
        "{name}: once"
    );
    // ...and kept for the offline one, who gets it at the next login.
    let mut offline = Session::open(&prosody, &bare_jid(&jid(OFFLINE)), PASSWORD).await;
    offline.become_available().await;
    let (from, text) = offline
        .next_chat(WITHIN)
        .await
        .expect("the stored announcement");
    assert_eq!((from, text.as_str()), (Some(domain), MESSAGE), "{name}");
    assert!(
        offline
            .next_chat(Duration::from_millis(300))
            .await
            .is_none(),
        "{name}: once"
    );

    // In the audit log, done with its task, with the count.
    let entries = server::audit::list(&portal.state.db, Some(DOMAIN), Some("announce"), 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1, "{name}");
    assert_eq!(entries[0].outcome, app::audit::Outcome::Done, "{name}");
    assert_eq!(entries[0].actor, jid(OWNER), "{name}");
    assert!(
        entries[0]
            .detail
            .starts_with(&format!("{recipients} accounts")),
        "{name}"
    );

    // A member sees neither the task nor the page's preview.
    let member = log_in(&portal, ONLINE, "en").await;
    assert!(read_task(&member, DOMAIN, id).await.is_none(), "{name}");
    let refused = member.get(&announce_path(MESSAGE)).await.html;
    assert!(
        marked_with(&refused, "data-announce-recipients").is_empty(),
        "{name}"
    );
}

per_backend!(announcement_reaches_online_and_offline_accounts);

async fn bad_announcements_are_refused_in_the_users_language(backend: Backend) {
    let name = backend.name();
    let (_prosody, portal) = start(&backend, PACED).await;
    let too_long = "x".repeat(app::announcements::MAX_MESSAGE + 1);
    for (language, required, long) in [
        (
            "en",
            "This field is required.",
            "This is too long: 1000 characters at most.",
        ),
        (
            "fr",
            "Ce champ est obligatoire.",
            "C’est trop long : 1000 caractères au maximum.",
        ),
    ] {
        let owner = log_in(&portal, OWNER, language).await;
        for (message, error) in [("  \n ", required), (too_long.as_str(), long)] {
            let html = owner.get(&announce_path(message)).await.html;
            assert_eq!(
                field_error(&html, "announce-message").as_deref(),
                Some(error),
                "{name}: {language}"
            );
            assert!(
                marked_with(&html, "data-announce-recipients").is_empty(),
                "{name}"
            );
            // What was typed stays in the field.
            assert!(html.contains(message.trim()), "{name}: kept");
        }
        let csrf = owner
            .get(&format!("/domains/{DOMAIN}/announce"))
            .await
            .csrf();
        for (message, expected) in [
            (
                "",
                ErrorKind::Required {
                    field: Field::Message,
                },
            ),
            (
                too_long.as_str(),
                ErrorKind::TooLong {
                    field: Field::Message,
                    max: 1000,
                },
            ),
        ] {
            let sent = owner
                .server_fn(
                    "send_announcement",
                    &[("csrf", &csrf), ("domain", DOMAIN), ("message", message)],
                )
                .await;
            assert_eq!(kind(sent), expected, "{name}");
        }
    }
    // Only the domain's owners (and provider admins) may send one.
    let member = log_in(&portal, ONLINE, "en").await;
    let csrf = member.get("/me").await.csrf();
    let sent = member
        .server_fn(
            "send_announcement",
            &[("csrf", &csrf), ("domain", DOMAIN), ("message", MESSAGE)],
        )
        .await;
    assert_eq!(kind(sent), ErrorKind::Forbidden, "{name}");
    let queued = server::audit::list(&portal.state.db, Some(DOMAIN), Some("announce"), 10)
        .await
        .unwrap();
    assert!(queued.is_empty(), "{name}: nothing sent");
}

per_backend!(bad_announcements_are_refused_in_the_users_language);

/// Sends `MESSAGE` as `owner` does with the hydrated page; the task's id.
async fn send(owner: &WebClient) -> i64 {
    let sent = owner
        .server_fn_on(
            &format!("/domains/{DOMAIN}/announce"),
            "send_announcement",
            &[("domain", DOMAIN), ("message", MESSAGE)],
        )
        .await
        .expect("queued");
    sent.parse().expect("the task's id")
}

async fn announcement_resumes_when_prosody_comes_back(backend: Backend) {
    let name = backend.name();
    let (mut prosody, portal) = start(&backend, SLOW).await;
    let owner = log_in(&portal, OWNER, "en").await;
    let id = send(&owner).await;
    // Prosody goes away half-way: the task waits, and says so.
    let started = until_some("the first batch", WITHIN, || async {
        read_task(&owner, DOMAIN, id)
            .await
            .filter(|t| t.done >= 2 && !t.finished())
    })
    .await;
    prosody.stop();
    let waiting = until_some("the task waits for Prosody", WITHIN, || async {
        read_task(&owner, DOMAIN, id)
            .await
            .filter(|t| !t.finished() && !marked_with(&t.html, "data-task-retrying").is_empty())
    })
    .await;
    assert!(waiting.done >= started.done, "{name}");
    assert!(waiting.html.contains("http-equiv=\"refresh\""), "{name}");
    prosody.start_again();
    // It goes on from where it stopped, to the end.
    let last = wait_for_task(&owner, DOMAIN, id, Duration::from_secs(60)).await;
    assert_eq!(last.state, "done", "{name}");
    assert_eq!(Some(last.done), last.total, "{name}");
    assert_eq!(last.succeeded, last.done, "{name}");
    for user in [OWNER, ONLINE, OFFLINE, "paul", "quentin"] {
        let mut session = Session::open(&prosody, &bare_jid(&jid(user)), PASSWORD).await;
        session.become_available().await;
        let (from, text) = session
            .next_chat(WITHIN)
            .await
            .unwrap_or_else(|| panic!("{name}: {user} got it"));
        assert_eq!(
            (from, text.as_str()),
            (Some(domain_jid()), MESSAGE),
            "{name}"
        );
    }
}

per_backend!(announcement_resumes_when_prosody_comes_back);

/// mod_domaine's command: batches in username order after a cursor, to online and offline
/// accounts alike, with what remains after each.
#[tokio::test(flavor = "multi_thread")]
async fn the_module_sends_batches_after_a_username_cursor() {
    let (prosody, admin) = Prosody::start_with_admin_client(&[DOMAIN]).await;
    for user in ["ann", "bob", "cat"] {
        prosody.register(user, DOMAIN, PASSWORD);
    }
    let host = DomainPart::new(DOMAIN).unwrap();
    let total = admin.count_accounts(&host).await.unwrap();
    let mut after = String::new();
    let mut reached = Vec::new();
    loop {
        let batch = admin
            .announce(&host, "Hello\n\nall", &after, 2)
            .await
            .unwrap();
        assert!(batch.sent <= 2);
        reached.extend(batch.last.clone());
        if let Some(last) = batch.last {
            assert!(last > after, "{last} after {after}");
            after = last;
        }
        if batch.remaining == 0 {
            break;
        }
    }
    // Every account once: the last batch ended on the last username.
    assert_eq!(reached.len() as u32, total.div_ceil(2));
    let past_the_end = admin.announce(&host, "x", "zzz", 2).await.unwrap();
    assert_eq!(
        (past_the_end.sent, past_the_end.last, past_the_end.remaining),
        (0, None, 0)
    );
    let mut bob = Session::open(&prosody, &bare_jid(&format!("bob@{DOMAIN}")), PASSWORD).await;
    bob.become_available().await;
    let (from, text) = bob.next_chat(WITHIN).await.expect("kept offline");
    assert_eq!(from, Some(domain_jid()));
    assert_eq!(text, "Hello\n\nall");
}
