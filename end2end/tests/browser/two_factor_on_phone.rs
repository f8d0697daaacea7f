//! A user on a phone-sized screen, in French, with JavaScript, in a real headless Chromium:
//! sets up two-factor login on `/me` (the code computed, as an authenticator app would, from
//! the secret the page shows), keeps the recovery codes the hydrated page shows, then logs in
//! again with the app's code as the login's second step (digits keyboard, one-time-code).
//!
//! Needs the site built first (`scripts/build.sh`), and /usr/bin/chromium + /usr/bin/chromedriver.

use domaine_tests::{database::Backend, portal::TestPortal, prosody::Prosody};
use end2end::{assert_site_is_current, ensure, with_browser, BrowserConfig};
use totp_rs::{Builder, Secret};

const DOMAIN: &str = "deux.test";
const USER: &str = "lea@deux.test";
const PASSWORD: &str = "a long password 1";

#[tokio::test(flavor = "multi_thread")]
async fn a_user_sets_up_two_factor_login_on_a_phone_in_french() {
    assert_site_is_current();
    let prosody = Prosody::start(&[DOMAIN]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    prosody.register("lea", DOMAIN, PASSWORD);
    let clock = portal.state.clock.clone();

    with_browser(&portal.url(""), BrowserConfig::phone("fr"), |tab| async move {
        tab.log_in(USER, PASSWORD).await?;
        tab.goto("/me").await?;
        tab.wait_until_form_hydrated("/api/start_two_factor").await?;
        tab.click("button[data-two-factor-start]").await?;
        tab.wait_until(
            "the QR code and the secret are shown",
            "document.querySelector('.qr-code svg') && document.querySelector('[data-two-factor-secret]')",
        )
        .await?;
        let secret = tab
            .js(
                "return document.querySelector('[data-two-factor-secret]').dataset.twoFactorSecret;",
                vec![],
            )
            .await?;
        let secret = Secret::try_from_base32(secret.as_str().ok_or("a secret")?)
            .map_err(|e| format!("the secret is base32: {e:?}"))?;
        let app = Builder::new().with_secret(secret).build()?;
        let (overflow, width) = tab.horizontal_overflow().await?;
        ensure!(
            overflow <= 0,
            "the QR code fits the {width} px phone screen, yet the page scrolls by {overflow} px"
        );

        tab.wait_until_form_hydrated("/api/confirm_two_factor").await?;
        tab.fill("#two-factor-code", &app.generate(clock.now() as u64).to_string())
            .await?;
        tab.click("form[action$='/api/confirm_two_factor'] button[type=submit]")
            .await?;
        tab.wait_until(
            "the recovery codes show, with two-factor login on",
            "document.querySelectorAll('[data-recovery-code]').length === 10
                 && document.querySelector('[data-two-factor=on]')",
        )
        .await?;
        let text = tab.text("#two-factor").await?;
        ensure!(
            text.contains("codes de secours"),
            "the section speaks French: {text:?}"
        );

        // Logged out, the password leads to the second step.
        tab.click("form[action='/auth/logout'] button[type=submit]")
            .await?;
        tab.wait_until("logged out", "location.pathname === '/'").await?;
        clock.advance(30);
        tab.send_password(USER, PASSWORD).await?;
        tab.wait_until("the code is asked", "document.querySelector('#login-code')")
            .await?;
        let keyboard = tab
            .js(
                "const input = document.querySelector('#login-code');
                 return [input.inputMode, input.autocomplete];",
                vec![],
            )
            .await?;
        ensure!(
            keyboard == serde_json::json!(["numeric", "one-time-code"]),
            "phones offer digits and fill the code in: {keyboard}"
        );
        tab.fill("#login-code", &app.generate(clock.now() as u64).to_string())
            .await?;
        tab.click("form[action='/auth/login/code'] button[type=submit]")
            .await?;
        tab.wait_until("logged in", "location.pathname === '/'").await?;
        tab.goto("/me").await?;
        tab.wait_until(
            "two-factor login is on",
            "document.querySelector('[data-two-factor=on]')",
        )
        .await
    })
    .await;
}
