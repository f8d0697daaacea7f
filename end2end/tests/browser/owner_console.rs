//! A domain owner in a real headless Chromium, logged in with their XMPP address, against the
//! portal running in-process and a real Prosody serving two domains: closing registration
//! (refused to a real XMPP client afterwards), creating, locking, unlocking and deleting an
//! account (checked by logging in to Prosody), and another owner's domain staying out of reach.
//!
//! Needs the site built first (`scripts/build.sh`), and /usr/bin/chromium + /usr/bin/chromedriver.

use domaine_tests::prosody::bare_jid;
use domaine_tests::{
    database::Backend,
    portal::TestPortal,
    prosody::{can_login, register_in_band, Prosody},
};
use end2end::{
    assert_site_is_current, ensure, js_string, with_browser, BrowserConfig, Failure, Tab,
    TestResult,
};
use fantoccini::{elements::Element, Locator};

const A: &str = "a.test";
const B: &str = "b.test";
const OWNER: &str = "owner@a.test";
const OWNER_PASSWORD: &str = "owner password 1";
const OTHER: &str = "other@b.test";
const OTHER_PASSWORD: &str = "other password 1";
const NEWBIE: &str = "newbie@a.test";
const NEWBIE_PASSWORD: &str = "newbie password 1";
const FORBIDDEN: &str = "You are not allowed to do this.";

/// Registers `user@domain` on Prosody and records them as an owner of `domain`.
async fn make_owner(prosody: &Prosody, portal: &TestPortal, jid: &str, password: &str) {
    let (user, domain) = jid.split_once('@').unwrap();
    prosody.register(user, domain, password);
    assert!(
        portal.add_owner(domain, jid).await,
        "{jid} becomes an owner of {domain}"
    );
}

/// A JavaScript expression: the state its badge marks (`data-state`: `active`, `locked`…) of
/// the account `jid` in the list, or null.
fn badge_of(jid: &str) -> String {
    format!(
        "(() => {{
            const row = [...document.querySelectorAll('table.table tbody tr[data-account]')]
                .find(tr => tr.dataset.account === {});
            return row ? row.querySelector('[data-state]').dataset.state : null;
        }})()",
        js_string(jid)
    )
}

/// The row of the account `jid`, with its "Manage" disclosure opened.
async fn open_row(tab: &Tab, jid: &str) -> Result<Element, Failure> {
    let row = tab
        .client
        .find(Locator::XPath(&format!(
            "//table[contains(@class,'table')]/tbody/tr[@data-account='{jid}']"
        )))
        .await?;
    let details = row.find(Locator::Css("details")).await?;
    if details.attr("open").await?.is_none() {
        details.find(Locator::Css("summary")).await?.click().await?;
    }
    Ok(row)
}

/// Locks (`lock`) or unlocks the account `jid` from its row, and waits until the page shows it.
async fn set_lock(tab: &Tab, jid: &str, lock: bool) -> TestResult {
    let row = open_row(tab, jid).await?;
    let button = row
        .find(Locator::Css(
            "form[action$='/api/set_account_lock'] button[type=submit]",
        ))
        .await?;
    let (label, badge, said) = if lock {
        (
            "Lock",
            "locked",
            format!("The account {jid} is locked: it cannot log in any more."),
        )
    } else {
        (
            "Unlock",
            "active",
            format!("The account {jid} is unlocked."),
        )
    };
    let text = button.text().await?;
    ensure!(
        text.starts_with(label),
        "the row's lock button says {label:?}, got {text:?}"
    );
    button.click().await?;
    tab.wait_for_status(&said).await?;
    tab.wait_until(
        &format!("the list shows {jid} as {badge}"),
        &format!("{} === {}", badge_of(jid), js_string(badge)),
    )
    .await
}

/// Records, for the test, the server function calls the page makes and whether they finished.
async fn track_server_calls(tab: &Tab) -> TestResult {
    tab.js(
        "if (!window.__e2eCalls) {
             window.__e2eCalls = [];
             const fetch = window.fetch;
             window.fetch = function (input, init) {
                 const url = new URL(typeof input === 'string' ? input : input.url, location.href);
                 const call = { path: url.pathname, status: null };
                 window.__e2eCalls.push(call);
                 return fetch.apply(this, arguments).then(
                     response => { call.status = response.status; return response; },
                     error => { call.status = 'failed'; throw error; });
             };
         }",
        vec![],
    )
    .await?;
    Ok(())
}

/// A JavaScript expression: the server function `path` was called and answered.
fn answered(path: &str) -> String {
    format!(
        "window.__e2eCalls.some(c => c.path === {} && c.status !== null)",
        js_string(path)
    )
}

/// Chooses the registration `mode` on the (hydrated) domain page and saves it; then a fresh load
/// of the page shows it saved: checked, in the recent changes, and not pending.
async fn set_registration(tab: &Tab, mode: &str) -> TestResult {
    track_server_calls(tab).await?;
    tab.click(&format!("#mode-{mode}")).await?;
    tab.click("form[action$='/api/set_registration_mode'] button[type=submit]")
        .await?;
    tab.wait_until(
        &format!("the change to {mode} is answered"),
        &answered("/api/set_registration_mode"),
    )
    .await?;
    let failed = tab
        .js(
            "return window.__e2eCalls
                 .filter(c => c.path === '/api/set_registration_mode' && c.status >= 400)
                 .map(c => c.status);",
            vec![],
        )
        .await?;
    ensure!(
        failed.as_array().is_some_and(|f| f.is_empty()),
        "the change to {mode} failed: {failed}"
    );
    tab.goto("/domains/a.test").await?;
    tab.wait_until(
        &format!("the domain page shows registration {mode}, saved"),
        &format!(
            "(() => {{
                const checked = [...document.querySelectorAll('input[name=mode]')]
                    .filter(r => r.checked).map(r => r.value);
                const changes = [...document.querySelectorAll('table.table tbody tr')]
                    .filter(tr => tr.dataset.action === 'registration-mode'
                        && tr.textContent.includes({mode_js})).length;
                return checked.length === 1 && checked[0] === {mode_js} && changes > 0
                    && !document.querySelector('.alert--warning');
            }})()",
            mode_js = js_string(mode)
        ),
    )
    .await
}

/// Checks that the page of `path` refuses the owner of a.test and shows nothing of b.test.
async fn refused(tab: &Tab, path: &str) -> TestResult {
    tab.goto(path).await?;
    tab.wait_until(
        &format!("{path} says the owner is not allowed"),
        &format!(
            "[...document.querySelectorAll('.alert--error[role=alert]')]
                 .some(el => el.textContent.trim() === {})",
            js_string(FORBIDDEN)
        ),
    )
    .await?;
    let shown = tab
        .js(
            "return {
                 text: document.body.innerText,
                 forms: [...document.querySelectorAll('form[action*=\"/api/\"]')]
                     .map(f => f.getAttribute('action')),
                 rows: document.querySelectorAll('table.table tbody tr').length,
             };",
            vec![],
        )
        .await?;
    let text = shown["text"].as_str().unwrap_or_default();
    ensure!(
        !text.contains(OTHER),
        "{path} shows b.test's owner {OTHER}: {text:?}"
    );
    ensure!(
        !text.contains("Registration") && !text.contains("Create an account"),
        "{path} shows b.test's console: {text:?}"
    );
    ensure!(
        shown["forms"].as_array().is_some_and(|f| f.is_empty()),
        "{path} offers forms acting on b.test: {}",
        shown["forms"]
    );
    ensure!(
        shown["rows"] == 0,
        "{path} shows a table of b.test's data ({} rows)",
        shown["rows"]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_runs_their_domain_from_the_browser_and_only_theirs() {
    assert_site_is_current();
    let prosody = Prosody::start(&[A, B]);
    let portal = TestPortal::start(&prosody, &Backend::Sqlite).await;
    make_owner(&prosody, &portal, OWNER, OWNER_PASSWORD).await;
    make_owner(&prosody, &portal, OTHER, OTHER_PASSWORD).await;
    let c2s = prosody.c2s_addr();
    assert!(
        !can_login(c2s, &bare_jid(NEWBIE), NEWBIE_PASSWORD).await,
        "no such account yet"
    );

    with_browser(
        &portal.url(""),
        BrowserConfig::desktop("en"),
        |tab| async move {
            // Logging in with the XMPP address lands on the home page, which lists a.test only.
            tab.log_in(OWNER, OWNER_PASSWORD).await?;
            tab.wait_until(
                "the home page lists a.test",
                "location.pathname === '/'
                 && [...document.querySelectorAll('a[href=\"/domains/a.test\"]')]
                     .some(a => a.textContent.trim() === 'a.test')",
            )
            .await?;
            let lists_b = tab
                .js(
                    "return document.querySelector('a[href=\"/domains/b.test\"]') !== null;",
                    vec![],
                )
                .await?;
            ensure!(lists_b == false, "the home page lists b.test too");

            // The domain page (invitation only at first): opened, a real XMPP client can
            // register in band; closed, it cannot.
            tab.goto("/domains/a.test").await?;
            tab.wait_until_form_hydrated("/api/set_registration_mode")
                .await?;
            let h1 = tab.text("h1").await?;
            ensure!(h1 == A, "the domain page's heading: {h1:?}");
            let invite_only = tab
                .js(
                    "return document.querySelector('#mode-invite-only').checked;",
                    vec![],
                )
                .await?;
            ensure!(invite_only == true, "registration starts invitation-only");
            set_registration(&tab, "open").await?;
            let early = register_in_band(c2s, A, "early", "early password 1", None).await;
            ensure!(
                early.is_ok(),
                "registration is open, yet in-band registration failed: {early:?}"
            );
            tab.wait_until_form_hydrated("/api/set_registration_mode")
                .await?;
            set_registration(&tab, "closed").await?;
            let refused_in_band =
                register_in_band(c2s, A, "stranger", "stranger password 1", None).await;
            ensure!(
                refused_in_band.is_err(),
                "registration is closed, yet a client registered in band"
            );
            ensure!(
                !can_login(c2s, &bare_jid("stranger@a.test"), "stranger password 1").await,
                "the refused account does not exist"
            );

            // The accounts console: create an account with a chosen password.
            tab.goto("/domains/a.test/accounts").await?;
            tab.wait_until_form_hydrated("/api/add_domain_account")
                .await?;
            tab.wait_until(
                "the list shows the owner's own account",
                &format!("{} !== null", badge_of(OWNER)),
            )
            .await?;
            tab.fill("#new-account-username", "newbie").await?;
            tab.click("#new-account-choose").await?;
            tab.fill("#new-account-password", NEWBIE_PASSWORD).await?;
            tab.click("form[action$='/api/add_domain_account'] button[type=submit]")
                .await?;
            tab.wait_for_status(&format!("The account {NEWBIE} was created."))
                .await?;
            tab.wait_until(
                "the list shows the new account as active",
                &format!("{} === 'active'", badge_of(NEWBIE)),
            )
            .await?;
            ensure!(
                can_login(c2s, &bare_jid(NEWBIE), NEWBIE_PASSWORD).await,
                "the new account logs in to Prosody with the chosen password"
            );

            // Locked, it cannot log in; unlocked, it can again.
            set_lock(&tab, NEWBIE, true).await?;
            ensure!(
                !can_login(c2s, &bare_jid(NEWBIE), NEWBIE_PASSWORD).await,
                "the locked account still logs in"
            );
            set_lock(&tab, NEWBIE, false).await?;
            ensure!(
                can_login(c2s, &bare_jid(NEWBIE), NEWBIE_PASSWORD).await,
                "the unlocked account does not log in"
            );

            // Deleted after typing its username: gone from Prosody and from the list.
            let row = open_row(&tab, NEWBIE).await?;
            let confirm = row
                .find(Locator::Css(
                    "form[action$='/api/delete_domain_account'] input[name=confirm]",
                ))
                .await?;
            confirm.send_keys("newbie").await?;
            row.find(Locator::Css(
                "form[action$='/api/delete_domain_account'] button[type=submit]",
            ))
            .await?
            .click()
            .await?;
            tab.wait_for_status(&format!("The account {NEWBIE} was deleted."))
                .await?;
            tab.wait_until(
                "the account is gone from the list",
                &format!(
                    "{} === null && {} !== null",
                    badge_of(NEWBIE),
                    badge_of(OWNER)
                ),
            )
            .await?;
            ensure!(
                !can_login(c2s, &bare_jid(NEWBIE), NEWBIE_PASSWORD).await,
                "the deleted account still logs in"
            );
            let errors = tab.page_errors().await?;
            ensure!(
                errors.is_empty(),
                "the accounts page logged errors: {errors:?}"
            );

            // b.test belongs to someone else: refused, with nothing of it shown.
            refused(&tab, "/domains/b.test").await?;
            refused(&tab, "/domains/b.test/accounts").await?;
            Ok(())
        },
    )
    .await;

    // Nothing the browser did reached b.test.
    assert!(
        can_login(c2s, &bare_jid(OTHER), OTHER_PASSWORD).await,
        "b.test's owner still logs in"
    );
}
