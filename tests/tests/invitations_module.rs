//! mod_domaine's invitations (server/prosody/mod_domaine.lua) and their
//! typed client against a real Prosody, one server per test: invitations
//! redeemed in-app (XEP-0401 preauth + XEP-0077) and through the portal's
//! redeem command, limits, revocation, expiry, usage, contacts, races.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use domaine_tests::prosody::{
    authenticate, can_login, register_in_band, register_in_band_with_text, Prosody,
};
use futures::future::join_all;
use futures::{SinkExt, StreamExt};
use server::xmpp::{
    invitation_node, AdminClient, BareJid, DomainRef, InvitationSpec, InvitationState,
    InvitationUsage, Jid, RegistrationMode, ServerInvitation, XmppConfig, XmppError,
};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio_xmpp::parsers::bind::{BindQuery, BindResponse};
use tokio_xmpp::parsers::ibr::LegacyQuery;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::minidom::rxml::{self, xml_ncname};
use tokio_xmpp::parsers::minidom::tree_builder::TreeBuilder;
use tokio_xmpp::parsers::minidom::Element;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::roster::{Ask, Roster, Subscription};
use tokio_xmpp::xmlstream::{FallibleStreamElement, XmppStreamElement};
use tokio_xmpp::Stanza;

const HOST: &str = "example.test";
const OTHER_HOST: &str = "other.test";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_WITHIN: Duration = Duration::from_secs(10);
const STREAM_TIMEOUT: Duration = Duration::from_secs(5);
const INVALID_INVITATION: &str = "Invalid invitation";

fn jid(jid: &str) -> BareJid {
    BareJid::new(jid).unwrap()
}

fn host() -> &'static DomainRef {
    static HOST_JID: std::sync::OnceLock<BareJid> = std::sync::OnceLock::new();
    HOST_JID.get_or_init(|| jid(HOST)).domain()
}

fn other_host() -> &'static DomainRef {
    static HOST_JID: std::sync::OnceLock<BareJid> = std::sync::OnceLock::new();
    HOST_JID.get_or_init(|| jid(OTHER_HOST)).domain()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn connect_as(prosody: &Prosody, jid: BareJid, password: &str) -> AdminClient {
    let client = AdminClient::start(XmppConfig {
        server_addr: prosody.c2s_addr(),
        jid,
        password: password.to_owned(),
        request_timeout: REQUEST_TIMEOUT,
    });
    client
        .wait_connected(CONNECT_WITHIN)
        .await
        .unwrap_or_else(|_| panic!("admin client not connected:\n{}", prosody.log_tail()));
    client
}

/// A Prosody with two hosts (registration mode: invite-only, the default)
/// and a connected admin client.
async fn setup() -> (Prosody, AdminClient) {
    let prosody = Prosody::start(&[HOST, OTHER_HOST]);
    let client = connect_as(&prosody, prosody.service_jid(), prosody.service_password()).await;
    (prosody, client)
}

fn spec(max_uses: u32) -> InvitationSpec {
    InvitationSpec {
        username: None,
        max_uses,
        expires_at: now() + 3600,
        contact: None,
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

/// An unauthenticated client stream that can present a preauth token and
/// register later, as an app whose user takes a while to pick a username.
/// Every step is bounded by 5 s.
struct InBandClient {
    reader: rxml::AsyncRawReader<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
    tree: TreeBuilder,
}

/// The condition and text of a stanza error.
type Refusal = (String, Option<String>);

impl InBandClient {
    async fn open(addr: SocketAddr) -> InBandClient {
        let open = async {
            let (read, writer) = tokio::net::TcpStream::connect(addr).await?.into_split();
            let mut client = InBandClient {
                reader: rxml::AsyncRawReader::new(BufReader::new(read)),
                writer,
                tree: TreeBuilder::new(),
            };
            let header = format!(
                "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
                 xmlns:stream='http://etherx.jabber.org/streams' to='{HOST}' version='1.0'>"
            );
            client.writer.write_all(header.as_bytes()).await?;
            loop {
                let element = client.next_element().await?;
                if element.is("features", "http://etherx.jabber.org/streams") {
                    return Ok::<_, std::io::Error>(client);
                }
            }
        };
        tokio::time::timeout(STREAM_TIMEOUT, open)
            .await
            .expect("stream opened in time")
            .expect("stream opened")
    }

    async fn preauth(&mut self, token: &str) -> Result<(), Refusal> {
        let preauth = Element::builder("preauth", "urn:xmpp:pars:0")
            .attr(xml_ncname!("token").to_owned(), token)
            .build();
        self.iq_set("preauth", preauth).await
    }

    async fn register(&mut self, username: &str) -> Result<(), Refusal> {
        let query = LegacyQuery {
            username: Some(username.to_owned()),
            password: Some("secret".to_owned()),
            ..LegacyQuery::default()
        };
        self.iq_set("register", Element::from(query)).await
    }

    async fn iq_set(&mut self, id: &str, payload: Element) -> Result<(), Refusal> {
        let exchange = async {
            let iq = Element::from(Iq::Set {
                from: None,
                to: None,
                id: id.to_owned(),
                payload,
            });
            let mut bytes = Vec::new();
            iq.write_to(&mut bytes).map_err(std::io::Error::other)?;
            self.writer.write_all(&bytes).await?;
            loop {
                let element = self.next_element().await?;
                if !element.is("iq", ns::JABBER_CLIENT) || element.attr("id") != Some(id) {
                    continue;
                }
                return Ok::<_, std::io::Error>(
                    match Iq::try_from(element).map_err(std::io::Error::other)? {
                        Iq::Result { .. } => Ok(()),
                        Iq::Error { error, .. } => {
                            let condition = Element::from(error.defined_condition.clone());
                            let text = error.texts.values().next().cloned();
                            Err((condition.name().to_owned(), text))
                        }
                        other => panic!("unexpected IQ {other:?}"),
                    },
                );
            }
        };
        tokio::time::timeout(STREAM_TIMEOUT, exchange)
            .await
            .unwrap_or_else(|_| panic!("no answer to {id} in time"))
            .unwrap_or_else(|e| panic!("stream failed during {id}: {e}"))
    }

    async fn next_element(&mut self) -> std::io::Result<Element> {
        loop {
            let Some(event) = self.reader.read().await? else {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            };
            let closes_element = matches!(event, rxml::RawEvent::ElementFoot(_));
            self.tree
                .process_event(event)
                .map_err(std::io::Error::other)?;
            match self.tree.depth() {
                0 if closes_element => return Err(std::io::ErrorKind::ConnectionAborted.into()),
                1 if closes_element => {
                    if let Some(element) = self.tree.unshift_child() {
                        return Ok(element);
                    }
                }
                _ => {}
            }
        }
    }
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
    let fetch = async {
        let mut stream = authenticate(prosody.c2s_addr(), user, password).await?;
        let bind = Iq::from_set("bind", BindQuery::new(None));
        stream.send(&bind).await.map_err(|e| e.to_string())?;
        let get = Iq::from_get(
            "roster",
            Roster {
                ver: None,
                items: Vec::new(),
            },
        );
        let mut sent_get = false;
        loop {
            let element = stream.next().await.ok_or("stream closed")?;
            let Ok(FallibleStreamElement::Ok(XmppStreamElement::Stanza(Stanza::Iq(Iq::Result {
                id,
                payload: Some(payload),
                ..
            })))) = element
            else {
                continue;
            };
            if id == "bind" && !sent_get {
                BindResponse::try_from(payload).map_err(|e| e.to_string())?;
                stream.send(&get).await.map_err(|e| e.to_string())?;
                sent_get = true;
            } else if id == "roster" {
                return Roster::try_from(payload).map_err(|e| e.to_string());
            }
        }
    };
    let roster = tokio::time::timeout(STREAM_TIMEOUT, fetch)
        .await
        .unwrap_or_else(|_| panic!("{user} cannot fetch the roster in time"))
        .unwrap_or_else(|e| panic!("{user} cannot fetch the roster: {e}"));
    roster
        .items
        .into_iter()
        .find(|item| &item.jid == contact)
        .filter(|item| item.ask == Ask::None)
        .map(|item| item.subscription)
}

#[tokio::test(flavor = "multi_thread")]
async fn single_use_invitation_redeemed_in_app() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(1)).await;
    assert_eq!(
        invitation.uri,
        format!("xmpp:{HOST}?register;preauth={}", invitation.token)
    );
    assert_eq!(
        usage_of(&client, &invitation.token).await,
        usage(&invitation.token, 0, InvitationState::Valid, &[])
    );

    assert_eq!(ibr(&prosody, "alice", &invitation.token).await, Ok(()));
    assert!(logs_in(&prosody, "alice").await);

    // Used up, both ways.
    assert_eq!(
        ibr(&prosody, "bob", &invitation.token).await,
        Err("preauth:forbidden".into())
    );
    assert_eq!(
        redeem(&client, &invitation.token, "bob").await,
        Err(XmppError::InvitationInvalid)
    );
    assert!(!exists(&client, "bob").await);
    assert_eq!(
        usage_of(&client, &invitation.token).await,
        usage(&invitation.token, 1, InvitationState::UsedUp, &["alice"])
    );
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
    assert_eq!(
        redeem(&client, &invitation.token, "dave").await,
        Err(XmppError::InvitationInvalid)
    );
    assert_eq!(
        ibr(&prosody, "dave", &invitation.token).await,
        Err("preauth:forbidden".into())
    );
    assert_eq!(
        usage_of(&client, &invitation.token).await,
        usage(&invitation.token, 1, InvitationState::UsedUp, &["carol"])
    );

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
    assert_eq!(
        usage_of(&client, &invitation.token).await,
        usage(&invitation.token, 0, InvitationState::Valid, &[])
    );
    assert_eq!(
        redeem(&client, &invitation.token, "erin").await,
        Ok(jid("erin@example.test"))
    );

    // Unknown tokens, and tokens of another host, get the same answer.
    for token in ["not-a-real-token", &invitation.token] {
        assert_eq!(
            redeem(&client, token, "frank").await,
            Err(XmppError::InvitationInvalid)
        );
    }
    let other = client
        .create_invitation(other_host(), &spec(1))
        .await
        .unwrap();
    assert_eq!(
        redeem(&client, &other.token, "frank").await,
        Err(XmppError::InvitationInvalid)
    );
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
    assert_eq!(
        ibr(&prosody, "hank", &web.token).await,
        Err("not-allowed".into())
    );
    assert_eq!(
        redeem(&client, &web.token, "hank").await,
        Err(XmppError::UsernameNotInvited)
    );
    assert_eq!(
        redeem(&client, &web.token, "ivan").await,
        Ok(jid("ivan@example.test"))
    );
    assert!(!exists(&client, "hank").await);
    assert_eq!(
        usage_of(&client, &web.token).await,
        usage(&web.token, 1, InvitationState::UsedUp, &["ivan"])
    );

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
    let expires = (now() + 60).to_string();
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
    assert_eq!(
        redeem(&client, &invitation.token, "lea").await,
        Ok(jid("lea@example.test"))
    );
    assert_eq!(
        usage_of(&client, &invitation.token).await,
        usage(
            &invitation.token,
            2,
            InvitationState::Valid,
            &["kim", "lea"]
        )
    );
    assert_eq!(ibr(&prosody, "max", &invitation.token).await, Ok(()));

    assert_eq!(
        ibr(&prosody, "ned", &invitation.token).await,
        Err("preauth:forbidden".into())
    );
    assert_eq!(
        redeem(&client, &invitation.token, "ned").await,
        Err(XmppError::InvitationInvalid)
    );
    for user in ["kim", "lea", "max"] {
        assert!(logs_in(&prosody, user).await, "{user}");
    }
    assert!(!exists(&client, "ned").await);
    assert_eq!(
        usage_of(&client, &invitation.token).await,
        usage(
            &invitation.token,
            3,
            InvitationState::UsedUp,
            &["kim", "lea", "max"]
        )
    );
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
    let mut early = InBandClient::open(prosody.c2s_addr()).await;
    assert_eq!(early.preauth(&invitation.token).await, Ok(()));

    client
        .revoke_invitation(host(), &invitation.token)
        .await
        .unwrap();

    // ...cannot register after it.
    assert_eq!(
        early.register("paul").await,
        Err(("forbidden".into(), Some(INVALID_INVITATION.into())))
    );
    assert_eq!(
        ibr(&prosody, "paul", &invitation.token).await,
        Err("preauth:forbidden".into())
    );
    assert_eq!(
        redeem(&client, &invitation.token, "paul").await,
        Err(XmppError::InvitationInvalid)
    );
    assert!(!exists(&client, "paul").await);
    assert_eq!(
        usage_of(&client, &invitation.token).await,
        usage(&invitation.token, 1, InvitationState::Revoked, &["olga"])
    );

    // Idempotent, and fine for unknown tokens.
    client
        .revoke_invitation(host(), &invitation.token)
        .await
        .unwrap();
    client
        .revoke_invitation(host(), "not-a-real-token")
        .await
        .unwrap();
    assert!(client
        .invitation_usage(host())
        .await
        .unwrap()
        .iter()
        .all(|usage| usage.token != "not-a-real-token"));

    // A used-up invitation stays reported as used up.
    let single = create(&client, &spec(1)).await;
    assert_eq!(ibr(&prosody, "quinn", &single.token).await, Ok(()));
    client
        .revoke_invitation(host(), &single.token)
        .await
        .unwrap();
    assert_eq!(
        usage_of(&client, &single.token).await.state,
        InvitationState::UsedUp
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_invitation_is_refused_and_reported() {
    let (prosody, client) = setup().await;
    let expires_at = now() - 3600;
    let dead = create(
        &client,
        &InvitationSpec {
            expires_at,
            ..spec(3)
        },
    )
    .await;
    assert_eq!(dead.expires_at, expires_at);
    assert_eq!(
        ibr(&prosody, "rita", &dead.token).await,
        Err("preauth:forbidden".into())
    );
    assert_eq!(
        redeem(&client, &dead.token, "rita").await,
        Err(XmppError::InvitationInvalid)
    );
    assert!(!exists(&client, "rita").await);
    assert_eq!(
        usage_of(&client, &dead.token).await,
        usage(&dead.token, 0, InvitationState::Expired, &[])
    );

    // Presented while valid, used after expiry: refused too.
    let expires_at = now() + 1;
    let short = create(
        &client,
        &InvitationSpec {
            expires_at,
            ..spec(1)
        },
    )
    .await;
    let mut app = InBandClient::open(prosody.c2s_addr()).await;
    assert_eq!(app.preauth(&short.token).await, Ok(()));
    while now() <= expires_at {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.register("sam").await,
        Err(("forbidden".into(), Some(INVALID_INVITATION.into())))
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
    assert_eq!(
        redeem(&client, &first.token, "uma").await,
        Ok(jid("uma@example.test"))
    );
    assert_eq!(
        redeem(&client, &second.token, "vic").await,
        Ok(jid("vic@example.test"))
    );
    client
        .revoke_invitation(host(), &third.token)
        .await
        .unwrap();
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
    let invitation = create(
        &client,
        &InvitationSpec {
            contact: Some(wendy.clone()),
            ..spec(2)
        },
    )
    .await;
    assert_eq!(ibr(&prosody, "yann", &invitation.token).await, Ok(()));
    let yann = jid("yann@example.test");
    assert_eq!(
        subscription(&prosody, &yann, "secret", &wendy).await,
        Some(Subscription::Both)
    );
    assert_eq!(
        subscription(&prosody, &wendy, "secret", &yann).await,
        Some(Subscription::Both)
    );
    // Through the portal, a second account of the same invitation.
    assert_eq!(
        redeem(&client, &invitation.token, "zoe").await,
        Ok(jid("zoe@example.test"))
    );
    let zoe = jid("zoe@example.test");
    assert_eq!(
        subscription(&prosody, &zoe, "secret", &wendy).await,
        Some(Subscription::Both)
    );
    assert_eq!(
        subscription(&prosody, &wendy, "secret", &zoe).await,
        Some(Subscription::Both)
    );
    // Only the contact: the two new accounts are not each other's contacts.
    assert_eq!(subscription(&prosody, &yann, "secret", &zoe).await, None);

    // A contact on the same host.
    let invitation = create(
        &client,
        &InvitationSpec {
            contact: Some(xavi.clone()),
            ..spec(1)
        },
    )
    .await;
    assert_eq!(
        redeem(&client, &invitation.token, "abel").await,
        Ok(jid("abel@example.test"))
    );
    let abel = jid("abel@example.test");
    assert_eq!(
        subscription(&prosody, &abel, "secret", &xavi).await,
        Some(Subscription::Both)
    );
    assert_eq!(
        subscription(&prosody, &xavi, "secret", &abel).await,
        Some(Subscription::Both)
    );

    // The contact must exist on a host of this server.
    for contact in ["nobody@example.test", "wendy@elsewhere.test"] {
        assert_eq!(
            client
                .create_invitation(
                    host(),
                    &InvitationSpec {
                        contact: Some(jid(contact)),
                        ..spec(1)
                    }
                )
                .await,
            Err(XmppError::ContactNotFound(contact.into()))
        );
    }
    assert_eq!(
        client
            .create_invitation(
                host(),
                &InvitationSpec {
                    contact: Some(jid(OTHER_HOST)),
                    ..spec(1)
                }
            )
            .await,
        Err(XmppError::InvalidJid(OTHER_HOST.into()))
    );
}

/// 10 redemptions through the portal and 10 in-app registrations that all
/// presented the token first, started together.
async fn race(prosody: &Prosody, client: &AdminClient, token: &str) -> Vec<String> {
    let mut apps = Vec::new();
    for _ in 0..10 {
        let mut app = InBandClient::open(prosody.c2s_addr()).await;
        assert_eq!(app.preauth(token).await, Ok(()));
        apps.push(app);
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
        match app.register(&user).await {
            Ok(()) => Some(user),
            Err((condition, Some(text)))
                if condition == "forbidden" && text == INVALID_INVITATION =>
            {
                None
            }
            Err(e) => panic!("{user}: unexpected refusal {e:?}"),
        }
    }));
    let (web, in_app) = tokio::join!(web, in_app);
    let mut created: Vec<String> = web.into_iter().chain(in_app).flatten().collect();
    created.sort();
    created
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_redemptions_of_a_single_use_invitation() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(1)).await;
    let created = race(&prosody, &client, &invitation.token).await;
    assert_eq!(created.len(), 1, "created {created:?}");
    for i in 0..10 {
        for user in [format!("web{i}"), format!("app{i}")] {
            assert_eq!(
                exists(&client, &user).await,
                created.contains(&user),
                "{user}"
            );
        }
    }
    assert!(logs_in(&prosody, &created[0]).await);
    assert_eq!(client.count_accounts(host()).await, Ok(2));
    let mut reported = usage_of(&client, &invitation.token).await;
    reported.accounts.sort();
    assert_eq!(
        reported,
        usage(
            &invitation.token,
            1,
            InvitationState::UsedUp,
            &[&created[0]]
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_redemptions_of_a_three_use_invitation() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(3)).await;
    let created = race(&prosody, &client, &invitation.token).await;
    assert_eq!(created.len(), 3, "created {created:?}");
    for i in 0..10 {
        for user in [format!("web{i}"), format!("app{i}")] {
            assert_eq!(
                exists(&client, &user).await,
                created.contains(&user),
                "{user}"
            );
        }
    }
    assert_eq!(client.count_accounts(host()).await, Ok(4));
    let mut reported = usage_of(&client, &invitation.token).await;
    reported.accounts.sort();
    let created: Vec<&str> = created.iter().map(String::as_str).collect();
    assert_eq!(
        reported,
        usage(&invitation.token, 3, InvitationState::UsedUp, &created)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_mode_and_quota_apply_to_redemption() {
    let (prosody, client) = setup().await;
    let invitation = create(&client, &spec(3)).await;

    client
        .set_registration_mode(host(), RegistrationMode::Closed)
        .await
        .unwrap();
    assert_eq!(
        redeem(&client, &invitation.token, "bea").await,
        Err(XmppError::RegistrationClosed)
    );
    assert_eq!(
        ibr(&prosody, "bea", &invitation.token).await,
        Err("not-allowed".into())
    );
    assert!(!exists(&client, "bea").await);
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
    assert_eq!(
        redeem(&client, &invitation.token, "bea").await,
        Ok(jid("bea@example.test"))
    );
    assert_eq!(usage_of(&client, &invitation.token).await.uses, 1);

    // The quota (the portal's account counts).
    client.set_quota(host(), Some(2)).await.unwrap();
    assert_eq!(
        redeem(&client, &invitation.token, "cleo").await,
        Err(XmppError::QuotaReached)
    );
    assert_eq!(
        ibr(&prosody, "cleo", &invitation.token).await,
        Err("resource-constraint".into())
    );
    assert!(!exists(&client, "cleo").await);
    assert_eq!(
        usage_of(&client, &invitation.token).await,
        usage(&invitation.token, 1, InvitationState::Valid, &["bea"])
    );
    client.set_quota(host(), None).await.unwrap();
    assert_eq!(
        redeem(&client, &invitation.token, "cleo").await,
        Ok(jid("cleo@example.test"))
    );
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
    let user_client = connect_as(&prosody, user, &password).await;
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
