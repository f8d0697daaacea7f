//! Hosting requests end to end against a real Prosody, a real SMTP server, a real DNS server
//! (dnsmasq) and each database backend: a stranger's request confirmed by e-mail, the admins
//! told by e-mail and by chat, the DNS readiness check, approval bringing the virtual host up on
//! Prosody (surviving a restart), the owner invitation redeemed, approval while Prosody is down,
//! approving twice, and suspending and resuming a domain.

use domaine_tests::{
    database::Backend,
    dns::{DnsServer, TestZone},
    per_backend,
    portal::{hosting_config, provider_admin_jid, TestPortal},
    prosody::{can_login, Prosody, Session},
    smtp::SmtpServer,
    web::WebClient,
};
use reqwest::StatusCode;
use server::{
    audit, domains,
    hosting_requests::{self, RequestRecord},
    xmpp::BareJid,
};
use std::time::Duration;

const PROVIDER: &str = "provider.test";
/// Where hosted domains' DNS must point.
const SERVER_HOST: &str = "xmpp.provider.test";
const READY: &str = "pret.test";
const NOT_READY: &str = "brouillon.test";
const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "admin password 1";
const PASSWORD: &str = "a long enough password";
const NOTIFY: &str = "admins@provider.test";

struct Setup {
    admin: WebClient,
    portal: TestPortal,
    smtp: SmtpServer,
    prosody: Prosody,
    _dns: DnsServer,
}

impl Setup {
    async fn start(backend: &Backend) -> Setup {
        let prosody = Prosody::start(&[PROVIDER]);
        let smtp = SmtpServer::start();
        let dns = DnsServer::start(&TestZone::new().xmpp_srv(READY, SERVER_HOST, 5222, 5269));
        let portal = TestPortal::start_configured(
            &prosody,
            backend,
            &smtp,
            &hosting_config(NOTIFY, SERVER_HOST, dns.addr()),
        )
        .await;
        let admin = portal.admin_web(ADMIN, ADMIN_PASSWORD, "en").await;
        Setup {
            admin,
            portal,
            smtp,
            prosody,
            _dns: dns,
        }
    }

    /// Files and confirms a request as a stranger would; returns it once in the queue.
    async fn request(&self, domain: &str, email: &str, xmpp: &str) -> RequestRecord {
        let stranger = WebClient::new(&self.portal.url("/"), "fr");
        let csrf = stranger.get("/request").await.csrf();
        let (_, location) = stranger
            .post_form(
                "/api/submit_hosting_request",
                &[
                    ("csrf", &csrf),
                    ("domain", domain),
                    ("name", "Marie Curie"),
                    ("email", email),
                    ("xmpp", xmpp),
                    ("message", "Pour notre association"),
                    ("website", ""),
                ],
            )
            .await;
        assert_eq!(location.as_deref(), Some("/request/sent"), "{domain}");
        let mail = self
            .smtp
            .wait_for_mail(email, Duration::from_secs(20))
            .await;
        assert!(mail.subject.contains("Confirmez"), "{}", mail.subject);
        let link = mail.link("/request/confirm/");
        let path = link.trim_start_matches(&self.portal.url(""));
        let page = stranger.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        let token = path.trim_start_matches("/request/confirm/");
        stranger
            .server_fn(
                "confirm_hosting_request",
                &[("csrf", &page.csrf()), ("token", token)],
            )
            .await
            .unwrap();
        hosting_requests::by_token(&self.portal.state.db, token)
            .await
            .unwrap()
            .unwrap()
    }

    async fn approve(&self, id: i64, quota: &str) -> Result<String, app::error::AppError> {
        let csrf = self.admin.get("/admin").await.csrf();
        self.admin
            .server_fn(
                "approve_hosting_request",
                &[("csrf", &csrf), ("id", &id.to_string()), ("quota", quota)],
            )
            .await
    }

    fn jid(&self, user: &str, domain: &str) -> BareJid {
        BareJid::new(&format!("{user}@{domain}")).unwrap()
    }
}

per_backend!(a_confirmed_request_is_announced_approved_provisioned_and_its_owner_invited);
async fn a_confirmed_request_is_announced_approved_provisioned_and_its_owner_invited(
    backend: Backend,
) {
    let s = Setup::start(&backend).await;
    // The provider admin listed by XMPP address is online to get the chat message.
    let admin_jid: BareJid = provider_admin_jid(&s.prosody).parse().unwrap();
    s.prosody
        .register(admin_jid.node().unwrap().as_str(), PROVIDER, PASSWORD);
    let mut chat = Session::open(&s.prosody, &admin_jid, PASSWORD).await;
    chat.become_available().await;

    let request = s.request(READY, "marie@example.net", "").await;
    assert_eq!(request.status.as_str(), "to-review", "{}", backend.name());
    let announced = s.smtp.wait_for_mail(NOTIFY, Duration::from_secs(20)).await;
    assert!(announced.subject.contains(READY), "{}", announced.subject);
    let (_, message) = chat
        .next_chat(Duration::from_secs(10))
        .await
        .expect("the admin gets a chat message");
    assert!(
        message.contains(READY) && message.contains("marie@example.net"),
        "{message}"
    );

    // The queue shows it with a DNS check that finds the SRV records.
    let detail = s
        .admin
        .server_fn("hosting_request_detail", &[("id", &request.id.to_string())])
        .await
        .unwrap();
    assert!(detail.contains("\"verdict\":\"Ready\""), "{detail}");
    assert!(detail.contains("\"default_quota\":25"), "{detail}");

    s.approve(request.id, "50").await.unwrap();
    let again = s.approve(request.id, "50").await.unwrap_err();
    assert_eq!(again.kind, app::error::ErrorKind::AlreadyDecided);
    let row = domains::get(&s.portal.state.db, READY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.quota, Some(50));

    // The requester gave no XMPP address: an owner invitation arrives by e-mail.
    let approved = wait_for_second_mail(&s.smtp, "marie@example.net").await;
    assert!(approved.subject.contains("hébergé"), "{}", approved.subject);
    let invite = approved.link("/invite/");
    let path = invite.trim_start_matches(&s.portal.url(""));
    let visitor = WebClient::new(&s.portal.url("/"), "fr");
    let page = visitor.get(path).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the host is up and the invitation works"
    );
    let (_, location) = visitor
        .post_form(
            "/api/register_with_invite",
            &[
                ("csrf", &page.csrf()),
                ("token", path.trim_start_matches("/invite/")),
                ("username", "marie"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/welcome?jid=marie%40pret.test"));
    let marie = s.jid("marie", READY);
    assert!(can_login(s.prosody.c2s_addr(), &marie, PASSWORD).await);
    let owners = domains::owners(&s.portal.state.db, row.id).await.unwrap();
    assert_eq!(
        owners,
        vec![marie.to_string()],
        "the requester owns the domain"
    );

    // The host survives a restart of Prosody.
    let mut prosody = s.prosody;
    prosody.stop();
    prosody.start_again();
    assert!(can_login(prosody.c2s_addr(), &marie, PASSWORD).await);

    let actions: Vec<String> = audit::list(&s.portal.state.db, Some(READY), None, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action.to_string())
        .collect();
    for action in ["request-hosting", "confirm-request", "approve-request"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    drop(chat);
}

/// The first mail to `to` that is not the confirmation request.
async fn wait_for_second_mail(smtp: &SmtpServer, to: &str) -> domaine_tests::smtp::ReceivedMail {
    smtp.wait_for_mail_where(to, Duration::from_secs(20), |mails| {
        mails.into_iter().find(|m| !m.subject.contains("Confirmez"))
    })
    .await
}

per_backend!(an_approval_while_prosody_is_down_completes_when_it_is_back);
async fn an_approval_while_prosody_is_down_completes_when_it_is_back(backend: Backend) {
    let mut s = Setup::start(&backend).await;
    let owner = "jean@provider.test";
    s.prosody.register("jean", PROVIDER, PASSWORD);
    let request = s.request(NOT_READY, "jean@example.net", owner).await;
    let detail = s
        .admin
        .server_fn("hosting_request_detail", &[("id", &request.id.to_string())])
        .await
        .unwrap();
    assert!(detail.contains("\"verdict\":\"NotReady\""), "{detail}");

    s.prosody.stop();
    s.approve(request.id, "").await.unwrap();
    let queue = s
        .admin
        .server_fn("hosting_queue", &[("status", "approved")])
        .await
        .unwrap();
    assert!(queue.contains("\"provisioning_pending\":true"), "{queue}");
    let again = s.approve(request.id, "").await.unwrap_err();
    assert_eq!(again.kind, app::error::ErrorKind::AlreadyDecided);
    // The requester gave an XMPP address: owner at once.
    let row = domains::get(&s.portal.state.db, NOT_READY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        domains::owners(&s.portal.state.db, row.id).await.unwrap(),
        [owner]
    );

    s.prosody.start_again();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let queue = s
            .admin
            .server_fn("hosting_queue", &[("status", "approved")])
            .await
            .unwrap();
        if queue.contains("\"provisioning_pending\":false") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never provisioned: {queue}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The host is up: an account can be made there and log in.
    let user = s.jid("paul", NOT_READY);
    s.portal.state.xmpp.add_user(&user, PASSWORD).await.unwrap();
    assert!(
        can_login(s.prosody.c2s_addr(), &user, PASSWORD).await,
        "{}",
        backend.name()
    );
    let told = wait_for_second_mail(&s.smtp, "jean@example.net").await;
    assert!(
        !told.text.contains("/invite/"),
        "no invitation for a requester with an address"
    );
    assert_eq!(
        domains::list(&s.portal.state.db)
            .await
            .unwrap()
            .iter()
            .filter(|d| d.name == NOT_READY)
            .count(),
        1
    );
}

per_backend!(a_suspended_domain_refuses_logins_keeps_its_data_and_resumes);
async fn a_suspended_domain_refuses_logins_keeps_its_data_and_resumes(backend: Backend) {
    let mut s = Setup::start(&backend).await;
    let request = s
        .request(READY, "ada@example.net", "ada@provider.test")
        .await;
    s.approve(request.id, "").await.unwrap();
    let user = s.jid("ada", READY);
    s.portal.state.xmpp.add_user(&user, PASSWORD).await.unwrap();
    assert!(can_login(s.prosody.c2s_addr(), &user, PASSWORD).await);

    let csrf = s.admin.get("/admin").await.csrf();
    let suspend = |on: &'static str| {
        let admin = &s.admin;
        let csrf = csrf.clone();
        async move {
            admin
                .server_fn(
                    "set_domain_suspended",
                    &[("csrf", &csrf), ("domain", READY), ("suspend", on)],
                )
                .await
                .unwrap();
        }
    };
    suspend("1").await;
    assert!(
        !can_login(s.prosody.c2s_addr(), &user, PASSWORD).await,
        "{}",
        backend.name()
    );
    let domains = s.admin.server_fn("provider_domains", &[]).await.unwrap();
    assert!(domains.contains("\"status\":\"suspended\""), "{domains}");

    // Still suspended after a restart; resumed while Prosody is down, it comes back with it.
    s.prosody.stop();
    s.prosody.start_again();
    assert!(!can_login(s.prosody.c2s_addr(), &user, PASSWORD).await);
    s.prosody.stop();
    suspend("0").await;
    s.prosody.start_again();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !can_login(s.prosody.c2s_addr(), &user, PASSWORD).await {
        assert!(tokio::time::Instant::now() < deadline, "never resumed");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
