//! `server::xmpp` against a real Prosody, one server per test. The tests run
//! on tokio's multi-thread runtime on purpose: the admin client must work
//! from it, although tokio-xmpp's own `Client` was seen losing IQ replies there.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use domaine_tests::prosody::{admin_client, bare_jid as jid, can_login, Prosody, Session};
use futures::future::join_all;
use server::xmpp::{node, AdminClient, BareJid, ConnectionStatus, Jid, XmppError};

const HOST: &str = "example.test";
const OTHER_HOST: &str = "other.test";
const CONNECT_WITHIN: Duration = Duration::from_secs(10);

fn host(domain: &str) -> Jid {
    Jid::new(domain).unwrap()
}

fn fields(list: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    list.iter()
        .map(|(var, values)| {
            (
                var.to_string(),
                values.iter().map(|v| v.to_string()).collect(),
            )
        })
        .collect()
}

/// A Prosody with two hosts and a connected admin client.
async fn setup() -> (Prosody, AdminClient) {
    Prosody::start_with_admin_client(&[HOST, OTHER_HOST]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn add_user_creates_an_account_that_can_log_in() {
    let (prosody, client) = setup().await;
    let alice = jid("alice@example.test");
    assert!(!can_login(prosody.c2s_addr(), &alice, "secret").await);

    client.add_user(&alice, "secret").await.unwrap();

    assert!(can_login(prosody.c2s_addr(), &alice, "secret").await);
    assert!(!can_login(prosody.c2s_addr(), &alice, "wrong").await);
    // Prosody nodepreps usernames.
    let upper = jid("Bob@example.test");
    client.add_user(&upper, "secret").await.unwrap();
    assert!(can_login(prosody.c2s_addr(), &jid("bob@example.test"), "secret").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn adding_an_existing_user_fails() {
    let (prosody, client) = setup().await;
    prosody.register("carol", HOST, "first");
    let carol = jid("carol@example.test");

    assert_eq!(
        client.add_user(&carol, "second").await,
        Err(XmppError::AlreadyExists)
    );
    assert!(can_login(prosody.c2s_addr(), &carol, "first").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_jids_are_rejected() {
    let (_prosody, client) = setup().await;
    // Prosody's own check, reached through the generic command API.
    let result = client
        .execute(
            host(HOST),
            node::ADD_USER,
            fields(&[
                ("accountjid", &["no spaces@example.test"]),
                ("password", &["x"]),
                ("password-verify", &["x"]),
            ]),
        )
        .await;
    assert_eq!(
        result,
        Err(XmppError::InvalidJid("no spaces@example.test".into()))
    );
    // A host JID is no account: refused before sending.
    assert_eq!(
        client.add_user(&jid("example.test"), "x").await,
        Err(XmppError::InvalidJid("example.test".into()))
    );
    assert!(matches!(
        client.add_user(&jid("dave@example.test"), "").await,
        Err(XmppError::PasswordRejected(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_for_another_host_are_rejected() {
    let (prosody, client) = setup().await;
    prosody.register("erin", OTHER_HOST, "secret");
    let add = client
        .execute(
            host(HOST),
            node::ADD_USER,
            fields(&[
                ("accountjid", &["frank@other.test"]),
                ("password", &["x"]),
                ("password-verify", &["x"]),
            ]),
        )
        .await;
    assert_eq!(add, Err(XmppError::WrongHost));
    let change = client
        .execute(
            host(HOST),
            node::CHANGE_USER_PASSWORD,
            fields(&[("accountjid", &["erin@other.test"]), ("password", &["new"])]),
        )
        .await;
    assert_eq!(change, Err(XmppError::WrongHost));
    assert!(can_login(prosody.c2s_addr(), &jid("erin@other.test"), "secret").await);
    assert!(!can_login(prosody.c2s_addr(), &jid("frank@other.test"), "x").await);

    // The typed API sends each command to the account's own host.
    client
        .add_user(&jid("frank@other.test"), "x")
        .await
        .unwrap();
    assert!(can_login(prosody.c2s_addr(), &jid("frank@other.test"), "x").await);
    assert_eq!(
        client
            .delete_users(&[jid("erin@other.test"), jid("x@example.test")])
            .await,
        Err(XmppError::WrongHost)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_users_are_reported() {
    let (_prosody, client) = setup().await;
    let nobody = jid("nobody@example.test");
    assert_eq!(
        client.change_password(&nobody, "x").await,
        Err(XmppError::UserNotFound)
    );
    assert_eq!(
        client.user_stats(&nobody).await,
        Err(XmppError::UserNotFound)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_hosts_and_commands_are_reported() {
    let (_prosody, client) = setup().await;
    let unknown_host = client
        .execute(host("nowhere.test"), node::ADD_USER, Vec::new())
        .await;
    // remote-server-not-found: mod_s2s is loaded but has no ports (with
    // mod_s2s disabled Prosody answers not-allowed instead).
    assert_eq!(unknown_host, Err(XmppError::HostNotFound));
    let unknown_node = client
        .execute(
            host(HOST),
            "http://jabber.org/protocol/admin#no-such-command",
            Vec::new(),
        )
        .await;
    assert_eq!(unknown_node, Err(XmppError::ServiceUnavailable));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_non_admin_service_account_is_forbidden() {
    let prosody = Prosody::start(&[HOST]);
    let (user, password) = prosody.register_non_admin();
    let client = prosody.connected_admin_client_as(user, &password).await;

    let gina = jid("gina@example.test");
    assert_eq!(client.add_user(&gina, "x").await, Err(XmppError::Forbidden));
    assert_eq!(
        client.create_account_invite(gina.domain()).await,
        Err(XmppError::Forbidden)
    );
    assert!(!can_login(prosody.c2s_addr(), &gina, "x").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn change_password_replaces_the_password_and_ends_sessions() {
    let (prosody, client) = setup().await;
    prosody.register("henry", HOST, "old");
    let henry = jid("henry@example.test");
    let mut session = Session::open(&prosody, &henry, "old").await;

    client.change_password(&henry, "new").await.unwrap();

    assert!(!can_login(prosody.c2s_addr(), &henry, "old").await);
    assert!(can_login(prosody.c2s_addr(), &henry, "new").await);
    assert!(session.closed_within(Duration::from_secs(5)).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_users_deletes_and_reports_each_account() {
    let (prosody, client) = setup().await;
    prosody.register("ivan", HOST, "a");
    prosody.register("judy", HOST, "b");
    let (ivan, judy, ghost) = (
        jid("ivan@example.test"),
        jid("judy@example.test"),
        jid("ghost@example.test"),
    );

    let outcome = client
        .delete_users(&[ivan.clone(), ghost.clone(), judy.clone()])
        .await
        .unwrap();

    assert_eq!(outcome.succeeded, [ivan.clone(), judy.clone()]);
    assert_eq!(outcome.failed, [ghost]);
    assert!(!can_login(prosody.c2s_addr(), &ivan, "a").await);
    assert!(!can_login(prosody.c2s_addr(), &judy, "b").await);
    assert_eq!(client.delete_users(&[]).await, Ok(Default::default()));
}

#[tokio::test(flavor = "multi_thread")]
async fn end_sessions_disconnects_live_clients() {
    let (prosody, client) = setup().await;
    prosody.register("kate", HOST, "k");
    prosody.register("liam", HOST, "l");
    let (kate, liam) = (jid("kate@example.test"), jid("liam@example.test"));
    let mut kate_phone = Session::open(&prosody, &kate, "k").await;
    let mut kate_laptop = Session::open(&prosody, &kate, "k").await;
    let mut liam_phone = Session::open(&prosody, &liam, "l").await;

    let outcome = client
        .end_sessions(&[kate.clone(), jid("ghost@example.test")])
        .await
        .unwrap();

    assert_eq!(outcome.succeeded, std::slice::from_ref(&kate));
    assert_eq!(outcome.failed, [jid("ghost@example.test")]);
    assert!(kate_phone.closed_within(Duration::from_secs(5)).await);
    assert!(kate_laptop.closed_within(Duration::from_secs(5)).await);
    assert!(!liam_phone.closed_within(Duration::from_millis(300)).await);
    // The account itself is untouched.
    assert!(can_login(prosody.c2s_addr(), &kate, "k").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn user_stats_show_sessions() {
    let (prosody, client) = setup().await;
    prosody.register("mia", HOST, "m");
    let mia = jid("mia@example.test");

    let offline = client.user_stats(&mia).await.unwrap();
    assert!(offline.online_resources.is_empty());
    assert!(offline.ip_addresses.is_empty());
    assert_eq!(offline.roster_size, 0);

    let session = Session::open(&prosody, &mia, "m").await;
    let online = client.user_stats(&mia).await.unwrap();
    assert_eq!(
        online.online_resources,
        [session.jid().resource().as_str().to_owned()]
    );
    assert_eq!(online.ip_addresses, [IpAddr::V4(Ipv4Addr::LOCALHOST)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn online_users_lists_connected_clients() {
    let (prosody, client) = setup().await;
    prosody.register("nina", HOST, "n");
    prosody.register("oscar", OTHER_HOST, "o");
    let (nina, oscar) = (jid("nina@example.test"), jid("oscar@other.test"));
    let example = jid(HOST);
    assert!(!client
        .online_users(example.domain())
        .await
        .unwrap()
        .contains(&nina));

    let _nina = Session::open(&prosody, &nina, "n").await;
    let _oscar = Session::open(&prosody, &oscar, "o").await;

    let online = client.online_users(example.domain()).await.unwrap();
    assert!(online.contains(&nina), "{online:?}");
    // The portal's own session counts too; other hosts' users do not.
    assert!(online.contains(&prosody.service_jid()), "{online:?}");
    assert!(!online.contains(&oscar), "{online:?}");
    let other = client.online_users(oscar.domain()).await.unwrap();
    assert_eq!(other, [oscar]);
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_stage_commands_are_completed() {
    let (prosody, client) = setup().await;
    prosody.register("pia", HOST, "p");
    let _pia = Session::open(&prosody, &jid("pia@example.test"), "p").await;
    // Without fields Prosody answers with a form in a session first; the
    // client then completes that session.
    let outcome = client
        .execute(host(HOST), node::GET_ONLINE_USERS_LIST, Vec::new())
        .await
        .unwrap();
    assert!(
        outcome
            .values("onlineuserjids")
            .iter()
            .any(|line| line.contains("pia@example.test")),
        "{outcome:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_account_invite_returns_a_preauth_uri() {
    let (_prosody, client) = setup().await;
    let example = jid(HOST);

    let invite = client
        .create_account_invite(example.domain())
        .await
        .unwrap();

    let token = invite
        .uri
        .strip_prefix("xmpp:example.test?register;preauth=")
        .unwrap_or_else(|| panic!("unexpected URI {}", invite.uri));
    assert_eq!(token.len(), 24, "{}", invite.uri);
    assert!(invite.expires.is_some());
    assert_eq!(invite.landing_url, None);
    let second = client
        .create_account_invite(example.domain())
        .await
        .unwrap();
    assert_ne!(second.uri, invite.uri);
}

#[tokio::test(flavor = "multi_thread")]
async fn many_requests_in_flight() {
    let (prosody, client) = setup().await;
    let users: Vec<BareJid> = (0..50)
        .map(|i| jid(&format!("bulk{i}@example.test")))
        .collect();

    let results = join_all(users.iter().map(|user| client.add_user(user, "pw"))).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let logins = join_all(
        users
            .iter()
            .map(|user| can_login(prosody.c2s_addr(), user, "pw")),
    )
    .await;
    assert!(logins.into_iter().all(|ok| ok));
    let deleted = client.delete_users(&users).await.unwrap();
    assert_eq!(deleted.succeeded, users);
}

#[tokio::test(flavor = "multi_thread")]
async fn reconnects_after_the_server_restarts() {
    let mut prosody = Prosody::start(&[HOST]);
    let client = admin_client(
        prosody.c2s_addr(),
        prosody.service_jid(),
        prosody.service_password(),
        Duration::from_secs(1),
    );
    client.wait_connected(CONNECT_WITHIN).await.unwrap();
    client
        .add_user(&jid("quinn@example.test"), "q")
        .await
        .unwrap();

    prosody.stop();

    let started = Instant::now();
    let result = client.add_user(&jid("rose@example.test"), "r").await;
    assert!(
        matches!(result, Err(XmppError::Unavailable | XmppError::Timeout)),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(client.status(), ConnectionStatus::Disconnected);

    prosody.start_again();

    // The backoff is capped at 10 s.
    client
        .wait_connected(Duration::from_secs(15))
        .await
        .unwrap_or_else(|_| panic!("no reconnection:\n{}", prosody.log_tail()));
    assert!(client.is_connected());
    client
        .add_user(&jid("rose@example.test"), "r")
        .await
        .unwrap();
    assert!(can_login(prosody.c2s_addr(), &jid("rose@example.test"), "r").await);
    assert!(can_login(prosody.c2s_addr(), &jid("quinn@example.test"), "q").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_wait_for_a_connection_then_give_up() {
    let prosody = Prosody::start(&[HOST]);
    let client = admin_client(
        prosody.c2s_addr(),
        prosody.service_jid(),
        "wrong password",
        Duration::from_millis(500),
    );
    let started = Instant::now();
    let result = client.add_user(&jid("sam@example.test"), "s").await;
    assert_eq!(result, Err(XmppError::Unavailable));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The SASL exchange itself may take a while on a loaded machine.
    let deadline = Instant::now() + CONNECT_WITHIN;
    while client.status() != ConnectionStatus::AuthenticationFailed {
        assert!(Instant::now() < deadline, "status {:?}", client.status());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!client.is_connected());
}
