//! Real headless Chromium for the browser tests, driven over WebDriver (chromedriver) with
//! fantoccini.
//!
//! [`with_browser`] starts a chromedriver of its own on a loopback port, opens a session with a
//! fresh profile, runs the test body, and closes the session whatever the body did (returned an
//! error, panicked, or hung past [`BODY_LIMIT`]) before it fails the test. Whatever is left of
//! chromedriver and its Chromium is killed and reaped when the [`Chromedriver`] value is dropped;
//! if the test process is killed hard, chromedriver dies with it and Chromium with chromedriver
//! (parent-death signals), so no browser is left behind either way.
//!
//! With JavaScript on, every page gets a small script before its own scripts run (see
//! [`PAGE_PROBE`]): it records which forms got a `submit` listener, which is how a test knows
//! that hydration reached a form, and it collects the page's console errors, uncaught
//! exceptions and unhandled rejections (a hydration panic shows up there).

use fantoccini::{wd::TimeoutConfiguration, Client, ClientBuilder, Locator};
use futures::FutureExt;
use serde_json::{json, Value};
use std::fs::{self, File};
use std::future::Future;
use std::io;
use std::os::unix::process::CommandExt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::SystemTime;
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The longest any single wait in a test may take.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often a wait checks its condition.
pub const POLL: Duration = Duration::from_millis(100);
/// The longest a whole test body may take; then the session is closed and the test fails.
pub const BODY_LIMIT: Duration = Duration::from_secs(120);
const DRIVER_START_LIMIT: Duration = Duration::from_secs(10);
const CLOSE_LIMIT: Duration = Duration::from_secs(20);
/// How long Chromium may take to quit after its session is closed, before it is killed.
const QUIT_GRACE: Duration = Duration::from_secs(5);

/// A test failure with a message; `?` converts WebDriver errors into it.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;
pub type TestResult = Result<(), Failure>;

/// Fails the test body with a formatted message unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+).into());
        }
    };
}

/// What kind of browser a test wants.
#[derive(Clone, Debug)]
pub struct BrowserConfig {
    /// Window size in CSS pixels (headless: the viewport).
    pub viewport: (u32, u32),
    /// The browser's language, sent as `Accept-Language` (e.g. `"en"`, `"fr"`).
    pub lang: String,
    pub javascript: bool,
    /// Emulate a phone (touch, device pixel ratio 2, the page's `<meta name=viewport>` honoured)
    /// at `viewport`: a plain window cannot be narrower than 500 px.
    pub phone: bool,
}

impl BrowserConfig {
    pub fn desktop(lang: &str) -> BrowserConfig {
        BrowserConfig {
            viewport: (1280, 900),
            lang: lang.to_string(),
            javascript: true,
            phone: false,
        }
    }

    pub fn phone(lang: &str) -> BrowserConfig {
        BrowserConfig {
            viewport: (360, 740),
            phone: true,
            ..BrowserConfig::desktop(lang)
        }
    }

    pub fn without_javascript(self) -> BrowserConfig {
        BrowserConfig {
            javascript: false,
            ..self
        }
    }

    fn capabilities(
        &self,
        binary: &std::path::Path,
        profile: &std::path::Path,
    ) -> serde_json::Map<String, Value> {
        let (width, height) = self.viewport;
        let mut prefs = json!({ "intl.accept_languages": self.lang });
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--no-proxy-server".to_string(),
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={width},{height}"),
            format!("--lang={}", self.lang),
        ];
        if !self.javascript {
            // Both: the content setting blocks page scripts the way a user's setting does.
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
            args.push("--blink-settings=scriptEnabled=false".to_string());
        }
        let mut capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": binary,
                "args": args,
                "prefs": prefs,
            },
        });
        if self.phone {
            capabilities["goog:chromeOptions"]["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0, "touch": true, "mobile": true },
            });
        }
        match capabilities {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }
}

/// A chromedriver child process on a loopback port it picked itself (`--port=0`, so no race for
/// a free port), in its own process group, with its files in a temporary directory. Dropping it
/// lets Chromium finish quitting (bounded), then kills what is left of the group and reaps.
pub struct Chromedriver {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl Chromedriver {
    /// Starts chromedriver and waits (at most 10 s) until it says it listens.
    pub fn start() -> Result<Chromedriver, Failure> {
        let dir = tempfile::Builder::new()
            .prefix("domaine-chromedriver-")
            .tempdir()?;
        let wrapper = dir.path().join("chromium");
        fs::write(
            &wrapper,
            format!("#!/bin/sh\nexec /usr/bin/setpriv --pdeathsig KILL {CHROMIUM} \"$@\"\n"),
        )?;
        fs::set_permissions(
            &wrapper,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )?;
        let log_path = dir.path().join("chromedriver.out");
        let log = File::create(&log_path)?;
        let mut command = Command::new(CHROMEDRIVER);
        // Chromium's files outside its profile (its crash handler's database among them) go to
        // the temporary directory too, not into the user's home.
        for (var, sub) in [("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")] {
            let path = dir.path().join(sub);
            fs::create_dir(&path)?;
            command.env(var, path);
        }
        // No --allowed-ips: chromedriver then only accepts connections from loopback.
        command
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let parent = std::process::id();
        unsafe {
            command.pre_exec(move || {
                // Its own process group, so Drop can kill Chromium along with it.
                if libc::setpgid(0, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(io::Error::last_os_error());
                }
                // The test process may have died before the prctl (no allocation here: this
                // runs between fork and exec).
                if libc::getppid() as u32 != parent {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
        become_child_subreaper();
        let child = domaine_tests::prosody::spawn_from_long_lived_thread(command)?;
        let mut driver = Chromedriver {
            child,
            port: 0,
            dir,
        };
        let deadline = Instant::now() + DRIVER_START_LIMIT;
        loop {
            let output = fs::read_to_string(&log_path).unwrap_or_default();
            if let Some(port) = started_on_port(&output) {
                driver.port = port;
                return Ok(driver);
            }
            if let Some(status) = driver.child.try_wait()? {
                return Err(
                    format!("chromedriver exited during start-up ({status}):\n{output}").into(),
                );
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "chromedriver did not start within {DRIVER_START_LIMIT:?}:\n{output}"
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// What to give chromedriver as the browser binary: [`CHROMIUM`] with a parent-death signal,
    /// so that Chromium dies with chromedriver, which dies with the test process. (Killed hard,
    /// the test process runs no destructor; without this Chromium would run on, orphaned.)
    pub fn chromium(&self) -> PathBuf {
        self.dir.path().join("chromium")
    }

    /// chromedriver's own output, for failure messages.
    pub fn output(&self) -> String {
        fs::read_to_string(self.dir.path().join("chromedriver.out")).unwrap_or_default()
    }
}

/// "ChromeDriver was started successfully on port 43479."
fn started_on_port(output: &str) -> Option<u16> {
    output.lines().find_map(|line| {
        line.trim()
            .strip_prefix("ChromeDriver was started successfully on port ")?
            .trim_end_matches('.')
            .parse()
            .ok()
    })
}

impl Drop for Chromedriver {
    /// After the session is closed Chromium quits by itself: give it a moment to, so that it
    /// reaps its own processes, then kill whatever is left of chromedriver's process group and of
    /// this session's crash handlers, and reap the Chromium processes that ended up as our
    /// children.
    fn drop(&mut self) {
        let group = self.child.id() as libc::pid_t;
        let dir = self.dir.path().to_string_lossy().into_owned();
        // This session's processes: chromedriver's group, and the crash handlers (detached into
        // their own sessions) whose database is in our directory.
        let ours = |p: &ProcessInfo| {
            p.pid != group && p.state != 'Z' && (p.pgrp == group || p.cmdline.contains(&dir))
        };
        let deadline = Instant::now() + QUIT_GRACE;
        while processes().iter().any(ours) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        unsafe {
            libc::kill(-group, libc::SIGKILL);
            for p in processes().iter().filter(|p| ours(p)) {
                libc::kill(p.pid, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        reap_chromium_orphans(|| processes().iter().any(ours));
    }
}

/// Chromium's orphans (its detached crash handlers always, its other processes when it was
/// killed) are re-parented to this process, the child subreaper: reap the dead ones, waiting
/// (bounded) while `still_running()`. Dead processes only, so this cannot hurt a session that
/// another test still runs.
fn reap_chromium_orphans(still_running: impl Fn() -> bool) {
    let me = std::process::id() as libc::pid_t;
    let deadline = Instant::now() + QUIT_GRACE;
    loop {
        for p in processes() {
            let chromium = p.comm == "chromium" || p.comm.starts_with("chrome_crashpad");
            if p.ppid == me && p.state == 'Z' && chromium {
                unsafe {
                    libc::waitpid(p.pid, std::ptr::null_mut(), libc::WNOHANG);
                }
            }
        }
        if !still_running() || Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One line of `/proc/PID/stat` (and the command line).
#[derive(Debug)]
struct ProcessInfo {
    pid: libc::pid_t,
    comm: String,
    state: char,
    ppid: libc::pid_t,
    pgrp: libc::pid_t,
    cmdline: String,
}

fn processes() -> Vec<ProcessInfo> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: libc::pid_t = entry.file_name().to_str()?.parse().ok()?;
            let stat = fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
            let comm = stat[stat.find('(')? + 1..stat.rfind(')')?].to_string();
            let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
            let state = fields.next()?.chars().next()?;
            let ppid = fields.next()?.parse().ok()?;
            let pgrp = fields.next()?.parse().ok()?;
            let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            Some(ProcessInfo {
                pid,
                comm,
                state,
                ppid,
                pgrp,
                cmdline,
            })
        })
        .collect()
}

/// Chromium starts its crash handler detached (double fork, own session): without a subreaper
/// it ends up a child of init, which leaves it a zombie until init gets round to it. With this
/// process as subreaper, [`Chromedriver`]'s drop reaps it. (Set once; other orphans of this
/// test process, if any, are reaped by init when the process exits, as before.)
fn become_child_subreaper() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    });
}

/// Installed before the page's own scripts on every document (JavaScript sessions only).
/// `window.__e2e.hasSubmitListener(form)` is true once something (hydration) listens for the
/// form's submit event; `window.__e2e.errors()` lists console errors, uncaught failures and
/// Content-Security-Policy violations.
pub const PAGE_PROBE: &str = r#"
(() => {
  const forms = new WeakSet();
  const errors = [];
  const addEventListener = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (type === 'submit' && this instanceof HTMLFormElement) forms.add(this);
    return addEventListener.call(this, type, listener, options);
  };
  const consoleError = console.error;
  console.error = function (...args) {
    errors.push(args.map(String).join(' '));
    return consoleError.apply(this, args);
  };
  addEventListener.call(window, 'error', e => errors.push('uncaught: ' + e.message));
  addEventListener.call(window, 'unhandledrejection', e => errors.push('unhandled rejection: ' + e.reason));
  addEventListener.call(document, 'securitypolicyviolation', e =>
    errors.push('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));
  Object.defineProperty(window, '__e2e', {
    value: Object.freeze({
      hasSubmitListener: form => forms.has(form),
      errors: () => errors.slice(),
    }),
  });
})();
"#;

/// chromedriver's pass-through to the Chrome DevTools Protocol.
#[derive(Debug)]
struct CdpCommand {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// One browser tab of a running session, with the few operations the tests need. Cheap to clone.
#[derive(Clone)]
pub struct Tab {
    pub client: Client,
    /// Where relative paths lead, e.g. `http://127.0.0.1:1234`.
    base: String,
    javascript: bool,
}

impl Tab {
    pub async fn goto(&self, path: &str) -> TestResult {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// Runs `script` (a function body: use `return`) with `arguments[0..]` = `args`.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value, Failure> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Sends a Chrome DevTools Protocol command (through chromedriver) and returns its result.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Result<Value, Failure> {
        Ok(self.client.issue_cmd(CdpCommand { cmd, params }).await?)
    }

    /// Polls the JavaScript expression `condition` every 100 ms until it is truthy; fails after
    /// 20 s with `what`, the last value or error, and the page's address.
    pub async fn wait_until(&self, what: &str, condition: &str) -> TestResult {
        let script = format!("return Boolean({condition});");
        let deadline = Instant::now() + WAIT;
        loop {
            let last = match self.client.execute(&script, vec![]).await {
                Ok(Value::Bool(true)) => return Ok(()),
                Ok(other) => format!("last value: {other}"),
                // A navigation in progress can make evaluation fail; that is "not yet".
                Err(e) => format!("last error: {e}"),
            };
            if Instant::now() >= deadline {
                let at = match self.client.current_url().await {
                    Ok(url) => url.to_string(),
                    Err(e) => format!("(unknown: {e})"),
                };
                return Err(format!(
                    "timed out after {WAIT:?} waiting until {what} ({condition}); {last}; at {at}"
                )
                .into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the page shows a success status message (`.alert--success[role=status]`)
    /// reading exactly `text`.
    pub async fn wait_for_status(&self, text: &str) -> TestResult {
        self.wait_until(
            &format!("the page says {text:?}"),
            &format!(
                "[...document.querySelectorAll('.alert--success[role=status]')]
                     .some(el => el.textContent.trim() === {})",
                js_string(text)
            ),
        )
        .await
    }

    /// Waits until hydration has attached the submit handler of the form posting to `action`
    /// (its `action` attribute ends with it). Needs JavaScript. Fails at once when the page logs
    /// an error (a hydration mismatch panics: the form would never be hydrated).
    pub async fn wait_until_form_hydrated(&self, action: &str) -> TestResult {
        assert!(self.javascript, "there is no hydration without JavaScript");
        let form = format!(
            "document.querySelector('form[action$={}]')",
            js_string(action)
        );
        self.wait_until(
            &format!("hydration reaches the form posting to {action}"),
            &format!(
                "window.__e2e && (window.__e2e.errors().length > 0
                    || {form} && window.__e2e.hasSubmitListener({form}))"
            ),
        )
        .await?;
        let errors = self.page_errors().await?;
        if !errors.is_empty() {
            return Err(
                format!("the page failed while hydrating the form posting to {action}").into(),
            );
        }
        Ok(())
    }

    /// Console errors, uncaught exceptions and unhandled rejections of the current page (always
    /// empty without JavaScript).
    pub async fn page_errors(&self) -> Result<Vec<String>, Failure> {
        if !self.javascript {
            return Ok(vec![]);
        }
        let value = self
            .js(
                "return window.__e2e ? window.__e2e.errors() : ['no page probe'];",
                vec![],
            )
            .await?;
        Ok(serde_json::from_value(value)?)
    }

    /// Whether the page's own scripts can run: inserts an inline script and looks for its effect.
    /// (WebDriver's scripts, like this one, run even when the page's are blocked.)
    pub async fn page_scripts_run(&self) -> Result<bool, Failure> {
        let ran = self
            .js(
                "delete window.__e2eInlineScriptRan;
                 const script = document.createElement('script');
                 // The page's nonce, so that the Content-Security-Policy is not what stops it.
                 script.nonce = document.querySelector('script[nonce]')?.nonce ?? '';
                 script.textContent = 'window.__e2eInlineScriptRan = true;';
                 document.head.append(script);
                 script.remove();
                 return window.__e2eInlineScriptRan === true;",
                vec![],
            )
            .await?;
        Ok(ran == true)
    }

    /// Logs in through the login page as `username` (an XMPP address or a local admin) and
    /// waits until the portal has moved on from it.
    pub async fn log_in(&self, username: &str, password: &str) -> TestResult {
        self.send_password(username, password).await?;
        self.wait_until("logged in", "location.pathname !== '/login'")
            .await
    }

    /// Sends the login page's form as `username`, without waiting for what follows (the
    /// portal, or the code step of an account with two-factor login).
    pub async fn send_password(&self, username: &str, password: &str) -> TestResult {
        self.goto("/login").await?;
        self.fill("#login-username", username).await?;
        self.fill("#login-password", password).await?;
        self.click("form[action='/auth/login'] button[type=submit]")
            .await
    }

    /// Replaces the text of the input matching `css`, by typing.
    pub async fn fill(&self, css: &str, text: &str) -> TestResult {
        let input = self.client.find(Locator::Css(css)).await?;
        input.clear().await?;
        input.send_keys(text).await?;
        Ok(())
    }

    pub async fn select(&self, css: &str, value: &str) -> TestResult {
        let select = self.client.find(Locator::Css(css)).await?;
        select.select_by_value(value).await?;
        Ok(())
    }

    pub async fn click(&self, css: &str) -> TestResult {
        self.client.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String, Failure> {
        Ok(self.client.find(Locator::Css(css)).await?.text().await?)
    }

    /// The current `value` of the form control matching `css`.
    pub async fn value(&self, css: &str) -> Result<String, Failure> {
        let control = self.client.find(Locator::Css(css)).await?;
        Ok(control.prop("value").await?.unwrap_or_default())
    }

    /// How many CSS pixels the page is wider than its viewport (0: no horizontal scroll), and
    /// the viewport's width.
    pub async fn horizontal_overflow(&self) -> Result<(i64, i64), Failure> {
        let value = self
            .js(
                "const root = document.documentElement;
                 return [Math.max(root.scrollWidth - root.clientWidth,
                                  root.scrollWidth - window.innerWidth), window.innerWidth];",
                vec![],
            )
            .await?;
        let pair: (i64, i64) = serde_json::from_value(value)?;
        Ok(pair)
    }
}

/// A JavaScript string literal.
pub fn js_string(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

/// Opens a browser as `config` says, on a tab whose relative paths lead to `base`
/// (e.g. `http://127.0.0.1:1234`), runs `body`, and closes the session on every path. Panics
/// (failing the test) when the body fails, panics or takes longer than [`BODY_LIMIT`]; the
/// message says where the page was and where a screenshot of it was saved.
pub async fn with_browser<F, Fut>(base: &str, config: BrowserConfig, body: F)
where
    F: FnOnce(Tab) -> Fut,
    Fut: Future<Output = TestResult>,
{
    let driver = Chromedriver::start().unwrap_or_else(|e| panic!("{e}"));
    let profile = tempfile::Builder::new()
        .prefix("domaine-chromium-")
        .tempdir()
        .expect("a temporary Chromium profile");
    let client = match ClientBuilder::native()
        .capabilities(config.capabilities(&driver.chromium(), profile.path()))
        .connect(&driver.url())
        .await
    {
        Ok(client) => client,
        Err(e) => panic!(
            "no WebDriver session with Chromium: {e}\nchromedriver:\n{}",
            driver.output()
        ),
    };
    let tab = Tab {
        client: client.clone(),
        base: base.trim_end_matches('/').to_string(),
        javascript: config.javascript,
    };
    let outcome = match prepare(&tab).await {
        Err(e) => Err(format!("setting up the session: {e}")),
        Ok(()) => match tokio::time::timeout(
            BODY_LIMIT,
            AssertUnwindSafe(body(tab.clone())).catch_unwind(),
        )
        .await
        {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(e.to_string()),
            Ok(Err(panic)) => Err(panic_message(&panic)),
            Err(_) => Err(format!("the test took longer than {BODY_LIMIT:?}")),
        },
    };
    let outcome = match outcome {
        Ok(()) => Ok(()),
        Err(message) => Err(format!("{message}{}", describe_failure(&tab).await)),
    };
    let closed = tokio::time::timeout(CLOSE_LIMIT, client.close()).await;
    drop(driver);
    drop(profile);
    if let Err(message) = outcome {
        panic!("{message}");
    }
    match closed {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("closing the browser session: {e}"),
        Err(_) => panic!("closing the browser session took longer than {CLOSE_LIMIT:?}"),
    }
}

async fn prepare(tab: &Tab) -> TestResult {
    tab.client
        .update_timeouts(TimeoutConfiguration::new(
            Some(WAIT),
            Some(WAIT),
            Some(Duration::ZERO),
        ))
        .await?;
    if tab.javascript {
        tab.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": PAGE_PROBE }),
        )
        .await?;
    }
    Ok(())
}

/// Where the page was, its errors, and a screenshot saved to a temporary file (kept).
async fn describe_failure(tab: &Tab) -> String {
    let limit = Duration::from_secs(10);
    let mut text = String::new();
    if let Ok(Ok(url)) = tokio::time::timeout(limit, tab.client.current_url()).await {
        text.push_str(&format!("\npage: {url}"));
    }
    if let Ok(Ok(errors)) = tokio::time::timeout(limit, tab.page_errors()).await {
        for error in errors {
            // The first lines say what went wrong; a panic's JavaScript stack follows.
            let short: String = error.chars().take(600).collect();
            text.push_str(&format!("\npage error: {short}"));
        }
    }
    if let Ok(Ok(png)) = tokio::time::timeout(limit, tab.client.screenshot()).await {
        let saved = tempfile::Builder::new()
            .prefix("domaine-e2e-failure-")
            .suffix(".png")
            .tempfile_in(std::env::temp_dir())
            .and_then(|mut file| {
                io::Write::write_all(&mut file, &png)?;
                file.keep().map_err(|e| e.error)
            });
        if let Ok((_, path)) = saved {
            text.push_str(&format!("\nscreenshot: {}", path.display()));
        }
    }
    text
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "the test body panicked".to_string()
    }
}

/// The newest modification time of the files under `dir`.
fn newest_change(dir: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_change(&path)
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(newest)
        };
        newest = newest.max(time);
    }
    newest
}

/// The browser bundle must come from the same sources as the server compiled into this test,
/// or hydration fails in ways that look like bugs.
pub fn assert_site_is_current() {
    let site_root = domaine_tests::portal::site_root();
    let wasm = site_root.join("pkg/domaine_bg.wasm");
    let built = std::fs::metadata(&wasm)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| {
            panic!(
                "no site in {}: run scripts/build.sh first",
                site_root.display()
            )
        });
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for sources in ["app", "frontend", "style"] {
        assert!(
            newest_change(&root.join(sources)) <= built,
            "{sources}/ changed after the site was built: run scripts/build.sh"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_port_chromedriver_picked() {
        let output = "Starting ChromeDriver 156.0 on port 0\nOnly local connections are allowed.\n\
                      ChromeDriver was started successfully on port 43479.\n";
        assert_eq!(started_on_port(output), Some(43479));
        assert_eq!(
            started_on_port("Starting ChromeDriver 156.0 on port 0\n"),
            None
        );
    }
}
