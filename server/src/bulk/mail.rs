//! The notice a bulk deletion sends to a deleted account's confirmed recovery address, in the
//! account's own language (messages in `app/locales/*/bulk.ftl`).

use crate::mail::{layout::notice, Email};
use app::i18n::Locale;

pub struct Deleted<'a> {
    pub to: &'a str,
    pub provider: &'a str,
    pub jid: &'a str,
    pub domain: &'a str,
}

pub fn deleted(locale: Locale, mail: &Deleted<'_>) -> Email {
    let args = [
        ("provider", mail.provider.to_string()),
        ("jid", mail.jid.to_string()),
        ("domain", app::format::domain_name(mail.domain)),
    ];
    let t = |key: &str| locale.t_with(key, &args);
    notice(
        locale,
        mail.to,
        t("mail-bulk-deleted-subject"),
        vec![t("mail-bulk-deleted-intro"), t("mail-bulk-deleted-why")],
        t("mail-footer"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_the_account_in_both_languages() {
        let mail = Deleted {
            to: "rita@example.net",
            provider: "JabberFR",
            jid: "rita@club.example",
            domain: "club.example",
        };
        let en = deleted(Locale::En, &mail);
        let fr = deleted(Locale::Fr, &mail);
        for email in [&en, &fr] {
            assert!(
                email.subject.contains("rita@club.example"),
                "{}",
                email.subject
            );
            assert!(
                !email.text.contains("mail-"),
                "missing message: {}",
                email.text
            );
        }
        assert_ne!(en.subject, fr.subject);
        assert!(fr.text.contains("supprimé"), "{}", fr.text);
    }
}
