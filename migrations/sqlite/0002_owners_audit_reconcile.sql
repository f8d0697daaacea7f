-- Sessions may now belong to an XMPP account (domain owners and users log in with their XMPP
-- address and password) as well as to a local provider admin. Sessions are disposable.
DROP TABLE sessions;
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    admin_id INTEGER REFERENCES provider_admins(id) ON DELETE CASCADE,
    jid TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    CHECK ((admin_id IS NULL) <> (jid IS NULL))
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);

-- The desired state of each domain; `pending_changes` says what has yet to reach Prosody.
ALTER TABLE domains ADD COLUMN quota BIGINT;
ALTER TABLE domains ADD COLUMN registration_mode TEXT NOT NULL DEFAULT 'invite-only';

CREATE TABLE domain_owners (
    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    jid TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (domain_id, jid)
);
CREATE INDEX domain_owners_jid ON domain_owners(jid);

CREATE TABLE locked_accounts (
    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    locked_at BIGINT NOT NULL,
    PRIMARY KEY (domain_id, username)
);

-- Every change, who made it and how it went. The domain is kept by name so the history
-- outlives the domain.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    domain TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_domain_at ON audit_log(domain, at);
CREATE INDEX audit_log_at ON audit_log(at);

-- Changes that must reach Prosody even if it is down when they are made. One row per piece of
-- state (a domain's registration mode, an account's lock): a newer change to the same state
-- bumps `version`, so a worker that pushed an older version does not mark the newer one done.
CREATE TABLE pending_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    domain TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    UNIQUE (domain, kind, target)
);

-- Failed logins per IP and per account, for slowing down and then locking out guessing.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);
