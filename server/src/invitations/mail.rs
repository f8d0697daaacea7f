//! The e-mail that carries an invitation, in the language the inviter chose (messages in
//! `app/locales/*/mail.ftl`).

use crate::mail::{
    layout::{render, Layout},
    Email,
};
use app::{format, i18n::Locale};

pub struct InvitationMail<'a> {
    pub to: &'a str,
    pub provider: &'a str,
    pub inviter: &'a str,
    pub domain: &'a str,
    /// The landing page.
    pub link: &'a str,
    pub expires_at: i64,
}

pub fn compose(locale: Locale, mail: &InvitationMail<'_>) -> Email {
    let args = [
        ("inviter", mail.inviter.to_string()),
        ("domain", mail.domain.to_string()),
        ("provider", mail.provider.to_string()),
        ("until", format::date_time(mail.expires_at)),
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

    fn mail() -> InvitationMail<'static> {
        InvitationMail {
            to: "new@example.net",
            provider: "A & B",
            inviter: "owner@example.org",
            domain: "example.org",
            link: "https://portal.example/invite/abc",
            expires_at: 1_800_000_000,
        }
    }

    #[test]
    fn french_and_english_carry_the_link() {
        for locale in Locale::ALL {
            let email = compose(locale, &mail());
            assert!(email.subject.contains("example.org"), "{}", email.subject);
            assert!(email.text.contains("https://portal.example/invite/abc"));
            assert!(email
                .html
                .contains("href=\"https://portal.example/invite/abc\""));
            assert!(email.html.contains("A &amp; B"), "{}", email.html);
        }
        assert_ne!(
            compose(Locale::En, &mail()).subject,
            compose(Locale::Fr, &mail()).subject
        );
    }
}
