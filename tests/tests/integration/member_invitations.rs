//! Members inviting people, end to end through the portal's HTTP interface, against a real
//! Prosody, a real SMTP server and each database backend: the owner's per-domain setting, a
//! member's "Invite someone" on `/me` (link, QR code, e-mail, their list), a friend registering
//! in a real XMPP client with the token and finding the member in their roster, the cap and the
//! new-account wait (with the portal's injected clock), who invited whom on the owner's page, and
//! the withdrawal of a member's pending invitations when the owner locks or deletes them.

use app::{error::ErrorKind, i18n::Locale};
use domaine_tests::{
    database::Backend,
    domain::OwnedDomain,
    page::marked,
    per_backend,
    portal::TestPortal,
    prosody::{register_in_band, Session},
    web::{kind, WebClient},
};
use reqwest::StatusCode;
use server::{invitations, xmpp::BareJid};
use std::time::Duration;
use xmpp_parsers::roster::{Roster, Subscription};

const DOMAIN: &str = "club.test";
const OWNER: &str = "olga";
const MEMBER: &str = "mia";
const PASSWORD: &str = "a member's password";

/// The domain, its owner and one member (an account the owner made, not from an invitation),
/// both logged in.
struct Setup {
    site: OwnedDomain,
    member: WebClient,
    member_csrf: String,
}

impl std::ops::Deref for Setup {
    type Target = OwnedDomain;
    fn deref(&self) -> &OwnedDomain {
        &self.site
    }
}

impl Setup {
    async fn start(backend: &Backend) -> Setup {
        let site = OwnedDomain::start(backend, DOMAIN, OWNER, PASSWORD).await;
        site.prosody.register(MEMBER, DOMAIN, PASSWORD);
        let member = Self::log_in(&site.portal, MEMBER).await;
        let member_csrf = member.get("/me").await.csrf();
        Setup {
            site,
            member,
            member_csrf,
        }
    }

    async fn log_in(portal: &TestPortal, username: &str) -> WebClient {
        WebClient::logged_in(&portal.url("/"), "en", &jid(username), PASSWORD, "/").await
    }

    /// The owner lets each member make `per_member` invitations in 30 days.
    async fn allow(
        &self,
        per_member: &str,
        contact_only: bool,
    ) -> Result<String, app::error::AppError> {
        let mut fields = vec![
            ("csrf", self.csrf.as_str()),
            ("domain", DOMAIN),
            ("per_member", per_member),
        ];
        if contact_only {
            fields.push(("contact_only", "on"));
        }
        self.owner.server_fn("set_member_invites", &fields).await
    }

    /// `who` (with the anti-forgery token of their page) invites someone; returns the token.
    async fn invite_as(
        &self,
        who: &WebClient,
        csrf: &str,
        fields: &[(&str, &str)],
    ) -> Result<String, app::error::AppError> {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(fields);
        let created = who.server_fn("member_invite", &all).await?;
        Ok(self.portal.invitation_token(DOMAIN, &created).await)
    }

    async fn invite(&self, fields: &[(&str, &str)]) -> Result<String, app::error::AppError> {
        self.invite_as(&self.member, &self.member_csrf, fields)
            .await
    }

    /// Registers `username` in an XMPP app with the invitation (XEP-0401 preauth, XEP-0077).
    async fn register_in_app(&self, token: &str, username: &str) -> Result<(), String> {
        register_in_band(
            self.prosody.c2s_addr(),
            DOMAIN,
            username,
            PASSWORD,
            Some(token),
        )
        .await
    }

    /// The page the browser lands on after posting the member's invitation form without
    /// JavaScript (where an error comes back in the URL).
    async fn invite_without_javascript(&self, who: &WebClient) -> String {
        let csrf = who.get("/me").await.csrf();
        let body = format!("csrf={csrf}&add_contact=on");
        let (_, location, _) = who
            .post_bytes("/me", "/api/member_invite", "text/html", body.into_bytes())
            .await;
        let location = location.expect("the form sends the browser back");
        who.get(location.trim_start_matches(&self.portal.url("")))
            .await
            .html
    }
}

fn jid(username: &str) -> String {
    format!("{username}@{DOMAIN}")
}

per_backend!(
    a_member_invites_a_friend_who_registers_in_an_app_and_finds_the_member_in_their_roster
);
async fn a_member_invites_a_friend_who_registers_in_an_app_and_finds_the_member_in_their_roster(
    backend: Backend,
) {
    let s = Setup::start(&backend).await;
    let b = backend.name();
    s.allow("2", false).await.unwrap();
    let me = s.member.get("/me").await.html;
    assert_eq!(
        marked(&me, "data-member-invite", "open").len(),
        1,
        "{b}: {me}"
    );

    let token = s
        .invite(&[
            ("add_contact", "on"),
            ("email", "friend@example.net"),
            ("email_locale", "fr"),
        ])
        .await
        .unwrap();
    let id = invitations::by_token(&s.portal.state.db, &token)
        .await
        .unwrap()
        .unwrap()
        .id;
    // The e-mail (in the language asked for) carries the landing page's link.
    let mail = s
        .smtp
        .wait_for_mail("friend@example.net", Duration::from_secs(20))
        .await;
    assert!(
        mail.text.contains(&format!("/invite/{token}")),
        "{b}: {}",
        mail.text
    );
    assert!(
        mail.subject.contains("vous invite"),
        "{b}: {}",
        mail.subject
    );
    // The page the form sends the member to shows the link and its QR code.
    let created = s
        .member
        .get(&format!("/me?done=invited&invite={id}"))
        .await
        .html;
    assert!(
        created.contains(&format!("/invite/{token}\"")),
        "{b}: {created}"
    );
    let qr = format!("/invite/{token}/qr.svg");
    assert!(created.contains(&qr), "{b}: {created}");
    assert_eq!(s.member.get(&qr).await.status, StatusCode::OK, "{b}");

    s.register_in_app(&token, "friend").await.unwrap();
    let friend = BareJid::new(&jid("friend")).unwrap();
    let mut session = Session::open(&s.prosody, &friend, PASSWORD).await;
    let roster = Roster::try_from(
        session
            .get(
                "roster",
                Roster {
                    ver: None,
                    items: vec![],
                },
            )
            .await
            .unwrap(),
    )
    .unwrap();
    let member = BareJid::new(&jid(MEMBER)).unwrap();
    assert!(
        roster
            .items
            .iter()
            .any(|item| item.jid == member && item.subscription == Subscription::Both),
        "{b}: the friend's roster has the member: {roster:?}"
    );

    // The member's list shows it used, with the account it made.
    let me = s.member.get("/me").await.html;
    let mine = marked(&me, "data-my-invite", &id.to_string());
    assert_eq!(mine.len(), 1, "{b}: {me}");
    assert_eq!(marked(&me, "data-state", "used").len(), 1, "{b}: {me}");
    assert_eq!(
        marked(&me, "data-accounts", &jid("friend")).len(),
        1,
        "{b}: {me}"
    );
    // The owner's page says who invited whom.
    let owners = s
        .owner
        .get(&format!("/domains/{DOMAIN}/invites"))
        .await
        .html;
    let by = marked(&owners, "data-invited-by", &jid(MEMBER));
    assert_eq!(by.len(), 1, "{b}: {owners}");
    let card = &owners[owners.find(by[0]).unwrap()..];
    let card = &card[..card.find("</li>").unwrap()];
    let before = &owners[..owners.find(by[0]).unwrap()];
    let card_start = before.rfind("<li").unwrap();
    let whole = format!("{}{card}", &before[card_start..]);
    assert_eq!(
        marked(&whole, "data-accounts", &jid("friend")).len(),
        1,
        "{b}: {whole}"
    );
}

per_backend!(the_cap_and_the_new_account_wait_refuse_with_their_messages);
async fn the_cap_and_the_new_account_wait_refuse_with_their_messages(backend: Backend) {
    let s = Setup::start(&backend).await;
    let b = backend.name();
    s.allow("1", false).await.unwrap();
    let token = s.invite(&[("add_contact", "on")]).await.unwrap();
    // One invitation in 30 days: the second is refused, with the cap in the message.
    let cap = ErrorKind::MemberInvitationCap { cap: 1 };
    assert_eq!(kind(s.invite(&[]).await), cap, "{b}");
    let page = s.invite_without_javascript(&s.member).await;
    assert!(page.contains(&cap.message(Locale::En)), "{b}: {page}");

    // The friend's account, made in an app with the invitation, waits a day before inviting;
    // the page says so, and an attempt is refused with its message.
    s.register_in_app(&token, "friend").await.unwrap();
    let friend = Setup::log_in(&s.portal, "friend").await;
    let me = friend.get("/me").await;
    assert_eq!(
        marked(&me.html, "data-member-invite", "wait").len(),
        1,
        "{b}: {}",
        me.html
    );
    let friend_csrf = me.csrf();
    assert_eq!(
        kind(s.invite_as(&friend, &friend_csrf, &[]).await),
        ErrorKind::InviterTooNew,
        "{b}"
    );
    let page = s.invite_without_javascript(&friend).await;
    assert!(
        page.contains(&ErrorKind::InviterTooNew.message(Locale::En)),
        "{b}: {page}"
    );

    // A day later the friend invites; the member is still at the cap (30 days).
    // (The portal sessions of the day before have ended: log in again.)
    s.portal.state.clock.advance(86_400 + 60);
    let friend = Setup::log_in(&s.portal, "friend").await;
    let me = friend.get("/me").await;
    assert!(
        marked(&me.html, "data-member-invite", "wait").is_empty(),
        "{b}: {}",
        me.html
    );
    assert_eq!(
        marked(&me.html, "data-member-invite", "open").len(),
        1,
        "{b}"
    );
    let second = s.invite_as(&friend, &me.csrf(), &[]).await.unwrap();
    assert_ne!(second, token);
    let member = Setup::log_in(&s.portal, MEMBER).await;
    let csrf = member.get("/me").await.csrf();
    assert_eq!(kind(s.invite_as(&member, &csrf, &[]).await), cap, "{b}");
}

per_backend!(locking_or_deleting_a_member_withdraws_their_pending_invitations);
async fn locking_or_deleting_a_member_withdraws_their_pending_invitations(backend: Backend) {
    let s = Setup::start(&backend).await;
    let b = backend.name();
    s.allow("5", false).await.unwrap();
    let pending = s.invite(&[]).await.unwrap();
    let used = s.invite(&[]).await.unwrap();
    s.register_in_app(&used, "early").await.unwrap();
    s.owner
        .server_fn(
            "set_account_lock",
            &[
                ("csrf", &s.csrf),
                ("domain", DOMAIN),
                ("username", MEMBER),
                ("lock", "1"),
            ],
        )
        .await
        .unwrap();
    let record = invitations::by_token(&s.portal.state.db, &pending)
        .await
        .unwrap()
        .unwrap();
    assert!(record.revoked_at.is_some(), "{b}: {record:?}");
    // Withdrawn on Prosody too: the token no longer redeems, in an app or on the web.
    let refused = s.register_in_app(&pending, "late").await;
    assert!(
        refused.as_ref().is_err_and(|e| e.starts_with("preauth:")),
        "{b}: {refused:?}"
    );
    let visitor = WebClient::new(&s.portal.url("/"), "en");
    assert_ne!(
        visitor.get(&format!("/invite/{pending}")).await.status,
        StatusCode::OK
    );
    // The used one stays as it was.
    let record = invitations::by_token(&s.portal.state.db, &used)
        .await
        .unwrap()
        .unwrap();
    assert!(record.revoked_at.is_none(), "{b}: {record:?}");

    // Deleting a member does the same.
    let other = "max";
    s.prosody.register(other, DOMAIN, PASSWORD);
    let max = Setup::log_in(&s.portal, other).await;
    let csrf = max.get("/me").await.csrf();
    let token = s.invite_as(&max, &csrf, &[]).await.unwrap();
    s.owner
        .server_fn(
            "delete_domain_account",
            &[
                ("csrf", &s.csrf),
                ("domain", DOMAIN),
                ("username", other),
                ("confirm", other),
            ],
        )
        .await
        .unwrap();
    let refused = s.register_in_app(&token, "later").await;
    assert!(
        refused.as_ref().is_err_and(|e| e.starts_with("preauth:")),
        "{b}: {refused:?}"
    );
}

per_backend!(members_cannot_invite_unless_the_owner_allows_it);
async fn members_cannot_invite_unless_the_owner_allows_it(backend: Backend) {
    let s = Setup::start(&backend).await;
    let b = backend.name();
    let me = s.member.get("/me").await.html;
    assert_eq!(
        marked(&me, "data-member-invite", "off").len(),
        1,
        "{b}: {me}"
    );
    // The page says so in the reader's language.
    let french = WebClient::logged_in(&s.portal.url("/"), "fr", &jid(MEMBER), PASSWORD, "/").await;
    let me = french.get("/me").await.html;
    let said = Locale::Fr.t_with("me-invite-off", &[("domain", DOMAIN.to_string())]);
    assert!(me.contains(&said), "{b}: {me}");
    assert_eq!(
        kind(s.invite(&[]).await),
        ErrorKind::MemberInvitationsOff,
        "{b}"
    );
    // Only owners choose.
    let refused = s
        .member
        .server_fn(
            "set_member_invites",
            &[
                ("csrf", &s.member_csrf),
                ("domain", DOMAIN),
                ("per_member", "3"),
            ],
        )
        .await;
    assert_eq!(kind(refused), ErrorKind::Forbidden, "{b}");
    assert_eq!(
        kind(s.allow("1000", false).await),
        ErrorKind::InvalidInvitationCap { max: 100 },
        "{b}"
    );

    // Contact invitations only: the member becomes the new user's contact even unasked.
    s.allow("3", true).await.unwrap();
    let dashboard = s.owner.get(&format!("/domains/{DOMAIN}")).await.html;
    assert_eq!(
        marked(&dashboard, "data-member-invites", "3").len(),
        1,
        "{b}"
    );
    let token = s.invite(&[]).await.unwrap();
    let record = invitations::by_token(&s.portal.state.db, &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.contact.as_deref(), Some(jid(MEMBER).as_str()), "{b}");
    assert_eq!(record.by_member, 1, "{b}");

    // Turned off again.
    s.allow("0", false).await.unwrap();
    assert_eq!(
        kind(s.invite(&[]).await),
        ErrorKind::MemberInvitationsOff,
        "{b}"
    );
}
