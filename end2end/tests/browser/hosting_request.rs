//! A hosting request from start to finish in a real headless Chromium: a stranger files the
//! form, confirms it through the link read from the real SMTP server, a provider admin approves
//! it, the new owner redeems the owner invitation e-mailed to them, and the account made on the
//! new domain logs in to Prosody.
//!
//! Needs the site built first (`scripts/build.sh`), /usr/bin/chromium + /usr/bin/chromedriver,
//! python3-aiosmtpd and dnsmasq.

use domaine_tests::{
    database::Backend,
    dns::{DnsServer, TestZone},
    portal::TestPortal,
    prosody::{can_login, Prosody},
    smtp::{ReceivedMail, SmtpServer},
};
use end2end::{
    assert_site_is_current, ensure, js_string, with_browser, BrowserConfig, Tab, TestResult,
};
use server::xmpp::BareJid;
use std::time::Duration;

const PROVIDER: &str = "provider.test";
const DOMAIN: &str = "club-echecs.test";
const EMAIL: &str = "lea@example.net";
const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "admin password 1";
const PASSWORD: &str = "une phrase de passe";

/// The path of the mail's first link that contains `part`, relative to `base`.
fn path_in(mail: &ReceivedMail, part: &str, base: &str) -> String {
    mail.link(part).trim_start_matches(base).to_string()
}

async fn submit(tab: &Tab, action: &str) -> TestResult {
    tab.click(&format!("form[action$='{action}'] button[type=submit]"))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_asks_an_admin_approves_and_the_new_owner_joins() {
    assert_site_is_current();
    let prosody = Prosody::start(&[PROVIDER]);
    let smtp = SmtpServer::start();
    let dns = DnsServer::start(&TestZone::new().xmpp_srv(DOMAIN, "xmpp.provider.test", 5222, 5269));
    let portal = TestPortal::start_configured(
        &prosody,
        &Backend::Sqlite,
        &smtp,
        &format!(
            "[hosting]\n[hosting.dns]\nserver_host = \"xmpp.provider.test\"\nresolver = \"{}\"\n",
            dns.addr()
        ),
    )
    .await;
    portal.create_admin(ADMIN, ADMIN_PASSWORD).await;
    let base = portal.url("");

    // The stranger files the request, then confirms it from the e-mail.
    with_browser(&base, BrowserConfig::phone("fr"), |tab| async move {
        tab.goto("/request").await?;
        tab.wait_until_form_hydrated("/api/submit_hosting_request")
            .await?;
        tab.fill("#request-domain", DOMAIN).await?;
        tab.fill("#request-name", "Léa").await?;
        tab.fill("#request-email", EMAIL).await?;
        tab.fill("#request-message", "Pour le club d'échecs")
            .await?;
        submit(&tab, "/api/submit_hosting_request").await?;
        tab.wait_until(
            "the page asks to check the mailbox",
            "location.pathname === '/request/sent'",
        )
        .await
    })
    .await;
    let mail = smtp.wait_for_mail(EMAIL, Duration::from_secs(20)).await;
    let confirm = path_in(&mail, "/request/confirm/", &base);
    with_browser(&base, BrowserConfig::desktop("fr"), |tab| async move {
        tab.goto(&confirm).await?;
        tab.wait_until_form_hydrated("/api/confirm_hosting_request")
            .await?;
        submit(&tab, "/api/confirm_hosting_request").await?;
        tab.wait_until(
            "the page shows the DNS records to add",
            &format!(
                "document.body.innerText.includes({})",
                js_string(&format!("_xmpp-client._tcp.{DOMAIN}."))
            ),
        )
        .await
    })
    .await;
    let request = server::hosting_requests::by_status(
        &portal.state.db,
        app::hosting_requests::RequestStatus::ToReview,
    )
    .await
    .unwrap()
    .pop()
    .expect("the request is in the queue");

    // A provider admin approves it.
    let detail = format!("/admin/requests/{}", request.id);
    with_browser(&base, BrowserConfig::desktop("en"), |tab| async move {
        tab.log_in(ADMIN, ADMIN_PASSWORD).await?;
        tab.goto(&detail).await?;
        tab.wait_until_form_hydrated("/api/approve_hosting_request")
            .await?;
        let text = tab.text("main").await?;
        ensure!(
            text.contains(DOMAIN),
            "the request page names the domain: {text:?}"
        );
        tab.fill("#approve-quota", "20").await?;
        submit(&tab, "/api/approve_hosting_request").await?;
        tab.wait_until(
            "the request shows as approved",
            "location.search.includes('done=approved')",
        )
        .await
    })
    .await;

    // The owner invitation arrives; the requester makes their account with it.
    let invitation = smtp
        .wait_for_mail_where(EMAIL, Duration::from_secs(30), |mails| {
            mails.into_iter().find(|m| m.text.contains("/invite/"))
        })
        .await;
    let invite = path_in(&invitation, "/invite/", &base);
    with_browser(&base, BrowserConfig::phone("fr"), |tab| async move {
        tab.goto(&invite).await?;
        tab.wait_until_form_hydrated("/api/register_with_invite")
            .await?;
        tab.fill("#username", "lea").await?;
        tab.fill("#password", PASSWORD).await?;
        tab.fill("#confirm", PASSWORD).await?;
        submit(&tab, "/api/register_with_invite").await?;
        tab.wait_until("the welcome page", "location.pathname === '/welcome'")
            .await
    })
    .await;

    let lea = BareJid::new(&format!("lea@{DOMAIN}")).unwrap();
    assert!(
        can_login(prosody.c2s_addr(), &lea, PASSWORD).await,
        "the account on the new domain logs in to Prosody"
    );
    let row = server::domains::get(&portal.state.db, DOMAIN)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        server::domains::owners(&portal.state.db, row.id)
            .await
            .unwrap(),
        [lea.to_string()],
        "the requester owns the new domain"
    );
    drop(dns);
}
