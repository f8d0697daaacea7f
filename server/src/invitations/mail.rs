//! The e-mail that carries an invitation, in the language the inviter chose and the
//! provider's time zone (messages in `app/locales/*/mail.ftl`).

use crate::mail::{
    layout::{render, Layout},
    Email,
};
use app::{
    format::{self, Dates, Zone},
    i18n::Locale,
};

pub struct InvitationMail<'a> {
    pub to: &'a str,
    pub provider: &'a str,
    pub inviter: &'a str,
    pub domain: &'a str,
    /// The landing page.
    pub link: &'a str,
    pub expires_at: i64,
    /// The provider's, for the expiry.
    pub zone: &'a Zone,
}

pub fn compose(locale: Locale, mail: &InvitationMail<'_>) -> Email {
    let args = [
        ("inviter", format::address(mail.inviter)),
        ("domain", format::domain_name(mail.domain)),
        ("provider", mail.provider.to_string()),
        (
            "until",
            Dates {
                locale,
                zone: mail.zone.clone(),
            }
            .date_time(mail.expires_at),
        ),
    ];
    let t = |key: &str| locale.t_with(key, &args);
    render(
        locale,
        Layout {
            to: mail.to,
            subject: t("mail-invite-subject"),
            paragraphs: vec![t("mail-invite-intro"), t("mail-invite-how")],
            action: Some((t("mail-invite-button"), mail.link)),
            after: vec![t("mail-invite-until")],
            footer: t("mail-invite-ignore"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(zone: &Zone) -> InvitationMail<'_> {
        InvitationMail {
            to: "new@example.net",
            provider: "A & B",
            inviter: "owner@example.org",
            domain: "example.org",
            link: "https://portal.example/invite/abc",
            expires_at: 1_800_000_000,
            zone,
        }
    }

    #[test]
    fn french_and_english_carry_the_link() {
        let utc = Zone::utc();
        for locale in Locale::ALL {
            let email = compose(locale, &mail(&utc));
            assert!(email.subject.contains("example.org"), "{}", email.subject);
            assert!(email.text.contains("https://portal.example/invite/abc"));
            assert!(email
                .html
                .contains("href=\"https://portal.example/invite/abc\""));
            assert!(email.html.contains("A &amp; B"), "{}", email.html);
        }
        assert_ne!(
            compose(Locale::En, &mail(&utc)).subject,
            compose(Locale::Fr, &mail(&utc)).subject
        );
    }

    #[test]
    fn the_expiry_reads_in_the_providers_zone_and_the_readers_language() {
        let paris = crate::time_zones::zone("Europe/Paris", 1_800_000_000, false).unwrap();
        let email = compose(Locale::Fr, &mail(&paris));
        assert!(
            email.text.contains("15 janvier 2027 à 09:00 CET"),
            "{}",
            email.text
        );
        let email = compose(Locale::En, &mail(&paris));
        assert!(
            email.text.contains("15 January 2027, 09:00 CET"),
            "{}",
            email.text
        );
    }
}
