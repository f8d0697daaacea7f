-- Bulk work on a domain's accounts (server/src/bulk/): the items of one bulk task (an owner
-- task, see 0015_owner_tasks), snapshot when it was asked for: the usernames to lock or
-- delete, or the lines of a list of addresses to invite (`position` is then the line number).
-- The task's `resume_after` is the position of the last item done. `refused` is why a line
-- was left out when the list was read (an `ErrorKind` as JSON; '' for an item to do).
CREATE TABLE bulk_items (
    job_id BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    item TEXT NOT NULL,
    refused TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, position)
);
