//! The words of an alert: its e-mail (layout of `mail::layout`) and its one-line chat message,
//! in `app/locales/*/alerts.ftl`.

use super::{Concern, Problem, Why};
use crate::mail::{
    layout::{render, Layout},
    Email,
};
use app::i18n::Locale;

/// What every text of one alert names.
pub struct Texts<'a> {
    pub provider: &'a str,
    /// In Unicode.
    pub domain: &'a str,
    /// The domain's page.
    pub link: &'a str,
    pub concern: &'a Concern,
    pub why: Why,
}

impl Texts<'_> {
    fn args(&self, locale: Locale) -> Vec<(&'static str, String)> {
        let mut args = vec![
            ("provider", self.provider.to_string()),
            ("domain", self.domain.to_string()),
            ("link", self.link.to_string()),
            ("sign", self.concern.status.sign().to_string()),
        ];
        match &self.concern.what {
            Problem::Check {
                kind,
                name,
                found,
                expected,
            } => args.extend([
                ("check", format!("{} {name}", kind.label(locale))),
                ("found", found.clone()),
                ("expected", expected.clone()),
            ]),
            Problem::CertificateExpiring { name, days_left } => {
                args.extend([("name", name.clone()), ("days", days_left.to_string())])
            }
            Problem::RenewalFailing { name, error } => {
                args.extend([("name", name.clone()), ("error", error.clone())])
            }
        }
        args
    }

    /// The problem in a few words.
    fn summary(&self, locale: Locale) -> String {
        let key = match &self.concern.what {
            Problem::Check { .. } => "alert-summary-check",
            Problem::CertificateExpiring { days_left, .. } if *days_left <= 0 => {
                "alert-summary-expired"
            }
            Problem::CertificateExpiring { .. } => "alert-summary-expiring",
            Problem::RenewalFailing { .. } => "alert-summary-renewal",
        };
        locale.t_with(key, &self.args(locale))
    }

    /// What was found, in full.
    fn details(&self, locale: Locale) -> Vec<String> {
        let t = |key: &str| locale.t_with(key, &self.args(locale));
        match &self.concern.what {
            Problem::Check { .. } => vec![t("alert-check-found"), t("alert-check-expected")],
            Problem::CertificateExpiring { .. } => vec![t("alert-expiring-detail")],
            Problem::RenewalFailing { .. } => vec![t("alert-renewal-detail")],
        }
    }
}

pub fn email(locale: Locale, to: &str, texts: &Texts<'_>) -> Email {
    let mut args = texts.args(locale);
    args.push(("summary", texts.summary(locale)));
    let t = |key: &str| locale.t_with(key, &args);
    let mut paragraphs = vec![t("alert-intro"), texts.summary(locale)];
    paragraphs.extend(texts.details(locale));
    if texts.why == Why::Reminder {
        paragraphs.push(t("alert-reminder"));
    }
    render(
        locale,
        Layout {
            to,
            subject: t("alert-subject"),
            paragraphs,
            action: Some((t("alert-button"), texts.link)),
            after: Vec::new(),
            footer: t("alert-footer"),
        },
    )
}

/// The one-line chat message of the same alert.
pub fn chat(locale: Locale, texts: &Texts<'_>) -> String {
    let mut args = texts.args(locale);
    args.push(("summary", texts.summary(locale)));
    locale.t_with("alert-chat", &args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::health::{CheckKind, CheckStatus};

    fn concerns() -> Vec<Concern> {
        let concern = |what| Concern {
            domain: "xn--caf-dma.example".into(),
            subject: "s".into(),
            status: CheckStatus::Failing,
            what,
        };
        vec![
            concern(Problem::Check {
                kind: CheckKind::Tlsa,
                name: "_5222._tcp.xmpp.café.example".into(),
                found: "3 1 1 00ff".into(),
                expected: "3 1 1 abcd".into(),
            }),
            concern(Problem::CertificateExpiring {
                name: "café.example".into(),
                days_left: 1,
            }),
            concern(Problem::CertificateExpiring {
                name: "café.example".into(),
                days_left: 10,
            }),
            concern(Problem::CertificateExpiring {
                name: "café.example".into(),
                days_left: -2,
            }),
            concern(Problem::RenewalFailing {
                name: "café.example".into(),
                error: "connection refused".into(),
            }),
        ]
    }

    #[test]
    fn every_alert_exists_in_both_languages_and_says_what_is_wrong() {
        for locale in Locale::ALL {
            for concern in concerns() {
                for why in [Why::New, Why::Reminder] {
                    let texts = Texts {
                        provider: "JabberFR",
                        domain: "café.example",
                        link: "https://p/domains/xn--caf-dma.example",
                        concern: &concern,
                        why,
                    };
                    let mail = email(locale, "marie@example.net", &texts);
                    assert!(mail.subject.contains("café.example"), "{}", mail.subject);
                    assert!(mail.subject.contains("JabberFR"), "{}", mail.subject);
                    assert!(!mail.text.contains("alert-"), "missing: {}", mail.text);
                    assert!(mail.text.contains(texts.link), "{}", mail.text);
                    let line = chat(locale, &texts);
                    assert!(!line.contains("alert-"), "missing: {line}");
                    assert!(line.contains("✗") && line.contains(texts.link), "{line}");
                    match &concern.what {
                        Problem::Check {
                            found, expected, ..
                        } => {
                            assert!(mail.text.contains(found) && mail.text.contains(expected))
                        }
                        Problem::RenewalFailing { error, .. } => {
                            assert!(mail.text.contains(error))
                        }
                        Problem::CertificateExpiring { .. } => {}
                    }
                }
            }
        }
    }

    #[test]
    fn a_reminder_says_so_and_days_are_counted() {
        let all = concerns();
        let concern = &all[2];
        let texts = |why| Texts {
            provider: "JabberFR",
            domain: "café.example",
            link: "https://p/x",
            concern,
            why,
        };
        let first = email(Locale::Fr, "a@example.net", &texts(Why::New));
        let again = email(Locale::Fr, "a@example.net", &texts(Why::Reminder));
        assert!(first.subject.contains("10 jours"), "{}", first.subject);
        assert!(again.text.len() > first.text.len());
        assert!(again.text.contains("semaine"), "{}", again.text);
        let one_day = email(
            Locale::En,
            "a@example.net",
            &Texts {
                concern: &all[1],
                ..texts(Why::New)
            },
        );
        assert!(one_day.subject.contains("1 day"), "{}", one_day.subject);
        assert!(!one_day.subject.contains("days"), "{}", one_day.subject);
    }
}
