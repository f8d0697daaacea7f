//! A user who forgot their password, on a phone-sized screen, in French, in a real headless
//! Chromium: from the login page's "Mot de passe oublié ?" they ask for a link, which the real
//! SMTP server receives at their confirmed recovery address; the link's page sets a new
//! password, which then logs in to the real Prosody (and the old one does not).
//!
//! Needs the site built first (`scripts/build.sh`), and /usr/bin/chromium + /usr/bin/chromedriver.

use domaine_tests::{
    database::Backend,
    portal::TestPortal,
    prosody::{can_login, Prosody},
    smtp::SmtpServer,
};
use end2end::{assert_site_is_current, ensure, with_browser, BrowserConfig};
use server::xmpp::BareJid;
use std::time::Duration;

const DOMAIN: &str = "club.test";
const USER: &str = "rita@club.test";
const RECOVERY: &str = "rita@mail.test";
const OLD_PASSWORD: &str = "the old password 1";
const NEW_PASSWORD: &str = "trois mots au hasard";

#[tokio::test(flavor = "multi_thread")]
async fn a_user_resets_a_forgotten_password_on_a_phone_in_french() {
    assert_site_is_current();
    let prosody = Prosody::start(&[DOMAIN]);
    let smtp = SmtpServer::start();
    let portal = TestPortal::start_with_smtp(&prosody, &Backend::Sqlite, &smtp).await;
    prosody.register("rita", DOMAIN, OLD_PASSWORD);
    // Her confirmed recovery address (the pages that give it are tested in `recovery`).
    let db = &portal.state.db;
    let domain = server::domains::get(db, DOMAIN).await.unwrap().unwrap();
    let token = server::recovery::set_pending(db, domain.id, "rita", RECOVERY)
        .await
        .unwrap();
    assert!(server::recovery::confirm(db, &token)
        .await
        .unwrap()
        .is_some());

    let smtp = &smtp;
    let base = portal.url("");
    with_browser(&base, BrowserConfig::phone("fr"), |tab| async move {
        tab.goto("/login").await?;
        let forgot = tab.text("a[data-forgot=link]").await?;
        ensure!(
            forgot == "Mot de passe oublié ?",
            "the login page offers it in French: {forgot:?}"
        );
        tab.click("a[data-forgot=link]").await?;
        tab.wait_until("the forgot page", "location.pathname === '/forgot'")
            .await?;
        tab.wait_until_form_hydrated("/api/forgot_password").await?;
        let label = tab.text("label[for=jid]").await?;
        ensure!(
            label == "Votre adresse XMPP",
            "the field has its label: {label:?}"
        );
        let (overflow, width) = tab.horizontal_overflow().await?;
        ensure!(
            overflow <= 0,
            "the page fits the {width} px phone screen, yet scrolls by {overflow} px"
        );
        tab.fill("#jid", USER).await?;
        tab.click("form[action$='/api/forgot_password'] button[type=submit]")
            .await?;
        tab.wait_until(
            "the page says the request was received",
            "document.querySelector('[data-forgot=sent]') !== null",
        )
        .await?;
        let sent = tab.text("[data-forgot=sent]").await?;
        ensure!(sent.starts_with("Demande reçue."), "in French: {sent:?}");

        let mail = smtp
            .wait_for_mail_where(RECOVERY, Duration::from_secs(15), |mails| {
                mails.into_iter().find(|m| m.text.contains("/reset/"))
            })
            .await;
        ensure!(
            mail.subject == format!("Choisissez un nouveau mot de passe pour {USER}"),
            "the mail is in French: {:?}",
            mail.subject
        );
        let link = mail.link("/reset/");
        ensure!(link.starts_with(&base), "a link to the portal: {link}");
        tab.goto(link.trim_start_matches(&base)).await?;
        tab.wait_until_form_hydrated("/api/reset_password").await?;
        let (overflow, width) = tab.horizontal_overflow().await?;
        ensure!(
            overflow <= 0,
            "the reset page fits the {width} px phone screen, yet scrolls by {overflow} px"
        );
        tab.fill("#password", NEW_PASSWORD).await?;
        tab.fill("#confirm", NEW_PASSWORD).await?;
        tab.click("form[action$='/api/reset_password'] button[type=submit]")
            .await?;
        tab.wait_until(
            "the welcome page after the reset",
            "location.pathname === '/welcome'",
        )
        .await?;
        Ok(())
    })
    .await;

    let jid = BareJid::new(USER).unwrap();
    assert!(can_login(prosody.c2s_addr(), &jid, NEW_PASSWORD).await);
    assert!(!can_login(prosody.c2s_addr(), &jid, OLD_PASSWORD).await);
}
