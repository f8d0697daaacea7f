-- Two-factor login (server/src/auth/two_factor.rs). `account` is `admin:ID` for a local
-- provider admin, `xmpp:JID` for an XMPP account. The TOTP secret is sealed under the
-- configuration's secret_key; `enabled_at` is NULL while the enrolment waits for its first
-- code; `last_step` is the last accepted time step, so a code is never accepted twice.
CREATE TABLE two_factor (
    account TEXT PRIMARY KEY,
    sealed_secret TEXT NOT NULL,
    enabled_at BIGINT,
    last_step BIGINT,
    created_at BIGINT NOT NULL
);

-- One-time recovery codes: only their SHA-256; a used one is deleted.
CREATE TABLE two_factor_recovery_codes (
    account TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (account, code_hash)
);

-- Logins whose password was right and that wait for their code: the cookie holds a random
-- token, this table its SHA-256. No session exists until the code is given.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    username TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_challenges_expires_at ON login_challenges(expires_at);
