-- Requests to host a domain, from the public form. `domain` is the IDNA ASCII form. A request
-- enters the admins' queue ('to-review') once its e-mail address is confirmed.
CREATE TABLE hosting_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain TEXT NOT NULL,
    requester_name TEXT NOT NULL,
    email TEXT NOT NULL,
    xmpp TEXT,
    member BIGINT NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL,
    ip TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'unconfirmed',
    confirm_token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    decided_at BIGINT,
    decided_by TEXT,
    reason TEXT,
    -- The owner invitation made for a requester without an XMPP address.
    owner_invite_id BIGINT,
    -- When the requester was told their domain is up (once provisioning completed).
    approval_mailed_at BIGINT
);
CREATE INDEX hosting_requests_status ON hosting_requests(status, created_at);
CREATE INDEX hosting_requests_ip ON hosting_requests(ip, created_at);
CREATE INDEX hosting_requests_email ON hosting_requests(email, created_at);
-- One live request per domain in the queue: approving twice cannot make two.
CREATE UNIQUE INDEX hosting_requests_open_domain ON hosting_requests(domain)
    WHERE status IN ('to-review', 'approved');

-- Suspended domains: their XMPP host is down, their data kept.
ALTER TABLE domains ADD COLUMN status TEXT NOT NULL DEFAULT 'active';

-- An invitation whose accounts become owners of the domain (sent to an approved requester).
ALTER TABLE invitations ADD COLUMN makes_owner BIGINT NOT NULL DEFAULT 0;
