//! The e-mails of a hosting request: the confirmation link to the requester, the announcement
//! to the provider's admins, the rejection with its reason, and the invitation that makes the
//! requester the owner of their approved domain (messages in `app/locales/*/mail.ftl`).

use crate::mail::{
    layout::{render, Layout},
    Email,
};
use app::i18n::Locale;

/// What every message of a request may name.
pub struct Context<'a> {
    pub to: &'a str,
    pub provider: &'a str,
    /// In Unicode.
    pub domain: &'a str,
    pub name: &'a str,
}

impl Context<'_> {
    fn args(&self) -> [(&'static str, String); 3] {
        [
            ("provider", self.provider.to_string()),
            ("domain", self.domain.to_string()),
            ("name", self.name.to_string()),
        ]
    }
}

pub fn confirm(locale: Locale, ctx: &Context<'_>, link: &str) -> Email {
    let t = |key: &str| locale.t_with(key, &ctx.args());
    render(
        locale,
        Layout {
            to: ctx.to,
            subject: t("mail-request-confirm-subject"),
            paragraphs: vec![t("mail-request-confirm-intro")],
            action: Some((t("mail-request-confirm-button"), link)),
            after: Vec::new(),
            footer: t("mail-request-confirm-ignore"),
        },
    )
}

/// To the provider's admins, in `locale` (the portal's default language).
pub fn announce(locale: Locale, ctx: &Context<'_>, requester: &str, link: &str) -> Email {
    let mut args = ctx.args().to_vec();
    args.push(("requester", requester.to_string()));
    let t = |key: &str| locale.t_with(key, &args);
    render(
        locale,
        Layout {
            to: ctx.to,
            subject: t("mail-request-new-subject"),
            paragraphs: vec![t("mail-request-new-intro")],
            action: Some((t("mail-request-new-button"), link)),
            after: Vec::new(),
            footer: t("mail-footer"),
        },
    )
}

/// The one-line chat message the admins get for the same news.
pub fn announce_chat(locale: Locale, domain: &str, requester: &str, link: &str) -> String {
    locale.t_with(
        "chat-request-new",
        &[
            ("domain", domain.to_string()),
            ("requester", requester.to_string()),
            ("link", link.to_string()),
        ],
    )
}

pub fn rejected(locale: Locale, ctx: &Context<'_>, reason: &str) -> Email {
    let t = |key: &str| locale.t_with(key, &ctx.args());
    render(
        locale,
        Layout {
            to: ctx.to,
            subject: t("mail-request-rejected-subject"),
            paragraphs: vec![t("mail-request-rejected-intro"), reason.to_string()],
            action: None,
            after: Vec::new(),
            footer: t("mail-footer"),
        },
    )
}

pub fn approved(locale: Locale, ctx: &Context<'_>, owner_link: Option<&str>) -> Email {
    let t = |key: &str| locale.t_with(key, &ctx.args());
    let (paragraphs, action) = match owner_link {
        Some(link) => (
            vec![
                t("mail-request-approved-intro"),
                t("mail-request-approved-invite"),
            ],
            Some((t("mail-request-approved-button"), link)),
        ),
        None => (
            vec![
                t("mail-request-approved-intro"),
                t("mail-request-approved-owner"),
            ],
            None,
        ),
    };
    render(
        locale,
        Layout {
            to: ctx.to,
            subject: t("mail-request-approved-subject"),
            paragraphs,
            action,
            after: Vec::new(),
            footer: t("mail-footer"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context<'static> {
        Context {
            to: "marie@example.net",
            provider: "JabberFR",
            domain: "café.example",
            name: "Marie",
        }
    }

    #[test]
    fn every_message_exists_in_both_languages_and_names_the_domain() {
        for locale in Locale::ALL {
            let mails = [
                confirm(locale, &ctx(), "https://p/request/confirm/t"),
                announce(
                    locale,
                    &ctx(),
                    "Marie <marie@example.net>",
                    "https://p/admin/requests/1",
                ),
                rejected(locale, &ctx(), "Not a member"),
                approved(locale, &ctx(), Some("https://p/invite/t")),
                approved(locale, &ctx(), None),
            ];
            for mail in mails {
                assert!(mail.subject.contains("café.example"), "{}", mail.subject);
                assert!(
                    !mail.text.contains("mail-"),
                    "missing message: {}",
                    mail.text
                );
            }
            assert!(
                announce_chat(locale, "café.example", "Marie", "https://p/x")
                    .contains("https://p/x")
            );
        }
        assert!(rejected(Locale::Fr, &ctx(), "Not a member")
            .text
            .contains("Not a member"));
    }
}
