//! Domain names as people type them and as DNS and XMPP servers use them: internationalised
//! names are accepted and shown in Unicode, stored and checked in their ASCII (IDNA) form.

/// The ASCII form of `input` if it is a domain name someone can host: at least two labels of
/// letters, digits and inner hyphens, at most 63 characters each and 253 in all, and a top-level
/// label that is not a number.
pub fn to_ascii(input: &str) -> Option<String> {
    let trimmed = input.trim().trim_end_matches('.');
    if trimmed.is_empty() || trimmed.contains(['/', '@', ':', ' ']) {
        return None;
    }
    let ascii = idna::domain_to_ascii_strict(trimmed).ok()?;
    let labels: Vec<&str> = ascii.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()));
    (labels.len() >= 2 && ascii.len() <= 253 && labels.iter().all(label_ok) && tld_ok)
        .then_some(ascii)
}

/// How people read an ASCII domain name (`xn--` labels decoded).
pub fn to_unicode(ascii: &str) -> String {
    let (unicode, result) = idna::domain_to_unicode(ascii);
    if result.is_ok() {
        unicode
    } else {
        ascii.to_string()
    }
}

/// Whether `name` is `base` or a name under it (both ASCII).
pub fn is_within(name: &str, base: &str) -> bool {
    let (name, base) = (name.to_ascii_lowercase(), base.to_ascii_lowercase());
    name == base || name.ends_with(&format!(".{base}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internationalised_names_are_stored_in_ascii_and_shown_in_unicode() {
        assert_eq!(
            to_ascii("Café.Example").as_deref(),
            Some("xn--caf-dma.example")
        );
        assert_eq!(to_unicode("xn--caf-dma.example"), "café.example");
        assert_eq!(to_ascii(" example.org. ").as_deref(), Some("example.org"));
        assert_eq!(to_unicode("example.org"), "example.org");
    }

    #[test]
    fn names_nobody_can_host_are_refused() {
        for bad in [
            "",
            "localhost",
            "-a.org",
            "a-.org",
            "a..org",
            "a b.org",
            "user@example.org",
            "https://example.org",
            "1.2.3.4",
            &format!("{}.org", "a".repeat(64)),
        ] {
            assert_eq!(to_ascii(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_under_a_domain_are_within_it() {
        assert!(is_within("jabberfr.org", "jabberfr.org"));
        assert!(is_within("chat.JabberFR.org", "jabberfr.org"));
        assert!(!is_within("notjabberfr.org", "jabberfr.org"));
    }
}
