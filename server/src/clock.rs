//! The portal's one notion of "now": every timestamp it stores or compares (sessions, login
//! throttling, invitations, reset links, jobs, the audit log) comes from here. Tests move it
//! forward instead of sleeping. The database handle carries it (`Db::now`), so code that has
//! only the database reads the same clock as code that has the whole `AppState`.

use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

/// The system clock, shifted by an offset that only tests change.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    /// Unix seconds: how every timestamp is stored, the same on both backends.
    pub fn now(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp() + self.offset_secs.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every copy of it) forward by `secs`.
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn advancing_moves_every_copy() {
        let clock = Clock::default();
        let copy = clock.clone();
        let before = copy.now();
        clock.advance(3600);
        assert!(copy.now() >= before + 3600);
        assert!(copy.now() < before + 3600 + 60);
    }
}
