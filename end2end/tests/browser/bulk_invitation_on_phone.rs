//! An owner on a phone-sized screen, in a real headless Chromium: pastes a list of addresses
//! (one of them not an address) on the invitations page, sends it, lands on the task's page,
//! which shows its progress bar partway (the portal waits between batches), and then, once the
//! job went on, the final report with the bad line named by its number. The invitations reach
//! the real SMTP server.
//!
//! Needs the site built first (`scripts/build.sh`), and /usr/bin/chromium + /usr/bin/chromedriver.

use domaine_tests::{database::Backend, portal::TestPortal, prosody::Prosody, smtp::SmtpServer};
use end2end::{assert_site_is_current, ensure, js_string, with_browser, BrowserConfig};
use std::time::Duration;

const DOMAIN: &str = "club.test";
const OWNER: &str = "olga@club.test";
const PASSWORD: &str = "owner password 1";
/// Between two batches of the portal's clock: the page shows the job partway until the test
/// moves that clock on.
const PAUSE_SECS: i64 = 3600;

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_follows_a_bulk_invitation_on_a_phone() {
    assert_site_is_current();
    let prosody = Prosody::start(&[DOMAIN]);
    let smtp = SmtpServer::start();
    let config = format!("[bulk]\nbatch_size = 2\npause_secs = {PAUSE_SECS}\n");
    let portal = TestPortal::start_configured(&prosody, &Backend::Sqlite, &smtp, &config).await;
    prosody.register("olga", DOMAIN, PASSWORD);
    portal.add_owner(DOMAIN, OWNER).await;
    let list = "ann@mail.test\nbob@mail.test\nnot an address\ncat@mail.test";

    let state = portal.state.clone();
    with_browser(
        &portal.url(""),
        BrowserConfig::phone("en"),
        |tab| async move {
            tab.log_in(OWNER, PASSWORD).await?;
            tab.goto(&format!("/domains/{DOMAIN}/invites")).await?;
            tab.fill("#bulk-invite-addresses", list).await?;
            tab.click("#bulk-invite button[type=submit]").await?;
            // The first batch (two lines) is done; the rest waits for the portal's next turn.
            tab.wait_until(
                "the task page shows its progress partway",
                "location.pathname.includes('/tasks/')
             && document.querySelector('[data-task-done]')?.dataset.taskDone === '2'
             && document.querySelector('[data-task-total]')?.dataset.taskTotal === '4'",
            )
            .await?;
            let bar = tab
                .js(
                    "const p = document.querySelector('progress#task-progress');
                 return p ? [p.value, p.max] : null;",
                    vec![],
                )
                .await?;
            ensure!(
                bar == serde_json::json!([2, 4]),
                "a progress bar at 2 of 4: {bar}"
            );
            ensure!(
                tab.js(
                    "return document.querySelector('[data-task-report]') === null;",
                    vec![]
                )
                .await?
                    == true,
                "no report before the end"
            );
            let (overflow, width) = tab.horizontal_overflow().await?;
            ensure!(
                overflow <= 0,
                "the task page fits the {width} px phone screen, yet scrolls by {overflow} px"
            );

            // The portal's clock reaches the next batch; the page updates itself.
            state.clock.advance(PAUSE_SECS + 1);
            state.tasks.notify_one();
            tab.wait_until(
                "the final report shows, with the bad line",
                &format!(
                    "document.querySelector('[data-task-report]') !== null
                 && document.querySelector('[data-task-state]')?.dataset.taskState === 'done'
                 && document.querySelector('[data-task-failure]')?.textContent.includes({})",
                    js_string("line 3")
                ),
            )
            .await?;
            let succeeded = tab
                .js(
                    "return document.querySelector('[data-task-succeeded]').dataset.taskSucceeded;",
                    vec![],
                )
                .await?;
            ensure!(succeeded == "3", "three invitations: {succeeded}");
            Ok(())
        },
    )
    .await;

    for address in ["ann@mail.test", "bob@mail.test", "cat@mail.test"] {
        let mail = smtp.wait_for_mail(address, Duration::from_secs(15)).await;
        assert!(
            mail.text.contains("/invite/"),
            "{address} got an invitation link"
        );
    }
}
