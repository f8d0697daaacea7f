-- The alerts in force (server/src/alerts/): one row per (domain, subject) whose last alert has
-- not been cleared, with the status it was about and when it went out. A return to a state
-- that does not alert deletes the row, so the next problem alerts at once.
CREATE TABLE alerts_sent (
    domain TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (domain, subject)
);

-- The portal language of each XMPP account that logged in (its last login's), so that what
-- the portal sends them unasked (alerts) is in their language.
CREATE TABLE user_languages (
    jid TEXT PRIMARY KEY,
    locale TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
