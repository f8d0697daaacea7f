-- E-mails the portal sends (invitations, hosting requests), saved before they are sent so that
-- a mail server that is down loses none: the worker retries a pending mail with backoff until
-- the server takes it, or marks it failed (an admin can queue it again). `claimed_until` is the
-- lease of the instance sending it, so instances sharing one database never send a mail twice.
-- The bodies are emptied once the mail is sent.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    sent_at BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);
