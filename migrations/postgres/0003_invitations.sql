-- Invitations to a hosted domain. The token is the one mod_invites made on Prosody (the app
-- redeems it there); the portal keeps what Prosody does not: who made it, the note, the e-mail
-- recipient, and the uses it saw (re-read from Prosody, which stays the authority).
CREATE TABLE invitations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain_id BIGINT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    uri TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    max_uses BIGINT NOT NULL,
    uses BIGINT NOT NULL DEFAULT 0,
    -- Usernames registered with it, comma-separated.
    accounts TEXT NOT NULL DEFAULT '',
    username TEXT,
    note TEXT NOT NULL DEFAULT '',
    contact TEXT,
    email TEXT,
    email_locale TEXT,
    mail_id BIGINT,
    revoked_at BIGINT
);
CREATE INDEX invitations_domain ON invitations(domain_id, created_at);

-- Single-use links to set a new password. The token is kept so that the console can show the
-- link until it is used (like an invitation's); it lasts a day at most.
CREATE TABLE password_resets (
    token TEXT PRIMARY KEY,
    domain_id BIGINT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
