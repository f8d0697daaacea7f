-- Automatic certificates (server/src/acme/): the portal's ACME account per directory, the
-- HTTP-01 challenges it answers while an order waits for validation, and each domain's
-- certificate as issued and installed on Prosody. The certificate's private key is never here.

-- The account's credentials (its private key among them), sealed with AES-256-GCM under a key
-- derived from the configuration's `secret_key`: base64 of nonce || ciphertext.
CREATE TABLE acme_accounts (
    directory TEXT PRIMARY KEY,
    sealed_credentials TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Answered at /.well-known/acme-challenge/TOKEN by every portal instance, whatever the Host.
CREATE TABLE acme_challenges (
    token TEXT PRIMARY KEY,
    domain TEXT NOT NULL,
    key_authorization TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One row per domain once the portal has tried: `not_after`, `issued_at` and `fingerprint`
-- (SHA-256 of the leaf, hex) describe the certificate that landed on Prosody; `last_error` is
-- the last attempt's failure, empty once one succeeds.
CREATE TABLE certificates (
    domain TEXT PRIMARY KEY,
    not_after BIGINT,
    issued_at BIGINT,
    fingerprint TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    last_attempt_at BIGINT
);
