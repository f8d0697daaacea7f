//! The servers the tests run as child processes (Prosody, the SMTP server): spawned so that
//! they die with the test process even if it is killed hard, watched until they serve, and
//! stopped gently, then firmly.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a server has to exit after SIGTERM before it gets SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// Spawns `command` with a parent-death signal: the child gets SIGKILL when the test process
/// dies, even killed hard (no destructor runs then). Spawned by
/// [`spawn_from_long_lived_thread`], which makes the signal wait for the process's end.
pub fn spawn_dying_with_tests(mut command: Command) -> io::Result<Child> {
    let parent = std::process::id();
    // std runs pre_exec after switching uid/gid (Prosody's, when the tests run as root), so the
    // credential change cannot clear the parent-death signal.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(io::Error::last_os_error());
            }
            // The test process may have died before the prctl. (No allocation here: this runs
            // between fork and exec.)
            if libc::getppid() as u32 != parent {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
    spawn_from_long_lived_thread(command)
}

/// The parent-death signal fires when the *thread* that forked the child
/// ends, not the process; test threads (and tokio workers) end early, so all
/// servers (Prosody and the SMTP server here, chromedriver in the browser tests) are forked
/// from one thread that lives as long as the process.
pub fn spawn_from_long_lived_thread(command: Command) -> io::Result<Child> {
    type Job = (Command, mpsc::Sender<io::Result<Child>>);
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("server-spawner".into())
            .spawn(move || {
                for (mut command, reply) in rx {
                    let _ = reply.send(command.spawn());
                }
            })
            .expect("spawn the server spawner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send((command, reply_tx))
        .expect("the server spawner thread is gone");
    reply_rx.recv().expect("the server spawner thread is gone")
}

/// Why a server did not come up.
#[derive(Debug)]
pub enum StartupFailure {
    /// It exited (the child is reaped).
    Exited(ExitStatus),
    /// It was still not ready when the time ran out (it still runs).
    TimedOut,
}

/// Polls every 10 ms until `ready` answers true, as long as `child` runs and for at most
/// `within`.
pub fn wait_until_ready(
    child: &mut Child,
    within: Duration,
    mut ready: impl FnMut() -> bool,
) -> Result<(), StartupFailure> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("poll a server process") {
            return Err(StartupFailure::Exited(status));
        }
        if ready() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(StartupFailure::TimedOut);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// What a server wrote to its log file after the first `offset` bytes (where the log stood
/// when it was started), lossily decoded; empty if there is no log yet.
pub fn log_since(log: &Path, offset: u64) -> String {
    let bytes = fs::read(log).unwrap_or_default();
    String::from_utf8_lossy(bytes.get(offset as usize..).unwrap_or_default()).into_owned()
}

/// The size of a log file before a server appends to it (0 when it does not exist yet).
pub fn log_offset(log: &Path) -> u64 {
    fs::metadata(log).map(|m| m.len()).unwrap_or(0)
}

/// Stops a server: SIGTERM, then SIGKILL if it has not exited within 3 s.
pub fn terminate(child: &mut Child) {
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let deadline = Instant::now() + STOP_GRACE;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A loopback port nobody in this process got before; the kernel picks it. (Another process
/// may still take it before the server binds it.)
pub fn free_port() -> u16 {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        if handed_out.insert(port) {
            return port;
        }
    }
}
