//! Dates in the reader's language and time zone: the provider's `time_zone` for a reader whose
//! browser has not said its own (no JavaScript, a first visit), with the zone named; the zone
//! of the cookie the page's script sets once it has, without a label. The expected local times
//! are computed here with the tz database, apart from the portal's own tables.

use app::{context::ZONE_COOKIE, format::month_name, i18n::Locale};
use domaine_tests::{
    database::Backend,
    page::main_text,
    per_backend,
    portal::{Overrides, TestPortal},
    prosody::Prosody,
    web::WebClient,
};
use reqwest::header::COOKIE;

const DOMAIN: &str = "dates.test";
const OWNER: &str = "octave";
const PASSWORD: &str = "an owner's password";
const PROVIDER_ZONE: &str = "Europe/Paris";
const BROWSER_ZONE: &str = "America/Sao_Paulo";

/// How a French reader reads `at` in `zone`: `9 décembre 2026 à 02:53`, and the zone's
/// abbreviation (or offset) after it when `labelled`.
fn french(at: i64, zone: &str, labelled: bool) -> String {
    let local = jiff::Timestamp::from_second(at)
        .unwrap()
        .in_tz(zone)
        .unwrap();
    let month = month_name(Locale::Fr, local.month() as u8, false);
    let text = format!(
        "{} {month} {} à {:02}:{:02}",
        local.day(),
        local.year(),
        local.hour(),
        local.minute()
    );
    if !labelled {
        return text;
    }
    let abbreviation = local.strftime("%Z").to_string();
    if abbreviation.chars().all(|c| c.is_ascii_alphabetic()) {
        format!("{text} {abbreviation}")
    } else {
        let offset = local.offset().seconds();
        let sign = if offset < 0 { '−' } else { '+' };
        let minutes = offset.unsigned_abs() / 60;
        format!("{text} UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

per_backend!(dates_read_in_the_readers_language_and_zone);
async fn dates_read_in_the_readers_language_and_zone(backend: Backend) {
    let prosody = Prosody::start(&[DOMAIN]);
    let overrides = Overrides {
        time_zone: Some(PROVIDER_ZONE.into()),
        ..Overrides::default()
    };
    let portal =
        TestPortal::start_managing_overriding(&prosody, &backend, &[DOMAIN], None, overrides).await;
    let b = backend.name();
    prosody.register(OWNER, DOMAIN, PASSWORD);
    let owner_jid = format!("{OWNER}@{DOMAIN}");
    portal.add_owner(DOMAIN, &owner_jid).await;
    let owner = WebClient::logged_in(&portal.url("/"), "fr", &owner_jid, PASSWORD, "/").await;
    let invitation = portal.invitation_by(&owner, DOMAIN).await;
    let path = format!("/invite/{}", invitation.token);
    let until = invitation.expires_at;

    // A first visit: the provider's zone, named; and the script that tells the browser's.
    let visitor = WebClient::new(&portal.url("/"), "fr-FR,fr;q=0.9");
    let page = visitor.get(&path).await.html;
    let expected = french(until, PROVIDER_ZONE, true);
    assert!(
        main_text(&page).contains(&expected),
        "{b}: {expected} in {}",
        main_text(&page)
    );
    assert!(
        page.contains("resolvedOptions().timeZone") && page.contains(ZONE_COOKIE),
        "{b}: the page's script sets the zone cookie"
    );

    // The browser said its zone: that one, which needs no label.
    let response = visitor
        .get_with(&path, &[(COOKIE, &format!("{ZONE_COOKIE}={BROWSER_ZONE}"))])
        .await;
    let page = response.text().await.unwrap();
    let expected = french(until, BROWSER_ZONE, false);
    let text = main_text(&page);
    assert!(text.contains(&expected), "{b}: {expected} in {text}");
    assert!(
        !text.contains(&french(until, BROWSER_ZONE, true)),
        "{b}: no label in the reader's own zone"
    );

    // A name that is no zone: the provider's again.
    let response = visitor
        .get_with(&path, &[(COOKIE, &format!("{ZONE_COOKIE}=Mars/Olympus"))])
        .await;
    let text = main_text(&response.text().await.unwrap());
    let expected = french(until, PROVIDER_ZONE, true);
    assert!(text.contains(&expected), "{b}: {expected} in {text}");

    // The owner's pages: every <time> reads as its instant in the provider's zone (the
    // dashboard's history lists the invitation made above).
    let dashboard = owner.get(&format!("/domains/{DOMAIN}")).await.html;
    let times = times(&dashboard);
    assert!(!times.is_empty(), "{b}: dates on the dashboard");
    for (iso, shown) in times {
        let at = iso.parse::<jiff::Timestamp>().unwrap().as_second();
        assert_eq!(shown, french(at, PROVIDER_ZONE, true), "{b}: {iso}");
    }
}

/// Each `<time datetime="…">text</time>` of `html`: the instant and the text.
fn times(html: &str) -> Vec<(String, String)> {
    html.split("<time datetime=\"")
        .skip(1)
        .map(|rest| {
            let (iso, rest) = rest.split_once('"').unwrap();
            let text = rest.split_once('>').unwrap().1;
            let text = text.split_once("</time>").unwrap().0;
            (iso.to_string(), text.to_string())
        })
        .collect()
}
