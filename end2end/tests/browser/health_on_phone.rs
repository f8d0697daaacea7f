//! A domain owner on a phone-sized screen, in French, in a real headless Chromium: opens their
//! domain's health page, presses "Vérifier maintenant", and reads each check with its sign and
//! its words: the certificate Prosody presents over STARTTLS ✓, no CAA record ⚠, a TLSA record
//! with the wrong hash ✗ (with the record to put instead), the page fitting the screen.
//!
//! Needs the site built first (`scripts/build.sh`), and /usr/bin/chromium + /usr/bin/chromedriver.

use domaine_tests::{
    database::Backend,
    dns::{DnsServer, TestZone},
    portal::{Overrides, TestPortal},
    prosody::{requiring_tls, Prosody},
    smtp::SmtpServer,
    tls::TestCa,
};
use end2end::{assert_site_is_current, ensure, js_string, with_browser, BrowserConfig};

const DOMAIN: &str = "sante.test";
const PROVIDER: &str = "xmpp.hebergeur.test";
const OWNER: &str = "ines@sante.test";
const OWNER_PASSWORD: &str = "owner password 1";
/// A TLSA record that matches no certificate.
const WRONG_HASH: &str = "00000000000000000000000000000000000000000000000000000000000000ff";

/// A JavaScript expression: the `data-status` of the health line `check`, or null.
fn status_of(check: &str) -> String {
    format!(
        "(document.querySelector('[data-check={}]')?.dataset.status ?? null)",
        js_string(check)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_reads_the_health_of_their_domain_on_a_phone_in_french() {
    assert_site_is_current();
    let ca = TestCa::new();
    let cert = ca.issue("xmpp", &[DOMAIN]);
    let prosody = Prosody::start_configured(&[DOMAIN], &[(DOMAIN, &requiring_tls(&cert))]);
    let dns = DnsServer::start(
        &TestZone::new().xmpp_srv(DOMAIN, PROVIDER, 5222, 5269).tlsa(
            &format!("_5222._tcp.{PROVIDER}"),
            3,
            1,
            1,
            WRONG_HASH,
        ),
    );
    let smtp = SmtpServer::start();
    let overrides = Overrides {
        xmpp: format!(
            "tls = \"starttls\"\nca_file = \"{}\"\n",
            ca.ca_file().display()
        ),
        extra: format!(
            "[hosting.dns]\nserver_host = \"{PROVIDER}\"\nresolver = \"{}\"\n",
            dns.addr()
        ),
        ..Overrides::default()
    };
    let portal = TestPortal::start_overriding(&prosody, &Backend::Sqlite, &smtp, overrides).await;
    prosody.register("ines", DOMAIN, OWNER_PASSWORD);
    assert!(portal.add_owner(DOMAIN, OWNER).await);

    with_browser(
        &portal.url(""),
        BrowserConfig::phone("fr"),
        |tab| async move {
            tab.log_in(OWNER, OWNER_PASSWORD).await?;

            tab.goto(&format!("/domains/{DOMAIN}/health")).await?;
            tab.wait_until_form_hydrated("/api/check_health").await?;
            let h1 = tab.text("h1").await?;
            ensure!(
                h1 == format!("{DOMAIN} — État de santé"),
                "the heading names the domain and the page in French: {h1:?}"
            );
            ensure!(
                tab.js(&format!("return {};", status_of("tlsa")), vec![])
                    .await?
                    .is_null(),
                "nothing is checked before the owner asks (checks on demand in tests)"
            );

            tab.click("button[data-check-now]").await?;
            tab.wait_until(
                "the checks are shown",
                &format!("{} === 'failing'", status_of("tlsa")),
            )
            .await?;
            for (check, status) in [
                ("certificate", "ok"),
                ("client-srv", "ok"),
                ("caa", "warning"),
                ("tlsa", "failing"),
            ] {
                let found = tab
                    .js(&format!("return {};", status_of(check)), vec![])
                    .await?;
                ensure!(
                    found.as_str() == Some(status),
                    "the {check} line is {status}, not {found}"
                );
            }
            let tlsa = tab.text("[data-check=tlsa]").await?;
            ensure!(
                tlsa.contains("✗ En panne")
                    && tlsa.contains("DANE (enregistrements TLSA)")
                    && tlsa.contains("casse les clients DANE"),
                "the TLSA line says in French, in words and not only by its sign, what is wrong: {tlsa:?}"
            );
            let record = tab.text("[data-check=tlsa] [data-record]").await?;
            ensure!(
                record.contains(&format!("_5222._tcp.{PROVIDER}")) && record.contains("TLSA 3 1 1 "),
                "the line gives the TLSA record to put instead: {record:?}"
            );
            ensure!(
                !record.contains(WRONG_HASH),
                "the record to add is not the wrong one: {record:?}"
            );
            let caa = tab.text("[data-check=caa]").await?;
            ensure!(caa.contains("⚠ Attention"), "the CAA line warns: {caa:?}");
            let (overflow, width) = tab.horizontal_overflow().await?;
            ensure!(
                overflow <= 0,
                "the page fits the {width} px phone screen, yet scrolls by {overflow} px"
            );
            Ok(())
        },
    )
    .await;
}
