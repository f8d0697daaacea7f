//! Announcements: an owner's short message to every account of their domain, a chat message
//! from the domain itself. The page (`/domains/NAME/announce`) previews it exactly as it will
//! arrive with the number of recipients, then sends it as an owner task (`tasks`), whose page
//! shows it going out.

#[cfg(feature = "ssr")]
use crate::context::RequestContext;
use crate::error::{AppError, ErrorKind, Field};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The longest announcement, in characters: a chat message, not a newsletter.
pub const MAX_MESSAGE: usize = 1000;

/// The message as it will be sent: line breaks as `\n`, without blank space around it. Empty,
/// too long, or with control characters (other than line breaks and tabs, which XML cannot all
/// carry and no chat app shows): refused, on the message's field.
pub fn normalize(message: &str) -> Result<String, ErrorKind> {
    let text = message.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.is_empty() {
        return Err(ErrorKind::Required {
            field: Field::Message,
        });
    }
    if text.chars().count() > MAX_MESSAGE {
        return Err(ErrorKind::TooLong {
            field: Field::Message,
            max: MAX_MESSAGE,
        });
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ErrorKind::InvalidText {
            field: Some(Field::Message),
        });
    }
    Ok(text.to_owned())
}

/// What the owner confirms before sending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementDraft {
    pub domain: String,
    /// The message as it will arrive ([`normalize`]d).
    pub message: String,
    /// The domain's accounts now; `None` when the XMPP server cannot be asked (the message
    /// then waits for it, and goes to every account there is then).
    pub recipients: Option<u32>,
}

/// Checks the message and counts who would get it; changes nothing.
#[server(prefix = "/api", endpoint = "announcement_preview")]
pub async fn announcement_preview(
    domain: String,
    message: String,
) -> Result<AnnouncementDraft, AppError> {
    let (portal, ctx) = crate::backend::request()?;
    portal
        .announcement_preview(&ctx, &domain, &message)
        .await
        .map_err(|e| e.keeping(&[("message", &message)]))
}

/// Sends the message to every account of the domain, and shows its task's page.
#[server(prefix = "/api", endpoint = "send_announcement")]
pub async fn send_announcement(
    csrf: String,
    domain: String,
    message: String,
) -> Result<i64, AppError> {
    let (portal, ctx) = crate::backend::checked_request(&csrf)?;
    let id = portal
        .send_announcement(&ctx, &domain, &message)
        .await
        .map_err(|e| e.keeping(&[("message", &message)]))?;
    leptos_axum::redirect(&crate::tasks::task_href(&domain, id));
    Ok(id)
}

/// The server's side of announcements (owners of the domain and provider admins).
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AnnouncementsBackend {
    async fn announcement_preview(
        &self,
        ctx: &RequestContext,
        domain: &str,
        message: &str,
    ) -> Result<AnnouncementDraft, AppError>;

    /// Queues the announcement (audited); its task's id.
    async fn send_announcement(
        &self,
        ctx: &RequestContext,
        domain: &str,
        message: &str,
    ) -> Result<i64, AppError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_sent_as_typed_without_the_blank_around_it() {
        assert_eq!(normalize("  Hello\r\nall\r\n\n").unwrap(), "Hello\nall");
        assert_eq!(normalize("a\tb").unwrap(), "a\tb");
    }

    #[test]
    fn empty_long_and_control_characters_are_refused_on_the_message() {
        assert_eq!(
            normalize(" \n "),
            Err(ErrorKind::Required {
                field: Field::Message
            })
        );
        let long = "é".repeat(MAX_MESSAGE + 1);
        assert_eq!(
            normalize(&long),
            Err(ErrorKind::TooLong {
                field: Field::Message,
                max: MAX_MESSAGE
            })
        );
        assert!(normalize(&"é".repeat(MAX_MESSAGE)).is_ok());
        assert_eq!(
            normalize("bell\u{7}"),
            Err(ErrorKind::InvalidText {
                field: Some(Field::Message)
            })
        );
    }
}
