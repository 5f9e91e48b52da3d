-- Registered contacts (RFC 3261 §10), so that phones stay reachable across a restart instead of waiting up to an
-- hour for their next refresh. The live state is in memory (RegistrationStore); this table is its write-behind
-- copy, read once at start-up. Reachability is not kept: it is re-learnt by probing.
CREATE TABLE registrations (
    id                INTEGER PRIMARY KEY,  -- the store's binding id
    extension         TEXT    NOT NULL,
    contact_uri       TEXT    NOT NULL,
    q                 REAL    NULL,
    call_id           TEXT    NOT NULL,
    cseq              INTEGER NOT NULL,
    expires_utc       TEXT    NOT NULL,     -- ISO 8601, UTC
    registered_utc    TEXT    NOT NULL,
    updated_utc       TEXT    NOT NULL,
    user_agent        TEXT    NULL,
    transport         TEXT    NOT NULL,     -- udp, tcp or tls
    received_address  TEXT    NOT NULL,     -- where the REGISTER came from (RFC 3581 received/rport)
    received_port     INTEGER NOT NULL,
    listener          TEXT    NULL,         -- the local listener it arrived on, for diagnosis only
    connection_id     INTEGER NOT NULL      -- 0 for UDP; a TCP/TLS connection does not survive a restart
);
CREATE INDEX ix_registrations_extension ON registrations (extension);
