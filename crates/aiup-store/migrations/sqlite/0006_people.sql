-- aiup store, sqlite backend: people, kept to what the rules need.
-- No name, no resident registration number, no birth date: an age band and the target groups
-- that change support. An outside identifier is stored only as a keyed hash (HMAC-SHA256, key
-- from configuration). A person may have no account (synthetic or imported people).

CREATE TABLE people (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER UNIQUE REFERENCES accounts (id),
    stage             TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    employer_size     TEXT,
    region_code       TEXT    NOT NULL CHECK (length(region_code) = 5),
    age_band          TEXT    NOT NULL,
    target_groups     TEXT    NOT NULL,
    kukchi            TEXT    NOT NULL,
    external_id_hash  TEXT    UNIQUE CHECK (external_id_hash IS NULL OR length(external_id_hash) = 64),
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);

CREATE INDEX people_region ON people (region_code);
CREATE INDEX people_stage_status ON people (stage, status);
