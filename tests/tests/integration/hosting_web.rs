//! The pages of hosting requests and the provider admins' console, driven over HTTP as a
//! browser without JavaScript does (forms that redirect, errors in the URL) and as the hydrated
//! page does (server functions), against a real Prosody, a real SMTP server and each database
//! backend: the public form and its errors in both languages, internationalised names, the
//! honeypot and the rate limit, the e-mail confirmation, the admins' queue and rejection, and
//! the console's local admins. (Approval, provisioning, DNS and suspension: hosting_flow.rs.)

use app::{
    error::ErrorKind,
    hosting_requests::{RequestStatus, MAX_MESSAGE, MAX_REASON},
    i18n::Locale,
    provider::AdminsView,
};
use domaine_tests::{
    database::Backend,
    dns::{DnsServer, TestZone},
    page::{self, attr, field_error, main_html, main_text, tag, unescape, with_error},
    per_backend,
    portal::{hosting_config, provider_admin_jid, TestPortal},
    prosody::Prosody,
    smtp::{ReceivedMail, SmtpServer},
    web::{kind, WebClient},
};
use reqwest::StatusCode;
use server::hosting_requests::{self, names, RequestRecord};
use std::time::Duration;

/// The portal's own XMPP domain (its service account lives there): nobody may ask for it.
const PROVIDER: &str = "provider.test";
/// A domain the provider hosts already.
const HOSTED: &str = "hosted.test";
const NOTIFY: &str = "admins@provider.test";
const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "admin password 1";
const PASSWORD: &str = "a long enough password";
const IDN: &str = "café-test.example";

struct Site {
    portal: TestPortal,
    smtp: SmtpServer,
    prosody: Prosody,
    _dns: DnsServer,
}

impl Site {
    /// Prosody serving the provider's domain and a hosted one, an SMTP server, and the portal
    /// with a provider admin; DNS checks ask a DNS server on loopback with no records, which
    /// answers at once.
    async fn start(backend: &Backend) -> Site {
        let prosody = Prosody::start(&[PROVIDER, HOSTED]);
        assert_eq!(prosody.service_jid().domain().to_string(), PROVIDER);
        let smtp = SmtpServer::start();
        let dns = DnsServer::start(&TestZone::new());
        let portal = TestPortal::start_configured(
            &prosody,
            backend,
            &smtp,
            &hosting_config(NOTIFY, PROVIDER, dns.addr()),
        )
        .await;
        portal.create_admin(ADMIN, ADMIN_PASSWORD).await;
        Site {
            portal,
            smtp,
            prosody,
            _dns: dns,
        }
    }

    fn backend(&self) -> &'static str {
        self.portal.backend.name()
    }

    fn visitor(&self, language: &str) -> WebClient {
        WebClient::new(&self.portal.url("/"), language)
    }

    async fn admin(&self, language: &str) -> WebClient {
        let admin = self.visitor(language);
        assert!(admin.login(ADMIN, ADMIN_PASSWORD).await);
        admin
    }

    /// Sends the request form as a browser without JavaScript; returns where it redirects.
    async fn submit(&self, web: &WebClient, fields: &[(&str, &str)]) -> String {
        let page = web.get("/request").await;
        assert_eq!(page.status, StatusCode::OK, "{}", self.backend());
        let csrf = page.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let (status, location) = web.post_form("/api/submit_hosting_request", &all).await;
        assert_eq!(status, StatusCode::FOUND, "{}", self.backend());
        location.expect("a redirect")
    }

    /// Sends a form that fails; returns `path` as it shows the error.
    async fn form_error(
        &self,
        web: &WebClient,
        path: &str,
        server_fn: &str,
        fields: &[(&str, &str)],
    ) -> String {
        let csrf = web.get(path).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let (_, location) = web.post_form(&format!("/api/{server_fn}"), &all).await;
        let location = location.expect("a redirect");
        let page = web.get(&with_error(path, &location)).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {path}", self.backend());
        page.html
    }

    async fn records(&self, status: RequestStatus) -> Vec<RequestRecord> {
        hosting_requests::by_status(&self.portal.state.db, status)
            .await
            .unwrap()
    }

    async fn all_records(&self) -> usize {
        let mut n = 0;
        for status in RequestStatus::ALL {
            n += self.records(status).await.len();
        }
        n
    }

    async fn queued_mails(&self) -> i64 {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mail_outbox")
            .fetch_one(&self.portal.state.db.pool)
            .await
            .unwrap();
        n
    }

    /// A web client of `user@domain`, an XMPP account (made an owner of `domain` if `owner`).
    async fn xmpp_user(&self, user: &str, domain: &str, owner: bool) -> WebClient {
        if owner {
            self.portal
                .add_owner(domain, &format!("{user}@{domain}"))
                .await;
        }
        self.portal
            .xmpp_user(&self.prosody, user, domain, PASSWORD, "en")
            .await
    }

    /// Waits for the `n`-th mail to `address`.
    async fn nth_mail(&self, address: &str, n: usize) -> ReceivedMail {
        self.smtp
            .wait_for_mail_where(address, Duration::from_secs(20), |mails| {
                mails.into_iter().nth(n - 1)
            })
            .await
    }

    /// The path of the confirmation link in a mail.
    fn confirmation_path(&self, mail: &ReceivedMail) -> String {
        let link = mail.link("/request/confirm/");
        link.trim_start_matches(&self.portal.url("")).to_string()
    }
}

/// A form sent, the field its error belongs to (the input's id), and the error.
type Case<'a> = (Vec<(&'static str, &'a str)>, &'static str, ErrorKind);

/// The request form as a browser sends it, with `overrides`.
fn form<'a>(overrides: &[(&'static str, &'a str)]) -> Vec<(&'static str, &'a str)> {
    page::form(
        &[
            ("domain", "new.example"),
            ("name", "Marie Curie"),
            ("email", "marie@example.net"),
            ("xmpp", ""),
            ("message", ""),
            ("website", ""),
        ],
        overrides,
    )
}

per_backend!(the_form_explains_its_errors_in_both_languages_and_keeps_the_input);
async fn the_form_explains_its_errors_in_both_languages_and_keeps_the_input(backend: Backend) {
    let s = Site::start(&backend).await;
    let b = s.backend();
    for (language, locale) in [("en", Locale::En), ("fr-FR,fr;q=0.9", Locale::Fr)] {
        let web = s.visitor(language);
        the_form_has_its_fields_and_a_trap_for_robots(&s, &web, locale).await;
        each_error_shows_at_its_field_with_the_input_kept(&s, &web, language, locale).await;
        a_long_message_and_the_member_box_are_kept(&s, &web, locale).await;
    }
    assert_eq!(s.all_records().await, 0, "{b}: nothing stored");
    assert_eq!(s.queued_mails().await, 0, "{b}: nothing sent");
}

/// The request form has its fields, and a text field hidden from people as a trap for robots.
async fn the_form_has_its_fields_and_a_trap_for_robots(s: &Site, web: &WebClient, locale: Locale) {
    let b = s.backend();
    let page = web.get("/request").await;
    assert_eq!(page.status, StatusCode::OK, "{b}");
    let html = &page.html;
    for id in [
        "request-domain",
        "request-name",
        "request-email",
        "request-xmpp",
        "request-member",
        "request-message",
    ] {
        tag(html, id);
    }
    assert!(tag(html, "request-member").contains(r#"type="checkbox""#));
    // The trap for robots: a text field hidden from people, never `type=hidden`.
    let trap = tag(html, "request-website");
    for attribute in [
        r#"name="website""#,
        r#"type="text""#,
        r#"tabindex="-1""#,
        r#"autocomplete="off""#,
    ] {
        assert!(trap.contains(attribute), "{attribute}: {trap}");
    }
    let wrapper = &html[..html.find("id=\"request-website\"").unwrap()];
    let wrapper = &wrapper[wrapper.rfind("<div").unwrap()..];
    assert!(
        wrapper.contains(r#"class="honeypot""#) && wrapper.contains(r#"aria-hidden="true""#),
        "{b}: {wrapper}"
    );
    assert!(main_text(html).contains(&Locale::t(locale, "request-honeypot")));
}

/// Each wrong or missing field gets its error next to it, in the visitor's language, and what
/// was typed is still there.
async fn each_error_shows_at_its_field_with_the_input_kept(
    s: &Site,
    web: &WebClient,
    language: &str,
    locale: Locale,
) {
    let b = s.backend();
    let cases: Vec<Case> = vec![
        (
            form(&[("domain", "")]),
            "request-domain",
            ErrorKind::Required {
                field: app::error::Field::Domain,
            },
        ),
        (
            form(&[("name", "")]),
            "request-name",
            ErrorKind::Required {
                field: app::error::Field::Name,
            },
        ),
        (
            form(&[("email", "")]),
            "request-email",
            ErrorKind::Required {
                field: app::error::Field::Email,
            },
        ),
        (
            form(&[("domain", "not a domain")]),
            "request-domain",
            ErrorKind::InvalidDomainName,
        ),
        (
            form(&[("domain", PROVIDER)]),
            "request-domain",
            ErrorKind::ProviderDomain,
        ),
        (
            form(&[("domain", "chat.provider.test")]),
            "request-domain",
            ErrorKind::ProviderDomain,
        ),
        (
            form(&[("domain", HOSTED)]),
            "request-domain",
            ErrorKind::DomainAlreadyHosted,
        ),
        (
            form(&[("email", "marie-at-example.net")]),
            "request-email",
            ErrorKind::InvalidEmail,
        ),
        (
            form(&[("xmpp", "not an address")]),
            "request-xmpp",
            ErrorKind::InvalidJid,
        ),
        (
            form(&[("xmpp", "example.org")]),
            "request-xmpp",
            ErrorKind::InvalidJid,
        ),
    ];
    for (fields, field, expected) in cases {
        let html = s
            .form_error(web, "/request", "submit_hosting_request", &fields)
            .await;
        assert_eq!(
            field_error(&html, field).as_deref(),
            Some(expected.message(locale).as_str()),
            "{b} {language}: {fields:?}"
        );
        // What was typed is still there.
        for (name, value) in &fields {
            if !value.is_empty() && *name != "website" && *name != "message" {
                let input = tag(&html, &format!("request-{name}"));
                assert!(
                    unescape(input).contains(&format!("value=\"{value}\"")),
                    "{b}: {name} kept: {input}"
                );
            }
        }
    }
}

/// A message too long, and the member box: both kept (and what comes back cannot break out of
/// the message box).
async fn a_long_message_and_the_member_box_are_kept(s: &Site, web: &WebClient, locale: Locale) {
    let b = s.backend();
    let long = "x".repeat(MAX_MESSAGE + 1);
    let fields = form(&[
        ("message", &long),
        ("member", "on"),
        ("xmpp", "marie@example.net"),
    ]);
    let html = s
        .form_error(web, "/request", "submit_hosting_request", &fields)
        .await;
    assert_eq!(
        field_error(&html, "request-message").as_deref(),
        Some(
            ErrorKind::TooLong {
                field: app::error::Field::Message,
                max: MAX_MESSAGE
            }
            .message(locale)
            .as_str()
        ),
        "{b}"
    );
    // Too long to carry back in the no-JavaScript redirect (`KEPT_MAX`): dropped, its error kept.
    assert!(!html.contains(&long), "{b}");
    assert!(tag(&html, "request-member").contains(" checked"), "{b}");
    assert!(tag(&html, "request-xmpp").contains(r#"value="marie@example.net""#));
    // What comes back into the message box (with another field in error) cannot close it.
    let trap = "</textarea><b id=\"injected\">&amp;kept";
    let html = s
        .form_error(
            web,
            "/request",
            "submit_hosting_request",
            &form(&[("message", trap), ("domain", "")]),
        )
        .await;
    assert!(!html.contains(r#"<b id="injected">"#), "{b}: escaped");
    assert!(
        html.contains("&lt;/textarea&gt;&lt;b id=\"injected\"&gt;&amp;amp;kept</textarea>"),
        "{b}: kept as typed"
    );
    // Without an error, the fields are empty and the member box not ticked.
    let html = web.get("/request").await.html;
    assert!(!tag(&html, "request-member").contains(" checked"));
    assert!(field_error(&html, "request-domain").is_none());
}

per_backend!(the_honeypot_and_the_rate_limit_stop_robots);
async fn the_honeypot_and_the_rate_limit_stop_robots(backend: Backend) {
    let s = Site::start(&backend).await;
    let b = s.backend();
    let robot = s.visitor("en");
    let location = s
        .submit(
            &robot,
            &form(&[
                ("website", "https://spam.example"),
                ("email", "robot@example.net"),
            ]),
        )
        .await;
    assert_eq!(location, "/request/sent", "{b}: looks like success");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(s.all_records().await, 0, "{b}: nothing stored");
    assert_eq!(s.queued_mails().await, 0, "{b}: no mail");
    assert!(s.smtp.mails_to("robot@example.net").is_empty());

    // At most 3 requests per e-mail address a day, 5 per client address an hour.
    let web = s.visitor("en");
    let csrf = web.get("/request").await.csrf();
    let submit = |domain: String, email: &'static str| {
        let web = &web;
        let csrf = csrf.clone();
        async move {
            let mut fields = form(&[("domain", &domain), ("email", email)]);
            fields.insert(0, ("csrf", &csrf));
            web.server_fn("submit_hosting_request", &fields).await
        }
    };
    for i in 0..3 {
        submit(format!("d{i}.example"), "same@example.net")
            .await
            .unwrap_or_else(|e| panic!("{b}: request {i}: {e:?}"));
    }
    assert_eq!(
        kind(submit("d3.example".into(), "same@example.net").await),
        ErrorKind::TooManyRequests,
        "{b}: a 4th for one e-mail address"
    );
    submit("d4.example".into(), "other@example.net")
        .await
        .unwrap();
    submit("d5.example".into(), "third@example.net")
        .await
        .unwrap();
    let refused = submit("d6.example".into(), "fourth@example.net").await;
    assert_eq!(kind(refused), ErrorKind::TooManyRequests, "{b}: the 6th");
    assert_eq!(s.records(RequestStatus::Unconfirmed).await.len(), 5, "{b}");
    // Without JavaScript, the refusal reads in the page.
    let html = s
        .form_error(
            &web,
            "/request",
            "submit_hosting_request",
            &form(&[("domain", "d7.example"), ("email", "fifth@example.net")]),
        )
        .await;
    assert!(
        main_text(&html).contains(&ErrorKind::TooManyRequests.message(Locale::En)),
        "{b}"
    );
    assert!(tag(&html, "request-domain").contains(r#"value="d7.example""#));
}

per_backend!(a_request_is_confirmed_by_e_mail_reviewed_and_rejected_with_its_reason);
async fn a_request_is_confirmed_by_e_mail_reviewed_and_rejected_with_its_reason(backend: Backend) {
    let s = Site::start(&backend).await;
    let f = marie_files_a_request_for_an_idn(&s).await;
    the_link_shows_the_request_unconfirmed(&s, &f).await;
    let admin = s.admin("en").await;
    the_admins_see_it_unconfirmed(&s, &f, &admin).await;
    confirming_queues_it_and_tells_the_admins(&s, &f).await;
    the_queue_lists_it_and_offers_the_decisions(&s, &f, &admin).await;
    a_rejection_needs_a_reason(&s, &f, &admin).await;
    let rejected = the_rejection_reaches_the_requester(&s, &f, &admin).await;
    a_request_is_decided_once(&s, &f, &admin, &rejected).await;
    the_requesters_page_says_rejected(&s, &f, &admin).await;
}

/// Marie's request of [`a_request_is_confirmed_by_e_mail_reviewed_and_rejected_with_its_reason`],
/// from stage to stage.
struct Filed {
    /// Marie's browser (in French, without JavaScript).
    marie: WebClient,
    id: i64,
    /// The domain in ASCII, as stored.
    ascii: String,
    /// The confirmation link's path.
    path: String,
    /// The admins' page of the request.
    detail_path: String,
}

/// Marie files a request for an internationalised name; it is stored in ASCII, waiting for the
/// confirmation mailed to her.
async fn marie_files_a_request_for_an_idn(s: &Site) -> Filed {
    let b = s.backend();
    let ascii = names::to_ascii(IDN).unwrap();
    assert!(ascii.starts_with("xn--"), "{ascii}");
    let marie = s.visitor("fr-FR,fr;q=0.9");
    let location = s
        .submit(
            &marie,
            &form(&[
                ("domain", IDN),
                ("xmpp", "marie@example.net"),
                ("member", "on"),
                ("message", "Pour notre association\nde physiciennes."),
            ]),
        )
        .await;
    assert_eq!(location, "/request/sent", "{b}");
    let sent = marie.get("/request/sent").await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(
        main_text(&sent.html).contains("Consultez votre boîte mail"),
        "{b}"
    );

    // Stored in ASCII, waiting for the confirmation.
    let unconfirmed = s.records(RequestStatus::Unconfirmed).await;
    assert_eq!(unconfirmed.len(), 1, "{b}");
    let record = &unconfirmed[0];
    assert_eq!(record.domain, ascii);
    assert_eq!(record.xmpp.as_deref(), Some("marie@example.net"));
    assert_eq!(record.member, 1);

    let mail = s.nth_mail("marie@example.net", 1).await;
    assert!(mail.subject.contains(IDN), "{}", mail.subject);
    Filed {
        marie,
        id: record.id,
        detail_path: format!("/admin/requests/{}", record.id),
        path: s.confirmation_path(&mail),
        ascii,
    }
}

/// The link shows the request and asks to confirm; reading it confirms nothing.
async fn the_link_shows_the_request_unconfirmed(s: &Site, f: &Filed) {
    let b = s.backend();
    let Filed { marie, path, .. } = f;
    let page = marie.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{b}");
    let text = main_text(&page.html);
    assert!(text.contains(IDN), "{b}: {text}");
    assert!(text.contains("Confirmer ma demande"), "{b}");
    assert_eq!(
        attr(main_html(&page.html), "data-state"),
        Some("unconfirmed"),
        "{b}: the status"
    );
    assert!(!text.contains("_xmpp-client._tcp"), "{b}: no records yet");
    assert_eq!(s.records(RequestStatus::Unconfirmed).await.len(), 1);

    let gone = marie.get("/request/confirm/no-such-token").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{b}");
    assert!(main_text(&gone.html).contains("Demande inconnue"), "{b}");
}

/// The admins see it among the unconfirmed ones, in Unicode and in ASCII, not yet to review.
async fn the_admins_see_it_unconfirmed(s: &Site, f: &Filed, admin: &WebClient) {
    let b = s.backend();
    let Filed {
        ascii, detail_path, ..
    } = f;
    let queue = admin.get("/admin/requests?status=unconfirmed").await;
    assert_eq!(queue.status, StatusCode::OK, "{b}");
    let text = main_text(&queue.html);
    assert!(
        text.contains(IDN) && text.contains(ascii.as_str()),
        "{b}: {text}"
    );
    assert!(text.contains("Marie Curie") && text.contains("marie@example.net"));
    let queue = main_text(&admin.get("/admin/requests").await.html);
    assert!(
        queue.contains("No request here."),
        "{b}: nothing to review yet"
    );
    let detail = main_text(&admin.get(detail_path).await.html);
    assert!(detail.contains("has not confirmed"), "{b}: {detail}");
    assert!(!detail.contains("Reject the request"), "{b}");
}

/// Confirming (the button, without JavaScript) puts it in the queue and tells the admins.
async fn confirming_queues_it_and_tells_the_admins(s: &Site, f: &Filed) {
    let b = s.backend();
    let Filed {
        marie,
        ascii,
        path,
        detail_path,
        ..
    } = f;
    let page = marie.get(path).await;
    let token = path.trim_start_matches("/request/confirm/");
    let (_, location) = marie
        .post_form(
            "/api/confirm_hosting_request",
            &[("csrf", &page.csrf()), ("token", token)],
        )
        .await;
    assert_eq!(location.as_deref(), Some(path.as_str()), "{b}");
    let page = marie.get(path).await;
    let text = main_text(&page.html);
    assert!(text.contains("dans la file"), "{b}: {text}");
    assert_eq!(
        attr(main_html(&page.html), "data-state"),
        Some("to-review"),
        "{b}"
    );
    assert!(
        text.contains(&format!(
            "_xmpp-client._tcp.{ascii}. 3600 IN SRV 0 5 5222 {PROVIDER}."
        )),
        "{b}: the SRV records: {text}"
    );
    assert!(
        text.contains(&format!("{ascii}. 3600 IN CNAME {PROVIDER}.")),
        "{b}"
    );
    assert!(
        page.html
            .contains(r#"aria-label="Enregistrements SRV" class="dns-records"><code>"#),
        "{b}: the records to copy"
    );
    let to_review = s.records(RequestStatus::ToReview).await;
    assert_eq!(to_review.len(), 1, "{b}");
    assert!(to_review[0].confirmed_at.is_some());
    let announced = s.nth_mail(NOTIFY, 1).await;
    assert!(announced.subject.contains(IDN), "{}", announced.subject);
    assert!(
        announced.text.contains(detail_path.as_str()),
        "{b}: {}",
        announced.text
    );
}

/// The queue lists it with the count, and its page offers the decisions.
async fn the_queue_lists_it_and_offers_the_decisions(s: &Site, f: &Filed, admin: &WebClient) {
    let b = s.backend();
    let Filed {
        ascii, detail_path, ..
    } = f;
    let queue = admin.get("/admin/requests?status=to-review").await;
    let text = main_text(&queue.html);
    assert!(text.contains(IDN), "{b}");
    assert!(
        queue.html.contains(&format!("href=\"{detail_path}\"")),
        "{b}"
    );
    assert!(
        queue
            .html
            .contains(r#"href="/admin/requests?status=to-review" aria-current="page""#),
        "{b}: the current tab"
    );
    let detail = admin.get(detail_path).await;
    assert_eq!(detail.status, StatusCode::OK, "{b}");
    let text = main_text(&detail.html);
    for expected in [
        IDN,
        ascii.as_str(),
        "Marie Curie",
        "marie@example.net",
        "Pour notre association\nde physiciennes.",
        "unknown", // the DNS could not be asked
        "Approve and create the domain",
        "Reject the request",
        "e-mailed to the requester",
    ] {
        assert!(text.contains(expected), "{b}: {expected} in {text}");
    }
    assert!(
        tag(&detail.html, "approve-quota").contains(r#"value="25""#),
        "{b}: the default quota"
    );
    assert!(text.contains(&format!("_xmpp-server._tcp.{ascii}.")), "{b}");
}

/// A rejection needs a reason; the form says so next to it.
async fn a_rejection_needs_a_reason(s: &Site, f: &Filed, admin: &WebClient) {
    let b = s.backend();
    let Filed {
        detail_path, id, ..
    } = f;
    let html = s
        .form_error(
            admin,
            detail_path,
            "reject_hosting_request",
            &[("id", &id.to_string()), ("reason", "  ")],
        )
        .await;
    assert_eq!(
        field_error(&html, "reject-reason").as_deref(),
        Some("This field is required."),
        "{b}"
    );
    let long = "y".repeat(MAX_REASON + 1);
    let html = s
        .form_error(
            admin,
            detail_path,
            "reject_hosting_request",
            &[("id", &id.to_string()), ("reason", &long)],
        )
        .await;
    assert!(
        field_error(&html, "reject-reason").is_some_and(|e| e.contains(&MAX_REASON.to_string())),
        "{b}"
    );
    assert!(
        !html.contains(&long),
        "{b}: too long to carry back (`KEPT_MAX`): dropped, its error kept"
    );
    assert_eq!(s.records(RequestStatus::ToReview).await.len(), 1, "{b}");
}

/// Rejected with a reason: the requester gets it by e-mail, in their language.
async fn the_rejection_reaches_the_requester(
    s: &Site,
    f: &Filed,
    admin: &WebClient,
) -> ReceivedMail {
    let b = s.backend();
    let Filed {
        detail_path, id, ..
    } = f;
    let reason = "Nous n’hébergeons que les domaines d’associations.";
    let csrf = admin.get(detail_path).await.csrf();
    let (_, location) = admin
        .post_form(
            "/api/reject_hosting_request",
            &[("csrf", &csrf), ("id", &id.to_string()), ("reason", reason)],
        )
        .await;
    let done = format!("{detail_path}?done=rejected");
    assert_eq!(location.as_deref(), Some(done.as_str()), "{b}");
    let page = admin.get(&done).await;
    let text = main_text(&page.html);
    assert!(text.contains("The request was rejected"), "{b}: {text}");
    assert!(text.contains(reason), "{b}");
    assert!(text.contains(&format!("Rejected by {ADMIN}")), "{b}");
    assert!(
        !text.contains("Reject the request"),
        "{b}: no forms any more"
    );
    assert!(page.html.contains(r#"role="status""#));
    let rejected = s.nth_mail("marie@example.net", 2).await;
    assert!(rejected.subject.contains(IDN), "{}", rejected.subject);
    assert!(rejected.text.contains(reason), "{b}: {}", rejected.text);
    assert_eq!(s.records(RequestStatus::Rejected).await.len(), 1, "{b}");
    rejected
}

/// Decided once: neither a second rejection nor an approval changes it, or mails again.
async fn a_request_is_decided_once(
    s: &Site,
    f: &Filed,
    admin: &WebClient,
    rejected: &ReceivedMail,
) {
    let b = s.backend();
    let Filed {
        detail_path, id, ..
    } = f;
    let csrf = admin.get(detail_path).await.csrf();
    let again = admin
        .server_fn(
            "reject_hosting_request",
            &[
                ("csrf", &csrf),
                ("id", &id.to_string()),
                ("reason", "again"),
            ],
        )
        .await;
    assert_eq!(kind(again), ErrorKind::AlreadyDecided, "{b}");
    let approve = admin
        .server_fn(
            "approve_hosting_request",
            &[("csrf", &csrf), ("id", &id.to_string()), ("quota", "")],
        )
        .await;
    assert_eq!(kind(approve), ErrorKind::AlreadyDecided, "{b}");
    let html = s
        .form_error(
            admin,
            detail_path,
            "reject_hosting_request",
            &[("id", &id.to_string()), ("reason", "again")],
        )
        .await;
    assert!(
        main_text(&html).contains(&ErrorKind::AlreadyDecided.message(Locale::En)),
        "{b}"
    );
    assert_eq!(s.nth_mail("marie@example.net", 2).await.text, rejected.text);
    assert_eq!(
        s.smtp.mails_to("marie@example.net").len(),
        2,
        "{b}: told once"
    );
}

/// The requester's page says so too.
async fn the_requesters_page_says_rejected(s: &Site, f: &Filed, admin: &WebClient) {
    let b = s.backend();
    let Filed { marie, path, .. } = f;
    let html = marie.get(path).await.html;
    assert_eq!(
        attr(main_html(&html), "data-state"),
        Some("rejected"),
        "{b}"
    );
    assert!(!main_text(&html).contains("Confirmer ma demande"), "{b}");

    // An unknown request.
    let unknown = admin.get("/admin/requests/999999").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{b}");
    let bad = admin.get("/admin/requests/abc").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND, "{b}");
}

per_backend!(the_queue_and_the_console_are_for_provider_admins_only);
async fn the_queue_and_the_console_are_for_provider_admins_only(backend: Backend) {
    let s = Site::start(&backend).await;
    let b = s.backend();
    let visitor = s.visitor("en");
    s.submit(&visitor, &form(&[])).await;
    let id = s.records(RequestStatus::Unconfirmed).await[0]
        .id
        .to_string();

    for path in ["/admin/requests", &format!("/admin/requests/{id}")] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::FOUND, "{b}: {path} for a visitor");
    }
    assert_eq!(
        kind(visitor.server_fn("hosting_queue", &[]).await),
        ErrorKind::NotLoggedIn
    );

    let owner = s.xmpp_user("olga", HOSTED, true).await;
    let user = s.xmpp_user("ursula", HOSTED, false).await;
    for (who, web) in [("owner", &owner), ("user", &user)] {
        for path in ["/admin/requests", &format!("/admin/requests/{id}")] {
            let page = web.get(path).await;
            assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "{b}: {path} for an {who}"
            );
            assert!(
                main_text(&page.html).contains(&ErrorKind::Forbidden.message(Locale::En)),
                "{b}"
            );
            assert!(!page.html.contains("marie@example.net"), "{b}");
        }
        let csrf = web.get("/").await.csrf();
        let calls: [(&str, Vec<(&str, &str)>); 7] = [
            ("hosting_queue", vec![]),
            ("hosting_request_detail", vec![("id", &id)]),
            (
                "approve_hosting_request",
                vec![("csrf", &csrf), ("id", &id), ("quota", "")],
            ),
            (
                "reject_hosting_request",
                vec![("csrf", &csrf), ("id", &id), ("reason", "no")],
            ),
            ("provider_domains", vec![]),
            ("provider_admins", vec![]),
            (
                "add_local_admin",
                vec![
                    ("csrf", &csrf),
                    ("username", "mallory"),
                    ("password", PASSWORD),
                ],
            ),
        ];
        for (name, fields) in calls {
            assert_eq!(
                kind(web.server_fn(name, &fields).await),
                ErrorKind::Forbidden,
                "{b}: {name} for an {who}"
            );
        }
    }
    assert_eq!(s.records(RequestStatus::Unconfirmed).await.len(), 1, "{b}");
    assert!(!s.visitor("en").login("mallory", PASSWORD).await);
}

per_backend!(the_console_lists_the_domains_and_manages_local_admins);
async fn the_console_lists_the_domains_and_manages_local_admins(backend: Backend) {
    let s = Site::start(&backend).await;
    let admin = s.admin("en").await;
    the_console_lists_the_domains_and_the_admins(&s, &admin).await;
    a_request_to_review_shows_in_the_link(&s, &admin).await;
    a_local_admin_is_added_and_logs_in(&s, &admin).await;
    a_bad_local_admin_is_refused_at_its_fields(&s, &admin).await;
    another_admin_is_removed_but_not_oneself(&s, &admin).await;
}

/// The console links to the queue, the history and every domain, and lists the provider admins.
async fn the_console_lists_the_domains_and_the_admins(s: &Site, admin: &WebClient) {
    let b = s.backend();
    let page = admin.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK, "{b}");
    let html = &page.html;
    let text = main_text(html);
    for link in [
        "href=\"/admin/requests\"",
        "href=\"/audit\"",
        &format!("href=\"/domains/{HOSTED}\""),
        &format!("href=\"/domains/{PROVIDER}\""),
    ] {
        assert!(html.contains(link), "{b}: {link}");
    }
    for expected in [
        "Hosting requests",
        "active",
        "Invitation only",
        "logins are refused, data is kept",
        "Provider admins",
        provider_admin_jid(&s.prosody).as_str(),
        "configuration file",
        "Add a provider admin",
        // Kept from before: adding a domain and creating an account.
        "Add a hosted domain",
        "Create an account",
    ] {
        assert!(text.contains(expected), "{b}: {expected} in {text}");
    }
}

/// A request to review shows in the link.
async fn a_request_to_review_shows_in_the_link(s: &Site, admin: &WebClient) {
    let b = s.backend();
    let marie = s.visitor("en");
    s.submit(&marie, &form(&[])).await;
    let mail = s.nth_mail("marie@example.net", 1).await;
    let path = s.confirmation_path(&mail);
    let csrf = marie.get(&path).await.csrf();
    let token = path.trim_start_matches("/request/confirm/");
    marie
        .server_fn(
            "confirm_hosting_request",
            &[("csrf", &csrf), ("token", token)],
        )
        .await
        .unwrap();
    let html = admin.get("/admin").await.html;
    let link = page::marked(&html, "href", "/admin/requests")
        .into_iter()
        .find(|link| link.contains("data-to-review"))
        .expect("the link to the queue");
    assert_eq!(attr(link, "data-to-review"), Some("1"), "{b}: {link}");
    assert!(
        main_text(&html).contains("Hosting requests (one to review)"),
        "{b}: in words"
    );
}

/// A local admin is added with the form, and can log in.
async fn a_local_admin_is_added_and_logs_in(s: &Site, admin: &WebClient) {
    let b = s.backend();
    let csrf = admin.get("/admin").await.csrf();
    let (_, location) = admin
        .post_form(
            "/api/add_local_admin",
            &[
                ("csrf", &csrf),
                ("username", "second"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/admin"), "{b}");
    let second = s.visitor("fr");
    assert!(second.login("second", PASSWORD).await, "{b}");
    let text = main_text(&admin.get("/admin").await.html);
    assert!(text.contains("second"), "{b}");
    assert!(
        text.contains("Remove (second)"),
        "{b}: a button to remove it"
    );
    assert!(
        !text.contains(&format!("Remove ({ADMIN})")),
        "{b}: not oneself"
    );
    // In French for the second admin.
    let text = main_text(&second.get("/admin").await.html);
    assert!(text.contains("Administrateurs de l’hébergeur"), "{b}");
    assert!(text.contains("Retirer (admin)"), "{b}");
}

/// The same name again, a short password: errors next to the fields, the name kept.
async fn a_bad_local_admin_is_refused_at_its_fields(s: &Site, admin: &WebClient) {
    let b = s.backend();
    let html = s
        .form_error(
            admin,
            "/admin",
            "add_local_admin",
            &[("username", "second"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        field_error(&html, "admin-username").as_deref(),
        Some(ErrorKind::AdminExists.message(Locale::En).as_str()),
        "{b}"
    );
    assert!(tag(&html, "admin-username").contains(r#"value="second""#));
    let html = s
        .form_error(
            admin,
            "/admin",
            "add_local_admin",
            &[("username", "third"), ("password", "short")],
        )
        .await;
    assert!(field_error(&html, "admin-password").is_some(), "{b}");
    assert!(tag(&html, "admin-username").contains(r#"value="third""#));
}

/// Nobody removes themselves; another admin can be removed.
async fn another_admin_is_removed_but_not_oneself(s: &Site, admin: &WebClient) {
    let b = s.backend();
    let admins: AdminsView =
        serde_json::from_str(&admin.server_fn("provider_admins", &[]).await.unwrap()).unwrap();
    assert_eq!(admins.configured, vec![provider_admin_jid(&s.prosody)]);
    let id_of = |name: &str| {
        admins
            .local
            .iter()
            .find(|a| a.username == name)
            .unwrap()
            .id
            .to_string()
    };
    let (me, other) = (id_of(ADMIN), id_of("second"));
    let csrf = admin.get("/admin").await.csrf();
    let removed = admin
        .server_fn("remove_local_admin", &[("csrf", &csrf), ("id", &me)])
        .await;
    assert_eq!(kind(removed), ErrorKind::CannotRemoveAdmin, "{b}");
    let html = s
        .form_error(admin, "/admin", "remove_local_admin", &[("id", &me)])
        .await;
    assert!(
        main_text(&html).contains(&ErrorKind::CannotRemoveAdmin.message(Locale::En)),
        "{b}"
    );
    let (_, location) = admin
        .post_form(
            "/api/remove_local_admin",
            &[("csrf", &csrf), ("id", &other)],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/admin"), "{b}");
    let text = main_text(&admin.get("/admin").await.html);
    assert!(!text.contains("Remove (second)"), "{b}");
    assert!(!s.visitor("en").login("second", PASSWORD).await, "{b}");
    let audit = server::audit::list(&s.portal.state.db, None, None, 50)
        .await
        .unwrap();
    for action in ["add-provider-admin", "remove-provider-admin"] {
        assert!(
            audit
                .iter()
                .any(|e| e.action.as_str() == action && e.target == "second"),
            "{b}: {action} in the history"
        );
    }
}
