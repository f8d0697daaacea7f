-- The last result of each health check of each hosted domain (see server/src/health/): one
-- row per (domain, kind, name), e.g. (example.org, tlsa, _5222._tcp.xmpp.example.org).
-- `finding` names what is wrong or worth knowing (a message of app/locales/*/health.ftl, '' for
-- none); `found`, `expected` and `record` (the zone-file line to add) are technical text,
-- the same in every language. `changed_at` is when `status` last changed.
CREATE TABLE health_checks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'warning', 'failing')),
    finding TEXT NOT NULL DEFAULT '',
    found TEXT NOT NULL DEFAULT '',
    expected TEXT NOT NULL DEFAULT '',
    record TEXT NOT NULL DEFAULT '',
    days_left BIGINT,
    checked_at BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    UNIQUE (domain, kind, name)
);
