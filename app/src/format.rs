//! Dates and names as people read them: dates in the reader's language and time zone, the same
//! on the server and in the browser; internationalised domain names in Unicode.
//!
//! The browser bundle carries no time-zone database: the server resolves the zone's name and
//! sends its offsets for the years around now ([`Zone`]) in the request context, and every date
//! goes through [`Dates`], so server rendering and hydration write the same text.

use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// From `at` (Unix seconds) on, until the next one, the zone is `offset` seconds ahead of UTC
/// and its abbreviation is `abbreviation` (`CET`; tz data writes `-03` where it has none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition(pub i64, pub i32, pub String);

/// A time zone as the pages need it: its offsets in a window of years around now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// Its IANA name (`Europe/Paris`).
    pub name: String,
    /// Sorted by start; the first one also covers everything before it.
    pub transitions: Vec<Transition>,
    /// The reader's own zone (their browser's): their clock's time needs no label. Otherwise
    /// (the provider's default, an e-mail) each time says which zone it is in.
    pub readers_own: bool,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            transitions: vec![Transition(i64::MIN, 0, "UTC".into())],
            readers_own: false,
        }
    }

    fn at(&self, unix_seconds: i64) -> Option<&Transition> {
        let after = self.transitions.partition_point(|t| t.0 <= unix_seconds);
        self.transitions
            .get(after.saturating_sub(1))
            .or(self.transitions.first())
    }

    /// `unix_seconds` on this zone's clocks, and the zone's label then.
    fn local(&self, unix_seconds: i64) -> Option<(time::PrimitiveDateTime, String)> {
        let (offset, label) = match self.at(unix_seconds) {
            Some(Transition(_, offset, abbreviation)) => (*offset, label(*offset, abbreviation)),
            None => (0, "UTC".into()),
        };
        let local =
            time::OffsetDateTime::from_unix_timestamp(unix_seconds.checked_add(offset.into())?)
                .ok()?;
        Some((
            time::PrimitiveDateTime::new(local.date(), local.time()),
            label,
        ))
    }
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::utc()
    }
}

/// `CET`, or `UTC−03:00` where the tz data has no letters for the zone.
fn label(offset: i32, abbreviation: &str) -> String {
    if abbreviation.chars().all(|c| c.is_ascii_alphabetic()) && !abbreviation.is_empty() {
        return abbreviation.to_owned();
    }
    let sign = if offset < 0 { '−' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// How dates read for one reader: their language and time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dates {
    pub locale: Locale,
    pub zone: Zone,
}

impl Dates {
    /// `9 December 2026` / `9 décembre 2026`.
    pub fn date(&self, unix_seconds: i64) -> String {
        self.zone
            .local(unix_seconds)
            .map(|(local, _)| self.day(local.date()))
            .unwrap_or_default()
    }

    /// `9 December 2026, 02:53 CET` / `9 décembre 2026 à 02:53 CET`; without the zone's label
    /// in the reader's own zone.
    pub fn date_time(&self, unix_seconds: i64) -> String {
        let Some((local, label)) = self.zone.local(unix_seconds) else {
            return String::new();
        };
        let day = self.day(local.date());
        let clock = format!("{:02}:{:02}", local.hour(), local.minute());
        let when = match self.locale {
            Locale::En => format!("{day}, {clock}"),
            Locale::Fr => format!("{day} à {clock}"),
        };
        if self.zone.readers_own {
            when
        } else {
            format!("{when} {label}")
        }
    }

    fn day(&self, date: time::Date) -> String {
        let month = month_name(self.locale, date.month() as u8, false);
        format!("{} {month} {}", date.day(), date.year())
    }
}

/// A month's name (`month` from 1 to 12), in full or short (`Dec`, `déc.`), for chart labels.
pub fn month_name(locale: Locale, month: u8, short: bool) -> &'static str {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const EN_SHORT: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const FR_SHORT: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let names = match (locale, short) {
        (Locale::En, false) => &EN,
        (Locale::En, true) => &EN_SHORT,
        (Locale::Fr, false) => &FR,
        (Locale::Fr, true) => &FR_SHORT,
    };
    names[usize::from(month.clamp(1, 12) - 1)]
}

/// The page's dates: the request context's language and zone.
pub fn use_dates() -> Dates {
    let ctx = crate::context::use_request_context();
    Dates {
        locale: ctx.locale,
        zone: ctx.zone,
    }
}

/// `YYYY-MM-DD` (UTC), for technical text that is the same in every language.
pub fn iso_date(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SSZ`, for `<time datetime>`.
pub fn iso_utc(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .map(|t| {
            format!(
                "{}T{:02}:{:02}:{:02}Z",
                t.date(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

/// A domain name as people read it: its `xn--` labels (IDNA) decoded. The portal stores,
/// links and sends the ASCII form; this is for display only.
pub fn domain_name(ascii: &str) -> String {
    ascii
        .split('.')
        .map(|label| {
            label
                .strip_prefix("xn--")
                .and_then(|encoded| punycode::decode(encoded).ok())
                .unwrap_or_else(|| label.to_owned())
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// An XMPP address as people read it: its domain decoded ([`domain_name`]).
pub fn address(jid: &str) -> String {
    match jid.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain_name(domain)),
        None => domain_name(jid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Europe/Paris around the change of 28 March 2027 (01:00 UTC).
    fn paris(readers_own: bool) -> Zone {
        Zone {
            name: "Europe/Paris".into(),
            transitions: vec![
                Transition(1_792_890_000, 3600, "CET".into()),
                Transition(1_806_195_600, 7200, "CEST".into()),
                Transition(1_824_944_400, 3600, "CET".into()),
            ],
            readers_own,
        }
    }

    #[test]
    fn dates_read_in_the_readers_language() {
        let utc = Zone::utc();
        let en = Dates {
            locale: Locale::En,
            zone: utc.clone(),
        };
        let fr = Dates {
            locale: Locale::Fr,
            zone: utc.clone(),
        };
        assert_eq!(en.date(0), "1 January 1970");
        assert_eq!(fr.date(951_782_400), "29 février 2000");
        // 2026-12-09 01:53 UTC
        let at = 1_796_781_180;
        assert_eq!(en.date_time(at), "9 December 2026, 01:53 UTC");
        assert_eq!(fr.date_time(at), "9 décembre 2026 à 01:53 UTC");
        assert_eq!(iso_utc(at), "2026-12-09T01:53:00Z");
        assert_eq!(iso_date(at), "2026-12-09");
    }

    #[test]
    fn times_follow_the_zone_across_a_change_of_offset() {
        let fr = Dates {
            locale: Locale::Fr,
            zone: paris(false),
        };
        let change = 1_806_195_600;
        assert_eq!(fr.date_time(change - 60), "28 mars 2027 à 01:59 CET");
        assert_eq!(fr.date_time(change), "28 mars 2027 à 03:00 CEST");
        // Before the table's first line, its first offset.
        assert_eq!(fr.date_time(1_796_781_180), "9 décembre 2026 à 02:53 CET");
        // Midnight UTC is already the next day in Paris.
        assert_eq!(fr.date(1_806_192_000 + 23 * 3600), "29 mars 2027");
        let en = Dates {
            locale: Locale::En,
            zone: paris(true),
        };
        assert_eq!(en.date_time(change), "28 March 2027, 03:00");
    }

    #[test]
    fn zones_without_letters_show_their_offset() {
        assert_eq!(label(-3 * 3600, "-03"), "UTC−03:00");
        assert_eq!(label(5 * 3600 + 1800, "+0530"), "UTC+05:30");
        assert_eq!(label(3600, "CET"), "CET");
    }

    #[test]
    fn months_have_short_names_for_charts() {
        assert_eq!(month_name(Locale::Fr, 12, true), "déc.");
        assert_eq!(month_name(Locale::En, 5, false), "May");
    }

    #[test]
    fn international_names_read_in_unicode() {
        assert_eq!(
            domain_name("xn--caf-libre-d4a.localhost"),
            "café-libre.localhost"
        );
        assert_eq!(domain_name("jabberfr.org"), "jabberfr.org");
        // Not punycode at all: shown as it is.
        assert_eq!(domain_name("xn--é.test"), "xn--é.test");
        assert_eq!(address("zoé@xn--caf-dma.example"), "zoé@café.example");
        assert_eq!(address("xn--caf-dma.example"), "café.example");
    }
}
