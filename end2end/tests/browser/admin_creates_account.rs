//! The provider admin in a real headless Chromium, against the portal running in-process and a
//! real Prosody: logging in, creating an account (hydrated, and without JavaScript), an error
//! shown next to its field, French, and a phone-sized screen.
//!
//! Needs the site built first (`scripts/build.sh`), and /usr/bin/chromium + /usr/bin/chromedriver.

use domaine_tests::prosody::bare_jid;
use domaine_tests::{
    database::Backend,
    portal::TestPortal,
    prosody::{can_login, Prosody},
};
use end2end::{
    assert_site_is_current, ensure, js_string, with_browser, BrowserConfig, Failure, Tab,
    TestResult,
};

const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "correct horse battery";
const DOMAIN: &str = "one.test";
const CREATE_ACCOUNT: &str = "/api/create_account";

async fn start() -> (Prosody, TestPortal) {
    assert_site_is_current();
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    portal.create_admin(ADMIN, ADMIN_PASSWORD).await;
    (prosody, portal)
}

/// Logs in through the login page and checks the admin page lists the domain.
async fn log_in(tab: &Tab) -> TestResult {
    tab.log_in(ADMIN, ADMIN_PASSWORD).await?;
    tab.wait_until(
        "the admin page lists the domain",
        &format!(
            "location.pathname === '/admin' && [...document.querySelectorAll('td')]
                 .some(td => td.textContent.trim() === {})",
            js_string(DOMAIN)
        ),
    )
    .await
}

async fn fill_account_form(tab: &Tab, username: &str, password: &str) -> TestResult {
    tab.select("#account-domain", DOMAIN).await?;
    tab.fill("#account-username", username).await?;
    tab.fill("#account-password", password).await?;
    Ok(())
}

/// Creates `jid` through the admin page's form; whether that happened without a page load
/// (which would lose a marker set on the page before).
async fn create_account(
    tab: &Tab,
    username: &str,
    password: &str,
    jid: &str,
) -> Result<bool, Failure> {
    tab.js("window.__e2eMarker = 'same page';", vec![]).await?;
    fill_account_form(tab, username, password).await?;
    tab.click("form[action$='/api/create_account'] button[type=submit]")
        .await?;
    tab.wait_for_status(&format!("The account {jid} was created."))
        .await?;
    let same_page = tab
        .js("return window.__e2eMarker === 'same page';", vec![])
        .await?;
    Ok(same_page == true)
}

#[tokio::test(flavor = "multi_thread")]
async fn with_javascript_the_admin_creates_an_account_without_a_page_load() {
    let (prosody, portal) = start().await;
    let c2s = prosody.c2s_addr();
    let jid = format!("alice@{DOMAIN}");
    let password = "a good password";
    assert!(
        !can_login(c2s, &bare_jid(&jid), password).await,
        "no such account yet"
    );

    with_browser(
        &portal.url(""),
        BrowserConfig::desktop("en"),
        |tab| async move {
            log_in(&tab).await?;
            tab.wait_until_form_hydrated(CREATE_ACCOUNT).await?;

            // The hydrated form must not cause a full page load.
            ensure!(
                create_account(&tab, "alice", password, &jid).await?,
                "the account was created through a page load, not the hydrated form"
            );
            ensure!(
                can_login(c2s, &bare_jid(&jid), password).await,
                "the new account logs in to Prosody"
            );
            ensure!(
                !can_login(c2s, &bare_jid(&jid), "not the password").await,
                "only with its password"
            );

            // The same username again: the error is shown next to the username field, which keeps it.
            fill_account_form(&tab, "alice", password).await?;
            tab.click("form[action$='/api/create_account'] button[type=submit]")
                .await?;
            tab.wait_until(
                "the username field shows the error",
                "(() => {
                 const field = document.querySelector('#account-username').closest('.field');
                 const error = field.querySelector('#account-username-error');
                 return field.classList.contains('field--invalid') && !error.hidden
                     && error.textContent.trim() === 'This account already exists.';
             })()",
            )
            .await?;
            let kept = tab.value("#account-username").await?;
            ensure!(kept == "alice", "the username is kept, got {kept:?}");
            let same_page = tab
                .js("return window.__e2eMarker === 'same page';", vec![])
                .await?;
            ensure!(same_page == true, "the error came through a page load");
            let errors = tab.page_errors().await?;
            ensure!(errors.is_empty(), "the page logged errors: {errors:?}");
            Ok(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_javascript_the_admin_creates_an_account_all_the_same() {
    let (prosody, portal) = start().await;
    let c2s = prosody.c2s_addr();
    let jid = format!("bob@{DOMAIN}");
    let password = "another good password";
    assert!(!can_login(c2s, &bare_jid(&jid), password).await);

    let config = BrowserConfig::desktop("en").without_javascript();
    with_browser(&portal.url(""), config, |tab| async move {
        log_in(&tab).await?;
        ensure!(
            !tab.page_scripts_run().await?,
            "the page's scripts run: JavaScript is not off"
        );
        ensure!(
            !create_account(&tab, "bob", password, &jid).await?,
            "no new page was loaded"
        );
        ensure!(
            can_login(c2s, &bare_jid(&jid), password).await,
            "the new account logs in to Prosody"
        );
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_phone_in_french_the_pages_fit_the_screen() {
    let (_prosody, portal) = start().await;

    with_browser(
        &portal.url(""),
        BrowserConfig::phone("fr"),
        |tab| async move {
            tab.goto("/login").await?;
            let lang = tab
                .js("return document.documentElement.lang;", vec![])
                .await?;
            ensure!(lang == "fr", "the page is in French, lang={lang}");
            let submit = tab
                .text("form[action='/auth/login'] button[type=submit]")
                .await?;
            ensure!(submit == "Se connecter", "the login button says {submit:?}");
            let (overflow, width) = tab.horizontal_overflow().await?;
            ensure!(width == 360, "a phone-sized viewport, got {width} px");
            ensure!(overflow <= 0, "/login scrolls sideways by {overflow} px");

            log_in(&tab).await?;
            tab.wait_until_form_hydrated(CREATE_ACCOUNT).await?;
            let heading = tab.text("h1").await?;
            ensure!(
                heading == "Domaines hébergés",
                "the admin page's heading: {heading:?}"
            );
            let (overflow, _) = tab.horizontal_overflow().await?;
            ensure!(overflow <= 0, "/admin scrolls sideways by {overflow} px");

            // The measurement does see an overflow when there is one.
            tab.js(
                "const wide = document.createElement('div');
             wide.id = 'e2e-wide'; wide.style.width = '2000px'; wide.style.height = '1px';
             document.body.append(wide);",
                vec![],
            )
            .await?;
            let (overflow, _) = tab.horizontal_overflow().await?;
            ensure!(
                overflow > 1000,
                "a 2000 px element overflows, measured {overflow} px"
            );
            Ok(())
        },
    )
    .await;
}
