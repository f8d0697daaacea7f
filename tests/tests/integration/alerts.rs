//! Alerts about a domain's health through a real SMTP server and a real Prosody, on each
//! backend: one e-mail per owner with a known address (in their portal language) and per
//! `notify_emails` address, one chat message per provider admin (and per owner with no known
//! address), an audit entry; no repeat of the same state until a week has passed; a return to
//! ✓ clears it; a certificate alerts under 14 days left; a mail server that is down delays the
//! alert, which arrives once it is back.

use app::{
    health::{CheckKind, CheckStatus},
    hosting_requests::RequestStatus,
};
use domaine_tests::{
    database::Backend,
    per_backend,
    portal::{provider_admin_jid, TestPortal},
    prosody::{bare_jid, Prosody, Session},
    smtp::{ReceivedMail, SmtpServer},
    wait,
};
use server::{
    alerts::{self, Concern, Observed, Problem, Why},
    audit, hosting_requests,
    mail::outbox::{self, MailStatus},
};
use std::time::Duration;

const DOMAIN: &str = "alerts.test";
/// The requester of the domain, an owner, whose portal language is French.
const MARIE: &str = "marie";
const MARIE_MAIL: &str = "marie@example.net";
/// An owner the portal knows no e-mail address of.
const LUC: &str = "luc";
const NOTIFY: &str = "ops@provider.test";
const PASSWORD: &str = "a long enough password";
const WITHIN: Duration = Duration::from_secs(10);
const DAY: i64 = 24 * 3600;

struct Setup {
    portal: TestPortal,
    smtp: SmtpServer,
    prosody: Prosody,
    /// Logged in as the provider admin and as Luc, available, reading their chat messages.
    admin: Session,
    luc: Session,
    backend: &'static str,
}

impl Setup {
    async fn start(backend: &Backend) -> Setup {
        let prosody = Prosody::start(&[DOMAIN]);
        let smtp = SmtpServer::start();
        let portal = TestPortal::start_configured(
            &prosody,
            backend,
            &smtp,
            &format!("[hosting]\nnotify_emails = [\"{NOTIFY}\"]\n"),
        )
        .await;
        let db = &portal.state.db;
        // Marie asked for the domain (in English) with her XMPP address and got it.
        let marie = format!("{MARIE}@{DOMAIN}");
        let now = portal.state.clock.now();
        let id = hosting_requests::insert(
            db,
            hosting_requests::NewRequest {
                domain: DOMAIN,
                name: "Marie",
                email: MARIE_MAIL,
                xmpp: Some(&marie),
                member: false,
                message: "",
                locale: "en",
                ip: "127.0.0.1",
                token: "confirm token",
                now,
            },
        )
        .await
        .unwrap();
        assert!(hosting_requests::confirm(db, id, now).await.unwrap());
        let approved = RequestStatus::Approved;
        assert!(
            hosting_requests::decide(db, id, approved, "admin", None, now)
                .await
                .unwrap()
        );
        portal.add_owner(DOMAIN, &marie).await;
        // Her portal language, French, is what she reads her alerts in.
        portal
            .xmpp_user(&prosody, MARIE, DOMAIN, PASSWORD, "fr")
            .await;
        // Luc logs in in English, then switches to French: his alerts follow.
        let luc = format!("{LUC}@{DOMAIN}");
        let web = portal
            .xmpp_user(&prosody, LUC, DOMAIN, PASSWORD, "en")
            .await;
        web.get("/lang/fr?next=/").await;
        portal.add_owner(DOMAIN, &luc).await;

        let admin = bare_jid(&provider_admin_jid(&prosody));
        prosody.register(admin.node().unwrap().as_str(), DOMAIN, PASSWORD);
        let (admin, luc) = Setup::sessions(&prosody).await;
        Setup {
            backend: backend.name(),
            portal,
            smtp,
            prosody,
            admin,
            luc,
        }
    }

    /// The provider admin and Luc logged in and available (messages kept for them while they
    /// were away arrive now).
    async fn sessions(prosody: &Prosody) -> (Session, Session) {
        let mut sessions = Vec::new();
        for jid in [provider_admin_jid(prosody), format!("{LUC}@{DOMAIN}")] {
            let mut session = Session::open(prosody, &bare_jid(&jid), PASSWORD).await;
            session.become_available().await;
            sessions.push(session);
        }
        let luc = sessions.pop().unwrap();
        (sessions.pop().unwrap(), luc)
    }

    async fn observe(&self, concern: &Concern) -> Observed {
        alerts::observe(&self.portal.state, concern)
            .await
            .unwrap_or_else(|e| panic!("{}: observe {concern:?}: {e}", self.backend))
    }

    /// Waits until `address` has received `n` mails (no more), and returns the last one.
    async fn nth_mail(&self, address: &str, n: usize) -> ReceivedMail {
        let mail = self
            .smtp
            .wait_for_mail_where(address, WITHIN, |mails| mails.get(n - 1).cloned())
            .await;
        assert_eq!(self.smtp.mails_to(address).len(), n, "{}", self.backend);
        mail
    }

    /// Each recipient has had `n` alerts: Marie's and the provider's mails, the chat messages
    /// of the admin and of Luc (read here, so `n` grows by one each time); returns the mails.
    async fn everyone_told(&mut self, n: usize) -> Told {
        let marie = self.nth_mail(MARIE_MAIL, n).await;
        let ops = self.nth_mail(NOTIFY, n).await;
        let service = self.portal.state.xmpp.service_jid().clone();
        let mut chats = Vec::new();
        for session in [&mut self.admin, &mut self.luc] {
            let (from, body) = session
                .next_chat(WITHIN)
                .await
                .unwrap_or_else(|| panic!("{}: no chat message", self.backend));
            assert_eq!(from.map(|j| j.to_bare()), Some(service.clone()));
            assert!(body.contains(DOMAIN), "{body}");
            chats.push(body);
        }
        let luc = chats.pop().unwrap();
        Told {
            marie,
            ops,
            admin: chats.pop().unwrap(),
            luc,
        }
    }

    /// Nothing more arrives: no mail beyond `n` to either address, no chat message.
    async fn nobody_told_more(&mut self, n: usize) {
        assert!(self.admin.next_chat(Duration::from_secs(1)).await.is_none());
        assert!(self
            .luc
            .next_chat(Duration::from_millis(200))
            .await
            .is_none());
        assert_eq!(self.smtp.mails_to(MARIE_MAIL).len(), n, "{}", self.backend);
        assert_eq!(self.smtp.mails_to(NOTIFY).len(), n, "{}", self.backend);
    }

    async fn audited(&self) -> usize {
        let entries = audit::list(&self.portal.state.db, Some(DOMAIN), Some("alert"), 100)
            .await
            .unwrap();
        for entry in &entries {
            assert!(
                entry.detail.contains("2 e-mail(s), 2 chat message(s)"),
                "{entry:?}"
            );
        }
        entries.len()
    }
}

/// What each recipient got of one alert.
struct Told {
    marie: ReceivedMail,
    ops: ReceivedMail,
    admin: String,
    luc: String,
}

fn tlsa(status: CheckStatus) -> Concern {
    Concern {
        domain: DOMAIN.into(),
        subject: format!("tlsa:{DOMAIN}"),
        status,
        what: Problem::Check {
            kind: CheckKind::Tlsa,
            name: format!("_5222._tcp.{DOMAIN}"),
            found: "3 1 1 0000".into(),
            expected: "3 1 1 abcd".into(),
        },
    }
}

fn certificate(days_left: i64) -> Concern {
    Concern {
        domain: DOMAIN.into(),
        subject: format!("certificate:{DOMAIN}"),
        status: CheckStatus::Warning,
        what: Problem::CertificateExpiring {
            name: DOMAIN.into(),
            days_left,
        },
    }
}

fn alerted(observed: &Observed) -> Option<Why> {
    match observed {
        Observed::Alerted { why, mails, chats } => {
            // Marie and the provider by mail, the admin and Luc by chat.
            assert_eq!((mails.len(), *chats), (2, 2), "{observed:?}");
            Some(*why)
        }
        _ => None,
    }
}

per_backend!(an_alert_reaches_everyone_once_per_state);
async fn an_alert_reaches_everyone_once_per_state(backend: Backend) {
    let mut s = Setup::start(&backend).await;
    a_failing_check_tells_everyone_once(&mut s).await;
    the_same_failure_again_tells_nobody(&mut s).await;
    a_week_later_it_is_told_again(&mut s).await;
    back_to_ok_then_failing_is_a_new_alert(&mut s).await;
    a_certificate_alerts_under_fourteen_days_left(&mut s).await;
    a_mail_server_down_delays_the_alert(&mut s).await;
    a_prosody_outage_delays_the_chat_message(&mut s).await;
}

async fn a_failing_check_tells_everyone_once(s: &mut Setup) {
    let observed = s.observe(&tlsa(CheckStatus::Failing)).await;
    assert_eq!(alerted(&observed), Some(Why::New), "{}", s.backend);
    let Told {
        marie,
        ops,
        admin,
        luc,
    } = s.everyone_told(1).await;
    // Marie logged in in French, Luc chose French; the provider's own address and the admin
    // (who never logged in to the portal) get its default language.
    assert!(luc.contains("est en échec"), "{luc}");
    assert!(
        admin.contains("✗") && admin.contains("is failing"),
        "{admin}"
    );
    assert!(
        marie.subject.contains("DANE (enregistrements TLSA)")
            && marie.subject.contains("est en échec"),
        "the check is named in French: {}",
        marie.subject
    );
    assert!(marie.text.contains("Trouvé : 3 1 1 0000"), "{}", marie.text);
    assert!(
        marie.text.contains(&format!("/domains/{DOMAIN}/health")),
        "{}",
        marie.text
    );
    assert!(ops.subject.contains("is failing"), "{}", ops.subject);
    assert!(ops.text.contains("Expected: 3 1 1 abcd"), "{}", ops.text);
    assert_eq!(s.audited().await, 1, "{}", s.backend);
}

async fn the_same_failure_again_tells_nobody(s: &mut Setup) {
    s.portal.state.clock.advance(DAY);
    let observed = s.observe(&tlsa(CheckStatus::Failing)).await;
    assert_eq!(observed, Observed::Nothing, "{}", s.backend);
    s.nobody_told_more(1).await;
    assert_eq!(s.audited().await, 1, "{}", s.backend);
}

async fn a_week_later_it_is_told_again(s: &mut Setup) {
    s.portal.state.clock.advance(7 * DAY);
    let observed = s.observe(&tlsa(CheckStatus::Failing)).await;
    assert_eq!(alerted(&observed), Some(Why::Reminder), "{}", s.backend);
    let Told { marie, ops, .. } = s.everyone_told(2).await;
    assert!(marie.text.contains("rappel"), "{}", marie.text);
    assert!(ops.text.contains("reminder"), "{}", ops.text);
    assert_eq!(s.audited().await, 2, "{}", s.backend);
}

async fn back_to_ok_then_failing_is_a_new_alert(s: &mut Setup) {
    let observed = s.observe(&tlsa(CheckStatus::Ok)).await;
    assert_eq!(observed, Observed::Cleared, "{}", s.backend);
    s.nobody_told_more(2).await;
    let observed = s.observe(&tlsa(CheckStatus::Failing)).await;
    assert_eq!(alerted(&observed), Some(Why::New), "{}", s.backend);
    s.everyone_told(3).await;
}

async fn a_certificate_alerts_under_fourteen_days_left(s: &mut Setup) {
    let observed = s.observe(&certificate(20)).await;
    assert_eq!(observed, Observed::Nothing, "{}", s.backend);
    s.nobody_told_more(3).await;
    let observed = s.observe(&certificate(10)).await;
    assert_eq!(alerted(&observed), Some(Why::New), "{}", s.backend);
    let Told { marie, ops, .. } = s.everyone_told(4).await;
    assert!(
        marie.subject.contains("expire dans 10 jours"),
        "{}",
        marie.subject
    );
    assert!(
        ops.subject.contains("expires in 10 days"),
        "{}",
        ops.subject
    );
    // The next day's count is the same state.
    s.portal.state.clock.advance(DAY);
    assert_eq!(s.observe(&certificate(9)).await, Observed::Nothing);
    s.nobody_told_more(4).await;
}

async fn a_mail_server_down_delays_the_alert(s: &mut Setup) {
    s.smtp.stop();
    let renewal = Concern {
        domain: DOMAIN.into(),
        subject: format!("renewal:{DOMAIN}"),
        status: CheckStatus::Failing,
        what: Problem::RenewalFailing {
            name: DOMAIN.into(),
            error: "the ACME server did not answer".into(),
        },
    };
    let observed = s.observe(&renewal).await;
    let Observed::Alerted { mails, .. } = &observed else {
        panic!("{}: {observed:?}", s.backend);
    };
    let db = &s.portal.state.db;
    // The first attempt fails and the mail waits, with its error, for the next one.
    let refused = wait::eventually(WITHIN, || async {
        matches!(
            outbox::status(db, mails[0]).await.unwrap(),
            Some(MailStatus::Pending {
                last_error: Some(_),
                ..
            })
        )
    })
    .await;
    assert!(refused, "{}: the mail is not tried while down", s.backend);
    s.smtp.start_again();
    // Past the outbox's backoff.
    s.portal.state.clock.advance(3600);
    s.portal.state.mail.notify_one();
    let marie = s.everyone_told(5).await.marie;
    assert!(
        marie.text.contains("the ACME server did not answer"),
        "{}",
        marie.text
    );
}

async fn a_prosody_outage_delays_the_chat_message(s: &mut Setup) {
    s.prosody.stop();
    let xmpp = &s.portal.state.xmpp;
    assert!(wait::eventually(WITHIN, || async { !xmpp.is_connected() }).await);
    let c2s = Concern {
        subject: format!("c2s:{DOMAIN}"),
        what: Problem::Check {
            kind: CheckKind::Host,
            name: DOMAIN.into(),
            found: "no answer".into(),
            expected: "the host answers".into(),
        },
        ..tlsa(CheckStatus::Failing)
    };
    let observed = s.observe(&c2s).await;
    assert_eq!(alerted(&observed), Some(Why::New), "{}", s.backend);
    // The mails go out meanwhile; the chat messages wait for Prosody.
    s.nth_mail(NOTIFY, 6).await;
    let (waiting,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE kind = 'alert-chat' AND state = 'queued'")
            .fetch_one(&s.portal.state.db.pool)
            .await
            .unwrap();
    assert_eq!(waiting, 2, "{}", s.backend);
    s.prosody.start_again();
    xmpp.wait_connected(Duration::from_secs(30))
        .await
        .expect("the portal connects to Prosody again");
    (s.admin, s.luc) = Setup::sessions(&s.prosody).await;
    let ops = s.everyone_told(6).await.ops;
    assert!(ops.text.contains("no answer"), "{}", ops.text);
}
