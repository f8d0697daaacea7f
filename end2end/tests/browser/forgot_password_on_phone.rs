//! A user on a phone-sized screen, in French, in a real headless Chromium: gives a recovery
//! address on "Mon compte" and confirms it with the link the real SMTP server receives; later,
//! logged out and having forgotten the password, asks for a link from the login page's "Mot de
//! passe oublié ?"; the link's page sets a new password, which then logs in to the real Prosody
//! (and the old one does not).
//!
//! Needs the site built first (`scripts/build.sh`), and /usr/bin/chromium + /usr/bin/chromedriver.

use domaine_tests::{
    database::Backend,
    portal::TestPortal,
    prosody::{can_login, Prosody},
    smtp::SmtpServer,
};
use end2end::{assert_site_is_current, ensure, with_browser, BrowserConfig, Tab, TestResult};
use server::xmpp::BareJid;
use std::time::Duration;

const DOMAIN: &str = "club.test";
const USER: &str = "rita@club.test";
const RECOVERY: &str = "rita@mail.test";
const OLD_PASSWORD: &str = "the old password 1";
const NEW_PASSWORD: &str = "trois mots au hasard";

async fn fits_the_screen(tab: &Tab, page: &str) -> TestResult {
    let (overflow, width) = tab.horizontal_overflow().await?;
    ensure!(
        overflow <= 0,
        "the {page} page fits the {width} px phone screen, yet scrolls by {overflow} px"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_resets_a_forgotten_password_on_a_phone_in_french() {
    assert_site_is_current();
    let prosody = Prosody::start(&[DOMAIN]);
    let smtp = SmtpServer::start();
    let portal = TestPortal::start_with_smtp(&prosody, &Backend::Sqlite, &smtp).await;
    prosody.register("rita", DOMAIN, OLD_PASSWORD);

    let smtp = &smtp;
    let base = &portal.url("");
    // The subject and the path of the first mail to her recovery address with a link to `part`.
    let link_in_mail = |part: &'static str| async move {
        let mail = smtp
            .wait_for_mail_where(RECOVERY, Duration::from_secs(15), |mails| {
                mails.into_iter().find(|m| m.text.contains(part))
            })
            .await;
        let link = mail.link(part);
        let path = link.strip_prefix(base.as_str()).map(str::to_string);
        (
            mail.subject,
            path.ok_or(format!("a link to the portal: {link}")),
        )
    };
    with_browser(base, BrowserConfig::phone("fr"), |tab| async move {
        tab.log_in(USER, OLD_PASSWORD).await?;
        tab.goto("/me").await?;
        tab.wait_until_form_hydrated("/api/set_recovery_email")
            .await?;
        fits_the_screen(&tab, "account").await?;
        tab.fill("#email", RECOVERY).await?;
        tab.click("form[action$='/api/set_recovery_email'] button[type=submit]")
            .await?;
        tab.wait_until(
            "the page shows the address waiting for confirmation",
            "document.querySelector('[data-recovery=pending]') !== null",
        )
        .await?;
        let (_, confirm) = link_in_mail("/recovery/confirm/").await;
        tab.goto(&confirm?).await?;
        tab.wait_until_form_hydrated("/api/confirm_recovery_email")
            .await?;
        tab.click("form[action$='/api/confirm_recovery_email'] button[type=submit]")
            .await?;
        tab.wait_until(
            "the address is confirmed",
            "document.querySelector('[data-recovery=confirmed]') !== null",
        )
        .await?;
        tab.client.delete_all_cookies().await?;

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
        fits_the_screen(&tab, "forgot").await?;
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

        let (subject, reset) = link_in_mail("/reset/").await;
        ensure!(
            subject == format!("Choisissez un nouveau mot de passe pour {USER}"),
            "the mail is in French: {subject:?}"
        );
        tab.goto(&reset?).await?;
        tab.wait_until_form_hydrated("/api/reset_password").await?;
        fits_the_screen(&tab, "reset").await?;
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
