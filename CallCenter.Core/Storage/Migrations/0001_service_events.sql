-- The appliance's own audit trail: starts, stops, configuration generations applied or rejected, backups.
-- Admins read it to answer "what changed and when" without grepping rolling log files.
CREATE TABLE service_events (
    id          INTEGER PRIMARY KEY,
    at_utc      TEXT    NOT NULL,
    node        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    detail      TEXT    NULL
);
CREATE INDEX ix_service_events_at ON service_events (at_utc);
