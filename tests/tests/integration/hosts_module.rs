//! mod_domaine_hosts (server/prosody/mod_domaine_hosts.lua) and its typed
//! client against a real Prosody, one server per test: virtual hosts
//! provisioned at run time that survive a restart, suspension and resumption,
//! and chat messages from the portal's account.

use std::str::FromStr;
use std::time::Duration;

use domaine_tests::prosody::{bare_jid as jid, can_login, Prosody, Session};
use server::xmpp::{
    hosts_node, AdminClient, DomainPart, HostInfo, HostState, Jid, RegistrationMode, XmppError,
};

const HOST: &str = "example.test";
const OTHER_HOST: &str = "other.test";
/// Not in the config file.
const NEW_HOST: &str = "new.test";

async fn restart(prosody: &mut Prosody) -> AdminClient {
    prosody.stop();
    prosody.start_again();
    prosody.connected_admin_client().await
}

fn info(host: &str, state: HostState, up: bool) -> HostInfo {
    HostInfo {
        host: DomainPart::from_str(host).unwrap(),
        state,
        up,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provisioned_host_comes_up_and_survives_a_restart() {
    let mut prosody = Prosody::start(&[HOST]);
    let client = prosody.connected_admin_client().await;
    let new = jid(NEW_HOST);
    let alice = jid(&format!("alice@{NEW_HOST}"));

    // Not served yet: commands to it are refused, nobody logs in.
    assert!(client.add_user(&alice, "alice-secret").await.is_err());
    assert!(!can_login(prosody.c2s_addr(), &alice, "alice-secret").await);
    assert_eq!(client.hosts().await, Ok(Vec::new()));

    client.provision_host(new.domain()).await.unwrap();
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(NEW_HOST, HostState::Active, true)])
    );
    // With the global modules: the admin commands and mod_domaine.
    client.add_user(&alice, "alice-secret").await.unwrap();
    assert!(can_login(prosody.c2s_addr(), &alice, "alice-secret").await);
    assert_eq!(
        client.registration_mode(new.domain()).await,
        Ok(RegistrationMode::InviteOnly)
    );
    client
        .set_registration_mode(new.domain(), RegistrationMode::Open)
        .await
        .unwrap();

    // Twice is harmless: one record, the host and its accounts untouched.
    client.provision_host(new.domain()).await.unwrap();
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(NEW_HOST, HostState::Active, true)])
    );
    assert!(can_login(prosody.c2s_addr(), &alice, "alice-secret").await);

    // Prosody alone would forget the host at a restart.
    drop(client);
    let client = restart(&mut prosody).await;
    assert!(
        can_login(prosody.c2s_addr(), &alice, "alice-secret").await,
        "{}",
        prosody.log_tail()
    );
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(NEW_HOST, HostState::Active, true)])
    );
    assert_eq!(
        client.registration_mode(new.domain()).await,
        Ok(RegistrationMode::Open)
    );
    client.provision_host(new.domain()).await.unwrap();
    assert_eq!(client.hosts().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn provisioning_checks_the_name_and_the_caller() {
    let prosody = Prosody::start(&[HOST, OTHER_HOST]);
    let client = prosody.connected_admin_client().await;
    let target = Jid::new(HOST).unwrap();

    // Hosts of the config file are already up: recorded, nothing else.
    client
        .provision_host(jid(OTHER_HOST).domain())
        .await
        .unwrap();
    client
        .provision_host(jid(OTHER_HOST).domain())
        .await
        .unwrap();
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(OTHER_HOST, HostState::Active, true)])
    );

    // Names nameprep (or DNS) refuses, and "*", Prosody's global section.
    for bad in [
        "a b.test", "*", "a..test", "-a.test", "a_b.test", "[::1]", "x/y",
    ] {
        let outcome = client
            .execute(
                target.clone(),
                hosts_node::PROVISION,
                vec![("host".to_owned(), vec![bad.to_owned()])],
            )
            .await;
        assert_eq!(outcome, Err(XmppError::InvalidJid(bad.to_owned())), "{bad}");
    }
    assert_eq!(
        client
            .execute(target.clone(), hosts_node::PROVISION, Vec::new())
            .await,
        Err(XmppError::MissingField("host".into()))
    );
    // Case-folded like any domain: one record.
    client
        .execute(
            target.clone(),
            hosts_node::PROVISION,
            vec![("host".to_owned(), vec!["Other.TEST".to_owned()])],
        )
        .await
        .unwrap();
    assert_eq!(client.hosts().await.unwrap().len(), 1);

    // Global admins only.
    let (user, password) = prosody.register_non_admin();
    let user_client = prosody.connected_admin_client_as(user, &password).await;
    for node in [
        hosts_node::PROVISION,
        hosts_node::SUSPEND,
        hosts_node::RESUME,
    ] {
        assert_eq!(
            user_client
                .execute(
                    target.clone(),
                    node,
                    vec![("host".to_owned(), vec![NEW_HOST.to_owned()])],
                )
                .await,
            Err(XmppError::Forbidden),
            "{node}"
        );
    }
    assert_eq!(user_client.hosts().await, Err(XmppError::Forbidden));
    assert_eq!(
        user_client.provision_host(jid(NEW_HOST).domain()).await,
        Err(XmppError::Forbidden)
    );
    assert!(!can_login(prosody.c2s_addr(), &jid(&format!("x@{NEW_HOST}")), "x").await);
    assert_eq!(client.hosts().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suspended_host_stays_down_across_a_restart_and_resumes_with_its_data() {
    let mut prosody = Prosody::start(&[HOST]);
    let client = prosody.connected_admin_client().await;
    let new = jid(NEW_HOST);
    let alice = jid(&format!("alice@{NEW_HOST}"));
    client.provision_host(new.domain()).await.unwrap();
    client.add_user(&alice, "alice-secret").await.unwrap();
    client
        .set_registration_mode(new.domain(), RegistrationMode::Closed)
        .await
        .unwrap();
    let mut session = Session::open(&prosody, &alice, "alice-secret").await;

    client.suspend_host(new.domain()).await.unwrap();
    assert!(
        session.closed_within(Duration::from_secs(5)).await,
        "the session of a suspended host was not ended"
    );
    assert!(!can_login(prosody.c2s_addr(), &alice, "alice-secret").await);
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(NEW_HOST, HostState::Suspended, false)])
    );
    // Idempotent; provisioning does not lift a suspension.
    client.suspend_host(new.domain()).await.unwrap();
    client.provision_host(new.domain()).await.unwrap();
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(NEW_HOST, HostState::Suspended, false)])
    );
    assert!(!can_login(prosody.c2s_addr(), &alice, "alice-secret").await);

    drop(client);
    let client = restart(&mut prosody).await;
    assert!(!can_login(prosody.c2s_addr(), &alice, "alice-secret").await);
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(NEW_HOST, HostState::Suspended, false)])
    );

    client.resume_host(new.domain()).await.unwrap();
    assert!(
        can_login(prosody.c2s_addr(), &alice, "alice-secret").await,
        "{}",
        prosody.log_tail()
    );
    // Data kept: the account and the host's settings.
    assert_eq!(
        client.registration_mode(new.domain()).await,
        Ok(RegistrationMode::Closed)
    );
    client.resume_host(new.domain()).await.unwrap();
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(NEW_HOST, HostState::Active, true)])
    );

    drop(client);
    let client = restart(&mut prosody).await;
    assert!(can_login(prosody.c2s_addr(), &alice, "alice-secret").await);
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(NEW_HOST, HostState::Active, true)])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_of_the_config_file_can_be_suspended_across_restarts() {
    let mut prosody = Prosody::start(&[HOST, OTHER_HOST]);
    let client = prosody.connected_admin_client().await;
    let other = jid(OTHER_HOST);
    let bob = jid(&format!("bob@{OTHER_HOST}"));
    prosody.register("bob", OTHER_HOST, "bob-secret");
    assert!(can_login(prosody.c2s_addr(), &bob, "bob-secret").await);

    client.suspend_host(other.domain()).await.unwrap();
    assert!(!can_login(prosody.c2s_addr(), &bob, "bob-secret").await);
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(OTHER_HOST, HostState::Suspended, false)])
    );

    // The config file brings it up at start-up; the module takes it down
    // before anyone can connect.
    drop(client);
    let client = restart(&mut prosody).await;
    assert!(!can_login(prosody.c2s_addr(), &bob, "bob-secret").await);
    assert_eq!(
        client.hosts().await,
        Ok(vec![info(OTHER_HOST, HostState::Suspended, false)])
    );

    client.resume_host(other.domain()).await.unwrap();
    assert!(can_login(prosody.c2s_addr(), &bob, "bob-secret").await);
    // Active again, it is just a host of the config file: no record.
    assert_eq!(client.hosts().await, Ok(Vec::new()));
    client.resume_host(other.domain()).await.unwrap();

    drop(client);
    let client = restart(&mut prosody).await;
    assert!(can_login(prosody.c2s_addr(), &bob, "bob-secret").await);

    // The portal's own host, and hosts the server knows nothing of.
    assert_eq!(
        client.suspend_host(jid(HOST).domain()).await,
        Err(XmppError::NotAllowed)
    );
    assert!(prosody.service_account_logs_in().await);
    let nowhere = jid("nowhere.test");
    assert_eq!(
        client.suspend_host(nowhere.domain()).await,
        Err(XmppError::HostNotFound)
    );
    assert_eq!(
        client.resume_host(nowhere.domain()).await,
        Err(XmppError::HostNotFound)
    );
    assert_eq!(client.hosts().await, Ok(Vec::new()));
}

#[tokio::test(flavor = "multi_thread")]
async fn chat_messages_from_the_portal_reach_the_recipient() {
    let prosody = Prosody::start(&[HOST]);
    let client = prosody.connected_admin_client().await;
    let (user, password) = prosody.register_non_admin();
    let mut session = Session::open(&prosody, &user, &password).await;
    session.become_available().await;

    let body = "Your domain new.test is ready <&> ✓\nSecond line";
    client.send_chat(&user, body).await.unwrap();
    let (from, received) = session
        .next_chat(Duration::from_secs(5))
        .await
        .expect("no chat message received");
    assert_eq!(received, body);
    let from = from.expect("a message without from");
    assert_eq!(from.to_bare(), prosody.service_jid());

    // On a provisioned host too.
    let new = jid(NEW_HOST);
    client.provision_host(new.domain()).await.unwrap();
    let carol = jid(&format!("carol@{NEW_HOST}"));
    client.add_user(&carol, "carol-secret").await.unwrap();
    let mut carol_session = Session::open(&prosody, &carol, "carol-secret").await;
    carol_session.become_available().await;
    client.send_chat(&carol, "Welcome").await.unwrap();
    let (_, received) = carol_session
        .next_chat(Duration::from_secs(5))
        .await
        .expect("no chat message received on the provisioned host");
    assert_eq!(received, "Welcome");

    // What XML cannot carry is refused before anything is sent; the
    // connection stays usable.
    assert!(matches!(
        client.send_chat(&user, "bell \u{7}").await,
        Err(XmppError::InvalidData(_))
    ));
    client.send_chat(&user, "still there").await.unwrap();
    let (_, received) = session.next_chat(Duration::from_secs(5)).await.unwrap();
    assert_eq!(received, "still there");
}
