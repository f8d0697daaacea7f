//! "Forgot your password?" against a real Prosody, a real SMTP server and each database
//! backend: a user gives a recovery address on `/me` and confirms it from the real mail; the
//! login page's "forgot" form e-mails a reset link (single use, one hour) built from
//! `public_url` whatever `Host` and `X-Forwarded-Host` say; the link sets the password on
//! Prosody, ends the sessions and e-mails a notice; owners see which accounts have an address,
//! never the address. And what a stranger learns: the same answer for an unknown account, one
//! without an address and one with it, no mail to an unconfirmed address, and a limit per account
//! and per client address.

use app::error::ErrorKind;
use domaine_tests::{
    database::Backend,
    page::{self, main_html, main_text, with_error},
    per_backend,
    portal::TestPortal,
    prosody::{can_login, Prosody, Session},
    smtp::{ReceivedMail, SmtpServer},
    wait::eventually,
    web::{kind, WebClient},
};
use reqwest::StatusCode;
use server::{
    jobs::{self, Kind, State},
    xmpp::BareJid,
};
use std::time::Duration;

const DOMAIN: &str = "club.test";
const OWNER: &str = "olga";
const PASSWORD: &str = "the old password 1";
const NEW_PASSWORD: &str = "a brand new password 2";
const FORGED_HOST: &str = "evil.example";
const MAIL_WAIT: Duration = Duration::from_secs(15);

struct Setup {
    prosody: Prosody,
    smtp: SmtpServer,
    portal: TestPortal,
}

impl Setup {
    async fn start(backend: &Backend) -> Setup {
        let prosody = Prosody::start(&[DOMAIN]);
        let smtp = SmtpServer::start();
        let portal = TestPortal::start_with_smtp(&prosody, backend, &smtp).await;
        Setup {
            prosody,
            smtp,
            portal,
        }
    }

    fn backend(&self) -> &'static str {
        self.portal.backend.name()
    }

    fn jid(&self, username: &str) -> BareJid {
        BareJid::new(&format!("{username}@{DOMAIN}")).unwrap()
    }

    /// A browser without JavaScript from `source` (a loopback address: its own client address
    /// for the limits) in `language`, whose every request claims to be for another host.
    fn forging_client(&self, source: &str, language: &str) -> WebClient {
        WebClient::from_address(
            &self.portal.url("/"),
            source,
            &[
                ("host", FORGED_HOST),
                ("x-forwarded-host", FORGED_HOST),
                ("accept-language", language),
            ],
            |builder| builder,
        )
    }

    /// Asks for a reset link for `jid` as the form does without JavaScript: the status, the
    /// `Location` and the body of the answer.
    async fn forgot(&self, web: &WebClient, jid: &str) -> (StatusCode, Option<String>, String) {
        let csrf = web.get("/forgot").await.csrf();
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("csrf", csrf.as_str()), ("jid", jid)])
            .finish();
        web.post_bytes(
            "/forgot",
            "/api/forgot_password",
            "text/html",
            body.into_bytes(),
        )
        .await
    }

    /// The path of the first link with `part` in a mail to `address` that `pick` chooses;
    /// checks that the link is the portal's `public_url`.
    async fn link_in_mail(
        &self,
        address: &str,
        part: &str,
        pick: impl Fn(&ReceivedMail) -> bool,
    ) -> (ReceivedMail, String) {
        let mail = self
            .smtp
            .wait_for_mail_where(address, MAIL_WAIT, |mails| {
                mails.into_iter().filter(|m| pick(m)).last()
            })
            .await;
        let link = mail.link(part);
        let base = self.portal.url("");
        assert!(
            link.starts_with(&format!("{base}{part}")) && !mail.text.contains(FORGED_HOST),
            "{}: the link is built from public_url ({base}), not the request's Host: {link}",
            self.backend()
        );
        let path = link.trim_start_matches(&base).to_string();
        (mail, path)
    }

    /// The recovery-link job of `jid` once it has run (whatever it found).
    async fn job_done(&self, jid: &str) -> bool {
        let db = &self.portal.state.db;
        eventually(MAIL_WAIT, || async {
            jobs::find(db, Kind::RecoveryLink, "", jid)
                .await
                .unwrap()
                .is_some_and(|job| job.state == State::Done)
        })
        .await
    }
}

/// The owner's accounts page: the `<tr>` of `jid`.
fn account_row<'a>(html: &'a str, jid: &str) -> &'a str {
    let at = html
        .find(&format!(">{jid}<"))
        .unwrap_or_else(|| panic!("a row for {jid}"));
    let start = html[..at].rfind("<tr").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    &html[start..end]
}

per_backend!(a_forgotten_password_is_reset_through_the_confirmed_recovery_address);
async fn a_forgotten_password_is_reset_through_the_confirmed_recovery_address(backend: Backend) {
    let s = Setup::start(&backend).await;
    let rita = s.jid("rita");
    s.prosody.register("rita", DOMAIN, PASSWORD);
    s.prosody.register("sam", DOMAIN, PASSWORD);
    s.prosody.register(OWNER, DOMAIN, PASSWORD);
    assert!(
        s.portal
            .add_owner(DOMAIN, &format!("{OWNER}@{DOMAIN}"))
            .await
    );

    // Rita, in French, adds her address on /me; her browser claims another Host throughout.
    let web = s.forging_client("127.0.0.1", "fr");
    assert_eq!(
        web.log_in(rita.as_str(), PASSWORD, None).await.as_deref(),
        Some("/")
    );
    let me = web.get("/me").await;
    assert_eq!(page::marked(&me.html, "data-recovery", "none").len(), 1);
    let invalid = web
        .server_fn(
            "set_recovery_email",
            &[("csrf", &me.csrf()), ("email", "not an address")],
        )
        .await;
    assert_eq!(kind(invalid), ErrorKind::InvalidEmail);
    let (status, location) = web
        .post_form(
            "/api/set_recovery_email",
            &[("csrf", &me.csrf()), ("email", "rita@mail.test")],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::FOUND, Some("/me?done=recovery-sent"))
    );
    let me = web.get("/me").await.html;
    assert_eq!(
        page::marked(&me, "data-recovery", "pending").len(),
        1,
        "waiting for confirmation"
    );
    assert!(page::marked(&me, "data-recovery", "confirmed").is_empty());

    // Not used until confirmed: a request now sends nothing.
    let stranger = s.forging_client("127.0.0.2", "en");
    s.forgot(&stranger, rita.as_str()).await;
    assert!(s.job_done(rita.as_str()).await, "{}", s.backend());

    let (mail, confirm) = s
        .link_in_mail("rita@mail.test", "/recovery/confirm/", |_| true)
        .await;
    assert!(
        mail.subject.contains("Confirmez votre adresse de secours"),
        "in Rita's language: {}",
        mail.subject
    );
    // Whoever opens the link, logged in or not: a button, not the opening, confirms.
    let page = stranger.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK, "{}", s.backend());
    assert!(page.html.contains("rita@mail.test"));
    let token = confirm.trim_start_matches("/recovery/confirm/");
    let (_, location) = stranger
        .post_form(
            "/api/confirm_recovery_email",
            &[("csrf", &page.csrf()), ("token", token)],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/recovery/confirmed"));
    assert_eq!(
        stranger.get(&confirm).await.status,
        StatusCode::NOT_FOUND,
        "the confirmation link works once"
    );
    let me = web.get("/me").await.html;
    assert_eq!(page::marked(&me, "data-recovery", "confirmed").len(), 1);
    assert!(
        s.smtp.mails_to("rita@mail.test").len() == 1,
        "{}: no reset link was sent while the address was unconfirmed",
        s.backend()
    );

    // The owner sees that Rita has an address (and Sam none), never the address.
    let owner = WebClient::logged_in(
        &s.portal.url("/"),
        "en",
        &format!("{OWNER}@{DOMAIN}"),
        PASSWORD,
        "/",
    )
    .await;
    let accounts = owner.get(&format!("/domains/{DOMAIN}/accounts")).await.html;
    assert_eq!(
        page::marked(
            account_row(&accounts, rita.as_str()),
            "data-recovery",
            "confirmed"
        )
        .len(),
        1,
        "{}",
        s.backend()
    );
    let sam_row = account_row(&accounts, &format!("sam@{DOMAIN}"));
    assert!(page::marked(sam_row, "data-recovery", "confirmed").is_empty());
    assert!(!accounts.contains("rita@mail.test"));
    let audit = owner.get("/audit").await.html;
    assert!(!audit.contains("rita@mail.test"), "nor in the audit log");

    // Her app is online with the old password; she forgets it.
    let mut app = Session::open(&s.prosody, &rita, PASSWORD).await;
    let (status, location, _) = s.forgot(&stranger, rita.as_str()).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::FOUND, Some("/forgot?sent=1"))
    );
    let (mail, reset) = s
        .link_in_mail("rita@mail.test", "/reset/", |m| m.text.contains("/reset/"))
        .await;
    assert!(
        mail.subject.contains("Choisissez un nouveau mot de passe"),
        "{}",
        mail.subject
    );
    let visitor = WebClient::new(&s.portal.url("/"), "fr");
    let page = visitor.get(&reset).await;
    assert_eq!(page.status, StatusCode::OK, "{}", s.backend());
    let location = visitor.reset_password(&reset, NEW_PASSWORD).await;
    assert_eq!(
        location.as_deref(),
        Some("/welcome?jid=rita%40club.test&reset=1")
    );
    assert!(
        app.closed_within(Duration::from_secs(5)).await,
        "{}: the session opened with the old password ends",
        s.backend()
    );
    assert!(can_login(s.prosody.c2s_addr(), &rita, NEW_PASSWORD).await);
    assert!(!can_login(s.prosody.c2s_addr(), &rita, PASSWORD).await);
    assert_eq!(
        web.get("/me").await.status,
        StatusCode::FOUND,
        "the portal session opened with the old password ended too"
    );
    let notice = s
        .smtp
        .wait_for_mail_where("rita@mail.test", MAIL_WAIT, |mails| {
            mails
                .into_iter()
                .find(|m| m.subject.contains("a été changé"))
        })
        .await;
    assert!(notice.text.contains(rita.as_str()), "{}", notice.text);
    assert_eq!(
        visitor.get(&reset).await.status,
        StatusCode::NOT_FOUND,
        "the reset link works once"
    );

    // A link not used within the hour does not work.
    s.forgot(&stranger, rita.as_str()).await;
    let (_, late) = s
        .link_in_mail("rita@mail.test", "/reset/", |m| {
            m.text.contains("/reset/") && !m.text.contains(&reset)
        })
        .await;
    assert_eq!(visitor.get(&late).await.status, StatusCode::OK);
    s.portal.state.clock.advance(3601);
    assert_eq!(visitor.get(&late).await.status, StatusCode::NOT_FOUND);

    // A new address waits for its own link, which expires; the confirmed one stays meanwhile.
    let web =
        WebClient::logged_in(&s.portal.url("/"), "fr", rita.as_str(), NEW_PASSWORD, "/").await;
    let me = web.get("/me").await;
    web.server_fn(
        "set_recovery_email",
        &[("csrf", &me.csrf()), ("email", "rita.new@mail.test")],
    )
    .await
    .unwrap();
    let (_, confirm_new) = s
        .link_in_mail("rita.new@mail.test", "/recovery/confirm/", |_| true)
        .await;
    s.portal.state.clock.advance(24 * 3600 + 1);
    assert_eq!(
        visitor.get(&confirm_new).await.status,
        StatusCode::NOT_FOUND
    );
    // (The portal session did not last the day either.)
    let web =
        WebClient::logged_in(&s.portal.url("/"), "fr", rita.as_str(), NEW_PASSWORD, "/").await;
    let me = web.get("/me").await.html;
    assert!(me.contains("rita@mail.test") && !me.contains("rita.new@mail.test"));

    // Removed, it is used no more.
    let me = web.get("/me").await;
    web.server_fn("remove_recovery_email", &[("csrf", &me.csrf())])
        .await
        .unwrap();
    assert_eq!(
        page::marked(&web.get("/me").await.html, "data-recovery", "none").len(),
        1
    );
}

per_backend!(a_stranger_learns_nothing_and_is_limited_per_account_and_per_address);
async fn a_stranger_learns_nothing_and_is_limited_per_account_and_per_address(backend: Backend) {
    let s = Setup::start(&backend).await;
    let db = &s.portal.state.db;
    for user in ["rita", "una", "sam"] {
        s.prosody.register(user, DOMAIN, PASSWORD);
    }
    let domain = server::domains::get(db, DOMAIN).await.unwrap().unwrap();
    // Rita's address is confirmed, Una's is not; Sam has none (set up directly: the pages that
    // do it are the other test's).
    let token = server::recovery::set_pending(db, domain.id, "rita", "rita@mail.test")
        .await
        .unwrap();
    assert!(server::recovery::confirm(db, &token)
        .await
        .unwrap()
        .is_some());
    server::recovery::set_pending(db, domain.id, "una", "una@mail.test")
        .await
        .unwrap();

    // The same answer for each, with and without JavaScript (each way from its own address).
    let accounts = [
        format!("nobody@{DOMAIN}"),
        "someone@unknown.example".to_string(),
        format!("sam@{DOMAIN}"),
        format!("una@{DOMAIN}"),
        format!("rita@{DOMAIN}"),
    ];
    let browser = s.forging_client("127.0.0.2", "en");
    let hydrated = s.forging_client("127.0.0.3", "en");
    let mut answers = Vec::new();
    let mut json_answers = Vec::new();
    for jid in &accounts {
        let (status, location, body) = s.forgot(&browser, jid).await;
        let followed = browser.get(location.as_deref().unwrap_or("/")).await;
        let shown = main_html(&followed.html).replace(&followed.csrf(), "CSRF");
        answers.push((status, location, body, followed.status, shown));
        let csrf = hydrated.get("/forgot").await.csrf();
        json_answers.push(
            hydrated
                .server_fn("forgot_password", &[("csrf", &csrf), ("jid", jid)])
                .await,
        );
    }
    for (jid, answer) in accounts.iter().zip(&answers) {
        assert_eq!(
            answer,
            &answers[0],
            "{}: {jid} answers as {}",
            s.backend(),
            accounts[0]
        );
    }
    assert_eq!(answers[0].0, StatusCode::FOUND);
    assert_eq!(answers[0].1.as_deref(), Some("/forgot?sent=1"));
    assert_eq!(page::marked(&answers[0].4, "data-forgot", "sent").len(), 1);
    for (jid, answer) in accounts.iter().zip(&json_answers) {
        assert_eq!(answer, &json_answers[0], "{jid}");
    }
    assert!(json_answers[0].is_ok());
    // The same work: one job each, which alone finds out what there is to send.
    for jid in &accounts {
        let jid = BareJid::new(jid).unwrap();
        assert!(s.job_done(jid.as_str()).await, "{}: {jid}", s.backend());
    }
    let (mail, _) = s
        .link_in_mail("rita@mail.test", "/reset/", |m| m.text.contains("/reset/"))
        .await;
    assert!(mail.subject.contains(&format!("rita@{DOMAIN}")));
    // Una's job ran before Rita's, and mails go out in order: hers would have arrived first.
    assert!(
        s.smtp.mails_to("una@mail.test").is_empty(),
        "{}: an unconfirmed address gets no reset link",
        s.backend()
    );

    // Per account: five requests pass, the sixth is refused with the wait, from any address.
    let zoe = format!("zoe@{DOMAIN}");
    for (i, source) in [
        "127.0.0.4",
        "127.0.0.5",
        "127.0.0.6",
        "127.0.0.7",
        "127.0.0.8",
    ]
    .iter()
    .enumerate()
    {
        let (_, location, _) = s.forgot(&s.forging_client(source, "en"), &zoe).await;
        assert_eq!(location.as_deref(), Some("/forgot?sent=1"), "request {i}");
    }
    let late = s.forging_client("127.0.0.9", "en");
    let (_, location, _) = s.forgot(&late, &zoe).await;
    let location = location.expect("a redirect");
    let refused = late.get(&with_error("/forgot", &location)).await;
    assert!(
        main_text(&refused.html).contains("Too many requests. Please try again in one minute."),
        "{}: {}",
        s.backend(),
        main_text(&refused.html)
    );
    assert!(page::marked(&refused.html, "data-forgot", "sent").is_empty());
    let csrf = late.get("/forgot").await.csrf();
    let json = late
        .server_fn("forgot_password", &[("csrf", &csrf), ("jid", &zoe)])
        .await;
    assert!(matches!(kind(json), ErrorKind::Throttled { .. }));
    // The other accounts are not locked by it (Sam had two requests).
    let csrf = late.get("/forgot").await.csrf();
    late.server_fn(
        "forgot_password",
        &[("csrf", &csrf), ("jid", &format!("sam@{DOMAIN}"))],
    )
    .await
    .unwrap();

    // Per client address: the browser above made five requests; its sixth, for anyone, is
    // refused.
    let csrf = browser.get("/forgot").await.csrf();
    let json = browser
        .server_fn(
            "forgot_password",
            &[("csrf", &csrf), ("jid", &format!("newcomer@{DOMAIN}"))],
        )
        .await;
    assert!(
        matches!(kind(json), ErrorKind::Throttled { .. }),
        "{}",
        s.backend()
    );
    // Not a login's limit: Sam still logs in from that address.
    assert_eq!(
        browser
            .log_in(&format!("sam@{DOMAIN}"), PASSWORD, None)
            .await
            .as_deref(),
        Some("/")
    );
}
