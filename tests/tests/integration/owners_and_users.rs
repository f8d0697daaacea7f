//! Domain owners and ordinary users, who log in with their XMPP address and password: what
//! each may do, registration modes reaching Prosody (also when it is down), and a user's own
//! account page. Real Prosody, each database backend.

use app::{audit::Outcome, error::ErrorKind};
use domaine_tests::{
    database::Backend,
    page, per_backend,
    portal::{provider_admin_jid, TestPortal},
    prosody::{can_login, register_in_band, Prosody},
    web::WebClient,
};
use reqwest::StatusCode;
use server::xmpp::BareJid;
use std::time::{Duration, Instant};

const A: &str = "a.test";
const B: &str = "b.test";
const PASSWORD: &str = "owner password 1";

/// The web client of `user@host`, logged in with their XMPP password.
async fn xmpp_user(portal: &TestPortal, prosody: &Prosody, user: &str, host: &str) -> WebClient {
    portal.xmpp_user(prosody, user, host, PASSWORD, "en").await
}

async fn admin(portal: &TestPortal) -> WebClient {
    portal.admin_web("admin", "admin password 1", "en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn xmpp_logins_are_checked_by_the_xmpp_server() {
    let mut prosody = Prosody::start(&[A]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    let user = xmpp_user(&portal, &prosody, "carol", A).await;
    let home = user.get("/").await;
    assert!(home.html.contains("My account"));

    let other = WebClient::new(&portal.url("/"), "fr");
    let location = other.log_in("carol@a.test", "wrong", None).await;
    assert!(location.unwrap().contains("error=invalid"));

    prosody.stop();
    let started = Instant::now();
    let location = other.log_in("carol@a.test", PASSWORD, None).await.unwrap();
    assert!(location.contains("error=unavailable"), "{location}");
    assert!(started.elapsed() < Duration::from_secs(10), "never hangs");
    assert!(other
        .get(&location)
        .await
        .html
        .contains("Le serveur XMPP est injoignable"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_admin_listed_by_xmpp_address_logs_in_with_it() {
    let prosody = Prosody::start(&[A, B]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    let jid = provider_admin_jid(&prosody);
    let (user, host) = jid.split_once('@').unwrap();
    prosody.register(user, host, PASSWORD);
    // Provider admins start at their console.
    let web = WebClient::logged_in(&portal.url("/"), "en", &jid, PASSWORD, "/admin").await;
    assert_eq!(web.get("/admin").await.status, StatusCode::OK);
    assert!(web
        .server_fn("list_domains", &[])
        .await
        .unwrap()
        .contains(B));
    assert!(web
        .server_fn("domain_dashboard", &[("domain", B)])
        .await
        .is_ok());
}

per_backend!(an_owner_runs_their_domain_and_nothing_else);
async fn an_owner_runs_their_domain_and_nothing_else(backend: Backend) {
    let prosody = Prosody::start(&[A, B]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let admin = admin(&portal).await;
    let owner_a = format!("owner-{}", backend.name());
    admin.add_owner(A, &format!("{owner_a}@{A}")).await;
    admin
        .add_owner(B, &format!("bob-{}@{B}", backend.name()))
        .await;
    let owner = xmpp_user(&portal, &prosody, &owner_a, A).await;
    let plain = xmpp_user(&portal, &prosody, &format!("plain-{}", backend.name()), A).await;

    assert!(
        owner.get("/").await.html.contains("/domains/a.test"),
        "the home page lists the domain"
    );
    assert_eq!(owner.get("/domains/a.test").await.status, StatusCode::OK);
    assert!(owner
        .server_fn("domain_dashboard", &[("domain", A)])
        .await
        .is_ok());

    // Every action on B, and every owner action for a plain user, is refused.
    for (web, domain) in [(&owner, B), (&plain, A)] {
        let csrf = web.get("/").await.csrf();
        let calls: [(&str, Vec<(&str, &str)>); 5] = [
            ("domain_dashboard", vec![("domain", domain)]),
            (
                "set_registration_mode",
                vec![("csrf", &csrf), ("domain", domain), ("mode", "open")],
            ),
            (
                "add_owner",
                vec![("csrf", &csrf), ("domain", domain), ("jid", "eve@a.test")],
            ),
            (
                "remove_owner",
                vec![("csrf", &csrf), ("domain", domain), ("jid", "bob@b.test")],
            ),
            (
                "set_quota",
                vec![("csrf", &csrf), ("domain", domain), ("quota", "5")],
            ),
        ];
        for (name, fields) in calls {
            let err = web.server_fn(name, &fields).await.unwrap_err();
            assert_eq!(err.kind, ErrorKind::Forbidden, "{name} on {domain}");
        }
        let target = [
            ("csrf", csrf.as_str()),
            ("domain", domain),
            ("username", "victim"),
        ];
        let account_calls: [(&str, Vec<(&str, &str)>); 6] = [
            (
                "domain_accounts",
                vec![("domain", domain), ("query", ""), ("page", "1")],
            ),
            (
                "add_domain_account",
                [&target[..], &[("password", "a long password")]].concat(),
            ),
            (
                "delete_domain_account",
                [&target[..], &[("confirm", "victim")]].concat(),
            ),
            (
                "set_account_password",
                [&target[..], &[("password", "a long password")]].concat(),
            ),
            ("set_account_lock", [&target[..], &[("lock", "1")]].concat()),
            ("end_account_sessions", target.to_vec()),
        ];
        for (name, fields) in account_calls {
            let err = web.server_fn(name, &fields).await.unwrap_err();
            assert_eq!(err.kind, ErrorKind::Forbidden, "{name} on {domain}");
        }
        assert!(web.server_fn("list_domains", &[]).await.is_err());
    }
    // Quotas are the provider's to set, not the owner's.
    let csrf = owner.get("/").await.csrf();
    let err = owner
        .server_fn(
            "set_quota",
            &[("csrf", &csrf), ("domain", A), ("quota", "5")],
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Forbidden);

    // Co-owners: add one, and the last one cannot be removed.
    let me = format!("{owner_a}@{A}");
    let co = format!("co-{}@{A}", backend.name());
    owner
        .server_fn("add_owner", &[("csrf", &csrf), ("domain", A), ("jid", &co)])
        .await
        .unwrap();
    let again = owner
        .server_fn("add_owner", &[("csrf", &csrf), ("domain", A), ("jid", &co)])
        .await;
    assert_eq!(again.unwrap_err().kind, ErrorKind::AlreadyOwner);
    let bad = owner
        .server_fn(
            "add_owner",
            &[("csrf", &csrf), ("domain", A), ("jid", "not an address")],
        )
        .await;
    assert_eq!(bad.unwrap_err().kind, ErrorKind::InvalidJid);
    owner
        .server_fn(
            "remove_owner",
            &[("csrf", &csrf), ("domain", A), ("jid", &co)],
        )
        .await
        .unwrap();
    let last = owner
        .server_fn(
            "remove_owner",
            &[("csrf", &csrf), ("domain", A), ("jid", &me)],
        )
        .await;
    assert_eq!(last.unwrap_err().kind, ErrorKind::LastOwner);

    let page = owner.get("/domains/a.test").await;
    assert!(
        page.html.contains("add-owner") && page.html.contains(&co),
        "the audit log shows the changes"
    );
}

per_backend!(registration_modes_reach_prosody_even_when_it_is_down_for_a_while);
async fn registration_modes_reach_prosody_even_when_it_is_down_for_a_while(backend: Backend) {
    let mut prosody = Prosody::start(&[A]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let admin = admin(&portal).await;
    let csrf = admin.get("/admin").await.csrf();
    let set = |mode: &'static str| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            admin
                .server_fn(
                    "set_registration_mode",
                    &[("csrf", &csrf), ("domain", A), ("mode", mode)],
                )
                .await
        }
    };
    let addr = prosody.c2s_addr();

    set("closed").await.unwrap();
    assert!(
        register_in_band(addr, A, "stranger", "a password 123", None)
            .await
            .is_err()
    );
    set("open").await.unwrap();
    set("open").await.unwrap(); // applying the same mode twice is harmless
    register_in_band(addr, A, "stranger", "a password 123", None)
        .await
        .unwrap();

    let outcomes = async || -> Vec<(String, Outcome)> {
        server::audit::list(&portal.state.db, Some(A), Some("registration-mode"), 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.detail, e.outcome))
            .collect()
    };
    assert!(outcomes().await.iter().all(|(_, o)| *o == Outcome::Done));

    // Prosody down: the change is saved, shown as pending, and lands when Prosody is back.
    prosody.stop();
    set("closed").await.unwrap();
    let page = admin.get("/domains/a.test").await;
    assert!(
        page.html.contains("waiting for the XMPP server"),
        "shown as pending"
    );
    assert!(page.html.contains("pending"));
    assert_eq!(outcomes().await[0], ("closed".into(), Outcome::Pending));
    assert!(page
        .html
        .contains(r#"<span class="badge badge--warn">pending</span>"#));
    // In words, not as the stored name of the change (which once showed through).
    let waiting = page::marked(&page.html, "data-change", "registration-mode");
    assert!(
        waiting.len() == 1 && waiting[0].contains(r#"data-state="queued""#),
        "{waiting:?}"
    );
    assert!(page.html.contains(">registration mode<"), "{}", page.html);
    prosody.start_again();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let page = admin.get("/domains/a.test").await;
        if !page.html.contains("waiting for the XMPP server") {
            break;
        }
        assert!(Instant::now() < deadline, "the pending change never landed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Its audit entry followed: done, on the page too.
    assert_eq!(outcomes().await[0], ("closed".into(), Outcome::Done));
    let page = admin.get("/domains/a.test").await;
    assert!(!page
        .html
        .contains(r#"<span class="badge badge--warn">pending</span>"#));
    let refused =
        register_in_band(prosody.c2s_addr(), A, "latecomer", "a password 123", None).await;
    assert!(refused.is_err(), "closed after Prosody came back");
}

per_backend!(a_user_manages_their_own_account);
async fn a_user_manages_their_own_account(backend: Backend) {
    let prosody = Prosody::start(&[A]);
    let portal = TestPortal::start(&prosody, &backend).await;
    let web = xmpp_user(&portal, &prosody, "dora", A).await;
    let jid: BareJid = "dora@a.test".parse().unwrap();
    let page = web.get("/me").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();

    let wrong = web
        .server_fn(
            "change_own_password",
            &[
                ("csrf", &csrf),
                ("current_password", "nope"),
                ("new_password", "a new password 2"),
            ],
        )
        .await;
    assert_eq!(wrong.unwrap_err().kind, ErrorKind::WrongPassword);
    let short = web
        .server_fn(
            "change_own_password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "short"),
            ],
        )
        .await;
    assert_eq!(
        short.unwrap_err().kind,
        ErrorKind::PasswordTooShort { min: 10 }
    );
    web.server_fn(
        "change_own_password",
        &[
            ("csrf", &csrf),
            ("current_password", PASSWORD),
            ("new_password", "a new password 2"),
        ],
    )
    .await
    .unwrap();
    assert!(!can_login(prosody.c2s_addr(), &jid, PASSWORD).await);
    assert!(can_login(prosody.c2s_addr(), &jid, "a new password 2").await);

    web.server_fn("end_own_sessions", &[("csrf", &csrf)])
        .await
        .unwrap();
    // An owner-only action is refused to a plain user.
    let err = web
        .server_fn("domain_dashboard", &[("domain", A)])
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Forbidden);

    let mismatch = web
        .server_fn(
            "delete_own_account",
            &[("csrf", &csrf), ("confirm", "someone@a.test")],
        )
        .await;
    assert_eq!(mismatch.unwrap_err().kind, ErrorKind::ConfirmationMismatch);
    assert!(
        can_login(prosody.c2s_addr(), &jid, "a new password 2").await,
        "nothing was deleted"
    );
    web.server_fn(
        "delete_own_account",
        &[("csrf", &csrf), ("confirm", "Dora@a.test")],
    )
    .await
    .unwrap();
    assert!(!can_login(prosody.c2s_addr(), &jid, "a new password 2").await);
    assert_eq!(
        web.get("/me").await.status,
        StatusCode::FOUND,
        "the portal session ended with the account"
    );
}

per_backend!(a_provider_admin_adds_a_domain_that_prosody_serves);
async fn a_provider_admin_adds_a_domain_that_prosody_serves(backend: Backend) {
    // A Prosody per backend: the quota below counts the accounts on the host.
    let prosody = Prosody::start(&[A, B]);
    let portal = TestPortal::start_managing(&prosody, &backend, &[A]).await;
    let admin = admin(&portal).await;
    let csrf = admin.get("/admin").await.csrf();
    let add = |name: &'static str, quota: &'static str, owner: &'static str| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            admin
                .server_fn(
                    "add_domain",
                    &[
                        ("csrf", &csrf),
                        ("name", name),
                        ("quota", quota),
                        ("owner", owner),
                    ],
                )
                .await
        }
    };
    assert_eq!(
        add("not a domain", "", "").await.unwrap_err().kind,
        ErrorKind::InvalidDomainName
    );
    assert_eq!(
        add("nowhere.test", "", "").await.unwrap_err().kind,
        ErrorKind::HostNotServed
    );
    assert_eq!(
        add(A, "", "").await.unwrap_err().kind,
        ErrorKind::DomainExists
    );
    let bad_quota = add(B, "lots", "").await.unwrap_err();
    assert_eq!(bad_quota.kind, ErrorKind::InvalidQuota);
    assert_eq!(
        bad_quota.kept("name"),
        Some(B),
        "the form keeps what was typed"
    );
    assert_eq!(
        add(B, "", "no owner").await.unwrap_err().kind,
        ErrorKind::InvalidJid
    );

    add("B.TEST", "3", "boss@b.test").await.unwrap();
    let page = admin.get("/domains/b.test").await;
    assert!(page.html.contains("boss@b.test"), "the owner is named");
    // The quota reached Prosody: in-band registration stops at three accounts.
    let csrf = admin.get("/admin").await.csrf();
    admin
        .server_fn(
            "set_registration_mode",
            &[("csrf", &csrf), ("domain", B), ("mode", "open")],
        )
        .await
        .unwrap();
    for i in 0..3 {
        let name = format!("{}-{i}", backend.name());
        register_in_band(prosody.c2s_addr(), B, &name, "a password 123", None)
            .await
            .unwrap();
    }
    assert!(register_in_band(
        prosody.c2s_addr(),
        B,
        "one-too-many",
        "a password 123",
        None
    )
    .await
    .is_err());

    // The history, filtered.
    let audit = admin.get("/audit?domain=b.test&action=add-domain").await;
    let row = |action: &str| format!(r#"<tr data-action="{action}""#);
    assert!(audit.html.contains(&row("add-domain")) && !audit.html.contains(&row("quota")));
    // In words, not as the stored names (which once showed through).
    assert!(audit.html.contains("<td>Domain added</td>"));
    let all = admin.get("/audit").await;
    assert!(all.html.contains(&row("add-domain")) && all.html.contains(&row("quota")));
    assert!(all.html.contains("<td>Account quota</td>"));
}

per_backend!(states_read_in_the_users_language_and_unknown_ones_are_errors);
async fn states_read_in_the_users_language_and_unknown_ones_are_errors(backend: Backend) {
    let prosody = Prosody::start(&[A]);
    let portal = TestPortal::start(&prosody, &backend).await;
    portal.create_admin("admin", "admin password 1").await;
    let admin = WebClient::new(&portal.url("/"), "fr-FR,fr;q=0.9");
    assert!(admin.login("admin", "admin password 1").await);
    let csrf = admin.get("/admin").await.csrf();
    admin
        .server_fn(
            "set_quota",
            &[("csrf", &csrf), ("domain", A), ("quota", "50")],
        )
        .await
        .unwrap();
    let page = admin.get("/domains/a.test").await;
    assert!(
        page.html
            .contains(r#"<tr data-action="quota" data-outcome="done">"#),
        "{}",
        page.html
    );
    assert!(page.html.contains("<td>Quota de comptes</td>"));
    assert!(page
        .html
        .contains("<td><span class=\"badge badge--ok\">fait</span></td>"));
    // A value in the database that is none of the states is never read as some default:
    // the row does not decode, and the error says which column.
    let db = &portal.state.db;
    sqlx::query("UPDATE domains SET registration_mode = 'half-open' WHERE name = $1")
        .bind(A)
        .execute(&db.pool)
        .await
        .unwrap();
    let err = match server::domains::get(db, A).await {
        Err(err) => err.to_string(),
        Ok(_) => panic!("{}: an unknown mode was read as a mode", backend.name()),
    };
    // sqlx names the column (its try_from wrapper loses the value's own message).
    assert!(err.contains("decoding column registration_mode"), "{err}");
}
