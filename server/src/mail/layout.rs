//! The one layout of every e-mail the portal writes: a few paragraphs, an optional button with
//! its link also spelled out, and a footer; as plain text and as the same HTML.

use super::Email;
use app::i18n::Locale;

pub struct Layout<'a> {
    pub to: &'a str,
    pub subject: String,
    pub paragraphs: Vec<String>,
    /// The button's label and link.
    pub action: Option<(String, &'a str)>,
    /// Paragraphs after the button.
    pub after: Vec<String>,
    pub footer: String,
}

/// A notice: paragraphs and the footer, nothing to click.
pub fn notice(
    locale: Locale,
    to: &str,
    subject: String,
    paragraphs: Vec<String>,
    footer: String,
) -> Email {
    render(
        locale,
        Layout {
            to,
            subject,
            paragraphs,
            action: None,
            after: Vec::new(),
            footer,
        },
    )
}

pub fn render(locale: Locale, mail: Layout<'_>) -> Email {
    let mut text = mail.paragraphs.join("\n\n");
    if let Some((_, link)) = &mail.action {
        text.push_str(&format!("\n\n{link}"));
    }
    for p in &mail.after {
        text.push_str(&format!("\n\n{p}"));
    }
    text.push_str(&format!("\n\n-- \n{}\n", mail.footer));

    let paragraphs: String = mail
        .paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    let action = mail
        .action
        .as_ref()
        .map(|(label, link)| {
            format!(
                "<p><a href=\"{link}\" style=\"display:inline-block;padding:.6em 1.2em;\
                 background:#1d4ed8;color:#fff;border-radius:.4em;text-decoration:none\">{label}</a></p>\
                 <p style=\"font-size:.9em\">{link}</p>",
                link = escape(link),
                label = escape(label),
            )
        })
        .unwrap_or_default();
    let after: String = mail
        .after
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title>\
         </head><body style=\"font-family:sans-serif;line-height:1.5;max-width:36rem\">\
         {paragraphs}{action}{after}<p style=\"color:#555;font-size:.9em\">{footer}</p></body></html>",
        lang = locale.code(),
        subject = escape(&mail.subject),
        footer = escape(&mail.footer),
    );
    Email {
        to: mail.to.to_string(),
        subject: mail.subject,
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

    #[test]
    fn text_and_html_carry_the_same_content_and_html_is_escaped() {
        let email = render(
            Locale::Fr,
            Layout {
                to: "a@example.net",
                subject: "Sujet <b>".into(),
                paragraphs: vec!["Bonjour & bienvenue".into()],
                action: Some(("Ouvrir".into(), "https://portal.example/x?a=1&b=2")),
                after: vec!["Après".into()],
                footer: "Pied".into(),
            },
        );
        assert!(email.text.contains("Bonjour & bienvenue"));
        assert!(email.text.contains("https://portal.example/x?a=1&b=2"));
        assert!(email.html.contains("Bonjour &amp; bienvenue"));
        assert!(email
            .html
            .contains("href=\"https://portal.example/x?a=1&amp;b=2\""));
        assert!(email.html.contains("<title>Sujet &lt;b&gt;</title>"));
        assert!(email.html.contains("lang=\"fr\""));
    }
}
