//! The invitations page of a domain (`/domains/NAME/invites`) and the reset links of its
//! accounts console, driven over HTTP as a browser without JavaScript does (forms that
//! redirect, errors in the URL) and as the hydrated page does (server functions), against a
//! real Prosody and each database backend.

use app::{
    error::{AppError, ErrorKind},
    invitations::{InvitationList, InvitationState, MailState},
};
use domaine_tests::{
    database::Backend,
    page::{self, is_checked, marked, tag, with_error},
    per_backend,
    portal::TestPortal,
    prosody::Prosody,
    smtp::SmtpServer,
    web::{kind, WebClient},
};
use reqwest::StatusCode;
use std::time::Duration;

const A: &str = "a.test";
const B: &str = "b.test";
const PASSWORD: &str = "owner password 1";
const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "admin password 1";

/// A Prosody serving A and B, the portal, and an owner of A logged in with their XMPP address
/// (in `language`).
struct Site {
    owner: WebClient,
    owner_jid: String,
    csrf: String,
    admin: WebClient,
    portal: TestPortal,
    prosody: Prosody,
}

impl Site {
    async fn start(backend: &Backend, language: &str) -> Site {
        Site::start_with(backend, language, None).await
    }

    async fn start_with(backend: &Backend, language: &str, smtp: Option<&SmtpServer>) -> Site {
        let prosody = Prosody::start(&[A, B]);
        let portal = match smtp {
            Some(smtp) => TestPortal::start_with_smtp(&prosody, backend, smtp).await,
            None => TestPortal::start(&prosody, backend).await,
        };
        let admin = portal.admin_web(ADMIN, ADMIN_PASSWORD, "en").await;
        let owner_jid = format!("olivia@{A}");
        admin.add_owner(A, &owner_jid).await;
        admin.add_owner(B, &format!("bob@{B}")).await;
        let owner = portal
            .xmpp_user(&prosody, "olivia", A, PASSWORD, language)
            .await;
        let page = owner.get(&invites_path(A, "")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let csrf = page.csrf();
        Site {
            owner,
            owner_jid,
            csrf,
            admin,
            portal,
            prosody,
        }
    }

    fn backend(&self) -> &'static str {
        self.portal.backend.name()
    }

    /// Posts a form of the page as a browser without JavaScript; returns the redirect.
    async fn post(&self, name: &str, fields: &[(&str, &str)]) -> String {
        let mut all = vec![("csrf", self.csrf.as_str()), ("domain", A)];
        all.extend_from_slice(fields);
        let (status, location) = self.owner.post_form(&format!("/api/{name}"), &all).await;
        assert_eq!(status, StatusCode::FOUND, "{name}");
        location.expect("a redirect")
    }

    /// Posts a form that fails; returns the page it comes back to (the error is in its URL).
    async fn post_error(&self, path: &str, name: &str, fields: &[(&str, &str)]) -> String {
        let location = self.post(name, fields).await;
        self.page(&with_error(path, &location)).await
    }

    /// Calls a server function as the hydrated page does.
    async fn call(&self, name: &str, fields: &[(&str, &str)]) -> Result<String, AppError> {
        let mut all = vec![("csrf", self.csrf.as_str()), ("domain", A)];
        all.extend_from_slice(fields);
        self.owner.server_fn(name, &all).await
    }

    async fn page(&self, path: &str) -> String {
        let page = self.owner.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        page.html
    }

    async fn list(&self) -> InvitationList {
        let body = self
            .owner
            .server_fn("domain_invites", &[("domain", A)])
            .await
            .unwrap();
        serde_json::from_str(&body).unwrap()
    }

    /// Creates an invitation through the form; returns its id.
    async fn create(&self, fields: &[(&str, &str)]) -> i64 {
        let location = self.post("create_invite", fields).await;
        let prefix = format!("/domains/{A}/invites?done=created&invite=");
        location
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{}: {location}", self.backend()))
            .parse()
            .unwrap()
    }
}

fn invites_path(domain: &str, query: &str) -> String {
    if query.is_empty() {
        format!("/domains/{domain}/invites")
    } else {
        format!("/domains/{domain}/invites?{query}")
    }
}

/// How many invitations the list shows in the group `group` (`pending`, `used`, `expired`,
/// `revoked`), if it shows the group.
fn group_count(html: &str, group: &str) -> Option<usize> {
    let heading = *page::marked(html, "data-group", group).first()?;
    page::attr(heading, "data-count")?.parse().ok()
}

/// The single-use defaults of the creation form, as a browser sends them.
fn form<'a>(overrides: &[(&'static str, &'a str)]) -> Vec<(&'static str, &'a str)> {
    page::form(
        &[
            ("uses", "single"),
            ("max_uses", "10"),
            ("validity", "1w"),
            ("username", ""),
            ("note", ""),
            ("email", ""),
            ("email_locale", "en"),
        ],
        overrides,
    )
}

per_backend!(an_owner_makes_invitations_with_the_form_and_finds_them_listed);
async fn an_owner_makes_invitations_with_the_form_and_finds_them_listed(backend: Backend) {
    let s = Site::start(&backend, "en").await;
    let b = s.backend();

    let html = s.page(&invites_path(A, "")).await;
    assert!(html.contains("Invitations to a.test"), "{b}");
    assert!(
        html.contains(&format!(r#"href="/domains/{A}""#)),
        "back link"
    );
    assert!(html.contains("No invitations yet."));
    assert!(
        html.contains(&format!("Add me ({}) as a contact", s.owner_jid)),
        "{b}: an owner hosted here can become the new user's contact"
    );
    assert!(
        is_checked(&html, "invite-uses-single"),
        "single-use by default"
    );
    assert!(tag(&html, "invite-validity").contains("name=\"validity\""));
    assert!(
        html.contains(r#"<option value="1w" selected"#),
        "{b}: a week by default"
    );
    assert!(
        html.contains(&format!("@{A}")),
        "the username's domain is shown"
    );

    // Single use, with a note.
    let single = s.create(&form(&[("note", "For Zoé")])).await;
    let created = s
        .page(&invites_path(A, &format!("done=created&invite={single}")))
        .await;
    assert!(created.contains("The invitation was created."), "{b}");
    assert!(created.contains(r#"role="status""#));
    assert!(created.contains("Your new invitation"));
    let list = s.list().await;
    let row = &list.invitations[0];
    assert_eq!(row.id, single);
    assert_eq!((row.max_uses, row.uses), (1, 0));
    assert_eq!(row.state, InvitationState::Pending);
    assert_eq!(row.note, "For Zoé");
    assert_eq!(row.expires_at - row.created_at, 7 * 86_400);
    assert_eq!((row.username.clone(), row.contact.clone()), (None, None));
    let token = row.link.rsplit('/').next().unwrap();
    assert!(
        row.link.ends_with(&format!("/invite/{token}")),
        "{}",
        row.link
    );
    assert!(
        created.contains(&format!(r#"value="{}""#, row.link)),
        "the link to copy"
    );
    assert!(created.contains("readonly"));
    assert!(
        created.contains(&format!(r#"src="/invite/{token}/qr.svg""#)),
        "the QR code"
    );
    assert!(created.contains("Send this link by any means you like"));
    assert!(created.contains("Single-use invitation"));
    assert!(created.contains("0 / 1"));
    assert!(created.contains("For Zoé"));
    assert!(
        created.contains(&format!("by {}", s.owner_jid)),
        "who made it"
    );

    // Several uses, four weeks, with the owner as the new users' contact.
    let multi = s
        .create(&form(&[
            ("uses", "multi"),
            ("max_uses", "25"),
            ("validity", "4w"),
            ("note", "Club picnic"),
            ("add_contact", "1"),
        ]))
        .await;
    // A fixed username.
    let fixed = s.create(&form(&[("username", "Zoe")])).await;

    let list = s.list().await;
    assert!(list.synced && !list.registration_closed, "{b}");
    assert_eq!(list.contact.as_deref(), Some(s.owner_jid.as_str()));
    let ids: Vec<i64> = list.invitations.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![fixed, multi, single], "{b}: newest first");
    let (f, m) = (&list.invitations[0], &list.invitations[1]);
    assert_eq!((m.max_uses, m.expires_at - m.created_at), (25, 28 * 86_400));
    assert_eq!(m.contact.as_deref(), Some(s.owner_jid.as_str()));
    assert_eq!((f.max_uses, f.username.as_deref()), (1, Some("zoe")));

    let html = s
        .page(&invites_path(A, &format!("done=created&invite={multi}")))
        .await;
    assert!(html.contains("Invitation for up to 25 people"), "{b}");
    assert!(html.contains("0 / 25"));
    assert!(html.contains("Up to 25 people can create an account"));
    assert!(html.contains("Becomes a contact of"));
    assert!(html.contains(&format!("Invitation for zoe@{A}")));
    assert!(group_count(&html, "pending") == Some(3));
    assert!(
        html.contains(r#"loading="lazy""#),
        "QR codes of the list load when shown"
    );
    assert_eq!(html.matches("Withdraw this invitation").count(), 3);

    // Someone uses the single-use one on the web: it moves to the used ones.
    let guest = WebClient::new(&s.portal.url("/"), "en");
    let csrf = guest.get("/").await.csrf();
    let token = list.invitations[2]
        .link
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    guest
        .server_fn(
            "register_with_invite",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("username", "newcomer"),
                ("password", "a long password 1"),
                ("confirm", "a long password 1"),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("{b}: {e:?}"));
    let html = s.page(&invites_path(A, "")).await;
    assert!(group_count(&html, "pending") == Some(2), "{b}");
    assert!(group_count(&html, "used") == Some(1));
    assert!(
        html.contains(&format!("newcomer@{A}")),
        "the account it made"
    );
    assert!(html.contains("1 / 1"));

    // A provider admin runs the page too, without the contact option (no XMPP address).
    let html = s.admin.get(&invites_path(A, "")).await.html;
    assert!(html.contains("Club picnic"), "{b}");
    assert!(!html.contains("as a contact"));
}

per_backend!(bad_input_comes_back_in_the_users_language_with_what_was_typed);
async fn bad_input_comes_back_in_the_users_language_with_what_was_typed(backend: Backend) {
    let s = Site::start(&backend, "fr").await;
    let b = s.backend();
    let path = invites_path(A, "");

    for uses in ["0", "5000", "many"] {
        let html = s
            .post_error(
                &path,
                "create_invite",
                &form(&[
                    ("uses", "multi"),
                    ("max_uses", uses),
                    ("validity", "1d"),
                    ("note", "Atelier"),
                ]),
            )
            .await;
        assert!(
            html.contains("Indiquez un nombre d’utilisations entre 1 et 1000."),
            "{b}: {uses}"
        );
        assert!(tag(&html, "invite-max-uses").contains(&format!(r#"value="{uses}""#)));
        assert!(tag(&html, "invite-max-uses").contains(r#"aria-invalid="true""#));
        assert!(
            is_checked(&html, "invite-uses-multi"),
            "{b}: the choice is kept"
        );
        assert!(!is_checked(&html, "invite-uses-single"));
        assert!(tag(&html, "invite-note").contains(r#"value="Atelier""#));
        assert!(html.contains(r#"<option value="1d" selected"#), "{b}");
        assert!(!html.contains("L’invitation a été créée."));
    }

    let html = s
        .post_error(
            &path,
            "create_invite",
            &form(&[("uses", "multi"), ("max_uses", "5"), ("username", "zoe")]),
        )
        .await;
    assert!(
        html.contains(
            "Un nom d’utilisateur imposé ne fonctionne qu’avec une invitation à usage unique."
        ),
        "{b}"
    );
    assert!(tag(&html, "invite-username").contains(r#"value="zoe""#));
    assert!(tag(&html, "invite-max-uses").contains(r#"value="5""#));

    let html = s
        .post_error(
            &path,
            "create_invite",
            &form(&[
                ("email", "not an address"),
                ("email_locale", "en"),
                ("add_contact", "1"),
            ]),
        )
        .await;
    assert!(
        html.contains("Indiquez une adresse e-mail valide, comme nom@exemple.org."),
        "{b}"
    );
    assert!(tag(&html, "invite-email").contains(r#"value="not an address""#));
    assert!(is_checked(&html, "invite-add-contact"), "{b}");
    assert!(
        html.contains(r#"<option value="en" selected"#),
        "the e-mail's language"
    );

    // The same refusals for the hydrated page, typed.
    let fields = form(&[("uses", "multi"), ("max_uses", "0")]);
    assert_eq!(
        kind(s.call("create_invite", &fields).await),
        ErrorKind::InvalidMaxUses { max: 1000 }
    );
    let fields = form(&[("uses", "multi"), ("max_uses", "2"), ("username", "zoe")]);
    assert_eq!(
        kind(s.call("create_invite", &fields).await),
        ErrorKind::FixedUsernameMultiUse
    );
    let fields = form(&[("username", "no spaces please")]);
    assert_eq!(
        kind(s.call("create_invite", &fields).await),
        ErrorKind::InvalidUsername
    );
    let fields = form(&[("email", "@example.org")]);
    assert_eq!(
        kind(s.call("create_invite", &fields).await),
        ErrorKind::InvalidEmail
    );
    assert!(
        s.list().await.invitations.is_empty(),
        "{b}: nothing was created"
    );

    // The page itself speaks French.
    let html = s.page(&path).await;
    assert!(html.contains("Invitations de a.test"), "{b}");
    assert!(html.contains("Une seule personne (usage unique)"));
    assert!(
        html.contains(r#"<option value="fr" selected"#),
        "the page's language"
    );
}

per_backend!(an_invitation_is_withdrawn_and_its_link_stops_working);
async fn an_invitation_is_withdrawn_and_its_link_stops_working(backend: Backend) {
    let s = Site::start(&backend, "en").await;
    let b = s.backend();
    let keep = s.create(&form(&[("note", "keep me")])).await;
    let id = s.create(&form(&[("note", "withdraw me")])).await;
    let token = s.list().await.invitations[0]
        .link
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert!(s
        .owner
        .server_fn("invite_landing", &[("token", &token)])
        .await
        .is_ok());

    let location = s.post("revoke_invite", &[("id", &id.to_string())]).await;
    assert_eq!(
        location,
        invites_path(A, &format!("done=revoked&invite={id}")),
        "{b}"
    );
    let html = s.page(&location).await;
    assert!(html.contains("The invitation was withdrawn: its link no longer works."));
    assert!(group_count(&html, "revoked") == Some(1), "{b}");
    assert!(group_count(&html, "pending") == Some(1));
    assert_eq!(
        html.matches("Withdraw this invitation").count(),
        1,
        "only pending invitations can be withdrawn"
    );
    let list = s.list().await;
    let state = |id| list.invitations.iter().find(|r| r.id == id).unwrap().state;
    assert_eq!(state(id), InvitationState::Revoked, "{b}");
    assert_eq!(state(keep), InvitationState::Pending);
    let landing = s
        .owner
        .server_fn("invite_landing", &[("token", &token)])
        .await;
    assert_eq!(kind(landing), ErrorKind::InvitationNotFound, "{b}");

    // An invitation that does not exist here.
    assert_eq!(
        kind(s.call("revoke_invite", &[("id", "999999")]).await),
        ErrorKind::InvitationNotFound
    );
}

per_backend!(another_owners_domain_is_refused);
async fn another_owners_domain_is_refused(backend: Backend) {
    let s = Site::start(&backend, "en").await;
    let b = s.backend();
    let mine = s.create(&form(&[])).await;

    let page = s.owner.get(&invites_path(B, "")).await;
    assert!(page.html.contains("You are not allowed to do this."), "{b}");
    assert!(!page.html.contains("Invite someone"));

    let id = mine.to_string();
    let site = &s;
    let on_b = |name: &'static str, extra: Vec<(&'static str, String)>| {
        let mut fields = vec![("csrf", site.csrf.clone()), ("domain", B.to_string())];
        fields.extend(extra);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            site.owner.server_fn(name, &fields).await
        }
    };
    let refused = [
        on_b("domain_invites", vec![]).await,
        on_b(
            "create_invite",
            vec![("uses", "single".into()), ("validity", "1w".into())],
        )
        .await,
        on_b("revoke_invite", vec![("id", id.clone())]).await,
        on_b(
            "email_invite",
            vec![("id", id.clone()), ("email", "zoe@example.org".into())],
        )
        .await,
    ];
    for result in refused {
        assert_eq!(kind(result), ErrorKind::Forbidden, "{b}");
    }

    // B's owner cannot touch A's invitations either.
    let bob = s
        .portal
        .xmpp_user(&s.prosody, "bob", B, PASSWORD, "en")
        .await;
    let csrf = bob.get("/").await.csrf();
    let err = bob
        .server_fn(
            "revoke_invite",
            &[("csrf", &csrf), ("domain", A), ("id", &id)],
        )
        .await;
    assert_eq!(kind(err), ErrorKind::Forbidden, "{b}");
    assert_eq!(
        s.list().await.invitations[0].state,
        InvitationState::Pending
    );
}

per_backend!(invitations_go_out_by_e_mail_and_the_page_follows_them);
async fn invitations_go_out_by_e_mail_and_the_page_follows_them(backend: Backend) {
    let smtp = SmtpServer::start();
    let s = Site::start_with(&backend, "en", Some(&smtp)).await;
    let b = s.backend();
    let to = format!("zoe-{b}@example.org");
    let id = s
        .create(&form(&[("email", &to), ("email_locale", "fr")]))
        .await;
    let created = s
        .page(&invites_path(A, &format!("done=created&invite={id}")))
        .await;
    assert!(
        created.contains(&format!("An e-mail with this link is on its way to {to}.")),
        "{b}"
    );
    let mail = smtp.wait_for_mail(&to, Duration::from_secs(10)).await;
    let link = s.list().await.invitations[0].link.clone();
    assert!(mail.text.contains(&link), "{b}: the mail carries the link");
    assert!(
        mail.subject.contains("vous invite"),
        "in the language chosen"
    );
    let mut sent = false;
    for _ in 0..100 {
        if matches!(
            s.list().await.invitations[0].mail,
            Some(MailState::Sent { .. })
        ) {
            sent = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(sent, "{b}: the page learns it was sent");
    let html = s.page(&invites_path(A, "")).await;
    assert!(html.contains("Sent by e-mail to"), "{b}");
    assert!(html.contains(&to));
    assert!(html.contains("Sent on "));

    // Sent again, to another address, from the invitation's own form.
    let other = format!("yann-{b}@example.org");
    let location = s
        .post(
            "email_invite",
            &[
                ("id", &id.to_string()),
                ("email", &other),
                ("email_locale", "en"),
            ],
        )
        .await;
    assert_eq!(
        location,
        invites_path(A, &format!("done=emailed&invite={id}"))
    );
    let html = s.page(&location).await;
    assert!(
        html.contains(&format!(
            "The invitation is on its way by e-mail to {other}."
        )),
        "{b}"
    );
    let mail = smtp.wait_for_mail(&other, Duration::from_secs(10)).await;
    assert!(mail.text.contains(&link));

    // A bad address comes back to that invitation's form, kept.
    let html = s
        .post_error(
            &invites_path(A, ""),
            "email_invite",
            &[("id", &id.to_string()), ("email", "nobody")],
        )
        .await;
    assert!(
        html.contains("Enter a valid e-mail address, such as name@example.org."),
        "{b}"
    );
    assert!(tag(&html, &format!("invite-{id}-email")).contains(r#"value="nobody""#));
    let at = html.find(&format!("id=\"invite-{id}-email\"")).unwrap();
    let details = &html[html[..at].rfind("<details").unwrap()..];
    assert!(
        details.starts_with("<details open"),
        "{b}: the form is open"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mail_that_cannot_leave_is_shown_queued() {
    // The test portal's mail server does not exist: the mail waits in the queue.
    let backend = Backend::Sqlite;
    let s = Site::start(&backend, "en").await;
    let id = s.create(&form(&[("email", "zoe@example.org")])).await;
    let list = s.list().await;
    assert_eq!(list.invitations[0].id, id);
    assert!(
        matches!(list.invitations[0].mail, Some(MailState::Queued { .. })),
        "{:?}",
        list.invitations[0].mail
    );
    let html = s.page(&invites_path(A, "")).await;
    assert!(html.contains("zoe@example.org"));
    assert!(html.contains("queued"));
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_registration_is_explained_and_refuses_new_invitations() {
    let backend = Backend::Sqlite;
    let s = Site::start(&backend, "en").await;
    s.create(&form(&[])).await;
    s.call("set_registration_mode", &[("mode", "closed")])
        .await
        .unwrap();
    let html = s.page(&invites_path(A, "")).await;
    assert!(html.contains("Registration is closed on this domain"));
    assert!(html.contains("Change registration on the domain’s page"));
    assert!(
        !html.contains("Create the invitation"),
        "no form while closed"
    );
    assert!(group_count(&html, "pending") == Some(1), "the list stays");
    assert_eq!(
        kind(s.call("create_invite", &form(&[])).await),
        ErrorKind::RegistrationClosed
    );
}

per_backend!(a_reset_link_made_from_the_accounts_page_is_shown_once_then_listed);
async fn a_reset_link_made_from_the_accounts_page_is_shown_once_then_listed(backend: Backend) {
    let s = Site::start(&backend, "en").await;
    let b = s.backend();
    s.prosody.register("dana", A, "dana's password 1");
    let accounts = format!("/domains/{A}/accounts");
    let html = s.page(&accounts).await;
    assert!(html.contains("Make a password reset link"), "{b}");
    assert!(!html.contains("Password reset links"), "none yet");

    let location = s
        .post(
            "create_reset_link",
            &[("username", "dana"), ("view", "q=da")],
        )
        .await;
    assert_eq!(
        location,
        format!("{accounts}?q=da&done=reset-link&account=dana%40{A}"),
        "{b}"
    );
    let html = s.page(&location).await;
    assert!(
        html.contains(&format!("A password reset link for dana@{A} is ready")),
        "{b}"
    );
    assert!(html.contains("Password reset links"));
    assert!(html.contains(&format!("For dana@{A}")));
    assert!(html.contains("Valid until "));
    let link = tag(&html, "reset-link-0");
    assert!(link.contains("readonly"), "{link}");
    assert!(
        link.contains(&format!(r#"value="{}/reset/"#, s.portal.url(""))),
        "{link}"
    );

    assert!(html.contains("it is shown only this once"), "{b}");

    // Still listed on a plain visit, until used, but without its address: the portal keeps
    // only its hash.
    let html = s.page(&accounts).await;
    assert!(html.contains(&format!("For dana@{A}")), "{b}");
    assert_eq!(marked(&html, "data-link", "hidden").len(), 1, "{b}");
    assert!(
        !html.contains("/reset/"),
        "{b}: the link is not shown again"
    );

    // An account that does not exist gets no link; the error comes back to the page.
    assert_eq!(
        kind(s.call("create_reset_link", &[("username", "ghost")]).await),
        ErrorKind::UnknownAccount
    );
}
