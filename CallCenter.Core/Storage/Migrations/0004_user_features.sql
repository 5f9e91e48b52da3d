-- Call features a user changed at run time, from a phone (feature codes *78, *72EXT...) or through
-- PUT /api/extensions/EXT/features. Each column overrides the same attribute of the user in extensions.xml until
-- it is changed again; NULL follows extensions.xml. For a forward, '' means switched off.
-- The live state is in memory (UserFeatureStore); this table is its write-behind copy, read once at start-up.
CREATE TABLE user_features (
    extension          TEXT    PRIMARY KEY,
    dnd                INTEGER NULL,         -- 1 on, 0 off
    forward_always     TEXT    NULL,
    forward_busy       TEXT    NULL,
    forward_no_answer  TEXT    NULL,
    updated_utc        TEXT    NOT NULL      -- ISO 8601, UTC
);
