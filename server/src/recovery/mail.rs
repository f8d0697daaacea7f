//! The e-mails to a recovery address: the link confirming it, a reset link, and the notice that
//! the password was changed (messages in `app/locales/*/recovery.ftl`).

use crate::mail::{
    layout::{notice, render, Layout},
    Email,
};
use app::{
    format::{address, Dates, Zone},
    i18n::Locale,
};

/// What every message names.
pub struct Texts<'a> {
    pub to: &'a str,
    pub provider: &'a str,
    pub jid: &'a str,
    /// The provider's, for the links' expiry.
    pub zone: &'a Zone,
}

impl Texts<'_> {
    fn args(&self, locale: Locale, until: Option<i64>) -> Vec<(&'static str, String)> {
        let mut args = vec![
            ("provider", self.provider.to_string()),
            ("jid", address(self.jid)),
        ];
        let dates = Dates {
            locale,
            zone: self.zone.clone(),
        };
        args.extend(until.map(|at| ("until", dates.date_time(at))));
        args
    }
}

/// A message with a link: `key`'s subject, intro, button, validity and "ignore it" footer.
fn with_link(locale: Locale, texts: &Texts<'_>, key: &str, link: &str, until: i64) -> Email {
    let args = texts.args(locale, Some(until));
    let t = |part: &str| locale.t_with(&format!("mail-recovery-{key}-{part}"), &args);
    render(
        locale,
        Layout {
            to: texts.to,
            subject: t("subject"),
            paragraphs: vec![t("intro")],
            action: Some((t("button"), link)),
            after: vec![t("until")],
            footer: t("ignore"),
        },
    )
}

pub fn confirm(locale: Locale, texts: &Texts<'_>, link: &str, until: i64) -> Email {
    with_link(locale, texts, "confirm", link, until)
}

pub fn reset_link(locale: Locale, texts: &Texts<'_>, link: &str, until: i64) -> Email {
    with_link(locale, texts, "reset", link, until)
}

pub fn password_changed(locale: Locale, texts: &Texts<'_>) -> Email {
    let args = texts.args(locale, None);
    let t = |key: &str| locale.t_with(key, &args);
    notice(
        locale,
        texts.to,
        t("mail-recovery-changed-subject"),
        vec![
            t("mail-recovery-changed-intro"),
            t("mail-recovery-changed-warning"),
        ],
        t("mail-footer"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages_and_names_the_account() {
        let texts = Texts {
            to: "rita@example.net",
            provider: "JabberFR",
            jid: "rita@club.example",
            zone: &Zone::utc(),
        };
        for locale in Locale::ALL {
            let mails = [
                confirm(
                    locale,
                    &texts,
                    "https://p/recovery/confirm/t",
                    1_795_737_600,
                ),
                reset_link(locale, &texts, "https://p/reset/t", 1_795_737_600),
                password_changed(locale, &texts),
            ];
            for mail in mails {
                assert!(
                    mail.subject.contains("rita@club.example"),
                    "{}",
                    mail.subject
                );
                assert!(
                    !mail.text.contains("mail-"),
                    "missing message: {}",
                    mail.text
                );
            }
        }
        let fr = reset_link(Locale::Fr, &texts, "https://p/reset/t", 1_795_737_600);
        assert!(fr.text.contains("https://p/reset/t"), "{}", fr.text);
        assert!(fr.text.contains("une heure"), "{}", fr.text);
        assert!(
            fr.text.contains("27 novembre 2026 à 00:00 UTC"),
            "{}",
            fr.text
        );
    }
}
