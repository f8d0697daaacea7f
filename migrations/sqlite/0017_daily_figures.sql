-- What each hosted domain's dashboard draws (server/src/figures.rs): one row per domain and
-- day (UTC; `day` counts days since 1970-01-01), recorded by the portal itself. Recording again
-- on the same day updates the row; a day without one is a gap (the portal or Prosody was down).
-- `active_accounts`: accounts seen (login or end of a session) in the seven days before.
CREATE TABLE daily_figures (
    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    accounts BIGINT NOT NULL,
    active_accounts BIGINT NOT NULL,
    invitations_made BIGINT NOT NULL,
    invitations_used BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (domain_id, day)
);
