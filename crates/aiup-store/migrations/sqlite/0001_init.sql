-- aiup store, SQLite backend: initial schema.
-- Timestamps are RFC 3339 UTC text; JSON is text; booleans are 0/1 integers.

-- One row per accepted region import; the row with the highest id is the current set.
CREATE TABLE region_sets (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256        TEXT    NOT NULL,
    imported_at   TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    region_count  INTEGER NOT NULL,
    alias_count   INTEGER NOT NULL
);

CREATE TABLE regions (
    code                 TEXT    NOT NULL PRIMARY KEY,
    sido_code            TEXT    NOT NULL,
    sido_name            TEXT    NOT NULL,
    name                 TEXT    NOT NULL UNIQUE,
    kind                 TEXT    NOT NULL,
    parent_code          TEXT,
    capital_area         BOOLEAN NOT NULL CHECK (capital_area IN (0, 1)),
    population_declining BOOLEAN NOT NULL CHECK (population_declining IN (0, 1))
);

CREATE TABLE region_aliases (
    alias         TEXT NOT NULL PRIMARY KEY,
    current_code  TEXT NOT NULL REFERENCES regions (code),
    changed_on    TEXT,
    note          TEXT NOT NULL
);

CREATE INDEX region_aliases_current_code ON region_aliases (current_code);

CREATE TABLE policy_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    version      TEXT    NOT NULL UNIQUE,
    sha256       TEXT    NOT NULL UNIQUE,
    imported_at  TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    note         TEXT    NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);

-- At most one active policy version, enforced by the schema.
CREATE UNIQUE INDEX policy_versions_one_active ON policy_versions (active) WHERE active = 1;

CREATE TABLE policy_files (
    version_id  INTEGER NOT NULL REFERENCES policy_versions (id) ON DELETE CASCADE,
    path        TEXT    NOT NULL,
    content     TEXT    NOT NULL,
    PRIMARY KEY (version_id, path)
);

CREATE TABLE audit_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_events_action ON audit_events (action, id);
