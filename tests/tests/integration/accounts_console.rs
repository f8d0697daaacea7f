//! The accounts console of a domain (`/domains/NAME/accounts`) against a real Prosody and each
//! database backend: listing with search and pages, creating with a chosen or generated
//! password (shown once, with and without JavaScript), deleting with confirmation, new
//! passwords, locks (also while Prosody is down), ending sessions, the quota, concurrent
//! creations, authorization of owners, and the audit log.
//!
//! The web client is a provider admin (local login); owners are exercised through the portal's
//! backend traits with a hand-made request context, as their XMPP login would produce.

use app::{
    accounts::{
        AccountList, AccountsBackend, ListView, LockState, NewPassword, ShownPassword, PAGE_SIZE,
    },
    audit::Outcome,
    context::{Principal, RequestContext},
    domains::DomainsBackend,
    error::{AppError, ErrorKind},
    i18n::Locale,
};
use domaine_tests::{
    database::Backend,
    page, per_backend,
    portal::TestPortal,
    prosody::{can_login, Prosody, Session},
    wait::eventually,
    web::{kind, WebClient},
};
use reqwest::StatusCode;
use server::{portal::PortalService, xmpp::BareJid};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

const DOMAIN: &str = "one.test";
const OTHER: &str = "two.test";
const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "correct horse battery";
const OWNER: &str = "olivia@elsewhere.test";

/// A fresh Prosody and portal, with a provider admin logged in on the web client.
struct Console {
    web: WebClient,
    csrf: String,
    service: PortalService,
    portal: TestPortal,
    prosody: Prosody,
}

impl Console {
    async fn start(backend: &Backend) -> Console {
        let prosody = Prosody::start(&[DOMAIN, OTHER]);
        let portal = TestPortal::start(&prosody, backend).await;
        let web = portal.admin_web(ADMIN, ADMIN_PASSWORD, "en").await;
        let page = web.get(&accounts_path("")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let csrf = page.csrf();
        let service = PortalService(portal.state.clone());
        Console {
            web,
            csrf,
            service,
            portal,
            prosody,
        }
    }

    fn backend(&self) -> &'static str {
        self.portal.backend.name()
    }

    /// Calls a server function as the hydrated page does.
    async fn call(&self, name: &str, fields: &[(&str, &str)]) -> Result<String, AppError> {
        let mut all = vec![("csrf", self.csrf.as_str()), ("domain", DOMAIN)];
        all.extend_from_slice(fields);
        self.web.server_fn(name, &all).await
    }

    /// Posts a console form as a browser without JavaScript does; returns the redirect.
    async fn post(&self, name: &str, fields: &[(&str, &str)]) -> String {
        let mut all = vec![("csrf", self.csrf.as_str()), ("domain", DOMAIN)];
        all.extend_from_slice(fields);
        let (status, location) = self.web.post_form(&format!("/api/{name}"), &all).await;
        assert_eq!(status, StatusCode::FOUND, "{name}");
        location.expect("a redirect")
    }

    async fn page(&self, path_and_query: &str) -> String {
        let page = self.web.get(path_and_query).await;
        assert_eq!(page.status, StatusCode::OK, "{path_and_query}");
        page.html
    }

    async fn create(&self, username: &str, password: &str) {
        self.service
            .add_account(
                &owner(&[DOMAIN]),
                DOMAIN,
                username,
                NewPassword::Chosen(password.into()),
            )
            .await
            .unwrap_or_else(|e| panic!("create {username}: {e:?}"));
    }

    async fn list(&self, query: &str, page: u32) -> AccountList {
        self.service
            .account_list(
                &owner(&[DOMAIN]),
                DOMAIN,
                &ListView {
                    query: query.to_owned(),
                    page,
                    ..ListView::default()
                },
            )
            .await
            .unwrap()
    }

    async fn can_login(&self, username: &str, password: &str) -> bool {
        can_login(self.prosody.c2s_addr(), &jid(username), password).await
    }

    /// Whether the audit log of the domain has this entry.
    async fn audited(&self, action: &str, target: &str, outcome: Outcome) -> bool {
        server::audit::list(&self.portal.state.db, Some(DOMAIN), None, 500)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action.as_str() == action && e.target == target && e.outcome == outcome)
    }
}

fn jid(username: &str) -> BareJid {
    BareJid::new(&format!("{username}@{DOMAIN}")).unwrap()
}

fn accounts_path(query: &str) -> String {
    if query.is_empty() {
        format!("/domains/{DOMAIN}/accounts")
    } else {
        format!("/domains/{DOMAIN}/accounts?{query}")
    }
}

/// Someone logged in with their XMPP address who owns `domains`.
fn owner(domains: &[&str]) -> RequestContext {
    owner_named(OWNER, domains)
}

fn owner_named(jid: &str, domains: &[&str]) -> RequestContext {
    RequestContext {
        locale: Locale::En,
        zone: app::format::Zone::utc(),
        csrf: String::new(),
        user: Some(Principal::Xmpp {
            jid: jid.into(),
            provider_admin: false,
            owned_domains: domains.iter().map(|d| d.to_string()).collect(),
        }),
        provider_name: "Test provider".into(),
    }
}

/// The password a page shows once for `jid`, if it shows one.
fn shown_password(html: &str, jid: &str) -> Option<String> {
    let marker = format!("data-jid=\"{jid}\"");
    let after = html.find(&marker)? + marker.len();
    let start = after + html[after..].find('>')? + 1;
    let end = start + html[start..].find("</code>")?;
    Some(html[start..end].to_string())
}

per_backend!(accounts_are_created_with_a_chosen_or_a_generated_password_shown_once);
async fn accounts_are_created_with_a_chosen_or_a_generated_password_shown_once(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();

    // With JavaScript: a chosen password is not sent back...
    let body = c
        .call(
            "add_domain_account",
            &[
                ("username", "alice"),
                ("password_mode", "choose"),
                ("password", "a good password"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(body, "null", "{b}");
    assert!(c.can_login("alice", "a good password").await, "{b}");
    assert!(!c.can_login("alice", "another password").await);

    // ...a generated one is, once, in the server function's result.
    let body = c
        .call(
            "add_domain_account",
            &[("username", "Bob"), ("password_mode", "generate")],
        )
        .await
        .unwrap();
    let shown: ShownPassword = serde_json::from_str(&body).unwrap();
    assert_eq!(shown.jid, format!("bob@{DOMAIN}"));
    assert_eq!(shown.password.len(), 24, "{}", shown.password);
    assert!(c.can_login("bob", &shown.password).await, "{b}");

    // Without JavaScript: the redirect does not carry it; the next page shows it, once.
    let location = c
        .post(
            "add_domain_account",
            &[
                ("username", "carol"),
                ("password_mode", "generate"),
                ("password", ""),
                ("view", ""),
            ],
        )
        .await;
    assert_eq!(
        location,
        accounts_path(&format!("done=created&account=carol%40{DOMAIN}"))
    );
    let html = c.page(&location).await;
    let carol = format!("carol@{DOMAIN}");
    let password = shown_password(&html, &carol).expect("the password is shown");
    assert!(!location.contains(&password));
    assert!(html.contains(&format!("The account {carol} was created.")));
    assert!(c.can_login("carol", &password).await, "{b}");
    let again = c.page(&location).await;
    assert_eq!(shown_password(&again, &carol), None, "shown only once");
    assert!(!again.contains(&password));

    // Bad input, and an account that exists.
    let console = &c;
    let create = |username: &'static str, mode: &'static str, password: &'static str| async move {
        console
            .call(
                "add_domain_account",
                &[
                    ("username", username),
                    ("password_mode", mode),
                    ("password", password),
                ],
            )
            .await
    };
    assert_eq!(
        kind(create("dave", "choose", "short").await),
        ErrorKind::PasswordTooShort { min: 10 }
    );
    assert_eq!(
        kind(create("dave", "choose", "").await),
        ErrorKind::PasswordTooShort { min: 10 }
    );
    assert_eq!(
        kind(create("da ve", "generate", "").await),
        ErrorKind::InvalidUsername
    );
    let exists = create("alice", "generate", "").await.unwrap_err();
    assert_eq!(exists.kind, ErrorKind::AccountExists);
    assert_eq!(exists.kept("username"), Some("alice"));
    assert!(c.can_login("alice", "a good password").await, "untouched");

    // Without JavaScript an error comes back to the form with the username kept.
    let (_, location) = c
        .web
        .post_form(
            "/api/add_domain_account",
            &[
                ("csrf", &c.csrf),
                ("domain", DOMAIN),
                ("username", "alice"),
                ("password_mode", "choose"),
                ("password", "a good password"),
            ],
        )
        .await;
    let location = location.unwrap();
    let query = location.split_once('?').unwrap().1;
    let html = c.page(&accounts_path(query)).await;
    assert!(html.contains("This account already exists."), "{b}");
    assert!(html.contains(r#"value="alice""#));
    assert!(
        !html.contains("a good password"),
        "passwords are never kept"
    );

    // An owner (XMPP login) creates on their domain too; all of it is audited.
    let (jid, shown) = c
        .service
        .add_account(&owner(&[DOMAIN]), DOMAIN, "erin", NewPassword::Generate)
        .await
        .unwrap();
    assert_eq!(jid, format!("erin@{DOMAIN}"));
    assert!(c.can_login("erin", &shown.unwrap().password).await);
    for user in ["alice", "bob", "carol", "erin"] {
        assert!(
            c.audited("create-account", user, Outcome::Done).await,
            "{b}: {user}"
        );
    }
    assert!(c.audited("create-account", "alice", Outcome::Failed).await);
    let entries = server::audit::list(&c.portal.state.db, Some(DOMAIN), None, 10)
        .await
        .unwrap();
    assert_eq!(entries[0].actor, OWNER, "the actor is recorded");
}

per_backend!(the_list_is_searched_and_paged);
async fn the_list_is_searched_and_paged(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();
    // 120 real accounts written straight into Prosody's storage (copies of the portal's
    // account record, so they share its password), plus the portal's own account.
    let template =
        std::fs::read_to_string(c.prosody.store_file(DOMAIN, "accounts", "portal")).unwrap();
    let users: Vec<String> = (0..120).map(|i| format!("bulk{i:03}")).collect();
    c.prosody.write_store_files(
        DOMAIN,
        "accounts",
        users.iter().map(|u| (u.as_str(), template.as_str())),
    );
    assert!(c.can_login("bulk007", c.prosody.service_password()).await);

    let first = c.list("", 1).await;
    assert!(first.available);
    assert_eq!(first.total, Some(121), "{b}");
    assert_eq!((first.matching, first.page, first.pages), (121, 1, 3));
    assert_eq!(first.accounts.len(), PAGE_SIZE as usize);
    assert_eq!(first.accounts[0].jid, format!("bulk000@{DOMAIN}"));
    assert_eq!(first.accounts[0].last_active, None);
    assert_eq!(first.accounts[0].lock, LockState::Unlocked);
    assert!(first.accounts[7].last_active.is_some(), "bulk007 logged in");
    let last = c.list("", 3).await;
    assert_eq!(last.accounts.len(), 21);
    let portal = last.accounts.last().unwrap();
    assert_eq!(portal.username, "portal");
    assert!(portal.service, "the portal's own account is marked");
    assert_eq!(
        c.list("", 99).await.page,
        3,
        "beyond the end: the last page"
    );

    let found = c.list("BULK11", 1).await;
    assert_eq!((found.matching, found.pages), (10, 1));
    assert_eq!(found.total, Some(121));
    assert_eq!(found.accounts[0].username, "bulk110");

    // The page, without JavaScript.
    let html = c.page(&accounts_path("page=2")).await;
    assert!(html.contains(&format!("bulk050@{DOMAIN}")), "{b}");
    assert!(html.contains(&format!("bulk099@{DOMAIN}")));
    assert!(!html.contains(&format!("bulk100@{DOMAIN}")));
    assert!(!html.contains(&format!("bulk049@{DOMAIN}")));
    assert!(html.contains("121 accounts"));
    assert!(html.contains("Page 2 of 3"));
    assert!(html.contains(r#"aria-current="page""#));
    assert!(html.contains(&format!(r#"href="/domains/{DOMAIN}/accounts?page=3""#)));
    assert!(html.contains(&format!(r#"href="/domains/{DOMAIN}/accounts""#)));
    let html = c.page(&accounts_path("")).await;
    assert!(html.contains("never"), "no activity yet");
    assert!(html.contains(" UTC"), "bulk007's login");
    let html = c.page(&accounts_path("q=bulk11")).await;
    assert!(html.contains("10 accounts match “bulk11”."), "{b}");
    assert!(html.contains(&format!("bulk119@{DOMAIN}")));
    assert!(!html.contains(&format!("bulk010@{DOMAIN}")));
    assert!(html.contains(r#"value="bulk11""#), "the search is kept");
    let html = c.page(&accounts_path("q=zzz")).await;
    assert!(html.contains("No account matches this search."));
}

per_backend!(deleting_needs_the_username_typed_again);
async fn deleting_needs_the_username_typed_again(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();
    let ctx = owner(&[DOMAIN]);
    c.create("dave", "dave's password").await;
    c.create("erin", "erin's password").await;
    c.service
        .set_locked(&ctx, DOMAIN, "dave", true)
        .await
        .unwrap();

    assert_eq!(
        kind(c.service.delete_account(&ctx, DOMAIN, "dave", "dav").await),
        ErrorKind::ConfirmationMismatch
    );
    assert_eq!(
        kind(c.service.delete_account(&ctx, DOMAIN, "dave", "").await),
        ErrorKind::ConfirmationMismatch
    );
    assert_eq!(c.list("dave", 1).await.matching, 1, "{b}: still there");

    // As typed by a person: any case.
    let jid = c
        .service
        .delete_account(&ctx, DOMAIN, "dave", " Dave ")
        .await
        .unwrap();
    assert_eq!(jid, format!("dave@{DOMAIN}"));
    assert_eq!(c.list("dave", 1).await.matching, 0, "{b}: gone");
    assert!(!c.can_login("dave", "dave's password").await);
    let (locks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM locked_accounts")
        .fetch_one(&c.portal.state.db.pool)
        .await
        .unwrap();
    assert_eq!(locks, 0, "{b}: its lock is forgotten");
    c.create("dave", "dave's password").await;
    assert!(
        c.can_login("dave", "dave's password").await,
        "a new account with the same name is not locked"
    );

    // Without JavaScript: a wrong confirmation comes back to erin's row.
    let (_, location) = c
        .web
        .post_form(
            "/api/delete_domain_account",
            &[
                ("csrf", &c.csrf),
                ("domain", DOMAIN),
                ("username", "erin"),
                ("confirm", "eric"),
            ],
        )
        .await;
    let location = location.unwrap();
    let html = c
        .page(&accounts_path(location.split_once('?').unwrap().1))
        .await;
    assert!(
        html.contains("The text typed does not match: nothing was deleted."),
        "{b}"
    );
    assert!(html.contains("<details open"), "erin's actions are open");
    assert!(c.can_login("erin", "erin's password").await);
    let location = c
        .post(
            "delete_domain_account",
            &[("username", "erin"), ("confirm", "erin"), ("view", "q=er")],
        )
        .await;
    assert_eq!(
        location,
        accounts_path(&format!("q=er&done=deleted&account=erin%40{DOMAIN}"))
    );
    let html = c.page(&location).await;
    assert!(html.contains(&format!("The account erin@{DOMAIN} was deleted.")));
    assert!(!c.can_login("erin", "erin's password").await);

    // Nothing to delete, and never the portal's own account.
    assert_eq!(
        kind(
            c.service
                .delete_account(&ctx, DOMAIN, "nobody", "nobody")
                .await
        ),
        ErrorKind::UnknownAccount
    );
    assert_eq!(
        kind(
            c.service
                .delete_account(&ctx, DOMAIN, "portal", "portal")
                .await
        ),
        ErrorKind::ServiceAccount
    );
    assert!(c.audited("delete-account", "dave", Outcome::Done).await);
    assert!(c.audited("delete-account", "erin", Outcome::Done).await);
    assert!(c.audited("delete-account", "nobody", Outcome::Failed).await);
}

per_backend!(a_new_password_is_chosen_or_generated);
async fn a_new_password_is_chosen_or_generated(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();
    c.create("frank", "first password").await;

    c.call(
        "set_account_password",
        &[
            ("username", "frank"),
            ("password_mode", "choose"),
            ("password", "second password"),
        ],
    )
    .await
    .unwrap();
    assert!(!c.can_login("frank", "first password").await, "{b}");
    assert!(c.can_login("frank", "second password").await, "{b}");

    let location = c
        .post(
            "set_account_password",
            &[("username", "frank"), ("password_mode", "generate")],
        )
        .await;
    assert!(location.contains("done=password"), "{location}");
    let html = c.page(&location).await;
    let frank = format!("frank@{DOMAIN}");
    let generated = shown_password(&html, &frank).expect("shown");
    assert!(!location.contains(&generated));
    assert!(!c.can_login("frank", "second password").await);
    assert!(c.can_login("frank", &generated).await, "{b}");
    assert_eq!(shown_password(&c.page(&location).await, &frank), None);

    let ctx = owner(&[DOMAIN]);
    assert_eq!(
        kind(
            c.service
                .set_password(&ctx, DOMAIN, "frank", NewPassword::Chosen("short".into()))
                .await
        ),
        ErrorKind::PasswordTooShort { min: 10 }
    );
    assert_eq!(
        kind(
            c.service
                .set_password(&ctx, DOMAIN, "nobody", NewPassword::Generate)
                .await
        ),
        ErrorKind::UnknownAccount
    );
    assert_eq!(
        kind(
            c.service
                .set_password(&ctx, DOMAIN, "portal", NewPassword::Generate)
                .await
        ),
        ErrorKind::ServiceAccount
    );
    assert!(c.can_login("frank", &generated).await);
    assert!(c.audited("set-password", "frank", Outcome::Done).await);
    assert!(c.audited("set-password", "nobody", Outcome::Failed).await);
}

per_backend!(accounts_are_locked_unlocked_and_disconnected);
async fn accounts_are_locked_unlocked_and_disconnected(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();
    c.create("gina", "gina's password").await;
    let gina = jid("gina");

    // Ending sessions disconnects her apps.
    let _phone = Session::open(&c.prosody, &gina, "gina's password").await;
    let xmpp = &c.portal.state.xmpp;
    assert_eq!(
        xmpp.user_stats(&gina).await.unwrap().online_resources.len(),
        1
    );
    let location = c
        .post("end_account_sessions", &[("username", "gina")])
        .await;
    assert!(location.contains("done=sessions"), "{location}");
    // The phone never answers Prosody's closing of its stream, so Prosody keeps the session
    // until its close timeout (5 s by default) runs out: wait longer than that.
    assert!(
        eventually(Duration::from_secs(20), || async {
            xmpp.user_stats(&gina)
                .await
                .is_ok_and(|s| s.online_resources.is_empty())
        })
        .await,
        "{b}: sessions ended"
    );
    assert!(c.audited("end-sessions", "gina", Outcome::Done).await);

    // Lock: she cannot log in, the list and the page say so.
    let location = c
        .post("set_account_lock", &[("username", "gina"), ("lock", "1")])
        .await;
    assert_eq!(
        location,
        accounts_path(&format!("done=locked&account=gina%40{DOMAIN}"))
    );
    assert!(!c.can_login("gina", "gina's password").await, "{b}");
    let listed = c.list("gina", 1).await;
    assert_eq!(listed.accounts[0].lock, LockState::Locked);
    assert!(listed.pending_locks.is_empty());
    let html = c.page(&location).await;
    assert!(html.contains(&format!("The account gina@{DOMAIN} is locked")));
    let badge = page::marked(&html, "data-state", "locked");
    assert!(
        badge.len() == 1 && badge[0].contains("badge--danger"),
        "{b}: {badge:?}"
    );
    assert!(c.audited("lock", "gina", Outcome::Done).await);

    // Unlock.
    c.call("set_account_lock", &[("username", "gina"), ("lock", "0")])
        .await
        .unwrap();
    assert!(c.can_login("gina", "gina's password").await, "{b}");
    assert_eq!(
        c.list("gina", 1).await.accounts[0].lock,
        LockState::Unlocked
    );
    assert!(c.audited("unlock", "gina", Outcome::Done).await);

    // Nobody locks themselves out, nor the portal; unknown accounts are told apart.
    let herself = owner_named(&gina.to_string(), &[DOMAIN]);
    assert_eq!(
        kind(c.service.set_locked(&herself, DOMAIN, "gina", true).await),
        ErrorKind::CannotLockOwnAccount
    );
    let ctx = owner(&[DOMAIN]);
    assert_eq!(
        kind(c.service.set_locked(&ctx, DOMAIN, "portal", true).await),
        ErrorKind::ServiceAccount
    );
    assert_eq!(
        kind(c.service.set_locked(&ctx, DOMAIN, "nobody", true).await),
        ErrorKind::UnknownAccount
    );
    assert_eq!(
        kind(c.service.end_sessions(&ctx, DOMAIN, "nobody").await),
        ErrorKind::UnknownAccount
    );
    assert!(c.can_login("gina", "gina's password").await);
    assert!(
        server::domains::pending(&c.portal.state.db, DOMAIN)
            .await
            .unwrap()
            .is_empty(),
        "nothing queued for ever"
    );
    assert!(c.audited("end-sessions", "nobody", Outcome::Failed).await);
}

per_backend!(the_quota_limits_creation);
async fn the_quota_limits_creation(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();
    let admin = RequestContext {
        user: Some(Principal::ProviderAdmin {
            id: 1,
            username: ADMIN.into(),
        }),
        ..owner(&[])
    };
    // The portal's own account counts: one more account fits.
    let count = c.list("", 1).await.total.unwrap();
    c.service
        .set_quota(&admin, DOMAIN, Some(count + 1))
        .await
        .unwrap();
    c.create("henry", "henry's password").await;
    let full = c
        .call(
            "add_domain_account",
            &[("username", "iris"), ("password_mode", "generate")],
        )
        .await
        .unwrap_err();
    assert_eq!(
        full.kind,
        ErrorKind::QuotaReached { quota: count + 1 },
        "{b}"
    );
    assert_eq!(full.kept("username"), Some("iris"));
    assert!(!c.can_login("iris", "whatever password").await);
    let html = c.page(&accounts_path("")).await;
    assert!(
        html.contains(&format!("{} of {} accounts (quota)", count + 1, count + 1)),
        "{b}"
    );
    // Other domains are not limited by it.
    c.service
        .add_account(&admin, OTHER, "iris", NewPassword::Generate)
        .await
        .unwrap();
}

per_backend!(concurrent_creations_of_one_username_make_one_account);
async fn concurrent_creations_of_one_username_make_one_account(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();
    for round in 0..3 {
        let username = format!("twin{round}");
        let form = |password| {
            [
                ("username", username.as_str()),
                ("password_mode", "choose"),
                ("password", password),
            ]
        };
        let (one, two) = (
            form("first twin's password"),
            form("second twin's password"),
        );
        let (first, second) = tokio::join!(
            c.call("add_domain_account", &one),
            c.call("add_domain_account", &two),
        );
        let (winner, loser) = match (&first, &second) {
            (Ok(_), Err(e)) => ("first twin's password", e),
            (Err(e), Ok(_)) => ("second twin's password", e),
            _ => panic!("{b}: exactly one succeeds: {first:?} {second:?}"),
        };
        assert_eq!(loser.kind, ErrorKind::AccountExists, "{b}");
        assert!(c.can_login(&username, winner).await, "{b}");
    }
    // Through the backend too, from two owners at once.
    let (one, two) = (owner(&[DOMAIN]), owner_named("other@one.test", &[DOMAIN]));
    let (first, second) = tokio::join!(
        c.service
            .add_account(&one, DOMAIN, "twin", NewPassword::Generate),
        c.service
            .add_account(&two, DOMAIN, "twin", NewPassword::Generate),
    );
    assert_eq!(
        [first.is_ok(), second.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "{b}"
    );
    let failed = first.err().or(second.err()).unwrap();
    assert_eq!(failed.kind, ErrorKind::AccountExists);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_of_one_domain_cannot_touch_another() {
    let backend = Backend::Sqlite;
    let c = Console::start(&backend).await;
    c.service
        .add_account(
            &owner(&[OTHER]),
            OTHER,
            "jane",
            NewPassword::Chosen("jane's password".into()),
        )
        .await
        .unwrap();
    let ctx = owner(&[DOMAIN]);
    for domain in [OTHER, "nowhere.test"] {
        let s = &c.service;
        assert_eq!(
            kind(s.account_list(&ctx, domain, &ListView::default()).await),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(
                s.add_account(&ctx, domain, "eve", NewPassword::Generate)
                    .await
            ),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(s.delete_account(&ctx, domain, "jane", "jane").await),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(
                s.set_password(&ctx, domain, "jane", NewPassword::Generate)
                    .await
            ),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(s.set_locked(&ctx, domain, "jane", true).await),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(s.set_locked(&ctx, domain, "jane", false).await),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(s.end_sessions(&ctx, domain, "jane").await),
            ErrorKind::Forbidden
        );
    }
    // Owning one domain is no use against the admin's form either.
    assert_eq!(
        kind(
            c.service
                .create_account(&ctx, OTHER, "eve", "a good password")
                .await
        ),
        ErrorKind::Forbidden
    );
    let jane = BareJid::new(&format!("jane@{OTHER}")).unwrap();
    assert!(can_login(c.prosody.c2s_addr(), &jane, "jane's password").await);
    let (changes,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE domain = $1 AND outcome <> 'done'")
            .bind(OTHER)
            .fetch_one(&c.portal.state.db.pool)
            .await
            .unwrap();
    assert_eq!(changes, 0, "refusals change nothing");
    // Their own domain works; nobody logged in gets nothing.
    assert!(c
        .service
        .account_list(&ctx, DOMAIN, &ListView::default())
        .await
        .is_ok());
    let anonymous = RequestContext {
        user: None,
        ..owner(&[])
    };
    assert_eq!(
        kind(
            c.service
                .account_list(&anonymous, DOMAIN, &ListView::default())
                .await
        ),
        ErrorKind::NotLoggedIn
    );
    let web = WebClient::new(&c.portal.url("/"), "en");
    assert_eq!(
        web.get(&accounts_path("")).await.status,
        StatusCode::FOUND,
        "to the login page"
    );
    let csrf = web.get("/").await.csrf();
    let refused = web
        .server_fn(
            "set_account_lock",
            &[
                ("csrf", &csrf),
                ("domain", DOMAIN),
                ("username", "jane"),
                ("lock", "1"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(refused.kind, ErrorKind::NotLoggedIn);
}

per_backend!(a_lock_made_while_prosody_is_down_lands_when_it_is_back);
async fn a_lock_made_while_prosody_is_down_lands_when_it_is_back(backend: Backend) {
    let mut c = Console::start(&backend).await;
    let b = c.backend();
    c.create("kate", "kate's password").await;
    c.prosody.stop();
    let xmpp = c.portal.state.xmpp.clone();
    assert!(
        eventually(Duration::from_secs(10), || async { !xmpp.is_connected() }).await,
        "{b}: the portal sees Prosody go"
    );

    // Passwords never wait: creating fails at once, and is audited as failed.
    let down = c
        .call(
            "add_domain_account",
            &[("username", "liam"), ("password_mode", "generate")],
        )
        .await
        .unwrap_err();
    assert_eq!(down.kind, ErrorKind::XmppUnavailable, "{b}");
    assert!(c.audited("create-account", "liam", Outcome::Failed).await);

    // A lock is saved and shown pending.
    let location = c
        .post("set_account_lock", &[("username", "kate"), ("lock", "1")])
        .await;
    assert!(location.contains("done=lock-pending"), "{b}: {location}");
    let html = c.page(&location).await;
    assert!(html.contains(&format!("locking kate@{DOMAIN}…")), "{b}");
    assert!(html.contains("cannot be reached right now"));
    assert!(html.contains("it applies as soon as the XMPP server answers"));
    assert!(c.audited("lock", "kate", Outcome::Pending).await, "{b}");
    let listed = c.list("", 1).await;
    assert!(!listed.available);
    assert_eq!(listed.pending_locks.len(), 1);
    assert!(listed.pending_locks[0].locked);

    // Back: the reconciliation worker pushes it.
    c.prosody.start_again();
    xmpp.wait_connected(Duration::from_secs(15)).await.unwrap();
    let db = c.portal.state.db.clone();
    assert!(
        eventually(Duration::from_secs(30), || async {
            server::domains::pending(&db, DOMAIN)
                .await
                .unwrap()
                .is_empty()
        })
        .await,
        "{b}: the change lands"
    );
    assert!(!c.can_login("kate", "kate's password").await, "{b}");
    let listed = c.list("kate", 1).await;
    assert_eq!(listed.accounts[0].lock, LockState::Locked);
    assert!(listed.pending_locks.is_empty());

    // While a lock waits with Prosody up (its next attempt not due yet), the list shows
    // the account as "locking…" and its badge says so.
    c.create("mia", "mia's password").await;
    let domain_id: (i64,) = sqlx::query_as("SELECT id FROM domains WHERE name = $1")
        .bind(DOMAIN)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO locked_accounts (domain_id, username, locked_at) VALUES ($1, 'mia', 0)",
    )
    .bind(domain_id.0)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO jobs (domain, kind, target, created_at, next_attempt_at) \
         VALUES ($1, 'lock', 'mia', 0, $2)",
    )
    .bind(DOMAIN)
    .bind(i64::MAX / 2)
    .execute(&db.pool)
    .await
    .unwrap();
    assert_eq!(c.list("mia", 1).await.accounts[0].lock, LockState::Locking);
    let html = c.page(&accounts_path("q=mia")).await;
    let badge = page::marked(&html, "data-state", "locking");
    assert!(
        badge.len() == 1 && badge[0].contains("badge--warn"),
        "{b}: {badge:?}"
    );
    assert!(html.contains(">locking…</span>"), "{b}: in words");
}

per_backend!(an_owner_logged_in_with_xmpp_runs_the_console_of_their_domain_only);
async fn an_owner_logged_in_with_xmpp_runs_the_console_of_their_domain_only(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();
    let db = &c.portal.state.db;
    c.prosody.register("nora", DOMAIN, "nora's password 1");
    c.portal.add_owner(DOMAIN, &format!("nora@{DOMAIN}")).await;

    // Logged in with her XMPP address, in French.
    let web = WebClient::new(&c.portal.url("/"), "fr-FR,fr;q=0.9");
    let accounts = accounts_path("");
    let location = web
        .log_in(
            &format!("nora@{DOMAIN}"),
            "nora's password 1",
            Some(&accounts),
        )
        .await;
    assert_eq!(location.as_deref(), Some(accounts.as_str()), "{b}");
    let page = web.get(&accounts_path("")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains(&format!("Comptes de {DOMAIN}")), "{b}");
    assert!(page.html.contains("Créer un compte"));
    let csrf = page.csrf();

    // Creates an account without JavaScript, with a generated password shown once.
    let (status, location) = web
        .post_form(
            "/api/add_domain_account",
            &[
                ("csrf", &csrf),
                ("domain", DOMAIN),
                ("username", "oscar"),
                ("password_mode", "generate"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    let html = web.get(&location.unwrap()).await.html;
    assert!(
        html.contains(&format!("Le compte oscar@{DOMAIN} a été créé.")),
        "{b}"
    );
    let password = shown_password(&html, &format!("oscar@{DOMAIN}")).expect("shown");
    assert!(c.can_login("oscar", &password).await, "{b}");
    assert!(
        server::audit::list(db, Some(DOMAIN), Some("create-account"), 10)
            .await
            .unwrap()
            .iter()
            .any(|e| e.target == "oscar" && e.actor == format!("nora@{DOMAIN}")),
        "{b}: audited under her address"
    );

    // She cannot lock herself out; she can lock others.
    let own = web
        .server_fn(
            "set_account_lock",
            &[
                ("csrf", &csrf),
                ("domain", DOMAIN),
                ("username", "nora"),
                ("lock", "1"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(own.kind, ErrorKind::CannotLockOwnAccount);
    assert!(c.can_login("nora", "nora's password 1").await);
    web.server_fn(
        "set_account_lock",
        &[
            ("csrf", &csrf),
            ("domain", DOMAIN),
            ("username", "oscar"),
            ("lock", "1"),
        ],
    )
    .await
    .unwrap();
    assert!(!c.can_login("oscar", &password).await, "{b}");

    // Another domain: the same answer as a domain that does not exist.
    for domain in [OTHER, "nowhere.test"] {
        let html = web.get(&format!("/domains/{domain}/accounts")).await.html;
        assert!(
            html.contains("Vous n’avez pas le droit de faire cela."),
            "{b}: {domain}"
        );
        let refused = web
            .server_fn(
                "add_domain_account",
                &[
                    ("csrf", &csrf),
                    ("domain", domain),
                    ("username", "oscar"),
                    ("password_mode", "generate"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(refused.kind, ErrorKind::Forbidden);
    }
}

per_backend!(inactive_accounts_are_found_by_last_activity);
/// Owners find the accounts nobody used for months: "not seen for" filters on the last
/// activity Prosody records, least recently seen first, and the forms bring the browser back to
/// the same view. Without JavaScript.
async fn inactive_accounts_are_found_by_last_activity(backend: Backend) {
    let c = Console::start(&backend).await;
    let b = c.backend();
    for user in ["anna", "bert", "cleo"] {
        c.create(user, "a long password").await;
    }
    // Bert logs in: seen now. Anna and Cleo never were (the portal's account is seen too).
    assert!(c.can_login("bert", "a long password").await);
    // Prosody records the activity as the session ends, a moment after the login.
    let seen = eventually(Duration::from_secs(20), || async {
        !c.page(&accounts_path("inactive=6"))
            .await
            .contains(&format!("bert@{DOMAIN}"))
    })
    .await;
    assert!(seen, "{b}: Bert is seen");

    let html = c.page(&accounts_path("inactive=6")).await;
    assert!(
        html.contains("2 accounts not seen for 6 months or more (or never)."),
        "{b}: {html}"
    );
    for (user, listed) in [
        ("anna", true),
        ("cleo", true),
        ("bert", false),
        ("portal", false),
    ] {
        assert_eq!(
            html.contains(&format!("{user}@{DOMAIN}")),
            listed,
            "{b}: {user}"
        );
    }
    assert!(
        html.contains(r#"<option value="6" selected"#),
        "{b}: the filter is kept"
    );
    assert!(
        html.contains(r#"name="view" value="inactive=6""#),
        "{b}: the forms carry it"
    );

    // Least recently seen first: never seen (by name), then by time.
    let html = c.page(&accounts_path("sort=activity")).await;
    let at = |user: &str| html.find(&format!("{user}@{DOMAIN}")).unwrap();
    // (Bert and the portal may share a second; then the name decides.)
    assert!(at("anna") < at("cleo"), "{b}");
    assert!(at("cleo") < at("bert") && at("cleo") < at("portal"), "{b}");
    assert!(html.contains(r#"<option value="activity" selected"#));

    // A form sent from the filtered view comes back to it.
    let location = c
        .post(
            "set_account_lock",
            &[
                ("username", "anna"),
                ("lock", "1"),
                ("view", "sort=activity&inactive=6"),
            ],
        )
        .await;
    assert!(
        location.contains("sort=activity") && location.contains("inactive=6"),
        "{b}: {location}"
    );

    // French.
    let fr = WebClient::new(&c.portal.url("/"), "fr");
    assert!(fr.login(ADMIN, ADMIN_PASSWORD).await);
    let html = fr.get(&accounts_path("inactive=12")).await.html;
    assert!(html.contains("1 an ou plus"), "{b}");
    assert!(
        html.contains("2 comptes pas vus depuis 12 mois ou plus (ou jamais)."),
        "{b}: {html}"
    );
}

/// Panics in the portal's request tasks (tokio's worker threads), counted from the first call.
fn worker_panics() -> &'static AtomicUsize {
    static PANICS: OnceLock<AtomicUsize> = OnceLock::new();
    PANICS.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // tokio names its workers "tokio-rt-worker" (older versions "tokio-runtime-worker").
            let name = std::thread::current().name().map(str::to_owned);
            if name.is_some_and(|n| n.starts_with("tokio-")) {
                worker_panics().fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
        AtomicUsize::new(0)
    })
}

/// Clients that go away mid-render (closed tabs, a load balancer's timeout) make nothing panic:
/// leptos_meta used to read a page's title after the route's reactive owner was disposed, and
/// `use_request_context` expected a context that a disposed owner no longer has, and the tasks
/// of an abandoned render read signals and server actions already disposed (reactive_graph's
/// traits.rs, actions/action.rs): each request now runs to completion in its own task.
#[tokio::test(flavor = "multi_thread")]
async fn clients_going_away_mid_render_panic_nothing() {
    let panics = worker_panics();
    let c = Console::start(&Backend::Sqlite).await;
    let paths = [
        format!("/domains/{DOMAIN}/accounts"),
        format!("/domains/{DOMAIN}/accounts?q=p&sort=activity"),
        format!("/domains/{DOMAIN}"),
        format!("/domains/{DOMAIN}/invites"),
    ];
    for round in 0..40u64 {
        let abandoned = paths.iter().enumerate().map(|(i, path)| {
            // From before the request is read to mid-render, a different point every time.
            let after = Duration::from_micros((round * 997 + i as u64 * 331) % 20_000);
            c.web.get_abandoned(path, after)
        });
        futures::future::join_all(abandoned).await;
    }
    // Every page still renders in full.
    for path in &paths {
        c.page(path).await;
    }
    assert_eq!(
        panics.load(Ordering::SeqCst),
        0,
        "a request task panicked (see the output above)"
    );
}
