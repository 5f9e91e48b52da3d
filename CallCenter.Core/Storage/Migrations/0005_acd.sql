-- ACD records: what happened to each queue call (queue events, named as in Asterisk's queue_log so that its readers
-- recognise them) and every agent state change. Live queue state is never read from here (STYLE.md §9); these
-- tables are written behind the routing and read by reports and by the next start (agents' last state and reason).
-- Times are ISO 8601 UTC in .NET's "O" format, as in the cdr table, so text order is time order.
CREATE TABLE acd_queue_events (
    id                INTEGER PRIMARY KEY,      -- arrival order
    event_utc         TEXT    NOT NULL,
    queue             TEXT    NOT NULL,
    caller_id         TEXT    NOT NULL,         -- the ACD's id of the queue call (the call's unique id)
    agent_id          TEXT    NULL,
    event             TEXT    NOT NULL CHECK (event IN (
                          'ENTERQUEUE', 'RINGNOANSWER', 'CONNECT', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY',
                          'EXITWITHKEY', 'FULL', 'JOINEMPTY', 'OVERFLOW', 'CALLBACKREQUEST', 'CALLBACKFAILED',
                          'COMPLETEAGENT', 'COMPLETECALLER', 'WRAPUPEND')),
    wait_ms           INTEGER NULL,             -- time in this queue when the event happened
    position          INTEGER NULL,             -- place in line at the event (1 is next)
    original_position INTEGER NULL,             -- place in line on entering
    ring_ms           INTEGER NULL,             -- RINGNOANSWER: how long the agent's phone rang
    talk_ms           INTEGER NULL,             -- COMPLETE*: from CONNECT to hang-up, less the hold time
    hold_ms           INTEGER NULL,             -- COMPLETE*: time the caller spent on hold during the talk
    wrap_ms           INTEGER NULL,             -- WRAPUPEND: the agent's wrap-up after this call
    data              TEXT    NULL              -- OVERFLOW target, EXITWITHKEY key, the caller's number on ENTERQUEUE...
);
CREATE INDEX ix_acd_queue_events_queue ON acd_queue_events (queue, event, event_utc);
CREATE INDEX ix_acd_queue_events_caller ON acd_queue_events (caller_id);
CREATE INDEX ix_acd_queue_events_agent ON acd_queue_events (agent_id, event_utc) WHERE agent_id IS NOT NULL;

-- One row per agent state change. The newest row of an agent is its state when the server stopped; a not-ready
-- agent comes back not ready with the same reason after a restart.
CREATE TABLE acd_agent_states (
    id          INTEGER PRIMARY KEY,
    agent_id    TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('logged-out', 'available', 'ringing', 'on-call', 'wrap-up', 'not-ready')),
    reason      TEXT    NULL,                   -- not-ready: the reason code
    extension   TEXT    NULL,                   -- the phone the agent is logged in at
    at_utc      TEXT    NOT NULL
);
CREATE INDEX ix_acd_agent_states_agent ON acd_agent_states (agent_id, id);
CREATE INDEX ix_acd_agent_states_time ON acd_agent_states (at_utc);
