-- Long tasks an owner starts on their domain (an announcement to every account, bulk changes;
-- server/src/tasks.rs). Each is a job of the `tasks` lane (its state, attempts and progress
-- live in `jobs`); this is the rest of its report, read by the task page.
CREATE TABLE owner_tasks (
    job_id BIGINT PRIMARY KEY,
    domain TEXT NOT NULL,
    started_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    succeeded BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    -- Where the task stands in its kind's terms (an announcement: the last username done),
    -- saved with each step, so that a run taken up again (a restart, a retry) resumes after it.
    resume_after TEXT NOT NULL DEFAULT ''
);
-- The items that failed, in the order they did, each with why (an `ErrorKind` as JSON, shown
-- in the reader's language) and, for an item read from a list the owner gave, its line.
CREATE TABLE owner_task_failures (
    job_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    line_no BIGINT,
    item TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
