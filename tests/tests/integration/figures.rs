//! The dashboard's charts after a few simulated days (the portal's injected clock), against a
//! real Prosody and each database: the daily-figures job records each day once (again on the
//! same day: the row changes, no second row), counts accounts and weekly active accounts from
//! mod_domaine, invitations made and used from the portal's records, and leaves a day it did
//! not record as a gap in the lines.

use app::figures::date_of;
use domaine_tests::{
    database::Backend,
    page::{attr, marked, marked_with},
    per_backend,
    portal::TestPortal,
    prosody::Prosody,
    wait,
    web::WebClient,
};
use server::figures::{day_of, DAY_SECS};
use std::time::Duration;

const DOMAIN: &str = "chiffres.test";
const OWNER: &str = "odile";
const PASSWORD: &str = "an owner's password";

struct Site {
    portal: TestPortal,
    owner: WebClient,
    _prosody: Prosody,
}

/// One day's row: accounts, active, made, used.
type Row = (i64, i64, i64, i64);

impl Site {
    /// Four accounts (the portal's, connected, the owner and two who never log in), the
    /// portal, the owner logged in on the web (Prosody checks the password: a login, so an
    /// activity).
    async fn start(backend: &Backend) -> Site {
        let prosody = Prosody::start(&[DOMAIN]);
        for user in [OWNER, "paul", "rose"] {
            prosody.register(user, DOMAIN, PASSWORD);
        }
        let portal = TestPortal::start(&prosody, backend).await;
        portal.add_owner(DOMAIN, &format!("{OWNER}@{DOMAIN}")).await;
        let owner = log_in(&portal).await;
        // Accounts made behind Prosody's back (prosodyctl) have their state read by the
        // index a moment later; until then they count as never seen.
        let host = server::xmpp::DomainPart::new(DOMAIN).unwrap();
        let known = wait::eventually(Duration::from_secs(10), || async {
            let page = portal.state.xmpp.list_accounts(&host, OWNER, 0, 1).await;
            page.is_ok_and(|p| p.accounts.iter().any(|a| a.last_active.is_some()))
        })
        .await;
        assert!(known, "Prosody records the owner's login");
        Site {
            portal,
            owner,
            _prosody: prosody,
        }
    }

    async fn log_in(&self) -> WebClient {
        log_in(&self.portal).await
    }

    fn today(&self) -> i64 {
        day_of(self.portal.state.clock.now())
    }

    async fn row(&self, day: i64) -> Option<Row> {
        sqlx::query_as(
            "SELECT f.accounts, f.active_accounts, f.invitations_made, f.invitations_used \
             FROM daily_figures f JOIN domains d ON d.id = f.domain_id \
             WHERE d.name = $1 AND f.day = $2",
        )
        .bind(DOMAIN)
        .bind(day)
        .fetch_optional(&self.portal.state.db.pool)
        .await
        .unwrap()
    }

    /// Waits for `day`'s row to read `expected` (the job runs in the background).
    async fn wait_for(&self, day: i64, expected: Row) {
        let backend = self.portal.backend.name();
        let seen = wait::eventually(Duration::from_secs(20), || async {
            self.row(day).await == Some(expected)
        })
        .await;
        assert!(
            seen,
            "{backend}: day {day} should read {expected:?}, reads {:?}",
            self.row(day).await
        );
    }

    /// Asks for a recording now, as the portal does at start, and wakes the worker.
    async fn record_again(&self) {
        server::figures::record_soon(&self.portal.state.db)
            .await
            .unwrap();
        self.portal.state.reconcile.notify_one();
    }

    /// Moves the portal's clock `days` days on: the day's recording becomes due.
    fn live(&self, days: i64) {
        self.portal.state.clock.advance(days * DAY_SECS);
        self.portal.state.reconcile.notify_one();
    }

    async fn invite(&self) -> String {
        self.portal.invitation_by(&self.owner, DOMAIN).await.token
    }

    async fn redeem_on_the_web(&self, token: &str, username: &str) {
        let visitor = WebClient::new(&self.portal.url("/"), "en");
        visitor
            .server_fn_on(
                &format!("/invite/{token}"),
                "register_with_invite",
                &[
                    ("token", token),
                    ("username", username),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await
            .unwrap();
    }

    async fn rows_of(&self, day: i64) -> i64 {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM daily_figures WHERE day = $1")
            .bind(day)
            .fetch_one(&self.portal.state.db.pool)
            .await
            .unwrap();
        n
    }
}

async fn log_in(portal: &TestPortal) -> WebClient {
    let jid = format!("{OWNER}@{DOMAIN}");
    WebClient::logged_in(&portal.url("/"), "en", &jid, PASSWORD, "/").await
}

per_backend!(the_charts_draw_the_days_the_portal_recorded);
async fn the_charts_draw_the_days_the_portal_recorded(backend: Backend) {
    let s = Site::start(&backend).await;
    let name = s.portal.backend.name();
    let first = s.today();

    // Day 0: recorded at start; once more after the owner's login, which updates the row.
    s.record_again().await;
    s.wait_for(first, (4, 2, 0, 0)).await;
    assert_eq!(s.rows_of(first).await, 1, "{name}: one row a day");
    // Made after day 0's recording: counted when day 1 is recorded.
    let token = s.invite().await;

    // Day 1: an account made with the invitation, then recorded again the same day.
    s.live(1);
    s.wait_for(first + 1, (4, 2, 0, 0)).await;
    s.wait_for(first, (4, 2, 1, 0)).await;
    s.redeem_on_the_web(&token, "nina").await;
    s.record_again().await;
    s.wait_for(first + 1, (5, 2, 0, 1)).await;
    assert_eq!(s.rows_of(first + 1).await, 1, "{name}: one row a day");

    // Day 2 goes by unrecorded (the clock jumps over it); day 3 is recorded.
    s.live(2);
    s.wait_for(first + 3, (5, 2, 0, 0)).await;
    assert_eq!(s.row(first + 2).await, None, "{name}: nothing made up");

    // Three days on, the first session has ended: the owner logs in again.
    let owner = s.log_in().await;
    let page = owner.get(&format!("/domains/{DOMAIN}")).await;
    the_lines_break_at_the_gap(name, &page.html, first);
    the_table_sums_each_month(name, &page.html, first);
}

/// Each line is drawn in two stretches: days 0 and 1, then day 3 alone.
fn the_lines_break_at_the_gap(name: &str, html: &str, first: i64) {
    for series in ["accounts", "active"] {
        let runs: Vec<&str> = marked(html, "data-series", series)
            .into_iter()
            .filter_map(|tag| attr(tag, "data-days"))
            .collect();
        assert_eq!(
            runs,
            vec![
                format!("{}-{}", first, first + 1),
                format!("{}-{}", first + 3, first + 3)
            ],
            "{name}: {series}"
        );
    }
    for chart in ["accounts", "invitations"] {
        let svg = marked(html, "data-chart", chart);
        assert_eq!(svg.len(), 1, "{name}: the {chart} chart");
        assert_eq!(attr(svg[0], "role"), Some("img"), "{name}: {chart}");
    }
    assert!(
        html.contains("<title id=\"chart-accounts-title\">"),
        "{name}"
    );
}

/// The table beside the charts: per month, the last figures and the invitations' sums.
fn the_table_sums_each_month(name: &str, html: &str, first: i64) {
    // (day, accounts, active, made, used), as recorded above.
    let days = [
        (first, 4, 2, 1, 0),
        (first + 1, 5, 2, 0, 1),
        (first + 3, 5, 2, 0, 0),
    ];
    let month = |day: i64| {
        let date = date_of(day);
        format!("{}-{:02}", date.year(), date.month() as u8)
    };
    for (day, accounts, active, _, _) in days {
        let key = month(day);
        let rows = marked(html, "data-month", &key);
        assert_eq!(rows.len(), 1, "{name}: month {key}");
        let in_month: Vec<_> = days.iter().filter(|d| month(d.0) == key).collect();
        let last = in_month.last().unwrap();
        let (made, used) = in_month.iter().fold((0, 0), |(m, u), d| (m + d.3, u + d.4));
        let row = rows[0];
        if last.0 == day {
            assert_eq!(
                attr(row, "data-accounts"),
                Some(accounts.to_string().as_str()),
                "{name}: {key}"
            );
            assert_eq!(
                attr(row, "data-active"),
                Some(active.to_string().as_str()),
                "{name}: {key}"
            );
        }
        assert_eq!(
            attr(row, "data-made"),
            Some(made.to_string().as_str()),
            "{name}: {key}"
        );
        assert_eq!(
            attr(row, "data-used"),
            Some(used.to_string().as_str()),
            "{name}: {key}"
        );
    }
    // Twelve months back, as many rows as months (12 or 13).
    let months = marked_with(html, "data-month").len();
    assert!((12..=13).contains(&months), "{name}: {months} months");
}
