-- Bulk work on a domain's accounts (server/src/bulk/): the items of one bulk job (a `bulk` job
-- of the queue), snapshot when it was asked for: the usernames to lock or delete, or the lines
-- of a list of e-mail addresses to invite (`position` is then the line number). `outcome` is
-- NULL until the item was handled, then 'done' or 'failed' with `reason` (the user-facing
-- error, as JSON), so a job taken up again after a restart skips what it did.
CREATE TABLE bulk_items (
    job_id BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    item TEXT NOT NULL,
    outcome TEXT CHECK (outcome IN ('done', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, position)
);
