//! A new user on a phone-sized screen, in French, in a real headless Chromium: opens the
//! landing page of an invitation an owner made, sees the app button and the username check as
//! they type, creates their account on the web, and that account logs in to the real Prosody.
//!
//! Needs the site built first (`scripts/build.sh`), and /usr/bin/chromium + /usr/bin/chromedriver.

use domaine_tests::{
    database::Backend,
    portal::TestPortal,
    prosody::{can_login, Prosody},
    web::WebClient,
};
use end2end::{assert_site_is_current, ensure, js_string, with_browser, BrowserConfig};
use server::xmpp::BareJid;

const DOMAIN: &str = "club.test";
const OWNER: &str = "olga@club.test";
const OWNER_PASSWORD: &str = "owner password 1";
const PASSWORD: &str = "trois mots au hasard";

#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_registers_on_the_web_from_an_invitation_on_a_phone() {
    assert_site_is_current();
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    prosody.register("olga", DOMAIN, OWNER_PASSWORD);
    portal.add_owner(DOMAIN, OWNER).await;

    // The owner makes a single-use invitation (their console is tested elsewhere).
    let owner = WebClient::logged_in(&portal.url("/"), "en", OWNER, OWNER_PASSWORD, "/").await;
    let csrf = owner.get(&format!("/domains/{DOMAIN}")).await.csrf();
    let id: i64 = owner
        .server_fn("create_invite", &[("csrf", &csrf), ("domain", DOMAIN)])
        .await
        .unwrap()
        .parse()
        .unwrap();
    let token = server::invitations::by_id(&portal.state.db, DOMAIN, id)
        .await
        .unwrap()
        .unwrap()
        .token;

    let landing = format!("/invite/{token}");
    with_browser(
        &portal.url(""),
        BrowserConfig::phone("fr"),
        |tab| async move {
            tab.goto(&landing).await?;
            tab.wait_until_form_hydrated("/api/register_with_invite")
                .await?;
            let h1 = tab.text("h1").await?;
            ensure!(
                h1 == format!("{OWNER} vous invite sur {DOMAIN}"),
                "the heading says who invites where, in French: {h1:?}"
            );
            let app_link = tab
                .js(
                    "return [...document.querySelectorAll('a')]
                     .find(a => a.textContent.trim() === 'Ouvrir dans mon application')
                     ?.getAttribute('href');",
                    vec![],
                )
                .await?;
            ensure!(
                app_link.as_str() == Some(&format!("xmpp:{DOMAIN}?register;preauth={token}")),
                "the app button carries the preauth URI: {app_link}"
            );
            let (overflow, width) = tab.horizontal_overflow().await?;
            ensure!(
                overflow <= 0,
                "the page fits the {width} px phone screen, yet scrolls by {overflow} px"
            );

            // The username check answers as one types.
            tab.fill("#username", "Nadia").await?;
            tab.wait_until(
                "the form says the address is available",
                &format!(
                    "document.querySelector('#username-check').textContent.includes({})",
                    js_string(&format!("nadia@{DOMAIN} est disponible"))
                ),
            )
            .await?;
            tab.fill("#password", PASSWORD).await?;
            tab.wait_until(
                "the strength hint shows",
                "document.querySelector('#password-hint .strength') !== null",
            )
            .await?;
            tab.fill("#confirm", PASSWORD).await?;
            tab.click("form[action$='/api/register_with_invite'] button[type=submit]")
                .await?;
            tab.wait_until(
                "the welcome page shows the new address",
                &format!(
                    "location.pathname === '/welcome'
                 && document.querySelector('.jid-display')?.textContent.trim() === {}",
                    js_string(&format!("nadia@{DOMAIN}"))
                ),
            )
            .await?;
            Ok(())
        },
    )
    .await;

    let jid = BareJid::new(&format!("nadia@{DOMAIN}")).unwrap();
    assert!(
        can_login(prosody.c2s_addr(), &jid, PASSWORD).await,
        "the account made in the browser logs in to Prosody"
    );
}
