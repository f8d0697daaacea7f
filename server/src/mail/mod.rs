//! E-mail: what the portal sends (invitations, hosting requests) and the SMTP transport it goes
//! through. Nothing is sent directly from a request: mails are queued in the outbox (see
//! [`outbox`]), which retries them until the mail server takes them.

pub mod layout;
pub mod outbox;

use crate::config::{SmtpSecurity, SmtpSettings};
use lettre::{
    message::{Mailbox, MultiPart},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use std::time::Duration;

/// How long one SMTP command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one whole delivery may take; shorter than the outbox's lease on a mail.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// An e-mail to send, as a plain-text and an HTML version of the same content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// One mailbox: `alice@example.org` or `Alice Martin <alice@example.org>`.
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Email {
    /// The recipient, checked.
    pub fn recipient(&self) -> Result<Mailbox, MailError> {
        self.to
            .parse()
            .map_err(|_| MailError::InvalidAddress(self.to.clone()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("not an e-mail address: {0:?}")]
    InvalidAddress(String),
    #[error("the e-mail could not be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("{0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the mail server did not answer within {} s", SEND_TIMEOUT.as_secs())]
    Timeout,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl MailError {
    /// Whether sending the same mail again cannot succeed (a malformed mail, or the server
    /// refused it with a 5xx answer), so retrying it automatically is pointless.
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::InvalidAddress(_) | MailError::Build(_) => true,
            MailError::Smtp(e) => e.is_permanent(),
            MailError::Timeout | MailError::Db(_) => false,
        }
    }
}

/// The SMTP transport of the `[smtp]` settings, and the `From:` of every mail.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Sets up the transport (within a Tokio runtime: it keeps a connection pool); connects only
    /// when a mail is sent.
    pub fn new(settings: &SmtpSettings) -> Result<Mailer, MailError> {
        type Transport = AsyncSmtpTransport<Tokio1Executor>;
        let builder = match settings.security {
            SmtpSecurity::None => Transport::builder_dangerous(&settings.host),
            SmtpSecurity::Starttls => Transport::starttls_relay(&settings.host)?,
            SmtpSecurity::Tls => Transport::relay(&settings.host)?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(COMMAND_TIMEOUT));
        if let Some(username) = &settings.username {
            builder = builder.credentials(Credentials::new(
                username.clone(),
                settings.password.clone().unwrap_or_default(),
            ));
        }
        let from = settings
            .from
            .parse()
            .map_err(|_| MailError::InvalidAddress(settings.from.clone()))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Whether the SMTP server answers (and accepts the credentials), for `domaine check`.
    pub async fn test_connection(&self) -> Result<bool, MailError> {
        Ok(self.transport.test_connection().await?)
    }

    /// The message as it goes on the wire: multipart/alternative, text first then HTML (mail
    /// readers show the last part they can), headers encoded for non-ASCII text.
    pub fn message(&self, email: &Email) -> Result<Message, MailError> {
        // Spam filters frown on a mail without one; the sender's domain names it better than
        // the machine's host name would.
        let message_id = format!(
            "<{:032x}@{}>",
            rand::random::<u128>(),
            self.from.email.domain()
        );
        Ok(Message::builder()
            .message_id(Some(message_id))
            .from(self.from.clone())
            .to(email.recipient()?)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))?)
    }

    /// Hands `email` to the mail server; `Ok` once the server has accepted it.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = self.message(email)?;
        tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message))
            .await
            .map_err(|_| MailError::Timeout)??;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: 2525,
            from: "Domaine <noreply@example.test>".into(),
            username: None,
            password: None,
            security: SmtpSecurity::None,
        }
    }

    fn email(to: &str) -> Email {
        Email {
            to: to.into(),
            subject: "Invitation à rejoindre « Café »".into(),
            text: "Bonjour, voici votre invitation.".into(),
            html: "<p>Bonjour, voici votre <b>invitation</b>.</p>".into(),
        }
    }

    // The transport's connection pool needs a runtime.
    #[tokio::test]
    async fn a_message_has_both_parts_and_an_encoded_subject() {
        let mailer = Mailer::new(&settings()).unwrap();
        let raw = mailer
            .message(&email("Élodie Martin <elodie@example.test>"))
            .unwrap()
            .formatted();
        let raw = String::from_utf8(raw).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("text/plain"), "{raw}");
        assert!(raw.contains("text/html"), "{raw}");
        // Headers are 7-bit: the accents are RFC 2047 encoded.
        let headers = raw.split("\r\n\r\n").next().unwrap();
        assert!(headers.is_ascii(), "{headers}");
        assert!(
            headers.contains("Subject: Invitation =?utf-8?"),
            "{headers}"
        );
        assert!(
            headers.contains("Message-ID: <") && headers.contains("@example.test>\r\n"),
            "{headers}"
        );
        assert!(headers.contains("<elodie@example.test>"), "{headers}");
    }

    #[tokio::test]
    async fn a_malformed_recipient_is_refused() {
        let mailer = Mailer::new(&settings()).unwrap();
        let err = mailer.message(&email("not an address")).unwrap_err();
        assert!(matches!(err, MailError::InvalidAddress(_)), "{err}");
        assert!(err.is_permanent());
    }

    #[tokio::test]
    async fn every_security_mode_builds() {
        for security in [
            SmtpSecurity::None,
            SmtpSecurity::Starttls,
            SmtpSecurity::Tls,
        ] {
            let settings = SmtpSettings {
                security,
                username: Some("portal".into()),
                password: Some("secret".into()),
                ..settings()
            };
            Mailer::new(&settings).unwrap();
        }
    }
}
