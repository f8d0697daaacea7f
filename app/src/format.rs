//! Dates and names as the pages show them: dates in UTC, identical on the server and in the
//! browser; internationalised domain names in Unicode.

/// `YYYY-MM-DD`.
pub fn date(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

/// `YYYY-MM-DD HH:MM UTC`.
pub fn date_time(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
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

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(1_795_737_600), "2026-11-27");
        assert_eq!(
            date_time(1_795_737_600 + 3600 + 120),
            "2026-11-27 01:02 UTC"
        );
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
