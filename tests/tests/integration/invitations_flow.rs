//! Invitations end to end through the portal's HTTP interface, against a real Prosody, a real
//! SMTP server and each database backend: an owner makes invitations, new users land on the
//! page and register on the web or in their app (real XEP-0077 with the token), revocation and
//! expiry (with the portal's injected clock), concurrent redemptions, contact invitations,
//! e-mail delivery and its retry, and password reset links.

use app::error::ErrorKind;
use domaine_tests::{
    database::Backend,
    domain::OwnedDomain,
    page::main_html,
    per_backend,
    prosody::{can_login, register_in_band, Session},
    web::WebClient,
};
use reqwest::StatusCode;
use server::{invitations, xmpp::BareJid};
use std::time::Duration;

const DOMAIN: &str = "club.test";
const OWNER: &str = "olga";
const OWNER_PASSWORD: &str = "owner password 1";
const NEW_PASSWORD: &str = "a new member's password";

/// The domain and its owner (an XMPP account on the domain itself, so that it can be a new
/// user's contact).
struct Setup(OwnedDomain);

impl std::ops::Deref for Setup {
    type Target = OwnedDomain;
    fn deref(&self) -> &OwnedDomain {
        &self.0
    }
}

impl std::ops::DerefMut for Setup {
    fn deref_mut(&mut self) -> &mut OwnedDomain {
        &mut self.0
    }
}

impl Setup {
    async fn start(backend: &Backend) -> Setup {
        Setup(OwnedDomain::start(backend, DOMAIN, OWNER, OWNER_PASSWORD).await)
    }

    /// Creates an invitation as the owner; returns its token.
    async fn invite(&self, fields: &[(&str, &str)]) -> Result<String, app::error::AppError> {
        let mut all = vec![("csrf", self.csrf.as_str()), ("domain", DOMAIN)];
        all.extend_from_slice(fields);
        let created = self.owner.server_fn("create_invite", &all).await?;
        Ok(self.portal.invitation_token(DOMAIN, &created).await)
    }

    /// A visitor's browser, without JavaScript.
    fn visitor(&self, language: &str) -> WebClient {
        WebClient::new(&self.portal.url("/"), language)
    }

    /// Registers on the web with the invitation as a new visitor; returns where the form sent
    /// the browser.
    async fn register_on_web(&self, token: &str, username: &str) -> Option<String> {
        let visitor = self.visitor("en");
        let page = visitor.get(&format!("/invite/{token}")).await;
        if page.status != StatusCode::OK {
            return None;
        }
        let (_, location) = visitor
            .post_form(
                "/api/register_with_invite",
                &[
                    ("csrf", &page.csrf()),
                    ("token", token),
                    ("username", username),
                    ("password", NEW_PASSWORD),
                    ("confirm", NEW_PASSWORD),
                ],
            )
            .await;
        location
    }

    /// Creates a password reset link for `username` as the owner; returns its path.
    async fn reset_link(&self, username: &str) -> String {
        let link = self
            .owner
            .server_fn(
                "create_reset_link",
                &[
                    ("csrf", &self.csrf),
                    ("domain", DOMAIN),
                    ("username", username),
                ],
            )
            .await
            .unwrap();
        let link: serde_json::Value = serde_json::from_str(&link).unwrap();
        let url = link["link"].as_str().unwrap();
        let path = url.trim_start_matches(&self.portal.url(""));
        assert!(path.starts_with("/reset/"), "a link into the portal: {url}");
        path.to_string()
    }

    fn jid(&self, username: &str) -> BareJid {
        BareJid::new(&format!("{username}@{DOMAIN}")).unwrap()
    }

    async fn logs_in(&self, username: &str) -> bool {
        can_login(self.prosody.c2s_addr(), &self.jid(username), NEW_PASSWORD).await
    }
}

per_backend!(the_landing_page_guides_a_new_user_and_web_registration_uses_the_invitation);
async fn the_landing_page_guides_a_new_user_and_web_registration_uses_the_invitation(
    backend: Backend,
) {
    let s = Setup::start(&backend).await;
    let token = s.invite(&[]).await.unwrap();
    let dashboard = s.owner.get(&format!("/domains/{DOMAIN}")).await;
    assert!(
        dashboard
            .html
            .contains("One invitation waiting to be used."),
        "the dashboard counts pending invitations"
    );

    let android = WebClient::new_with_agent(
        &s.portal.url("/"),
        "fr-FR,fr;q=0.9",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile",
    );
    let page = android.get(&format!("/invite/{token}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", backend.name());
    assert!(page
        .html
        .contains(&format!("{OWNER}@{DOMAIN} vous invite sur {DOMAIN}")));
    assert!(page
        .html
        .contains(&format!("xmpp:{DOMAIN}?register;preauth={token}")));
    assert!(page.html.contains("Recommandées pour Android"));
    // Google Play hands the invitation to Conversations after installation.
    assert!(page.html.contains("&amp;referrer=xmpp%3A"), "{}", page.html);
    let qr = reqwest::get(s.portal.url(&format!("/invite/{token}/qr.svg")))
        .await
        .unwrap();
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));

    // The username check the form does as one types.
    let check = android
        .server_fn(
            "check_invite_username",
            &[("token", &token), ("username", OWNER)],
        )
        .await
        .unwrap();
    assert!(check.contains("Taken"), "{check}");
    let check = android
        .server_fn(
            "check_invite_username",
            &[("token", &token), ("username", "Nadia")],
        )
        .await
        .unwrap();
    assert!(check.contains("nadia@club.test"), "{check}");

    let location = s.register_on_web(&token, "Nadia").await;
    assert_eq!(
        location.as_deref(),
        Some("/welcome?jid=nadia%40club.test"),
        "{}",
        backend.name()
    );
    assert!(
        s.logs_in("nadia").await,
        "the new account logs in to Prosody"
    );
    let welcome = s.visitor("en").get(location.as_deref().unwrap()).await;
    assert!(welcome.html.contains("nadia@club.test"));
    assert!(welcome.html.contains("xmpp:nadia@club.test"));

    // Used up: the same page as any unknown token, with a 404.
    let used = s.visitor("en").get(&format!("/invite/{token}")).await;
    let unknown = s
        .visitor("en")
        .get("/invite/AAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(used.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(used.html.contains("This invitation is not valid"));
    assert_eq!(main_html(&used.html), main_html(&unknown.html));
    let qr = reqwest::get(s.portal.url(&format!("/invite/{token}/qr.svg")))
        .await
        .unwrap();
    assert_eq!(qr.status(), StatusCode::NOT_FOUND);

    let record = invitations::by_token(&s.portal.state.db, &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((record.uses, record.accounts.as_str()), (1, "nadia"));
    let dashboard = s.owner.get(&format!("/domains/{DOMAIN}")).await;
    assert!(dashboard.html.contains("0 invitations waiting to be used."));
}

per_backend!(web_registration_errors_are_clear_and_keep_the_input);
async fn web_registration_errors_are_clear_and_keep_the_input(backend: Backend) {
    let s = Setup::start(&backend).await;
    let token = s.invite(&[("username", "Fixed")]).await.unwrap();
    let visitor = s.visitor("fr");
    let page = visitor.get(&format!("/invite/{token}")).await;
    let csrf = page.csrf();
    let attempt = |username: &'static str, password: &'static str, confirm: &'static str| {
        let visitor = &visitor;
        let token = token.clone();
        let csrf = csrf.clone();
        async move {
            visitor
                .server_fn(
                    "register_with_invite",
                    &[
                        ("csrf", &csrf),
                        ("token", &token),
                        ("username", username),
                        ("password", password),
                        ("confirm", confirm),
                    ],
                )
                .await
                .unwrap_err()
        }
    };
    let e = attempt("other", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(e.kind, ErrorKind::UsernameNotInvited, "{}", backend.name());
    assert_eq!(e.kept("username"), Some("other"));
    let e = attempt("fixed", "short", "short").await;
    assert!(matches!(e.kind, ErrorKind::PasswordTooShort { .. }));
    let e = attempt("fixed", NEW_PASSWORD, "something else entirely").await;
    assert_eq!(e.kind, ErrorKind::PasswordMismatch);
    let e = attempt("a b", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(e.kind, ErrorKind::InvalidUsername);
    assert!(e.kind.message(app::i18n::Locale::Fr).contains("nom"));
    // Nothing was used up by the refusals.
    assert_eq!(
        s.register_on_web(&token, "fixed").await.as_deref(),
        Some("/welcome?jid=fixed%40club.test")
    );
}

per_backend!(in_app_uses_show_in_the_portal_and_revocation_stops_the_app_at_once);
async fn in_app_uses_show_in_the_portal_and_revocation_stops_the_app_at_once(backend: Backend) {
    let s = Setup::start(&backend).await;
    let addr = s.prosody.c2s_addr();
    let multi = s
        .invite(&[("uses", "multi"), ("max_uses", "3")])
        .await
        .unwrap();
    register_in_band(addr, DOMAIN, "app1", NEW_PASSWORD, Some(&multi))
        .await
        .unwrap();
    let list = s
        .owner
        .server_fn("domain_invites", &[("domain", DOMAIN)])
        .await
        .unwrap();
    assert!(list.contains("\"uses\":1"), "{list}");
    assert!(list.contains("app1@club.test"), "{list}");

    let revoke_id = invitations::by_token(&s.portal.state.db, &multi)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    s.owner
        .server_fn(
            "revoke_invite",
            &[("csrf", &s.csrf), ("domain", DOMAIN), ("id", &revoke_id)],
        )
        .await
        .unwrap();
    let refused = register_in_band(addr, DOMAIN, "app2", NEW_PASSWORD, Some(&multi)).await;
    assert!(refused.is_err(), "{}: {refused:?}", backend.name());
    let landing = s.visitor("en").get(&format!("/invite/{multi}")).await;
    assert_eq!(landing.status, StatusCode::NOT_FOUND);
    assert!(s.logs_in("app1").await);
}

per_backend!(expiry_follows_the_injected_clock);
async fn expiry_follows_the_injected_clock(backend: Backend) {
    let s = Setup::start(&backend).await;
    let token = s.invite(&[("validity", "1h")]).await.unwrap();
    assert_eq!(
        s.visitor("en")
            .get(&format!("/invite/{token}"))
            .await
            .status,
        StatusCode::OK
    );
    s.portal.state.clock.advance(2 * 3600);
    assert_eq!(
        s.visitor("en")
            .get(&format!("/invite/{token}"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "{}",
        backend.name()
    );
    // Made while the portal's clock was five weeks behind: its expiry (one week later)
    // has already passed for Prosody, which refuses it in the app.
    s.portal.state.clock.advance(-2 * 3600 - 35 * 86_400);
    let stale = s.invite(&[("validity", "1w")]).await.unwrap();
    let refused = register_in_band(
        s.prosody.c2s_addr(),
        DOMAIN,
        "late",
        NEW_PASSWORD,
        Some(&stale),
    )
    .await;
    assert!(refused.is_err(), "{refused:?}");
    s.portal.state.clock.advance(35 * 86_400);
    assert_eq!(
        s.visitor("en")
            .get(&format!("/invite/{stale}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

per_backend!(concurrent_redemptions_never_exceed_the_uses);
async fn concurrent_redemptions_never_exceed_the_uses(backend: Backend) {
    let s = Setup::start(&backend).await;
    for (fields, want) in [
        (vec![], 1usize),
        (vec![("uses", "multi"), ("max_uses", "3")], 3),
    ] {
        let token = s.invite(&fields).await.unwrap();
        let prefix = format!("c{want}x");
        let web = (0..10).map(|i| {
            let name = format!("{prefix}web{i}");
            let token = token.clone();
            let s = &s;
            async move {
                s.register_on_web(&token, &name)
                    .await
                    .is_some_and(|l| l.starts_with("/welcome"))
            }
        });
        let app = (0..10).map(|i| {
            let name = format!("{prefix}app{i}");
            let token = token.clone();
            let addr = s.prosody.c2s_addr();
            async move {
                register_in_band(addr, DOMAIN, &name, NEW_PASSWORD, Some(&token))
                    .await
                    .is_ok()
            }
        });
        let (web, app) = tokio::join!(
            futures::future::join_all(web),
            futures::future::join_all(app)
        );
        let created = web.iter().chain(app.iter()).filter(|ok| **ok).count();
        assert_eq!(created, want, "{}: web {web:?} app {app:?}", backend.name());
        let mut logged_in = 0;
        for i in 0..10 {
            for kind in ["web", "app"] {
                if s.logs_in(&format!("{prefix}{kind}{i}")).await {
                    logged_in += 1;
                }
            }
        }
        assert_eq!(logged_in, want, "exactly the accounts reported exist");
    }
}

per_backend!(a_contact_invitation_makes_the_new_user_and_the_inviter_contacts);
async fn a_contact_invitation_makes_the_new_user_and_the_inviter_contacts(backend: Backend) {
    let s = Setup::start(&backend).await;
    let token = s.invite(&[("add_contact", "on")]).await.unwrap();
    assert!(s.register_on_web(&token, "friend").await.is_some());
    for (user, contact) in [(OWNER, "friend"), ("friend", OWNER)] {
        let roster = std::fs::read_to_string(s.prosody.store_file(DOMAIN, "roster", user))
            .unwrap_or_default();
        let contact = format!("{contact}@{DOMAIN}");
        let entry = roster
            .find(&contact)
            .map(|at| &roster[at..(at + 200).min(roster.len())])
            .unwrap_or_else(|| panic!("{user}'s roster has {contact}: {roster}"));
        assert!(
            entry.contains("\"both\""),
            "{}: {user} and {contact} see each other: {entry}",
            backend.name()
        );
    }
}

per_backend!(invitations_go_out_by_email_and_a_failed_send_is_kept_and_retried);
async fn invitations_go_out_by_email_and_a_failed_send_is_kept_and_retried(backend: Backend) {
    let mut s = Setup::start(&backend).await;
    let token = s
        .invite(&[("email", "guest@example.net"), ("email_locale", "fr")])
        .await
        .unwrap();
    let mail = s
        .smtp
        .wait_for_mail("guest@example.net", Duration::from_secs(20))
        .await;
    assert!(mail.subject.contains("vous invite"), "{}", mail.subject);
    let link = format!("/invite/{token}");
    assert!(mail.text.contains(&link), "{}", mail.text);
    assert!(mail.html.contains(&link), "{}", mail.html);

    s.smtp.stop();
    let second = s
        .invite(&[("email", "later@example.net"), ("email_locale", "en")])
        .await
        .expect("the invitation exists even though the mail cannot go out");
    let id = invitations::by_token(&s.portal.state.db, &second)
        .await
        .unwrap()
        .unwrap()
        .id;
    let list = wait_for(&s, |list| list.contains("\"last_error\":\"")).await;
    assert!(list.contains("later@example.net"), "{list}");
    s.smtp.start_again();
    s.owner
        .server_fn(
            "email_invite",
            &[
                ("csrf", &s.csrf),
                ("domain", DOMAIN),
                ("id", &id.to_string()),
                ("email", "later@example.net"),
                ("email_locale", "en"),
            ],
        )
        .await
        .unwrap();
    let mail = s
        .smtp
        .wait_for_mail("later@example.net", Duration::from_secs(20))
        .await;
    assert!(mail.subject.contains("invites you"), "{}", mail.subject);
    wait_for(&s, |list| list.contains("\"Sent\"")).await;
    assert_eq!(s.smtp.mails_to("later@example.net").len(), 1, "sent once");
}

/// The owner's invitation list once `done` holds, within a bounded time.
async fn wait_for(s: &Setup, done: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let list = s
            .owner
            .server_fn("domain_invites", &[("domain", DOMAIN)])
            .await
            .unwrap();
        if done(&list) {
            return list;
        }
        assert!(tokio::time::Instant::now() < deadline, "gave up: {list}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

per_backend!(bad_invitation_options_are_refused_with_the_input_kept);
async fn bad_invitation_options_are_refused_with_the_input_kept(backend: Backend) {
    let s = Setup::start(&backend).await;
    let e = s
        .invite(&[("uses", "multi"), ("max_uses", "0")])
        .await
        .unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::InvalidMaxUses { max: 1000 },
        "{}",
        backend.name()
    );
    assert_eq!(e.kept("max_uses"), Some("0"));
    let e = s
        .invite(&[("uses", "multi"), ("max_uses", "2"), ("username", "bob")])
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::FixedUsernameMultiUse);
    let e = s
        .invite(&[("email", "not an address"), ("note", "for Bob")])
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidEmail);
    assert_eq!(e.kept("note"), Some("for Bob"));
    // Another domain's invitations are not this owner's business.
    let e = s
        .owner
        .server_fn(
            "create_invite",
            &[("csrf", &s.csrf), ("domain", "elsewhere.test")],
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Forbidden);
}

per_backend!(a_reset_link_sets_a_new_password_once_and_expires);
async fn a_reset_link_sets_a_new_password_once_and_expires(backend: Backend) {
    let s = Setup::start(&backend).await;
    let old = "the old password 1";
    s.prosody.register("rita", DOMAIN, old);
    let jid = s.jid("rita");
    // Her app is online with the old password.
    let mut app = Session::open(&s.prosody, &jid, old).await;
    let path = s.reset_link("rita").await;

    let user = s.visitor("en");
    let page = user.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", backend.name());
    assert!(page.html.contains("rita@club.test"));
    let location = user.reset_password(&path, NEW_PASSWORD).await;
    assert_eq!(
        location.as_deref(),
        Some("/welcome?jid=rita%40club.test&reset=1")
    );
    // The new password ends the session opened with the old one.
    assert!(
        app.closed_within(Duration::from_secs(5)).await,
        "{}: the old session is ended",
        backend.name()
    );
    assert!(!can_login(s.prosody.c2s_addr(), &jid, old).await);
    assert!(can_login(s.prosody.c2s_addr(), &jid, NEW_PASSWORD).await);
    assert_eq!(
        user.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "single use"
    );

    let second_path = s.reset_link("rita").await;
    assert_eq!(user.get(&second_path).await.status, StatusCode::OK);
    s.portal.state.clock.advance(25 * 3600);
    assert_eq!(user.get(&second_path).await.status, StatusCode::NOT_FOUND);
}
