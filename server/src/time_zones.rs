//! Time zones by IANA name, resolved here with the tz database (the system's, else the one
//! built into the binary) and handed to pages and e-mails as `app::format::Zone`: the zone's
//! offsets over the years around now, so that the browser bundle needs no tz database and the
//! server's render and the browser's hydration write the same times.

use app::format::{Transition, Zone};
use jiff::{tz::TimeZone, Timestamp};
use std::{
    collections::HashMap,
    sync::{LazyLock, Mutex},
};

/// How far back and ahead of now a zone's offsets are sent: past dates in the audit log and
/// account lists, future ones for expiries. Older dates use the window's first offset.
const YEARS_BACK: i64 = 10;
const YEARS_AHEAD: i64 = 3;
const YEAR_SECS: i64 = 365 * 86_400;

/// The zone named `name`, if the tz database has it.
pub fn find(name: &str) -> Option<TimeZone> {
    // Names only (`Area/City`): never an offset, a POSIX rule or a path.
    let name_like = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
    if name.is_empty() || name.len() > 64 || !name_like || name.contains("..") {
        return None;
    }
    if name.starts_with(['+', '-', '/']) {
        return None;
    }
    TimeZone::get(name).ok()
}

/// Zone `name`'s offsets around `now` (Unix seconds); `None` for an unknown name.
pub fn zone(name: &str, now: i64, readers_own: bool) -> Option<Zone> {
    let tz = find(name)?;
    let from = Timestamp::from_second(now - YEARS_BACK * YEAR_SECS).ok()?;
    let until = now + YEARS_AHEAD * YEAR_SECS;
    let first = tz.to_offset_info(from);
    let mut transitions = vec![Transition(
        from.as_second(),
        first.offset().seconds(),
        first.abbreviation().to_owned(),
    )];
    transitions.extend(
        tz.following(from)
            .take_while(|t| t.timestamp().as_second() <= until)
            .map(|t| {
                Transition(
                    t.timestamp().as_second(),
                    t.offset().seconds(),
                    t.abbreviation().to_owned(),
                )
            }),
    );
    Some(Zone {
        name: name.to_owned(),
        transitions,
        readers_own,
    })
}

/// The provider's zone (`time_zone`, checked at start), for e-mails.
pub fn provider(config: &crate::config::Config, now: i64) -> Zone {
    zone(&config.time_zone, now, false).unwrap_or_else(Zone::utc)
}

/// The zone a reader's dates are shown in: their browser's (`cookie`), else the provider's.
pub fn for_reader(cookie: Option<&str>, provider: &str, now: i64) -> Zone {
    cookie
        .and_then(|name| cached(name, now, true))
        .or_else(|| cached(provider, now, false))
        .unwrap_or_else(Zone::utc)
}

/// [`zone`] once a day per zone rather than on every request (walking thirteen years of
/// transitions). Bounded: only names the tz database knows get in.
fn cached(name: &str, now: i64, readers_own: bool) -> Option<Zone> {
    type Cache = HashMap<(String, bool), (i64, Zone)>;
    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);
    let day = now.div_euclid(86_400);
    let key = (name.to_owned(), readers_own);
    if let Some((made, zone)) = CACHE.lock().expect("never poisoned").get(&key) {
        if *made == day {
            return Some(zone.clone());
        }
    }
    let zone = zone(name, now, readers_own)?;
    CACHE
        .lock()
        .expect("never poisoned")
        .insert(key, (day, zone.clone()));
    Some(zone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::{format::Dates, i18n::Locale};

    // 2026-12-09 01:53 UTC.
    const NOW: i64 = 1_796_781_180;

    #[test]
    fn paris_changes_offset_in_march_and_october() {
        let zone = zone("Europe/Paris", NOW, false).unwrap();
        // Ten years back and three ahead: two changes a year.
        assert!((24..=28).contains(&zone.transitions.len()), "{zone:?}");
        let fr = Dates {
            locale: Locale::Fr,
            zone,
        };
        assert_eq!(fr.date_time(NOW), "9 décembre 2026 à 02:53 CET");
        // 2027-03-28 01:00 UTC: 02:00 CET becomes 03:00 CEST.
        let change = 1_806_195_600;
        assert_eq!(fr.date_time(change - 60), "28 mars 2027 à 01:59 CET");
        assert_eq!(fr.date_time(change), "28 mars 2027 à 03:00 CEST");
        // Summer ten years back is summer time too.
        assert!(fr.date_time(1_530_000_000).ends_with("CEST"));
    }

    #[test]
    fn the_browsers_zone_wins_and_needs_no_label() {
        let zone = for_reader(Some("America/Sao_Paulo"), "Europe/Paris", NOW);
        assert!(zone.readers_own);
        let en = Dates {
            locale: Locale::En,
            zone,
        };
        assert_eq!(en.date_time(NOW), "8 December 2026, 22:53");
        let offset_only = zone_label("America/Sao_Paulo");
        assert_eq!(offset_only, "8 December 2026, 22:53 UTC−03:00");
    }

    #[test]
    fn the_cached_zone_is_the_computed_one_and_moves_with_the_days() {
        let today = for_reader(Some("Europe/Lisbon"), "UTC", NOW);
        assert_eq!(today, zone("Europe/Lisbon", NOW, true).unwrap());
        assert_eq!(for_reader(Some("Europe/Lisbon"), "UTC", NOW), today);
        let next_year = NOW + 366 * 86_400;
        let later = for_reader(Some("Europe/Lisbon"), "UTC", next_year);
        assert_eq!(later, zone("Europe/Lisbon", next_year, true).unwrap());
        assert!(later.transitions[0].0 > today.transitions[0].0);
    }

    fn zone_label(name: &str) -> String {
        Dates {
            locale: Locale::En,
            zone: zone(name, NOW, false).unwrap(),
        }
        .date_time(NOW)
    }

    #[test]
    fn unknown_or_odd_names_fall_back_to_the_providers_zone() {
        for cookie in [
            "Mars/Olympus",
            "",
            "+02:00",
            "EST5EDT,M3.2.0,M11.1.0",
            "../etc",
        ] {
            let zone = for_reader(Some(cookie), "Europe/Paris", NOW);
            assert_eq!(zone.name, "Europe/Paris", "{cookie}");
            assert!(!zone.readers_own);
        }
        assert_eq!(for_reader(None, "UTC", NOW).transitions.len(), 1);
        assert_eq!(zone_label("UTC"), "9 December 2026, 01:53 UTC");
    }
}
