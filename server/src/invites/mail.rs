//! The e-mail that carries an invitation, in the language the inviter chose: plain text with an
//! HTML alternative, both from the Fluent messages (`app/locales/*/mail.ftl`).

use crate::mail::Email;
use app::{format, i18n::Locale};

pub struct InviteMail<'a> {
    pub to: &'a str,
    pub provider: &'a str,
    pub inviter: &'a str,
    pub domain: &'a str,
    /// The landing page.
    pub link: &'a str,
    pub expires_at: i64,
}

pub fn compose(locale: Locale, mail: &InviteMail<'_>) -> Email {
    let args = |extra: &[(&'static str, String)]| {
        let mut all = vec![
            ("inviter", mail.inviter.to_string()),
            ("domain", mail.domain.to_string()),
            ("provider", mail.provider.to_string()),
            ("until", format::date_time(mail.expires_at)),
        ];
        all.extend_from_slice(extra);
        all
    };
    let subject = locale.t_with("mail-invite-subject", &args(&[]));
    let intro = locale.t_with("mail-invite-intro", &args(&[]));
    let how = locale.t_with("mail-invite-how", &args(&[]));
    let until = locale.t_with("mail-invite-until", &args(&[]));
    let ignore = locale.t_with("mail-invite-ignore", &args(&[]));
    let button = locale.t("mail-invite-button");
    let text = format!(
        "{intro}\n\n{how}\n\n{link}\n\n{until}\n\n-- \n{ignore}\n",
        link = mail.link
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
         <body style=\"font-family:sans-serif;line-height:1.5;max-width:36rem\">\
         <p>{intro}</p><p>{how}</p>\
         <p><a href=\"{link}\" style=\"display:inline-block;padding:.6em 1.2em;background:#1d4ed8;\
         color:#fff;border-radius:.4em;text-decoration:none\">{button}</a></p>\
         <p style=\"font-size:.9em\">{link_text}</p><p>{until}</p>\
         <p style=\"color:#555;font-size:.9em\">{ignore}</p></body></html>",
        lang = locale.code(),
        subject = escape(&subject),
        intro = escape(&intro),
        how = escape(&how),
        link = escape(mail.link),
        link_text = escape(mail.link),
        button = escape(&button),
        until = escape(&until),
        ignore = escape(&ignore),
    );
    Email {
        to: mail.to.to_string(),
        subject,
        text,
        html,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> InviteMail<'static> {
        InviteMail {
            to: "new@example.net",
            provider: "A & B",
            inviter: "owner@example.org",
            domain: "example.org",
            link: "https://portal.example/invite/abc",
            expires_at: 1_800_000_000,
        }
    }

    #[test]
    fn french_and_english_carry_the_link_and_escape_html() {
        for locale in Locale::ALL {
            let email = compose(locale, &mail());
            assert!(email.subject.contains("example.org"), "{}", email.subject);
            assert!(email.text.contains("https://portal.example/invite/abc"));
            assert!(email
                .html
                .contains("href=\"https://portal.example/invite/abc\""));
            assert!(email.html.contains("A &amp; B"), "{}", email.html);
            assert!(!email.html.contains("A & B"));
        }
        assert_ne!(
            compose(Locale::En, &mail()).subject,
            compose(Locale::Fr, &mail()).subject
        );
    }
}
