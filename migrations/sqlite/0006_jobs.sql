-- One durable queue for all background work (see server/src/jobs/): changes waiting for
-- Prosody, e-mails, and whatever later work needs retries. One row per job, unique per
-- (kind, domain, target): queueing the same job again bumps `version`, so a worker that ran an
-- older version does not mark the newer one done. `claimed_until` is the lease of the instance
-- running it, so instances sharing one database never run a job twice at once. Finished jobs
-- stay, as `done` or `failed` (given up; retried by hand).
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    domain TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    version BIGINT NOT NULL DEFAULT 1,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    progress_done BIGINT,
    progress_total BIGINT,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    finished_at BIGINT,
    UNIQUE (kind, domain, target)
);
CREATE INDEX jobs_due ON jobs(state, next_attempt_at);
CREATE INDEX jobs_domain ON jobs(domain, state);

-- An audit entry of a change that waits for a job follows it: pending until the job's version
-- it was made with (or a later one) lands, then done, or failed if the job gives up.
ALTER TABLE audit_log ADD COLUMN job_id BIGINT;
ALTER TABLE audit_log ADD COLUMN job_version BIGINT;
CREATE INDEX audit_log_job ON audit_log(job_id);

-- Before this, pending entries never finished: those of a domain with nothing left to push
-- have landed.
UPDATE audit_log SET outcome = 'done' WHERE outcome = 'pending'
    AND domain NOT IN (SELECT domain FROM pending_changes);

INSERT INTO jobs (kind, domain, target, version, attempts, last_error, created_at,
                  next_attempt_at)
    SELECT kind, domain, target, version, attempts, last_error, created_at, next_attempt_at
    FROM pending_changes;
DROP TABLE pending_changes;

-- A mail keeps its row (its data, emptied once sent) and is delivered by job `mail` whose
-- target is the mail's id.
INSERT INTO jobs (kind, target, state, attempts, last_error, created_at, next_attempt_at,
                  finished_at)
    SELECT 'mail', CAST(id AS TEXT),
           CASE status WHEN 'pending' THEN 'queued' WHEN 'sent' THEN 'done' ELSE 'failed' END,
           attempts, last_error, created_at, next_attempt_at, sent_at
    FROM mail_outbox;
DROP INDEX mail_outbox_due;
ALTER TABLE mail_outbox DROP COLUMN status;
ALTER TABLE mail_outbox DROP COLUMN attempts;
ALTER TABLE mail_outbox DROP COLUMN last_error;
ALTER TABLE mail_outbox DROP COLUMN next_attempt_at;
ALTER TABLE mail_outbox DROP COLUMN claimed_until;
ALTER TABLE mail_outbox DROP COLUMN sent_at;
