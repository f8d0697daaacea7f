//! mod_domaine's invitations (server/prosody/mod_domaine.lua) and their
//! typed client against a real Prosody, one server per test: invitations
//! redeemed in-app (XEP-0401 preauth + XEP-0077) and through the portal's
//! redeem command, limits, revocation, expiry, usage, contacts, races.

use domaine_tests::prosody::{
    bare_jid as jid, can_login, register_in_band, register_in_band_with_text, unix_now,
    wait_past_second, InBandStream, Prosody, Session, StanzaRefusal,
};
use futures::future::join_all;
use server::xmpp::{
    invitation_node, AdminClient, BareJid, DomainRef, InvitationSpec, InvitationState,
    InvitationUsage, Jid, RegistrationMode, ServerInvitation, XmppError,
};
use tokio_xmpp::parsers::roster::{Ask, Roster, Subscription};

const HOST: &str = "example.test";
const OTHER_HOST: &str = "other.test";
const INVALID_INVITATION: &str = "Invalid invitation";

fn host() -> &'static DomainRef {
    static HOST_JID: std::sync::OnceLock<BareJid> = std::sync::OnceLock::new();
    HOST_JID.get_or_init(|| jid(HOST)).domain()
}

fn other_host() -> &'static DomainRef {
    static HOST_JID: std::sync::OnceLock<BareJid> = std::sync::OnceLock::new();
    HOST_JID.get_or_init(|| jid(OTHER_HOST)).domain()
}

/// A Prosody with two hosts (registration mode: invite-only, the default)
/// and a connected admin client.
async fn setup() -> (Prosody, AdminClient) {
    Prosody::start_with_admin_client(&[HOST, OTHER_HOST]).await
}

fn spec(max_uses: u32) -> InvitationSpec {
    InvitationSpec {
        username: None,
        max_uses,
        expires_at: unix_now() + 3600,
        contact: None,
    }
}

fn spec_expiring(max_uses: u32, expires_at: i64) -> InvitationSpec {
    InvitationSpec {
        expires_at,
        ..spec(max_uses)
    }
}

fn spec_with_contact(max_uses: u32, contact: &BareJid) -> InvitationSpec {
    InvitationSpec {
        contact: Some(contact.clone()),
        ..spec(max_uses)
    }
}

async fn create(client: &AdminClient, spec: &InvitationSpec) -> ServerInvitation {
    client
        .create_invitation(host(), spec)
        .await
        .unwrap_or_else(|e| panic!("cannot create invitation {spec:?}: {e}"))
}

async fn ibr(prosody: &Prosody, user: &str, token: &str) -> Result<(), String> {
    register_in_band(prosody.c2s_addr(), HOST, user, "secret", Some(token)).await
}

async fn redeem(client: &AdminClient, token: &str, user: &str) -> Result<BareJid, XmppError> {
    client
        .redeem_invitation(host(), token, user, "secret")
        .await
}

async fn usage_of(client: &AdminClient, token: &str) -> InvitationUsage {
    client
        .invitation_usage(host())
        .await
        .unwrap()
        .into_iter()
        .find(|usage| usage.token == token)
        .unwrap_or_else(|| panic!("invitation {token} not reported"))
}

fn usage(token: &str, uses: u32, state: InvitationState, accounts: &[&str]) -> InvitationUsage {
    InvitationUsage {
        token: token.to_owned(),
        uses,
        state,
        accounts: accounts.iter().map(|a| a.to_string()).collect(),
    }
}

async fn exists(client: &AdminClient, user: &str) -> bool {
    client
        .account_exists(&jid(&format!("{user}@{HOST}")))
        .await
        .unwrap()
}

async fn logs_in(prosody: &Prosody, user: &str) -> bool {
    can_login(
        prosody.c2s_addr(),
        &jid(&format!("{user}@{HOST}")),
        "secret",
    )
    .await
}

/// Redeeming through the portal's command creates `user`'s account.
async fn assert_redeems(client: &AdminClient, token: &str, user: &str) {
    assert_eq!(
        redeem(client, token, user).await,
        Ok(jid(&format!("{user}@{HOST}"))),
        "{user} redeems {token}"
    );
}

/// `user` can register with `token` neither in-app (refused with the stanza error `in_app`)
/// nor through the portal (refused with `portal`), and has no account.
async fn refused_both_ways(
    prosody: &Prosody,
    client: &AdminClient,
    token: &str,
    user: &str,
    in_app: &str,
    portal: XmppError,
) {
    assert_eq!(
        ibr(prosody, user, token).await,
        Err(in_app.into()),
        "{user} in-app"
    );
    assert_eq!(
        redeem(client, token, user).await,
        Err(portal),
        "{user} through the portal"
    );
    assert!(!exists(client, user).await, "{user} has no account");
}

/// [`refused_both_ways`] because the invitation is not (or no longer) valid.
async fn refused_as_invalid(prosody: &Prosody, client: &AdminClient, token: &str, user: &str) {
    let invalid = XmppError::InvitationInvalid;
    refused_both_ways(prosody, client, token, user, "preauth:forbidden", invalid).await;
}

/// The server reports the invitation's usage so.
async fn assert_usage(
    client: &AdminClient,
    token: &str,
    uses: u32,
    state: InvitationState,
    accounts: &[&str],
) {
    assert_eq!(
        usage_of(client, token).await,
        usage(token, uses, state, accounts)
    );
}

async fn revoke(client: &AdminClient, token: &str) {
    client.revoke_invitation(host(), token).await.unwrap();
}

/// An app that opened an unauthenticated stream and presented `token` (accepted), and will
/// register later, as when its user takes a while to pick a username. Every step is bounded
/// by 5 s.
async fn app_with_token(prosody: &Prosody, token: &str) -> InBandStream {
    let mut app = InBandStream::open(prosody.c2s_addr(), HOST)
        .await
        .expect("stream opened");
    assert_eq!(app.preauth(token).await.expect("preauth answered"), Ok(()));
    app
}

/// The app of [`app_with_token`] registers `username` (password `secret`).
async fn app_registers(app: &mut InBandStream, username: &str) -> Result<(), StanzaRefusal> {
    app.register(username, "secret")
        .await
        .unwrap_or_else(|e| panic!("stream failed during the registration of {username}: {e}"))
}

/// How mod_domaine refuses a registration whose invitation became invalid after the app
/// presented it.
fn invalid_invitation() -> StanzaRefusal {
    ("forbidden".into(), Some(INVALID_INVITATION.into()))
}

/// The subscription `user` has with `contact`, from the user's roster as
/// the server hands it to the user's app; `None` if not in the roster or
/// with a request still pending.
async fn subscription(
    prosody: &Prosody,
    user: &BareJid,
    password: &str,
    contact: &BareJid,
) -> Option<Subscription> {
    let mut session = Session::open(prosody, user, password).await;
    let get = Roster {
        ver: None,
        items: Vec::new(),
    };
    let roster = session
        .get("roster", get)
        .await
        .and_then(|payload| Roster::try_from(payload).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| panic!("{user} cannot fetch the roster: {e}"));
    roster
        .items
        .into_iter()
        .find(|item| &item.jid == contact)
        .filter(|item| item.ask == Ask::None)
        .map(|item| item.subscription)
}

/// `a` and `b` are each other's contacts, both ways (both with password `secret`).
async fn assert_mutual_contacts(prosody: &Prosody, a: &BareJid, b: &BareJid) {
    for (user, contact) in [(a, b), (b, a)] {
        assert_eq!(
            subscription(prosody, user, "secret", contact).await,
            Some(Subscription::Both),
            "{user} has {contact}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn single_use_invitation_redeemed_in_app() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(1)).await;
    assert_eq!(
        invitation.uri,
        format!("xmpp:{HOST}?register;preauth={}", invitation.token)
    );
    assert_usage(&client, &invitation.token, 0, InvitationState::Valid, &[]).await;

    assert_eq!(ibr(&prosody, "alice", &invitation.token).await, Ok(()));
    assert!(logs_in(&prosody, "alice").await);

    // Used up, both ways.
    refused_as_invalid(&prosody, &client, &invitation.token, "bob").await;
    let used_up = InvitationState::UsedUp;
    assert_usage(&client, &invitation.token, 1, used_up, &["alice"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redeem_command_creates_a_usable_account() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(1)).await;
    // Usernames are nodeprepped, as in-band.
    assert_eq!(
        redeem(&client, &invitation.token, "Carol").await,
        Ok(jid("carol@example.test"))
    );
    assert!(logs_in(&prosody, "carol").await);

    // Used up, both ways.
    refused_as_invalid(&prosody, &client, &invitation.token, "dave").await;
    let used_up = InvitationState::UsedUp;
    assert_usage(&client, &invitation.token, 1, used_up, &["carol"]).await;

    // A refused attempt does not use the invitation.
    let invitation = create(&client, &spec(1)).await;
    assert_eq!(
        redeem(&client, &invitation.token, "carol").await,
        Err(XmppError::AlreadyExists)
    );
    assert_eq!(
        redeem(&client, &invitation.token, "bad name").await,
        Err(XmppError::InvalidUsername("bad name".into()))
    );
    assert_eq!(
        client
            .redeem_invitation(host(), &invitation.token, "erin", "")
            .await,
        Err(XmppError::PasswordRejected("empty password".into()))
    );
    assert_usage(&client, &invitation.token, 0, InvitationState::Valid, &[]).await;
    assert_redeems(&client, &invitation.token, "erin").await;

    // Unknown tokens, used-up ones and tokens of another host get the same answer.
    let other = client
        .create_invitation(other_host(), &spec(1))
        .await
        .unwrap();
    for token in ["not-a-real-token", &invitation.token, &other.token] {
        assert_eq!(
            redeem(&client, token, "frank").await,
            Err(XmppError::InvitationInvalid)
        );
    }
    assert!(!exists(&client, "frank").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn fixed_username_is_enforced_both_ways() {
    let (prosody, client) = setup().await;
    let fixed = |user: &str| InvitationSpec {
        username: Some(user.to_owned()),
        ..spec(1)
    };

    let in_app = create(&client, &fixed("Gina")).await;
    // Apps prefill the username from the URI.
    assert_eq!(
        in_app.uri,
        format!("xmpp:gina@{HOST}?register;preauth={}", in_app.token)
    );
    let refusal = register_in_band_with_text(
        prosody.c2s_addr(),
        HOST,
        "hank",
        "secret",
        Some(&in_app.token),
    )
    .await;
    assert_eq!(
        refusal,
        Err((
            "not-allowed".into(),
            Some("This invitation is for another username".into())
        ))
    );
    assert_eq!(
        redeem(&client, &in_app.token, "hank").await,
        Err(XmppError::UsernameNotInvited)
    );
    assert_eq!(ibr(&prosody, "GINA", &in_app.token).await, Ok(()));
    assert!(logs_in(&prosody, "gina").await);
    assert!(!exists(&client, "hank").await);

    let web = create(&client, &fixed("ivan")).await;
    let not_invited = XmppError::UsernameNotInvited;
    refused_both_ways(
        &prosody,
        &client,
        &web.token,
        "hank",
        "not-allowed",
        not_invited,
    )
    .await;
    assert_redeems(&client, &web.token, "ivan").await;
    assert!(!exists(&client, "hank").await);
    assert_usage(&client, &web.token, 1, InvitationState::UsedUp, &["ivan"]).await;

    // Nonsense is refused at creation, by the client and by the server.
    assert_eq!(
        client
            .create_invitation(
                host(),
                &InvitationSpec {
                    max_uses: 2,
                    ..fixed("jack")
                }
            )
            .await,
        Err(XmppError::InvalidData(
            "an invitation for a fixed username can be used only once".into()
        ))
    );
    assert_eq!(
        client.create_invitation(host(), &fixed("ivan")).await,
        Err(XmppError::AlreadyExists)
    );
    assert_eq!(
        client.create_invitation(host(), &fixed("ja ck")).await,
        Err(XmppError::InvalidUsername("ja ck".into()))
    );
    let raw = |fields: &[(&str, &str)]| {
        let fields = fields
            .iter()
            .map(|(var, value)| (var.to_string(), vec![value.to_string()]))
            .collect();
        client.execute(Jid::new(HOST).unwrap(), invitation_node::CREATE, fields)
    };
    let expires = (unix_now() + 60).to_string();
    assert_eq!(
        raw(&[
            ("username", "jack"),
            ("max-uses", "2"),
            ("expires", &expires)
        ])
        .await,
        Err(XmppError::InvalidData(
            "An invitation for a fixed username can be used only once".into()
        ))
    );
    assert_eq!(
        raw(&[("max-uses", "0"), ("expires", &expires)]).await,
        Err(XmppError::InvalidData("Invalid max-uses: 0".into()))
    );
    assert_eq!(
        raw(&[("max-uses", "1"), ("expires", "soon")]).await,
        Err(XmppError::InvalidData("Invalid expires: soon".into()))
    );
    assert_eq!(
        raw(&[("max-uses", "1")]).await,
        Err(XmppError::MissingField("expires".into()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_use_invitation_creates_exactly_max_accounts() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(3)).await;
    assert_eq!(ibr(&prosody, "kim", &invitation.token).await, Ok(()));
    assert_redeems(&client, &invitation.token, "lea").await;
    let valid = InvitationState::Valid;
    assert_usage(&client, &invitation.token, 2, valid, &["kim", "lea"]).await;
    assert_eq!(ibr(&prosody, "max", &invitation.token).await, Ok(()));

    refused_as_invalid(&prosody, &client, &invitation.token, "ned").await;
    for user in ["kim", "lea", "max"] {
        assert!(logs_in(&prosody, user).await, "{user}");
    }
    let used_up = InvitationState::UsedUp;
    assert_usage(
        &client,
        &invitation.token,
        3,
        used_up,
        &["kim", "lea", "max"],
    )
    .await;
    assert_eq!(client.count_accounts(host()).await, Ok(4));
    assert_eq!(
        client.create_invitation(host(), &spec(0)).await,
        Err(XmppError::InvalidData("max-uses must be at least 1".into()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn revoking_takes_effect_at_once() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(5)).await;
    assert_eq!(ibr(&prosody, "olga", &invitation.token).await, Ok(()));

    // An app that presented the token before the revocation...
    let mut early = app_with_token(&prosody, &invitation.token).await;

    revoke(&client, &invitation.token).await;

    // ...cannot register after it.
    assert_eq!(
        app_registers(&mut early, "paul").await,
        Err(invalid_invitation())
    );
    refused_as_invalid(&prosody, &client, &invitation.token, "paul").await;
    let revoked = InvitationState::Revoked;
    assert_usage(&client, &invitation.token, 1, revoked, &["olga"]).await;

    // Idempotent, and fine for unknown tokens.
    revoke(&client, &invitation.token).await;
    revoke(&client, "not-a-real-token").await;
    assert!(client
        .invitation_usage(host())
        .await
        .unwrap()
        .iter()
        .all(|usage| usage.token != "not-a-real-token"));

    // A used-up invitation stays reported as used up.
    let single = create(&client, &spec(1)).await;
    assert_eq!(ibr(&prosody, "quinn", &single.token).await, Ok(()));
    revoke(&client, &single.token).await;
    assert_eq!(
        usage_of(&client, &single.token).await.state,
        InvitationState::UsedUp
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_invitation_is_refused_and_reported() {
    let (prosody, client) = setup().await;
    let expires_at = unix_now() - 3600;
    let dead = create(&client, &spec_expiring(3, expires_at)).await;
    assert_eq!(dead.expires_at, expires_at);
    refused_as_invalid(&prosody, &client, &dead.token, "rita").await;
    assert_usage(&client, &dead.token, 0, InvitationState::Expired, &[]).await;

    // Presented while valid, used after expiry: refused too.
    let expires_at = unix_now() + 1;
    let short = create(&client, &spec_expiring(1, expires_at)).await;
    let mut app = app_with_token(&prosody, &short.token).await;
    wait_past_second(expires_at).await;
    assert_eq!(
        app_registers(&mut app, "sam").await,
        Err(invalid_invitation())
    );
    assert!(!exists(&client, "sam").await);
    assert_eq!(
        usage_of(&client, &short.token).await.state,
        InvitationState::Expired
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_reports_every_invitation_of_the_host() {
    let (prosody, client) = setup().await;
    assert_eq!(client.invitation_usage(host()).await, Ok(vec![]));

    let first = create(&client, &spec(2)).await;
    let second = create(&client, &spec(1)).await;
    let third = create(&client, &spec(1)).await;
    assert_eq!(ibr(&prosody, "tara", &first.token).await, Ok(()));
    assert_redeems(&client, &first.token, "uma").await;
    assert_redeems(&client, &second.token, "vic").await;
    revoke(&client, &third.token).await;
    // Mod_invites_adhoc's tokens are not ours: not reported.
    client.create_account_invite(host()).await.unwrap();

    let mut reported = client.invitation_usage(host()).await.unwrap();
    let mut expected = vec![
        usage(&first.token, 2, InvitationState::UsedUp, &["tara", "uma"]),
        usage(&second.token, 1, InvitationState::UsedUp, &["vic"]),
        usage(&third.token, 0, InvitationState::Revoked, &[]),
    ];
    // Oldest first; these three may share a second.
    reported.sort_by(|a, b| a.token.cmp(&b.token));
    expected.sort_by(|a, b| a.token.cmp(&b.token));
    assert_eq!(reported, expected);

    // Accounts deleted since are still listed.
    client
        .delete_users(&[jid("vic@example.test")])
        .await
        .unwrap();
    assert_eq!(
        usage_of(&client, &second.token).await.accounts,
        vec!["vic".to_string()]
    );
    // Per host.
    assert_eq!(client.invitation_usage(other_host()).await, Ok(vec![]));
}

#[tokio::test(flavor = "multi_thread")]
async fn contact_invitation_makes_mutual_contacts() {
    let (prosody, client) = setup().await;
    prosody.register("wendy", OTHER_HOST, "secret");
    prosody.register("xavi", HOST, "secret");
    let wendy = jid("wendy@other.test");
    let xavi = jid("xavi@example.test");

    // A contact on another host of this server, in-app.
    let invitation = create(&client, &spec_with_contact(2, &wendy)).await;
    assert_eq!(ibr(&prosody, "yann", &invitation.token).await, Ok(()));
    let yann = jid("yann@example.test");
    assert_mutual_contacts(&prosody, &yann, &wendy).await;
    // Through the portal, a second account of the same invitation.
    assert_redeems(&client, &invitation.token, "zoe").await;
    let zoe = jid("zoe@example.test");
    assert_mutual_contacts(&prosody, &zoe, &wendy).await;
    // Only the contact: the two new accounts are not each other's contacts.
    assert_eq!(subscription(&prosody, &yann, "secret", &zoe).await, None);

    // A contact on the same host.
    let invitation = create(&client, &spec_with_contact(1, &xavi)).await;
    assert_redeems(&client, &invitation.token, "abel").await;
    assert_mutual_contacts(&prosody, &jid("abel@example.test"), &xavi).await;

    // The contact must exist on a host of this server.
    for contact in ["nobody@example.test", "wendy@elsewhere.test"] {
        assert_eq!(
            client
                .create_invitation(host(), &spec_with_contact(1, &jid(contact)))
                .await,
            Err(XmppError::ContactNotFound(contact.into()))
        );
    }
    assert_eq!(
        client
            .create_invitation(host(), &spec_with_contact(1, &jid(OTHER_HOST)))
            .await,
        Err(XmppError::InvalidJid(OTHER_HOST.into()))
    );
}

/// 10 redemptions through the portal and 10 in-app registrations that all
/// presented the token first, started together.
async fn race(prosody: &Prosody, client: &AdminClient, token: &str) -> Vec<String> {
    let mut apps = Vec::new();
    for _ in 0..10 {
        apps.push(app_with_token(prosody, token).await);
    }
    let web = join_all((0..10).map(|i| async move {
        let user = format!("web{i}");
        match redeem(client, token, &user).await {
            Ok(_) => Some(user),
            Err(XmppError::InvitationInvalid) => None,
            Err(e) => panic!("{user}: unexpected error {e}"),
        }
    }));
    let in_app = join_all(apps.iter_mut().enumerate().map(|(i, app)| async move {
        let user = format!("app{i}");
        match app_registers(app, &user).await {
            Ok(()) => Some(user),
            Err(refusal) if refusal == invalid_invitation() => None,
            Err(e) => panic!("{user}: unexpected refusal {e:?}"),
        }
    }));
    let (web, in_app) = tokio::join!(web, in_app);
    let mut created: Vec<String> = web.into_iter().chain(in_app).flatten().collect();
    created.sort();
    created
}

/// The [`race`] for an invitation of `max_uses` creates exactly that many accounts, which
/// alone exist and are reported; returns them.
async fn race_creates_max_accounts(
    prosody: &Prosody,
    client: &AdminClient,
    max_uses: u32,
) -> Vec<String> {
    let invitation = create(client, &spec(max_uses)).await;
    let created = race(prosody, client, &invitation.token).await;
    assert_eq!(created.len(), max_uses as usize, "created {created:?}");
    for i in 0..10 {
        for user in [format!("web{i}"), format!("app{i}")] {
            assert_eq!(
                exists(client, &user).await,
                created.contains(&user),
                "{user}"
            );
        }
    }
    // And the service account.
    assert_eq!(client.count_accounts(host()).await, Ok(max_uses + 1));
    let mut reported = usage_of(client, &invitation.token).await;
    reported.accounts.sort();
    let accounts: Vec<&str> = created.iter().map(String::as_str).collect();
    assert_eq!(
        reported,
        usage(
            &invitation.token,
            max_uses,
            InvitationState::UsedUp,
            &accounts
        )
    );
    created
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_redemptions_of_a_single_use_invitation() {
    let (prosody, client) = setup().await;
    let created = race_creates_max_accounts(&prosody, &client, 1).await;
    assert!(logs_in(&prosody, &created[0]).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_redemptions_of_a_three_use_invitation() {
    let (prosody, client) = setup().await;
    race_creates_max_accounts(&prosody, &client, 3).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_mode_and_quota_apply_to_redemption() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(3)).await;

    client
        .set_registration_mode(host(), RegistrationMode::Closed)
        .await
        .unwrap();
    let closed = XmppError::RegistrationClosed;
    refused_both_ways(
        &prosody,
        &client,
        &invitation.token,
        "bea",
        "not-allowed",
        closed,
    )
    .await;
    // A bad token is still just a bad token.
    assert_eq!(
        redeem(&client, "not-a-real-token", "bea").await,
        Err(XmppError::InvitationInvalid)
    );

    // Open: the invitation still counts.
    client
        .set_registration_mode(host(), RegistrationMode::Open)
        .await
        .unwrap();
    assert_redeems(&client, &invitation.token, "bea").await;
    assert_eq!(usage_of(&client, &invitation.token).await.uses, 1);

    // The quota (the portal's account counts).
    client.set_quota(host(), Some(2)).await.unwrap();
    let (full, quota) = ("resource-constraint", XmppError::QuotaReached);
    refused_both_ways(&prosody, &client, &invitation.token, "cleo", full, quota).await;
    let valid = InvitationState::Valid;
    assert_usage(&client, &invitation.token, 1, valid, &["bea"]).await;
    client.set_quota(host(), None).await.unwrap();
    assert_redeems(&client, &invitation.token, "cleo").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn account_exists_answers_for_any_account() {
    let (prosody, client) = setup().await;
    prosody.register("dora", OTHER_HOST, "secret");
    assert_eq!(
        client.account_exists(&prosody.service_jid()).await,
        Ok(true)
    );
    assert_eq!(
        client.account_exists(&jid("nobody@example.test")).await,
        Ok(false)
    );
    assert_eq!(
        client.account_exists(&jid("dora@other.test")).await,
        Ok(true)
    );
    assert_eq!(
        client.account_exists(&jid("dora@example.test")).await,
        Ok(false)
    );
    assert_eq!(
        client.account_exists(&jid(HOST)).await,
        Err(XmppError::InvalidJid(HOST.into()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_non_admin_cannot_use_the_invitation_commands() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(1)).await;
    let (user, password) = prosody.register_non_admin();
    let user_client = prosody.connected_admin_client_as(user, &password).await;
    assert_eq!(
        user_client.create_invitation(host(), &spec(1)).await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(
        redeem(&user_client, &invitation.token, "eve").await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(
        user_client.invitation_usage(host()).await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(
        user_client
            .revoke_invitation(host(), &invitation.token)
            .await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(
        user_client.account_exists(&prosody.service_jid()).await,
        Err(XmppError::Forbidden)
    );
    assert_eq!(
        usage_of(&client, &invitation.token).await.state,
        InvitationState::Valid
    );
}
