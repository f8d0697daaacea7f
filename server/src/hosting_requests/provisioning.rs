//! What follows an approved request's host coming up on Prosody (run by the reconciler's
//! `provision-host` job, on the shared state, not on the portal's request handlers): the
//! requester becomes owner at once when they gave an XMPP address, otherwise they get an owner
//! invitation; either way they are told by e-mail.

use super::mail as request_mail;
use crate::{
    domains,
    invitations::{self, NewRecord},
    mail::outbox,
    state::AppState,
    xmpp::InvitationSpec,
};
use app::invitations::Validity;
use xmpp_parsers::jid::DomainPart;

/// Tells the requester of `domain`, with an owner invitation when they gave no XMPP address.
/// Runs again harmlessly: the invitation is made once and the mail sent once.
pub async fn complete(state: &AppState, domain: &str) -> Result<(), String> {
    let db = &state.db;
    let Some(request) = super::approved_for(db, domain)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(()); // added by hand, not from a request
    };
    if request.approval_mailed_at.is_some() {
        return Ok(());
    }
    let owner_link = match (&request.xmpp, request.owner_invite_id) {
        (Some(_), _) => None,
        (None, Some(id)) => {
            let record = invitations::by_id(db, domain, id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("owner invitation {id} of {domain} is gone"))?;
            Some(invitations::landing_link(
                &state.config.public_url,
                &record.token,
            ))
        }
        (None, None) => {
            let (id, link) = owner_invitation(state, domain).await?;
            super::set_owner_invite(db, request.id, id)
                .await
                .map_err(|e| e.to_string())?;
            Some(link)
        }
    };
    let unicode = super::names::to_unicode(domain);
    let mail_ctx = request_mail::Context {
        to: &request.email,
        provider: &state.config.provider_name,
        domain: &unicode,
        name: &request.requester_name,
    };
    let email = request_mail::approved(request.locale(), &mail_ctx, owner_link.as_deref());
    outbox::send(db, &state.mail, &email)
        .await
        .map_err(|e| e.to_string())?;
    super::set_approval_mailed(db, request.id, state.clock.now())
        .await
        .map_err(|e| e.to_string())
}

/// Makes a single-use invitation whose account becomes an owner of `domain`; its id and link.
async fn owner_invitation(state: &AppState, domain: &str) -> Result<(i64, String), String> {
    let db = &state.db;
    let row = domains::get(db, domain)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no domain {domain}"))?;
    let now = state.clock.now();
    let expires_at = now + Validity::FourWeeks.seconds();
    let host = DomainPart::new(domain).map_err(|e| e.to_string())?;
    let created = state
        .xmpp
        .create_invitation(
            &host,
            &InvitationSpec {
                username: None,
                max_uses: 1,
                expires_at,
                contact: None,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    let id = invitations::insert(
        db,
        NewRecord {
            domain_id: row.id,
            token: &created.token,
            uri: &created.uri,
            created_by: &state.config.provider_name,
            created_at: now,
            expires_at,
            max_uses: 1,
            username: None,
            note: "owner invitation",
            contact: None,
            makes_owner: true,
            by_member: false,
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok((
        id,
        invitations::landing_link(&state.config.public_url, &created.token),
    ))
}
