-- Members inviting people (server/src/invitations/members.rs). The owner's choice per domain:
-- how many invitations a member may make in 30 days (0: members cannot invite), and whether
-- they must all be contact invitations (the inviter becomes the new user's contact).
CREATE TABLE member_invitation_policies (
    domain_id BIGINT PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    per_member BIGINT NOT NULL,
    contact_only BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
-- An invitation a member made from /me (its creator is `created_by`).
ALTER TABLE invitations ADD COLUMN by_member BIGINT NOT NULL DEFAULT 0;
CREATE INDEX invitations_creator ON invitations(created_by, created_at);
-- Accounts created from an invitation, and when the portal first saw it (right away for a
-- redemption on the web, at its next look at Prosody's uses for one in an app): a new account
-- cannot invite others for a day.
CREATE TABLE invited_accounts (
    domain_id BIGINT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    invitation_id BIGINT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (domain_id, username)
);
