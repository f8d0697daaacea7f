//! mod_domaine (server/prosody/mod_domaine.lua) and its typed client
//! against a real Prosody, one server per test: registration modes and quota
//! seen by real in-band registrations, account listing, last activity,
//! locking.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use domaine_tests::prosody::{
    authenticate, bare_jid as jid, can_login, register_in_band, register_in_band_with_text,
    unix_now, wait_past_second, Prosody, Session,
};
use futures::{SinkExt, StreamExt};
use server::xmpp::{
    domaine_node, AccountFilter, AccountInfo, AccountOrder, AdminClient, BareJid, DomainRef,
    HostFigures, Jid, RegistrationMode, XmppError, MAX_PAGE_SIZE,
};
use tokio_xmpp::parsers::bind::BindQuery;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::stanza_error::DefinedCondition;
use tokio_xmpp::xmlstream::{FallibleStreamElement, XmppStreamElement};
use tokio_xmpp::Stanza;

const HOST: &str = "example.test";
const OTHER_HOST: &str = "other.test";

/// A Prosody with two hosts, a connected admin client, and the first host.
async fn setup() -> (Prosody, AdminClient, BareJid) {
    let (prosody, client) = Prosody::start_with_admin_client(&[HOST, OTHER_HOST]).await;
    (prosody, client, jid(HOST))
}

async fn ibr(
    prosody: &Prosody,
    user: &str,
    password: &str,
    token: Option<&str>,
) -> Result<(), String> {
    register_in_band(prosody.c2s_addr(), HOST, user, password, token).await
}

async fn invite_token(client: &AdminClient, host: &DomainRef) -> String {
    let invite = client.create_account_invite(host).await.unwrap();
    let (_, token) = invite
        .uri
        .split_once(";preauth=")
        .unwrap_or_else(|| panic!("no preauth token in {}", invite.uri));
    token.to_owned()
}

async fn account(client: &AdminClient, host: &DomainRef, username: &str) -> AccountInfo {
    let page = client.list_accounts(host, username, 0, 50).await.unwrap();
    page.accounts
        .into_iter()
        .find(|account| account.username == username)
        .unwrap_or_else(|| panic!("{username} not listed"))
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_mode_defaults_to_invite_only_and_is_per_host() {
    let (_prosody, client, example) = setup().await;
    let other = jid(OTHER_HOST);
    assert_eq!(
        client.registration_mode(example.domain()).await,
        Ok(RegistrationMode::InviteOnly)
    );

    for mode in [
        RegistrationMode::Open,
        RegistrationMode::Closed,
        RegistrationMode::InviteOnly,
        RegistrationMode::Open,
    ] {
        client
            .set_registration_mode(example.domain(), mode)
            .await
            .unwrap();
        assert_eq!(client.registration_mode(example.domain()).await, Ok(mode));
    }
    // Idempotent.
    client
        .set_registration_mode(example.domain(), RegistrationMode::Open)
        .await
        .unwrap();
    assert_eq!(
        client.registration_mode(example.domain()).await,
        Ok(RegistrationMode::Open)
    );
    assert_eq!(
        client.registration_mode(other.domain()).await,
        Ok(RegistrationMode::InviteOnly)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_values_are_rejected() {
    let (_prosody, client, _) = setup().await;
    let host = Jid::new(HOST).unwrap();
    let submit = |node: &'static str, var: &'static str, value: &'static str| {
        let client = client.clone();
        let host = host.clone();
        async move {
            client
                .execute(host, node, vec![(var.to_owned(), vec![value.to_owned()])])
                .await
        }
    };
    assert_eq!(
        submit(domaine_node::SET_REGISTRATION_MODE, "mode", "half-open").await,
        Err(XmppError::InvalidData(
            "Invalid registration mode: half-open".into()
        ))
    );
    assert_eq!(
        submit(domaine_node::SET_REGISTRATION_MODE, "mode", "").await,
        Err(XmppError::MissingField("mode".into()))
    );
    assert_eq!(
        submit(domaine_node::SET_QUOTA, "quota", "-3").await,
        Err(XmppError::InvalidData("Invalid quota: -3".into()))
    );
    assert_eq!(
        submit(domaine_node::LIST_ACCOUNTS, "offset", "x").await,
        Err(XmppError::InvalidData("Invalid offset: x".into()))
    );
    assert_eq!(
        submit(domaine_node::LIST_ACCOUNTS, "limit", "1.5").await,
        Err(XmppError::InvalidData("Invalid limit: 1.5".into()))
    );
    // Nothing was changed.
    assert_eq!(
        client.registration_mode(jid(HOST).domain()).await,
        Ok(RegistrationMode::InviteOnly)
    );
    assert_eq!(client.quota(jid(HOST).domain()).await, Ok(None));
}

#[tokio::test(flavor = "multi_thread")]
async fn open_registration_accepts_anyone() {
    let (prosody, client, example) = setup().await;
    client
        .set_registration_mode(example.domain(), RegistrationMode::Open)
        .await
        .unwrap();

    assert_eq!(ibr(&prosody, "alice", "wonderland", None).await, Ok(()));

    let alice = jid("alice@example.test");
    assert!(can_login(prosody.c2s_addr(), &alice, "wonderland").await);
    assert_eq!(
        ibr(&prosody, "alice", "other", None).await,
        Err("conflict".into())
    );
    assert!(can_login(prosody.c2s_addr(), &alice, "wonderland").await);
    // A token is accepted too, and not needed.
    let token = invite_token(&client, example.domain()).await;
    assert_eq!(ibr(&prosody, "bob", "builder", Some(&token)).await, Ok(()));
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_registration_refuses_even_with_a_token() {
    let (prosody, client, example) = setup().await;
    client
        .set_registration_mode(example.domain(), RegistrationMode::Closed)
        .await
        .unwrap();
    let token = invite_token(&client, example.domain()).await;

    assert_eq!(
        ibr(&prosody, "carol", "secret", None).await,
        Err("not-allowed".into())
    );
    let refusal =
        register_in_band_with_text(prosody.c2s_addr(), HOST, "carol", "secret", Some(&token)).await;
    assert_eq!(
        refusal,
        Err((
            "not-allowed".into(),
            Some("Registration on this server is closed".into())
        ))
    );
    assert!(!can_login(prosody.c2s_addr(), &jid("carol@example.test"), "secret").await);
    assert_eq!(client.count_accounts(example.domain()).await, Ok(1));

    // The token was not used up: it works once registration opens.
    client
        .set_registration_mode(example.domain(), RegistrationMode::InviteOnly)
        .await
        .unwrap();
    assert_eq!(ibr(&prosody, "carol", "secret", Some(&token)).await, Ok(()));
}

#[tokio::test(flavor = "multi_thread")]
async fn invite_only_registration_needs_a_valid_token() {
    let (prosody, client, example) = setup().await;
    // Never set: invite-only.
    let refusal =
        register_in_band_with_text(prosody.c2s_addr(), HOST, "dave", "secret", None).await;
    assert_eq!(
        refusal,
        Err((
            "forbidden".into(),
            Some("Registration on this server is through invitation only".into())
        ))
    );
    assert_eq!(
        ibr(&prosody, "dave", "secret", Some("not-a-real-token")).await,
        Err("preauth:forbidden".into())
    );

    let token = invite_token(&client, example.domain()).await;
    assert_eq!(ibr(&prosody, "dave", "secret", Some(&token)).await, Ok(()));
    assert!(can_login(prosody.c2s_addr(), &jid("dave@example.test"), "secret").await);

    // Single use.
    assert_eq!(
        ibr(&prosody, "erin", "secret", Some(&token)).await,
        Err("preauth:forbidden".into())
    );
    // A token of another host is no token here.
    let other_token = invite_token(&client, jid(OTHER_HOST).domain()).await;
    assert_eq!(
        ibr(&prosody, "erin", "secret", Some(&other_token)).await,
        Err("preauth:forbidden".into())
    );
    assert!(!can_login(prosody.c2s_addr(), &jid("erin@example.test"), "secret").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn quota_limits_in_band_registration() {
    let (prosody, client, example) = setup().await;
    let host = example.domain();
    assert_eq!(client.quota(host).await, Ok(None));
    client
        .set_registration_mode(host, RegistrationMode::Open)
        .await
        .unwrap();
    // The portal's own account counts.
    assert_eq!(client.count_accounts(host).await, Ok(1));

    client.set_quota(host, Some(3)).await.unwrap();
    assert_eq!(client.quota(host).await, Ok(Some(3)));
    assert_eq!(ibr(&prosody, "u1", "p", None).await, Ok(()));
    assert_eq!(ibr(&prosody, "u2", "p", None).await, Ok(()));
    let refusal = register_in_band_with_text(prosody.c2s_addr(), HOST, "u3", "p", None).await;
    let (condition, text) = refusal.expect_err("the host is full");
    assert_eq!(condition, "resource-constraint");
    assert!(
        text.as_deref()
            .unwrap_or_default()
            .contains("domain is full"),
        "{text:?}"
    );
    assert_eq!(client.count_accounts(host).await, Ok(3));
    // With an invite too.
    let token = invite_token(&client, host).await;
    assert_eq!(
        ibr(&prosody, "u3", "p", Some(&token)).await,
        Err("resource-constraint".into())
    );
    // The portal itself is not limited.
    client
        .add_user(&jid("staff@example.test"), "p")
        .await
        .unwrap();
    assert_eq!(client.count_accounts(host).await, Ok(4));

    // Other hosts have their own quota.
    let other = jid(OTHER_HOST);
    client
        .set_registration_mode(other.domain(), RegistrationMode::Open)
        .await
        .unwrap();
    assert_eq!(client.quota(other.domain()).await, Ok(None));
    assert_eq!(
        register_in_band(prosody.c2s_addr(), OTHER_HOST, "u3", "p", None).await,
        Ok(())
    );

    client.set_quota(host, None).await.unwrap();
    assert_eq!(client.quota(host).await, Ok(None));
    assert_eq!(ibr(&prosody, "u3", "p", None).await, Ok(()));
    assert!(can_login(prosody.c2s_addr(), &jid("u3@example.test"), "p").await);

    client.set_quota(host, Some(0)).await.unwrap();
    assert_eq!(client.quota(host).await, Ok(Some(0)));
    assert_eq!(
        ibr(&prosody, "u4", "p", None).await,
        Err("resource-constraint".into())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_settings_survive_a_restart() {
    let (mut prosody, client, example) = setup().await;
    let host = example.domain();
    client
        .set_registration_mode(host, RegistrationMode::Open)
        .await
        .unwrap();
    client.set_quota(host, Some(10)).await.unwrap();
    drop(client);

    prosody.stop();
    prosody.start_again();

    let client = prosody.connected_admin_client().await;
    assert_eq!(
        client.registration_mode(host).await,
        Ok(RegistrationMode::Open)
    );
    assert_eq!(client.quota(host).await, Ok(Some(10)));
    assert_eq!(ibr(&prosody, "frank", "p", None).await, Ok(()));

    client
        .set_registration_mode(host, RegistrationMode::Closed)
        .await
        .unwrap();
    drop(client);
    prosody.stop();
    prosody.start_again();

    let client = prosody.connected_admin_client().await;
    assert_eq!(
        ibr(&prosody, "gina", "p", None).await,
        Err("not-allowed".into())
    );
    assert_eq!(
        client.registration_mode(host).await,
        Ok(RegistrationMode::Closed)
    );
    assert!(can_login(prosody.c2s_addr(), &jid("frank@example.test"), "p").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn locking_ends_sessions_and_blocks_login_until_unlocked() {
    let (mut prosody, client, example) = setup().await;
    let host = example.domain();
    prosody.register("henry", HOST, "secret");
    prosody.register("iris", HOST, "other");
    let (henry, iris) = (jid("henry@example.test"), jid("iris@example.test"));
    let mut phone = Session::open(&prosody, &henry, "secret").await;
    let mut laptop = Session::open(&prosody, &henry, "secret").await;
    let mut bystander = Session::open(&prosody, &iris, "other").await;

    client.lock_account(&henry).await.unwrap();

    assert!(phone.closed_within(Duration::from_secs(5)).await);
    assert!(laptop.closed_within(Duration::from_secs(5)).await);
    assert!(!bystander.closed_within(Duration::from_millis(300)).await);
    assert!(!can_login(prosody.c2s_addr(), &henry, "secret").await);
    // A real SASL failure, after the password was checked.
    let error = authenticate(prosody.c2s_addr(), &henry, "secret")
        .await
        .err()
        .expect("login refused");
    assert!(error.contains("AccountDisabled"), "{error}");
    let error = authenticate(prosody.c2s_addr(), &henry, "wrong")
        .await
        .err()
        .expect("login refused");
    assert!(error.contains("NotAuthorized"), "{error}");
    assert!(account(&client, host, "henry").await.locked);
    assert!(!account(&client, host, "iris").await.locked);
    // Idempotent; the data stays.
    client.lock_account(&henry).await.unwrap();
    let stats = client.user_stats(&henry).await.unwrap();
    assert!(stats.online_resources.is_empty());
    assert_eq!(client.count_accounts(host).await, Ok(3));

    // Locked across a restart.
    drop(client);
    prosody.stop();
    prosody.start_again();
    let client = prosody.connected_admin_client().await;
    assert!(!can_login(prosody.c2s_addr(), &henry, "secret").await);
    assert!(account(&client, host, "henry").await.locked);

    client.unlock_account(&henry).await.unwrap();
    assert!(can_login(prosody.c2s_addr(), &henry, "secret").await);
    assert!(!account(&client, host, "henry").await.locked);
    let _session = Session::open(&prosody, &henry, "secret").await;
    // Idempotent.
    client.unlock_account(&henry).await.unwrap();
    assert!(can_login(prosody.c2s_addr(), &iris, "other").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_authenticated_before_the_lock_cannot_bind() {
    let (prosody, client, _) = setup().await;
    let nora = jid("nora@example.test");
    client.add_user(&nora, "p").await.unwrap();
    // Authenticated, no resource yet: not a session the lock can end.
    let mut stream = authenticate(prosody.c2s_addr(), &nora, "p").await.unwrap();

    client.lock_account(&nora).await.unwrap();

    let bind = Iq::from_set("bind", BindQuery::new(None));
    stream.send(&bind).await.unwrap();
    let answer = async {
        loop {
            match stream.next().await {
                Some(Ok(FallibleStreamElement::Ok(XmppStreamElement::Stanza(Stanza::Iq(
                    Iq::Error { id, error, .. },
                )))))
                    if id == "bind" =>
                {
                    return Some(error)
                }
                Some(Ok(FallibleStreamElement::Ok(XmppStreamElement::Stanza(Stanza::Iq(
                    Iq::Result { id, .. },
                )))))
                    if id == "bind" =>
                {
                    return None
                }
                Some(_) => {}
                None => panic!("stream closed"),
            }
        }
    };
    let error = tokio::time::timeout(Duration::from_secs(5), answer)
        .await
        .expect("bind answered")
        .expect("bind refused");
    assert_eq!(error.defined_condition, DefinedCondition::NotAuthorized);
}

#[tokio::test(flavor = "multi_thread")]
async fn locking_errors() {
    let (prosody, client, _) = setup().await;
    prosody.register("jane", OTHER_HOST, "p");
    assert_eq!(
        client.lock_account(&jid("nobody@example.test")).await,
        Err(XmppError::UserNotFound)
    );
    assert_eq!(
        client.unlock_account(&jid("nobody@example.test")).await,
        Err(XmppError::UserNotFound)
    );
    assert_eq!(
        client.lock_account(&prosody.service_jid()).await,
        Err(XmppError::NotAllowed)
    );
    assert_eq!(
        client.lock_account(&jid("example.test")).await,
        Err(XmppError::InvalidJid("example.test".into()))
    );
    // Sent to the wrong host through the generic API.
    let wrong_host = client
        .execute(
            Jid::new(HOST).unwrap(),
            domaine_node::LOCK_ACCOUNT,
            vec![("accountjid".into(), vec!["jane@other.test".into()])],
        )
        .await;
    assert_eq!(wrong_host, Err(XmppError::WrongHost));
    assert!(can_login(prosody.c2s_addr(), &jid("jane@other.test"), "p").await);
    assert!(prosody.service_account_logs_in().await);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_an_account_forgets_its_lock() {
    let (prosody, client, _) = setup().await;
    let kate = jid("kate@example.test");
    client.add_user(&kate, "p").await.unwrap();
    client.lock_account(&kate).await.unwrap();
    client
        .delete_users(std::slice::from_ref(&kate))
        .await
        .unwrap();

    client.add_user(&kate, "p").await.unwrap();

    assert!(can_login(prosody.c2s_addr(), &kate, "p").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_are_listed_sorted_searched_and_paged() {
    let (prosody, client, example) = setup().await;
    let host = example.domain();
    for user in ["bob", "alice", "Carol", "alicia", "dave", "malice"] {
        client
            .add_user(&jid(&format!("{user}@example.test")), "p")
            .await
            .unwrap();
    }
    prosody.register("elsewhere", OTHER_HOST, "p");
    let names = |page: &server::xmpp::AccountPage| -> Vec<String> {
        page.accounts.iter().map(|a| a.username.clone()).collect()
    };

    let all = client.list_accounts(host, "", 0, 100).await.unwrap();
    assert_eq!(all.total, 7);
    assert_eq!(
        names(&all),
        ["alice", "alicia", "bob", "carol", "dave", "malice", "portal"]
    );
    assert!(all.accounts.iter().all(|a| !a.locked));
    assert_eq!(client.count_accounts(host).await, Ok(7));
    assert_eq!(client.count_accounts(jid(OTHER_HOST).domain()).await, Ok(1));

    let page = client.list_accounts(host, "", 2, 3).await.unwrap();
    assert_eq!(page.total, 7);
    assert_eq!(names(&page), ["bob", "carol", "dave"]);
    let last = client.list_accounts(host, "", 6, 3).await.unwrap();
    assert_eq!(names(&last), ["portal"]);
    let beyond = client.list_accounts(host, "", 50, 3).await.unwrap();
    assert_eq!(beyond.total, 7);
    assert!(beyond.accounts.is_empty());
    let none = client.list_accounts(host, "", 0, 0).await.unwrap();
    assert_eq!((none.total, none.accounts.len()), (7, 0));

    // Substring, any case.
    let found = client.list_accounts(host, "ALI", 0, 100).await.unwrap();
    assert_eq!(found.total, 3);
    assert_eq!(names(&found), ["alice", "alicia", "malice"]);
    let found = client.list_accounts(host, "ali", 1, 1).await.unwrap();
    assert_eq!((found.total, names(&found)), (3, vec!["alicia".to_owned()]));
    let found = client.list_accounts(host, "carol", 0, 10).await.unwrap();
    assert_eq!(names(&found), ["carol"]);
    let nothing = client.list_accounts(host, "zz", 0, 10).await.unwrap();
    assert_eq!((nothing.total, nothing.accounts.len()), (0, 0));
    // Characters no username can contain match nothing (and break nothing).
    let nothing = client.list_accounts(host, "a@b c", 0, 10).await.unwrap();
    assert_eq!(nothing.total, 0);
    let nothing = client.list_accounts(host, "%", 0, 10).await.unwrap();
    assert_eq!(nothing.total, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn page_size_is_capped() {
    let (prosody, client, example) = setup().await;
    let template = std::fs::read_to_string(prosody.store_file(HOST, "accounts", "portal")).unwrap();
    let users: Vec<String> = (0..250).map(|i| format!("bulk{i:03}")).collect();
    prosody.write_store_files(
        HOST,
        "accounts",
        users.iter().map(|user| (user.as_str(), template.as_str())),
    );

    let page = client
        .list_accounts(example.domain(), "bulk", 0, 1000)
        .await
        .unwrap();

    assert_eq!(page.total, 250);
    assert_eq!(page.accounts.len(), MAX_PAGE_SIZE as usize);
    assert_eq!(page.accounts[0].username, "bulk000");
    assert_eq!(page.accounts[199].username, "bulk199");
    // The copied records are real accounts.
    assert!(
        can_login(
            prosody.c2s_addr(),
            &jid("bulk249@example.test"),
            prosody.service_password()
        )
        .await
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn last_activity_is_recorded_at_login_and_session_end() {
    let (prosody, client, example) = setup().await;
    let host = example.domain();
    let liam = jid("liam@example.test");
    client.add_user(&liam, "p").await.unwrap();
    assert_eq!(account(&client, host, "liam").await.last_active, None);

    let before = unix_now();
    assert!(can_login(prosody.c2s_addr(), &liam, "p").await);
    let login = account(&client, host, "liam")
        .await
        .last_active
        .expect("login recorded");
    // One second of slack below: Prosody's coarse clock may lag ours (see `wait_past_second`).
    assert!(
        login >= before - 1 && login <= unix_now(),
        "{login} vs {before}"
    );

    // A failed login is no activity.
    let mia = jid("mia@example.test");
    client.add_user(&mia, "p").await.unwrap();
    assert!(!can_login(prosody.c2s_addr(), &mia, "wrong").await);
    assert_eq!(account(&client, host, "mia").await.last_active, None);

    // The end of a session is recorded too: wait for the clock to tick
    // past the login, then drop the connection.
    let session = Session::open(&prosody, &liam, "p").await;
    let opened = account(&client, host, "liam").await.last_active.unwrap();
    wait_past_second(opened).await;
    drop(session);
    // Bounded generously: on a loaded machine Prosody may take a while to see the connection go.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let last = account(&client, host, "liam").await.last_active.unwrap();
        if last > opened {
            break;
        }
        assert!(Instant::now() < deadline, "session end not recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_non_admin_is_forbidden() {
    let prosody = Prosody::start(&[HOST]);
    let (user, password) = prosody.register_non_admin();
    let client = prosody
        .connected_admin_client_as(user.clone(), &password)
        .await;
    let example = jid(HOST);
    let host = example.domain();

    assert_eq!(
        client.registration_mode(host).await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(
        client
            .set_registration_mode(host, RegistrationMode::Open)
            .await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(client.quota(host).await, Err(XmppError::Forbidden));
    assert_eq!(
        client.set_quota(host, Some(1)).await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(client.count_accounts(host).await, Err(XmppError::Forbidden));
    assert_eq!(
        client.list_accounts(host, "", 0, 10).await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(client.count_hosts().await, Err(XmppError::Forbidden));
    assert_eq!(client.host_figures(0).await, Err(XmppError::Forbidden));
    assert_eq!(
        client.invitation_status(host, "some-token").await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(
        client.lock_account(&prosody.service_jid()).await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(
        client.unlock_account(&user).await,
        Err(XmppError::Forbidden)
    );

    // Nothing changed.
    let admin = prosody.connected_admin_client().await;
    assert_eq!(
        admin.registration_mode(host).await,
        Ok(RegistrationMode::InviteOnly)
    );
    assert_eq!(admin.quota(host).await, Ok(None));
    assert!(prosody.service_account_logs_in().await);
}

/// 10,000 accounts on a host, written straight into the storage (with a
/// last-activity record each, every 100th locked): counting, listing a page,
/// searching and the quota stay right at that size.
#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_accounts() {
    const ACCOUNTS: usize = 10_000;
    let (prosody, client, example) = setup().await;
    let host = example.domain();
    let template = std::fs::read_to_string(prosody.store_file(HOST, "accounts", "portal")).unwrap();
    let users: Vec<String> = (0..ACCOUNTS).map(|i| format!("user{i:05}")).collect();
    let states: Vec<String> = (0..ACCOUNTS)
        .map(|i| {
            let locked = if i % 100 == 0 { "true" } else { "false" };
            format!(
                "return {{[\"last_active\"] = {}; [\"locked\"] = {locked};}};\n",
                1_700_000_000 + i
            )
        })
        .collect();
    // The state first: mod_domaine's index watches the account directory, not its own store
    // (which nothing else writes in production), so an account must not appear before it.
    prosody.write_store_files(
        HOST,
        "domaine_account",
        users
            .iter()
            .map(String::as_str)
            .zip(states.iter().map(String::as_str)),
    );
    prosody.write_store_files(
        HOST,
        "accounts",
        users.iter().map(|user| (user.as_str(), template.as_str())),
    );

    // How fast this is, through the portal, is measured by scripts/bench.sh (BENCHMARKS.md).
    let total = client.count_accounts(host).await.unwrap();
    assert_eq!(total as usize, ACCOUNTS + 1);

    // "portal" sorts first.
    let page = client.list_accounts(host, "", 5001, 200).await.unwrap();
    assert_eq!(page.total as usize, ACCOUNTS + 1);
    assert_eq!(page.accounts.len(), 200);
    assert_eq!(page.accounts[0].username, "user05000");
    assert_eq!(page.accounts[0].last_active, Some(1_700_005_000));
    assert!(page.accounts[0].locked);
    assert!(!page.accounts[1].locked);
    assert_eq!(page.accounts[199].username, "user05199");

    let found = client
        .list_accounts(host, "USER0999", 0, 200)
        .await
        .unwrap();
    assert_eq!(found.total, 10);
    assert_eq!(found.accounts[0].username, "user09990");

    let last = client.list_accounts(host, "", 10_000, 200).await.unwrap();
    assert_eq!(last.accounts.len(), 1);
    assert_eq!(last.accounts[0].username, "user09999");
    let portal = client.list_accounts(host, "portal", 0, 1).await.unwrap();
    assert_eq!(portal.accounts[0].username, "portal");

    // Registration with a quota counts the accounts on every attempt.
    client
        .set_registration_mode(host, RegistrationMode::Open)
        .await
        .unwrap();
    client
        .set_quota(host, Some(ACCOUNTS as u32 + 1))
        .await
        .unwrap();
    assert_eq!(
        ibr(&prosody, "one-too-many", "p", None).await,
        Err("resource-constraint".into())
    );
}

/// Counts, the whole list and a search equal what the storage holds (`expected`).
async fn assert_index(client: &AdminClient, expected: &BTreeSet<String>) {
    let host = jid(HOST);
    let host = host.domain();
    assert_eq!(client.count_accounts(host).await, Ok(expected.len() as u32));
    let names = |accounts: Vec<AccountInfo>| -> Vec<String> {
        accounts.into_iter().map(|a| a.username).collect()
    };
    let all = paged(client, host, &AccountFilter::default()).await;
    assert_eq!(names(all), expected.iter().cloned().collect::<Vec<_>>());
    let search = AccountFilter {
        query: "3".into(),
        ..AccountFilter::default()
    };
    let wanted: Vec<String> = expected
        .iter()
        .filter(|u| u.contains('3'))
        .cloned()
        .collect();
    assert_eq!(names(paged(client, host, &search).await), wanted);
}

/// The whole list of `host`, page by page as the portal reads it, in `filter`'s order.
async fn paged(client: &AdminClient, host: &DomainRef, filter: &AccountFilter) -> Vec<AccountInfo> {
    let mut all = Vec::new();
    loop {
        let page = client
            .list_accounts_by(host, filter, all.len() as u32, 7)
            .await
            .unwrap();
        let done = page.accounts.len() < 7;
        all.extend(page.accounts);
        assert!(all.len() <= page.total as usize);
        if done {
            assert_eq!(all.len(), page.total as usize, "{filter:?}");
            return all;
        }
    }
}

/// mod_domaine's in-memory index (server/prosody/domaine_index.lib.lua) answers counts and
/// pages equal to a full listing of the storage, whatever created or deleted the accounts (the
/// portal's commands, prosodyctl, files written or removed behind Prosody's back) and across a
/// restart; the order by last activity and the "not seen since" filter agree with each
/// account's recorded last activity.
#[tokio::test(flavor = "multi_thread")]
async fn account_index_equals_a_full_listing() {
    let (mut prosody, mut client, example) = setup().await;
    let template = std::fs::read_to_string(prosody.store_file(HOST, "accounts", "portal")).unwrap();
    // One password for all, whichever way they are created (the files are copies of the
    // portal's account).
    let password = prosody.service_password().to_owned();
    let mut expected: BTreeSet<String> = ["portal".to_owned()].into();
    // A fixed pseudo-random sequence (xorshift), so that a failure can be replayed.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut random = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for round in 0..4 {
        for _ in 0..12 {
            let user = format!("u{}", random(60));
            let known = expected.contains(&user);
            match (random(3), known) {
                (0, false) => {
                    client
                        .add_user(&jid(&format!("{user}@{HOST}")), &password)
                        .await
                        .unwrap();
                    expected.insert(user);
                }
                (1, false) => {
                    prosody.write_store_files(
                        HOST,
                        "accounts",
                        [(user.as_str(), template.as_str())],
                    );
                    expected.insert(user);
                }
                (2, false) => {
                    prosody.register(&user, HOST, &password);
                    expected.insert(user);
                }
                (0 | 2, true) => {
                    let outcome = client
                        .delete_users(&[jid(&format!("{user}@{HOST}"))])
                        .await
                        .unwrap();
                    assert_eq!(outcome.succeeded.len(), 1);
                    expected.remove(&user);
                }
                (_, true) => {
                    std::fs::remove_file(prosody.store_file(HOST, "accounts", &user)).unwrap();
                    expected.remove(&user);
                }
                _ => unreachable!(),
            }
        }
        assert_index(&client, &expected).await;
        if round % 2 == 1 {
            prosody.stop();
            prosody.start_again();
            client = prosody.connected_admin_client().await;
            assert_index(&client, &expected).await;
        }
    }

    // Some accounts seen (a login records the last activity), the others never; the last one
    // seen a second after the others, so that "not seen since" can cut between them.
    let seen: Vec<&String> = expected.iter().filter(|u| u.ends_with('1')).collect();
    assert!(
        seen.len() >= 2,
        "the random rounds leave too few accounts ending in 1"
    );
    for (i, user) in seen.iter().enumerate() {
        if i == seen.len() - 1 {
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        assert!(
            can_login(
                prosody.c2s_addr(),
                &jid(&format!("{user}@{HOST}")),
                &password
            )
            .await
        );
    }
    let host = example.domain();
    let by_name = paged(&client, host, &AccountFilter::default()).await;
    let mut wanted = by_name.clone();
    wanted.sort_by_key(|a| (a.last_active.unwrap_or(-1), a.username.clone()));
    let by_activity = AccountFilter {
        order: AccountOrder::Activity,
        ..AccountFilter::default()
    };
    assert_eq!(paged(&client, host, &by_activity).await, wanted);
    // Not seen since the epoch: exactly those never seen, in activity (then name) order.
    let never = AccountFilter {
        inactive_before: Some(0),
        ..AccountFilter::default()
    };
    let never_seen: Vec<AccountInfo> = wanted
        .iter()
        .filter(|a| a.last_active.is_none())
        .cloned()
        .collect();
    assert_eq!(paged(&client, host, &never).await, never_seen);
    assert!(!seen.is_empty() && never_seen.len() + seen.len() <= wanted.len());
    // Not seen since a time to come: everyone, in either order.
    let everyone = AccountFilter {
        inactive_before: Some(unix_now() + 10),
        ..AccountFilter::default()
    };
    assert_eq!(paged(&client, host, &everyone).await, by_name);
    let everyone = AccountFilter {
        order: AccountOrder::Activity,
        ..everyone
    };
    assert_eq!(paged(&client, host, &everyone).await, wanted);
    // Not seen since the first logins' last second (exactly: those seen then are out), and
    // since just after it (they are in); never the last one seen (whose session may still be
    // ending). In either order: username order walks the names, activity order takes a prefix.
    let latest = wanted.last().and_then(|a| a.last_active).unwrap();
    let first_logins = wanted
        .iter()
        .filter_map(|a| a.last_active)
        .filter(|&t| t < latest)
        .max()
        .unwrap();
    for cut in [first_logins, first_logins + 1] {
        let not_since = |order| AccountFilter {
            order,
            inactive_before: Some(cut),
            ..AccountFilter::default()
        };
        let before_cut = |list: &[AccountInfo]| -> Vec<AccountInfo> {
            list.iter()
                .filter(|a| a.last_active.unwrap_or(-1) < cut)
                .cloned()
                .collect()
        };
        let by_name_before = before_cut(&by_name);
        assert!(by_name_before.len() < by_name.len());
        assert_eq!(
            paged(&client, host, &not_since(AccountOrder::Username)).await,
            by_name_before
        );
        assert_eq!(
            paged(&client, host, &not_since(AccountOrder::Activity)).await,
            before_cut(&wanted)
        );
        // With a search too ("1": seen and never seen ones).
        let with_1 = |list: Vec<AccountInfo>| -> Vec<AccountInfo> {
            list.into_iter()
                .filter(|a| a.username.contains('1'))
                .collect()
        };
        for (order, list) in [
            (AccountOrder::Username, &by_name),
            (AccountOrder::Activity, &wanted),
        ] {
            let search = AccountFilter {
                query: "1".into(),
                ..not_since(order)
            };
            assert_eq!(
                paged(&client, host, &search).await,
                with_1(before_cut(list)),
                "{search:?}"
            );
        }
    }

    // Every host's count in one command, equal to each host's own count.
    prosody.register("elsewhere", OTHER_HOST, "p");
    let counts = client.count_hosts().await.unwrap();
    assert_eq!(counts.get(HOST), Some(&(expected.len() as u32)));
    assert_eq!(counts.get(OTHER_HOST), Some(&1));

    // The daily figures' command: the same counts, and as active since T the accounts whose
    // last activity is T or later, as the listing above says.
    let active_since = |since: i64| {
        wanted
            .iter()
            .filter(|a| a.last_active.is_some_and(|t| t >= since))
            .count() as u32
    };
    let latest = wanted.iter().filter_map(|a| a.last_active).max().unwrap();
    for since in [0, latest, unix_now() + 10] {
        let figures = client.host_figures(since).await.unwrap();
        assert_eq!(
            figures.get(HOST),
            Some(&HostFigures {
                accounts: expected.len() as u32,
                active: active_since(since)
            }),
            "active since {since}"
        );
        assert_eq!(figures.get(OTHER_HOST).map(|f| f.accounts), Some(1));
    }
    assert!(active_since(0) > active_since(unix_now() + 10));
}
