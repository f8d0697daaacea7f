-- Recovery e-mail addresses of XMPP accounts (server/src/recovery/), for "Forgot your
-- password?". `email` is the confirmed address, the only one reset links are sent to;
-- `pending_email` waits for its confirmation link (single use, kept as its SHA-256, valid
-- until `pending_expires_at`), and replaces `email` when that link is used.
CREATE TABLE recovery_emails (
    domain_id BIGINT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    email TEXT,
    confirmed_at BIGINT,
    pending_email TEXT,
    pending_token_hash TEXT UNIQUE,
    pending_expires_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (domain_id, username)
);
