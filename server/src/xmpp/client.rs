//! The portal's single long-lived XMPP connection.
//!
//! It drives tokio-xmpp's low-level `XmppStream` (connect, SASL, bind) itself
//! instead of using `tokio_xmpp::Client`, because the high-level client
//! queues stanzas while offline and replays them after a reconnect: an admin
//! command whose caller already got a timeout could then still run later.
//! Here a request is only written while connected, requests still waiting
//! when their caller gives up are dropped, and requests in flight when the
//! connection dies fail at once. It also keeps the `<command/>` payload of
//! IQ errors and lets us choose the reconnect backoff.
//!
//! The connection lives on its own OS thread with a current_thread runtime:
//! tokio-xmpp 6 was seen losing IQ wakeups on the multi-thread runtime.
//! Callers on any runtime talk to it through channels.

use std::borrow::Cow;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use rand::Rng;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tokio_xmpp::error::AuthError;
use tokio_xmpp::parsers::bind::{BindQuery, BindResponse};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::jid::{BareJid, Jid};
use tokio_xmpp::parsers::message::{Lang, Message};
use tokio_xmpp::parsers::minidom::Element;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::ping::Ping;
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};
use tokio_xmpp::xmlstream::{
    FallibleStreamElement, ReadError, StreamElementError, StreamHeader, Timeouts, XmppStreamElement,
};
use tokio_xmpp::{client_login, Stanza};

use super::adhoc::IqReply;
use super::error::XmppError;
use super::tls::Transport;

/// How to reach the XMPP server and as whom.
#[derive(Clone)]
pub struct XmppConfig {
    /// Client-to-server port, plain TCP (loopback only: no TLS).
    pub server_addr: SocketAddr,
    /// The portal's service account, an admin of every managed host.
    pub jid: BareJid,
    pub password: String,
    /// Upper bound for one request, including waiting for a connection.
    pub request_timeout: Duration,
}

impl std::fmt::Debug for XmppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmppConfig")
            .field("server_addr", &self.server_addr)
            .field("jid", &self.jid)
            .field("password", &"<redacted>")
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

/// State of the connection, for a health page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionStatus {
    /// The first connection attempt has not finished yet.
    Connecting,
    Connected,
    /// The connection was lost or an attempt failed; retrying with backoff.
    Disconnected,
    /// The server refused the service account's credentials; retrying with
    /// backoff, but this needs an operator.
    AuthenticationFailed,
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// A server that stops reading must not stall the connection forever.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// A connection that lasted this long resets the backoff; shorter ones keep
/// it growing, so a server that accepts and drops us is not hammered.
const STABLE_CONNECTION: Duration = Duration::from_secs(10);
/// After this much silence we ping the server; no answer within
/// `STREAM_TIMEOUTS.response_timeout` means the connection is dead.
const STREAM_TIMEOUTS: Timeouts = Timeouts {
    read_timeout: Duration::from_secs(60),
    response_timeout: Duration::from_secs(20),
};
/// IQ ids of keepalive pings; their replies are not tracked.
const PING_ID_PREFIX: &str = "keepalive-";

type Io = super::tls::Io;
type Stream = tokio_xmpp::xmlstream::XmppStream<Io>;

/// Handle to the admin connection. Cheap to clone; the connection thread
/// ends when the last clone is dropped.
#[derive(Clone)]
pub struct AdminClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AdminClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminClient")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

struct Inner {
    requests: mpsc::UnboundedSender<Request>,
    status: watch::Receiver<ConnectionStatus>,
    request_timeout: Duration,
    /// The service account.
    jid: BareJid,
    transport: Transport,
}

enum Request {
    Iq(IqRequest),
    /// A stanza that gets no answer (a chat message).
    Stanza(StanzaRequest),
}

struct IqRequest {
    to: Jid,
    /// An IQ get (a query) rather than a set (a command).
    get: bool,
    payload: Element,
    /// Set once the IQ is written, to tell a timeout from unavailability.
    sent: Arc<AtomicBool>,
    reply: oneshot::Sender<Result<IqReply, XmppError>>,
}

struct StanzaRequest {
    /// Boxed: a message is much larger than the other requests.
    stanza: Box<Stanza>,
    /// Set once the connection starts writing it, to tell a timeout (it may
    /// still have gone out) from unavailability.
    taken: Arc<AtomicBool>,
    /// Told once the stanza is written (or could not be).
    written: oneshot::Sender<Result<(), XmppError>>,
}

impl Request {
    /// Whether the caller gave up waiting.
    fn is_abandoned(&self) -> bool {
        match self {
            Request::Iq(request) => request.reply.is_closed(),
            Request::Stanza(request) => request.written.is_closed(),
        }
    }
}

impl AdminClient {
    /// Spawns the connection thread and returns at once; the connection is
    /// established (and re-established) in the background.
    ///
    /// # Panics
    /// If the OS refuses to create a thread.
    pub fn start(config: XmppConfig) -> AdminClient {
        let transport = Transport::plain(config.server_addr);
        AdminClient::start_with(config, transport)
    }

    /// Like [`AdminClient::start`], over `transport` (TLS) instead of plain TCP.
    pub fn start_with(config: XmppConfig, transport: Transport) -> AdminClient {
        let (requests_tx, requests_rx) = mpsc::unbounded_channel();
        let (status_tx, status_rx) = watch::channel(ConnectionStatus::Connecting);
        let request_timeout = config.request_timeout;
        let jid = config.jid.clone();
        let worker = Worker {
            config,
            transport: transport.clone(),
            requests: requests_rx,
            status: status_tx,
            waiting: Vec::new(),
        };
        std::thread::Builder::new()
            .name("xmpp-admin".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(worker.run()),
                    // Dropping the worker fails every request with Unavailable.
                    Err(error) => tracing::error!(%error, "cannot create the XMPP runtime"),
                }
            })
            .expect("failed to spawn the XMPP connection thread");
        AdminClient {
            inner: Arc::new(Inner {
                requests: requests_tx,
                status: status_rx,
                request_timeout,
                jid,
                transport,
            }),
        }
    }

    pub fn status(&self) -> ConnectionStatus {
        *self.inner.status.borrow()
    }

    pub fn is_connected(&self) -> bool {
        self.status() == ConnectionStatus::Connected
    }

    /// Waits until the connection is up, at most `within`.
    pub async fn wait_connected(&self, within: Duration) -> Result<(), XmppError> {
        let mut status = self.inner.status.clone();
        let connected = status.wait_for(|status| *status == ConnectionStatus::Connected);
        let connected = matches!(tokio::time::timeout(within, connected).await, Ok(Ok(_)));
        if connected {
            Ok(())
        } else {
            Err(XmppError::Unavailable)
        }
    }

    pub(crate) fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// How this client reaches the server; user logins go the same way.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The portal's service account.
    pub fn service_jid(&self) -> &BareJid {
        &self.inner.jid
    }

    /// Sends a chat message (`<message type='chat'>`) from the service
    /// account to `to`, without waiting for any answer: `Ok` once it is
    /// written to the server. The server delivers it to the recipient's
    /// online resources, or keeps it offline for them; a refusal (no such
    /// account) comes back as an error message, which is ignored.
    /// `Err(Unavailable)` if there was no connection within the request
    /// timeout (it is then not sent later), `Err(Timeout)` if the write did
    /// not finish in time (it may still have gone out), `Err(InvalidData)`
    /// for a body XML cannot carry (control characters).
    pub async fn send_chat(&self, to: &BareJid, body: &str) -> Result<(), XmppError> {
        if let Some(c) = body.chars().find(|&c| !is_xml_char(c)) {
            return Err(XmppError::InvalidData(format!(
                "the message contains the character U+{:04X}, which XML cannot carry",
                u32::from(c)
            )));
        }
        let deadline = Instant::now() + self.request_timeout();
        let message = Message::chat(Jid::from(to.clone())).with_body(Lang::new(), body.to_owned());
        let (written_tx, written_rx) = oneshot::channel();
        let taken = Arc::new(AtomicBool::new(false));
        let request = Request::Stanza(StanzaRequest {
            stanza: Box::new(Stanza::Message(message)),
            taken: Arc::clone(&taken),
            written: written_tx,
        });
        if self.inner.requests.send(request).is_err() {
            return Err(XmppError::Unavailable);
        }
        match tokio::time::timeout_at(deadline, written_rx).await {
            Ok(Ok(written)) => written,
            // The connection thread is gone.
            Ok(Err(_)) => Err(XmppError::Unavailable),
            Err(_) if taken.load(Ordering::Acquire) => Err(XmppError::Timeout),
            Err(_) => Err(XmppError::Unavailable),
        }
    }

    /// Sends an IQ set and waits for its reply until `deadline`. Must be
    /// called within a tokio runtime (for the timer).
    pub(crate) async fn iq_set(
        &self,
        to: Jid,
        payload: Element,
        deadline: Instant,
    ) -> Result<IqReply, XmppError> {
        self.iq(to, false, payload, deadline).await
    }

    /// Sends an IQ get (a query, e.g. disco#info) and waits for its reply until `deadline`.
    pub(crate) async fn iq_get(
        &self,
        to: Jid,
        payload: Element,
        deadline: Instant,
    ) -> Result<IqReply, XmppError> {
        self.iq(to, true, payload, deadline).await
    }

    async fn iq(
        &self,
        to: Jid,
        get: bool,
        payload: Element,
        deadline: Instant,
    ) -> Result<IqReply, XmppError> {
        let (reply_tx, reply_rx) = oneshot::channel();
        let sent = Arc::new(AtomicBool::new(false));
        let request = Request::Iq(IqRequest {
            to,
            get,
            payload,
            sent: Arc::clone(&sent),
            reply: reply_tx,
        });
        if self.inner.requests.send(request).is_err() {
            return Err(XmppError::Unavailable);
        }
        match tokio::time::timeout_at(deadline, reply_rx).await {
            Ok(Ok(reply)) => reply,
            // The connection thread is gone.
            Ok(Err(_)) => Err(XmppError::Unavailable),
            Err(_) if sent.load(Ordering::Acquire) => Err(XmppError::Timeout),
            Err(_) => Err(XmppError::Unavailable),
        }
    }
}

struct Worker {
    config: XmppConfig,
    transport: Transport,
    requests: mpsc::UnboundedReceiver<Request>,
    status: watch::Sender<ConnectionStatus>,
    /// Requests that arrived while offline, sent once connected.
    waiting: Vec<Request>,
}

/// Why `serve` returned.
enum Ended {
    /// Every `AdminClient` is gone.
    Shutdown,
    ConnectionLost,
}

enum LoginError {
    Auth,
    Other(String),
}

impl Worker {
    async fn run(mut self) {
        let mut backoff = Backoff::default();
        let mut first = true;
        loop {
            let login = login(self.config.clone(), self.transport.clone());
            let attempt = tokio::time::timeout(CONNECT_TIMEOUT, login);
            let Some(attempt) = self.while_offline(attempt).await else {
                return;
            };
            match attempt {
                Ok(Ok(stream)) => {
                    tracing::info!(jid = %self.config.jid, "connected to the XMPP server");
                    if !std::mem::take(&mut first) {
                        crate::metrics::xmpp_reconnected();
                    }
                    self.status.send_replace(ConnectionStatus::Connected);
                    let since = Instant::now();
                    let ended = Connection::new(stream, &self.config).serve(&mut self).await;
                    if let Ended::Shutdown = ended {
                        return;
                    }
                    tracing::warn!("lost the connection to the XMPP server");
                    self.status.send_replace(ConnectionStatus::Disconnected);
                    if since.elapsed() >= STABLE_CONNECTION {
                        backoff = Backoff::default();
                    }
                }
                Ok(Err(LoginError::Auth)) => {
                    tracing::error!(jid = %self.config.jid, "the XMPP server refused the service account's credentials");
                    self.status
                        .send_replace(ConnectionStatus::AuthenticationFailed);
                }
                Ok(Err(LoginError::Other(error))) => {
                    self.connection_failed(&error);
                }
                Err(_) => {
                    self.connection_failed(&"timed out");
                }
            }
            let delay = backoff.next_delay();
            if self
                .while_offline(tokio::time::sleep(delay))
                .await
                .is_none()
            {
                return;
            }
        }
    }

    /// Warns once per outage, not at every retry.
    fn connection_failed(&self, error: &dyn std::fmt::Display) {
        if *self.status.borrow() == ConnectionStatus::Disconnected {
            tracing::debug!(%error, "cannot connect to the XMPP server");
        } else {
            tracing::warn!(%error, "cannot connect to the XMPP server");
        }
        self.status.send_replace(ConnectionStatus::Disconnected);
    }

    /// Runs `future` while queueing the requests that arrive meanwhile.
    /// `None` if every `AdminClient` was dropped.
    async fn while_offline<F: Future>(&mut self, future: F) -> Option<F::Output> {
        tokio::pin!(future);
        loop {
            tokio::select! {
                output = &mut future => return Some(output),
                request = self.requests.recv() => {
                    let request = request?;
                    // Forget requests whose caller already gave up.
                    self.waiting.retain(|request| !request.is_abandoned());
                    self.waiting.push(request);
                }
            }
        }
    }
}

/// `client_login` takes `sasl::common::Credentials`, but tokio-xmpp does not
/// re-export the `sasl` crate: take the type from its signature instead of
/// depending on `sasl` directly.
fn default_third_argument<A, B, C: Default, R>(_: impl FnOnce(A, B, C) -> R) -> C {
    C::default()
}

/// Connects to `addr` and authenticates as `jid` with SASL; the stream is restarted and ready
/// for resource binding. A wrong password (or a locked account) fails at once with
/// `LoginError::Auth`.
async fn authenticate(
    transport: &Transport,
    jid: &BareJid,
    password: &str,
) -> Result<Stream, LoginError> {
    let other = |error: &dyn std::fmt::Display| LoginError::Other(error.to_string());
    let Some(username) = jid.node() else {
        return Err(LoginError::Auth);
    };
    let full = Jid::from(jid.clone());
    let pending = transport
        .connect(full.domain().as_str(), ns::JABBER_CLIENT, STREAM_TIMEOUTS)
        .await
        .map_err(LoginError::Other)?;
    let (features, stream) = pending
        .recv_features::<FallibleStreamElement>()
        .await
        .map_err(|e| other(&e))?;
    let credentials = default_third_argument(client_login::<Io>)
        .with_username(username.as_str())
        .with_password(password);
    let stream = client_login(stream, features.sasl_mechanisms, credentials)
        .await
        .map_err(|error| match error {
            tokio_xmpp::Error::Auth(AuthError::Fail(_)) => LoginError::Auth,
            error => other(&error),
        })?;
    let pending = stream
        .send_header(StreamHeader {
            to: Some(Cow::Borrowed(jid.domain().as_str())),
            from: None,
            id: None,
        })
        .await
        .map_err(|e| other(&e))?;
    let (_, stream) = pending
        .recv_features::<FallibleStreamElement>()
        .await
        .map_err(|e| other(&e))?;
    Ok(stream)
}

/// Whether `jid` can log in with `password`, asked of the XMPP server itself on a short-lived
/// connection: how people log in to the portal with their XMPP address. `Ok(false)` for a
/// wrong password or a locked account; `Err(Unavailable)` when the server cannot be reached,
/// `Err(Timeout)` when it does not answer within `within`.
pub async fn check_password(
    transport: &Transport,
    jid: &BareJid,
    password: &str,
    within: Duration,
) -> Result<bool, XmppError> {
    match tokio::time::timeout(within, authenticate(transport, jid, password)).await {
        // Dropping the stream closes the connection: it was only a proof of the password.
        Ok(Ok(_stream)) => Ok(true),
        Ok(Err(LoginError::Auth)) => Ok(false),
        Ok(Err(_)) => Err(XmppError::Unavailable),
        Err(_) => Err(XmppError::Timeout),
    }
}

async fn login(config: XmppConfig, transport: Transport) -> Result<Stream, LoginError> {
    let other = |error: &dyn std::fmt::Display| LoginError::Other(error.to_string());
    let mut stream = authenticate(&transport, &config.jid, &config.password).await?;

    // The server picks the resource, so that several portal instances can
    // share the account without kicking each other out.
    const BIND_ID: &str = "bind";
    let bind = Iq::from_set(BIND_ID, BindQuery::new(None));
    stream.send(&bind).await.map_err(|e| other(&e))?;
    loop {
        match stream.next().await {
            Some(Ok(FallibleStreamElement::Ok(XmppStreamElement::Stanza(Stanza::Iq(iq))))) => {
                match iq {
                    Iq::Result {
                        id,
                        payload: Some(payload),
                        ..
                    } if id == BIND_ID => {
                        BindResponse::try_from(payload).map_err(|e| other(&e))?;
                        return Ok(stream);
                    }
                    Iq::Error { id, error, .. } if id == BIND_ID => {
                        return Err(LoginError::Other(format!(
                            "resource binding failed: {:?}",
                            error.defined_condition
                        )))
                    }
                    _ => {}
                }
            }
            Some(Ok(_)) | Some(Err(ReadError::SoftTimeout | ReadError::ParseError(_))) => {}
            Some(Err(error)) => return Err(other(&error)),
            None => return Err(LoginError::Other("connection closed".into())),
        }
    }
}

struct Connection {
    stream: Stream,
    server: Jid,
    in_flight: HashMap<String, InFlight>,
    next_id: u64,
}

struct InFlight {
    to: Jid,
    reply: oneshot::Sender<Result<IqReply, XmppError>>,
}

impl Connection {
    fn new(stream: Stream, config: &XmppConfig) -> Self {
        Connection {
            stream,
            server: Jid::from(BareJid::from_parts(None, config.jid.domain())),
            in_flight: HashMap::new(),
            next_id: 0,
        }
    }

    async fn serve(mut self, worker: &mut Worker) -> Ended {
        let ended = self.serve_until_closed(worker).await;
        // The outcome of requests in flight is unknown: fail them now
        // rather than letting their callers wait for the timeout.
        for (_, in_flight) in self.in_flight.drain() {
            let _ = in_flight.reply.send(Err(XmppError::Unavailable));
        }
        if let Ended::Shutdown = ended {
            let close = SinkExt::<&Stanza>::close(&mut self.stream);
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, close).await;
        }
        ended
    }

    async fn serve_until_closed(&mut self, worker: &mut Worker) -> Ended {
        let mut waiting = std::mem::take(&mut worker.waiting).into_iter();
        while let Some(request) = waiting.next() {
            if self.send_request(request).await.is_err() {
                // The others keep waiting for the next connection.
                worker.waiting.extend(waiting);
                return Ended::ConnectionLost;
            }
        }
        loop {
            tokio::select! {
                request = worker.requests.recv() => {
                    let Some(request) = request else {
                        return Ended::Shutdown;
                    };
                    if self.send_request(request).await.is_err() {
                        return Ended::ConnectionLost;
                    }
                }
                item = self.stream.next() => {
                    let Some(item) = item else {
                        return Ended::ConnectionLost;
                    };
                    if self.handle_incoming(item).await.is_err() {
                        return Ended::ConnectionLost;
                    }
                }
            }
        }
    }

    async fn send_request(&mut self, request: Request) -> Result<(), ()> {
        match request {
            Request::Iq(request) => self.send_iq(request).await,
            Request::Stanza(request) => self.send_stanza(request).await,
        }
    }

    async fn send_stanza(&mut self, request: StanzaRequest) -> Result<(), ()> {
        if request.written.is_closed() {
            return Ok(());
        }
        request.taken.store(true, Ordering::Release);
        let written = self.write(&*request.stanza).await;
        let _ = request
            .written
            .send(written.map_err(|()| XmppError::Unavailable));
        written
    }

    async fn send_iq(&mut self, request: IqRequest) -> Result<(), ()> {
        if request.reply.is_closed() {
            return Ok(());
        }
        // Drop entries whose callers timed out and whose reply never came.
        self.in_flight
            .retain(|_, in_flight| !in_flight.reply.is_closed());
        self.next_id += 1;
        let id = format!("adhoc-{}", self.next_id);
        let (from, to, payload) = (None, Some(request.to.clone()), request.payload);
        let iq = if request.get {
            Iq::Get {
                from,
                to,
                id: id.clone(),
                payload,
            }
        } else {
            Iq::Set {
                from,
                to,
                id: id.clone(),
                payload,
            }
        };
        match self.write(&iq).await {
            Ok(()) => {
                request.sent.store(true, Ordering::Release);
                self.in_flight.insert(
                    id,
                    InFlight {
                        to: request.to,
                        reply: request.reply,
                    },
                );
                Ok(())
            }
            Err(()) => {
                let _ = request.reply.send(Err(XmppError::Unavailable));
                Err(())
            }
        }
    }

    async fn write<T>(&mut self, stanza: &T) -> Result<(), ()>
    where
        for<'a> Stream: futures::Sink<&'a T, Error = std::io::Error>,
    {
        match tokio::time::timeout(WRITE_TIMEOUT, self.stream.send(stanza)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot write to the XMPP server");
                Err(())
            }
            Err(_) => {
                tracing::warn!("writing to the XMPP server timed out");
                Err(())
            }
        }
    }

    /// `Err` when the connection is over.
    async fn handle_incoming(
        &mut self,
        item: Result<FallibleStreamElement, ReadError>,
    ) -> Result<(), ()> {
        match item {
            Ok(FallibleStreamElement::Ok(XmppStreamElement::Stanza(Stanza::Iq(iq)))) => {
                self.handle_iq(iq).await
            }
            Ok(FallibleStreamElement::Ok(XmppStreamElement::StreamError(error))) => {
                tracing::warn!(%error, "stream error from the XMPP server");
                Err(())
            }
            Ok(FallibleStreamElement::Ok(_)) => Ok(()),
            Ok(FallibleStreamElement::Err(StreamElementError::InvalidStanza {
                header,
                error,
                ..
            })) => {
                // A reply we cannot parse still answers its request.
                let Some(id) = header.id else {
                    return Ok(());
                };
                match self.in_flight.remove(&id) {
                    Some(in_flight) if header.from.as_deref() == Some(in_flight.to.as_str()) => {
                        let error = XmppError::Protocol(format!("invalid reply: {error}"));
                        let _ = in_flight.reply.send(Err(error));
                    }
                    Some(in_flight) => {
                        self.in_flight.insert(id, in_flight);
                    }
                    None => {}
                }
                Ok(())
            }
            Ok(FallibleStreamElement::Err(error)) => {
                tracing::debug!(%error, "ignoring an invalid stream element");
                Ok(())
            }
            Err(ReadError::SoftTimeout) => {
                self.next_id += 1;
                let ping = Iq::from_get(format!("{PING_ID_PREFIX}{}", self.next_id), Ping)
                    .with_to(self.server.clone());
                self.write(&ping).await
            }
            Err(ReadError::ParseError(error)) => {
                tracing::debug!(%error, "ignoring unparseable XML from the XMPP server");
                Ok(())
            }
            Err(ReadError::HardError(error)) => {
                tracing::warn!(%error, "XMPP connection failed");
                Err(())
            }
            Err(ReadError::StreamFooterReceived) => Err(()),
        }
    }

    async fn handle_iq(&mut self, iq: Iq) -> Result<(), ()> {
        let (from, id, reply) = match iq {
            Iq::Result {
                from, id, payload, ..
            } => (from, id, IqReply::Result(payload)),
            Iq::Error {
                from, id, error, ..
            } => (from, id, IqReply::Error(error)),
            Iq::Get {
                from, id, payload, ..
            } => {
                let answer = if payload.is("ping", ns::PING) {
                    Iq::empty_result(from.unwrap_or_else(|| self.server.clone()), id)
                } else {
                    // RFC 6120 requires an answer to every get and set.
                    unsupported(from, id)
                };
                return self.write(&answer).await;
            }
            Iq::Set { from, id, .. } => {
                return self.write(&unsupported(from, id)).await;
            }
        };
        match self.in_flight.remove(&id) {
            // Only the addressee may answer; anyone on the network could
            // guess an id.
            Some(in_flight) if from.as_ref() == Some(&in_flight.to) => {
                let _ = in_flight.reply.send(Ok(reply));
            }
            Some(in_flight) => {
                tracing::warn!(?from, expected = %in_flight.to, "ignoring an IQ reply from the wrong sender");
                self.in_flight.insert(id, in_flight);
            }
            None if id.starts_with(PING_ID_PREFIX) => {}
            None => tracing::debug!(%id, "ignoring an IQ reply for no pending request"),
        }
        Ok(())
    }
}

/// Whether XML 1.0 can carry `c` (surrogates cannot occur in a `char`).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn unsupported(to: Option<Jid>, id: String) -> Iq {
    let error = StanzaError::new(
        ErrorType::Cancel,
        DefinedCondition::ServiceUnavailable,
        "en",
        "not supported",
    );
    let iq = Iq::from_error(id, error);
    match to {
        Some(to) => iq.with_to(to),
        None => iq,
    }
}

/// Exponential backoff with equal jitter: half the delay is fixed, half random,
/// so that several portal instances do not reconnect in lockstep.
struct Backoff {
    delay: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { delay: BACKOFF_MIN }
    }
}

impl Backoff {
    fn next_delay(&mut self) -> Duration {
        let half = self.delay / 2;
        let jitter = rand::thread_rng().gen_range(Duration::ZERO..=half);
        self.delay = (self.delay * 2).min(BACKOFF_MAX);
        half + jitter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let mut backoff = Backoff::default();
        let mut nominal = BACKOFF_MIN;
        for _ in 0..20 {
            let delay = backoff.next_delay();
            assert!(
                delay >= nominal / 2 && delay <= nominal,
                "{delay:?} vs {nominal:?}"
            );
            nominal = (nominal * 2).min(BACKOFF_MAX);
        }
        assert_eq!(backoff.delay, BACKOFF_MAX);
    }

    #[test]
    fn characters_xml_cannot_carry() {
        for c in ['a', 'é', '\t', '\n', '\r', ' ', '\u{FFFD}', '\u{1F600}'] {
            assert!(is_xml_char(c), "{c:?}");
        }
        for c in ['\0', '\u{8}', '\u{B}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'] {
            assert!(!is_xml_char(c), "{c:?}");
        }
    }

    #[test]
    fn unsupported_requests_get_service_unavailable() {
        let iq = unsupported(Some(Jid::new("example.test").unwrap()), "7".into());
        let Iq::Error { to, id, error, .. } = iq else {
            panic!("not an error: {iq:?}");
        };
        assert_eq!(to, Some(Jid::new("example.test").unwrap()));
        assert_eq!(id, "7");
        assert_eq!(
            error.defined_condition,
            DefinedCondition::ServiceUnavailable
        );
    }
}
