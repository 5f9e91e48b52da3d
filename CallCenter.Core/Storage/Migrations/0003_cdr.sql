-- Call detail records: one row per call, with the fields an Asterisk admin knows from cdr.csv (uniqueid, linkedid,
-- start/answer/end, duration/billsec, src, dst, dcontext, channel/dstchannel, disposition), plus the hangup cause
-- and who hung up. The row is inserted at the call's first INVITE and completed when it ends, so a crash leaves it
-- 'open'; the next start closes such rows as 'interrupted' (CdrStore.OpenAsync).
-- Every time is ISO 8601 UTC as .NET's "O" format writes it (2026-01-05T09:00:00.0000000+00:00): one fixed width
-- and offset, so text order is time order and the range queries below can use the indexes.
CREATE TABLE cdr (
    unique_id        TEXT    PRIMARY KEY,   -- uniqueid: the call's own id, never reused
    linked_id        TEXT    NOT NULL,      -- linkedid: shared by the calls a transfer joins
    start_utc        TEXT    NOT NULL,      -- the first INVITE
    answer_utc       TEXT    NULL,
    end_utc          TEXT    NULL,
    src              TEXT    NOT NULL,      -- the caller's extension or number
    caller_name      TEXT    NULL,          -- the display name (Asterisk's clid is "caller_name" <src>)
    dst              TEXT    NOT NULL,      -- what was dialled
    dcontext         TEXT    NULL,          -- what dst turned out to be: extension, queue, ivr, external...
    a_leg_id         TEXT    NOT NULL,      -- channel: the caller's leg
    b_leg_id         TEXT    NULL,          -- dstchannel: the leg that answered
    answered_by      TEXT    NULL,          -- the extension on that leg (the agent, for a queue call)
    disposition      TEXT    NULL CHECK (disposition IN ('ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION')),
    hangup_cause     INTEGER NULL,          -- Q.850 cause value
    hangup_sip_code  INTEGER NULL,          -- the final SIP status that ended it, if one did (none for a BYE)
    hangup_by        TEXT    NULL CHECK (hangup_by IN ('caller', 'callee', 'system')),
    state            TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'interrupted')),
    sip_call_id      TEXT    NOT NULL,      -- Call-ID of the caller's INVITE, to find the call in a SIP trace
    recording_path   TEXT    NULL,

    -- Derived from the stored times so that they can never disagree with them. SQLite's date functions keep
    -- milliseconds; duration and billsec are whole seconds truncated, as Asterisk writes them by default.
    duration_ms      INTEGER GENERATED ALWAYS AS (
        CASE WHEN end_utc IS NULL THEN NULL
             ELSE MAX(0, CAST(ROUND((julianday(end_utc) - julianday(start_utc)) * 86400000.0) AS INTEGER)) END) VIRTUAL,
    billsec_ms       INTEGER GENERATED ALWAYS AS (
        CASE WHEN end_utc IS NULL THEN NULL
             WHEN answer_utc IS NULL THEN 0
             ELSE MAX(0, CAST(ROUND((julianday(end_utc) - julianday(answer_utc)) * 86400000.0) AS INTEGER)) END) VIRTUAL,
    duration         INTEGER GENERATED ALWAYS AS (duration_ms / 1000) VIRTUAL,
    billsec          INTEGER GENERATED ALWAYS AS (billsec_ms / 1000) VIRTUAL
);
CREATE INDEX ix_cdr_start ON cdr (start_utc);
CREATE INDEX ix_cdr_end ON cdr (end_utc);
CREATE INDEX ix_cdr_src ON cdr (src, start_utc);
CREATE INDEX ix_cdr_dst ON cdr (dst, start_utc);
CREATE INDEX ix_cdr_answered_by ON cdr (answered_by, start_utc);
CREATE INDEX ix_cdr_linked ON cdr (linked_id);
CREATE INDEX ix_cdr_open ON cdr (state) WHERE state = 'open';

-- Channel event log in the manner of Asterisk's CEL: what happened to each leg of a call, in order.
CREATE TABLE cel (
    id          INTEGER PRIMARY KEY,        -- arrival order
    unique_id   TEXT    NOT NULL,           -- the call (cdr.unique_id)
    linked_id   TEXT    NOT NULL,
    leg_id      TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,           -- CHAN_START, RING, ANSWER, BRIDGE_ENTER, BLINDTRANSFER, HOLD, HANGUP...
    event_utc   TEXT    NOT NULL,
    extra       TEXT    NULL                -- a small JSON object, as CEL's extra field
);
CREATE INDEX ix_cel_call ON cel (unique_id, id);
CREATE INDEX ix_cel_linked ON cel (linked_id);
CREATE INDEX ix_cel_time ON cel (event_utc);
