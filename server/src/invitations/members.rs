//! Members inviting people: each domain's policy (`member_invitation_policies`), the invitations
//! a member made, and the accounts invitations created (`invited_accounts`), for the rule that
//! a new account waits a day before it invites others.

use super::InvitationRecord;
use crate::db::Db;
use app::invitations::members::MemberPolicy;

/// The window the per-member cap counts in.
pub const CAP_WINDOW_SECS: i64 = 30 * 86_400;
/// How long an account created from an invitation waits before it may invite.
pub const NEW_ACCOUNT_WAIT_SECS: i64 = 86_400;

/// The domain's policy; members cannot invite where the owner never allowed it.
pub async fn policy(db: &Db, domain_id: i64) -> Result<MemberPolicy, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT per_member, contact_only FROM member_invitation_policies WHERE domain_id = $1",
    )
    .bind(domain_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(
        row.map_or(MemberPolicy::default(), |(per_member, contact_only)| {
            MemberPolicy {
                per_member: u32::try_from(per_member).unwrap_or(0),
                contact_only: contact_only != 0,
            }
        }),
    )
}

pub async fn set_policy(db: &Db, domain_id: i64, policy: MemberPolicy) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO member_invitation_policies (domain_id, per_member, contact_only, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (domain_id) DO UPDATE SET \
         per_member = excluded.per_member, contact_only = excluded.contact_only, \
         updated_at = excluded.updated_at",
    )
    .bind(domain_id)
    .bind(i64::from(policy.per_member))
    .bind(i64::from(policy.contact_only))
    .bind(db.now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The invitations `member` (a bare JID) made from their own page, newest first.
pub async fn made_by(db: &Db, member: &str) -> Result<Vec<InvitationRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{} WHERE i.created_by = $1 AND i.by_member = 1 ORDER BY i.created_at DESC, i.id DESC",
        super::SELECT
    ))
    .bind(member)
    .fetch_all(&db.pool)
    .await
}

/// How many invitations `member` made since `since`.
pub async fn count_since(db: &Db, member: &str, since: i64) -> Result<u32, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM invitations WHERE created_by = $1 AND by_member = 1 \
         AND created_at > $2",
    )
    .bind(member)
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Records that invitation `invitation_id` created `usernames`, at `now` for those the portal
/// had not seen yet.
pub async fn record_invited(
    db: &Db,
    invitation_id: i64,
    usernames: &[String],
    now: i64,
) -> Result<(), sqlx::Error> {
    for username in usernames {
        sqlx::query(
            "INSERT INTO invited_accounts (domain_id, username, invitation_id, seen_at) \
             SELECT domain_id, $1, id, $2 FROM invitations WHERE id = $3 \
             ON CONFLICT (domain_id, username) DO NOTHING",
        )
        .bind(username)
        .bind(now)
        .bind(invitation_id)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// When the portal first saw the account `username` created from an invitation, if it was.
pub async fn invited_at(
    db: &Db,
    domain_id: i64,
    username: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT seen_at FROM invited_accounts WHERE domain_id = $1 AND username = $2",
    )
    .bind(domain_id)
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(at,)| at))
}

/// The pending invitations `member` made on their page, at `now`: to withdraw when they are
/// locked or deleted.
pub async fn pending_of(
    db: &Db,
    member: &str,
    now: i64,
) -> Result<Vec<InvitationRecord>, sqlx::Error> {
    Ok(made_by(db, member)
        .await?
        .into_iter()
        .filter(|r| r.state(now) == app::invitations::InvitationState::Pending)
        .collect())
}

/// Forgets that a deleted account came from an invitation (a later account of that name is new).
pub async fn forget_account(db: &Db, domain_id: i64, username: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM invited_accounts WHERE domain_id = $1 AND username = $2")
        .bind(domain_id)
        .bind(username)
        .execute(&db.pool)
        .await?;
    Ok(())
}
