//! Changes that wait for Prosody: two portal instances sharing one database never push the same
//! pending change at the same time, and the change lands once Prosody is back.

use domaine_tests::{database::backends, portal::TestPortal, prosody::Prosody};
use server::{reconcile, xmpp::RegistrationMode};
use std::time::{Duration, Instant};

const DOMAIN: &str = "shared.test";

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn attempts(portal: &TestPortal) -> i64 {
    let (attempts,): (i64,) =
        sqlx::query_as("SELECT attempts FROM pending_changes WHERE domain = $1")
            .bind(DOMAIN)
            .fetch_one(&portal.state.db.pool)
            .await
            .unwrap();
    attempts
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_never_push_the_same_change_at_once() {
    for backend in backends() {
        let mut prosody = Prosody::start(&[DOMAIN]);
        let first = TestPortal::start(&prosody, &backend).await;
        let second = first.second_instance(&prosody).await;

        prosody.stop();
        wait_until("both instances see Prosody gone", async || {
            !first.state.xmpp.is_connected() && !second.state.xmpp.is_connected()
        })
        .await;
        server::domains::set_registration_mode(&first.state.db, DOMAIN, RegistrationMode::Closed)
            .await
            .unwrap();
        reconcile::enqueue(
            &first.state.db,
            DOMAIN,
            reconcile::Kind::RegistrationMode,
            "",
        )
        .await
        .unwrap();

        // Both instances try the due change at the same moment: one claims it, and a single
        // push is attempted (and fails, Prosody being down).
        let (a, b) = tokio::join!(
            reconcile::run_due(&first.state),
            reconcile::run_due(&second.state)
        );
        assert_eq!((a.unwrap(), b.unwrap()), (0, 0));
        assert_eq!(
            attempts(&first).await,
            1,
            "{}: pushed once, not twice",
            backend.name()
        );

        prosody.start_again();
        let host = xmpp_parsers::jid::DomainPart::new(DOMAIN).unwrap();
        wait_until("the change lands on Prosody", async || {
            matches!(
                second.state.xmpp.registration_mode(&host).await,
                Ok(RegistrationMode::Closed)
            )
        })
        .await;
        wait_until("the pending row is gone", async || {
            server::domains::pending(&first.state.db, DOMAIN)
                .await
                .unwrap()
                .is_empty()
        })
        .await;
    }
}
