-- aiup store, PostgreSQL backend: initial schema.

-- One row per accepted region import; the row with the highest id is the current set.
CREATE TABLE region_sets (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256        TEXT        NOT NULL,
    imported_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor         TEXT        NOT NULL,
    region_count  BIGINT      NOT NULL,
    alias_count   BIGINT      NOT NULL
);

CREATE TABLE regions (
    code                 TEXT    NOT NULL PRIMARY KEY,
    sido_code            TEXT    NOT NULL,
    sido_name            TEXT    NOT NULL,
    name                 TEXT    NOT NULL UNIQUE,
    kind                 TEXT    NOT NULL,
    parent_code          TEXT,
    capital_area         BOOLEAN NOT NULL,
    population_declining BOOLEAN NOT NULL
);

CREATE TABLE region_aliases (
    alias         TEXT NOT NULL PRIMARY KEY,
    current_code  TEXT NOT NULL REFERENCES regions (code),
    changed_on    DATE,
    note          TEXT NOT NULL
);

CREATE INDEX region_aliases_current_code ON region_aliases (current_code);

CREATE TABLE policy_versions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version      TEXT        NOT NULL UNIQUE,
    sha256       TEXT        NOT NULL UNIQUE,
    imported_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor        TEXT        NOT NULL,
    note         TEXT        NOT NULL,
    active       BOOLEAN     NOT NULL DEFAULT false
);

-- At most one active policy version, enforced by the schema.
CREATE UNIQUE INDEX policy_versions_one_active ON policy_versions (active) WHERE active;

CREATE TABLE policy_files (
    version_id  BIGINT NOT NULL REFERENCES policy_versions (id) ON DELETE CASCADE,
    path        TEXT   NOT NULL,
    content     TEXT   NOT NULL,
    PRIMARY KEY (version_id, path)
);

CREATE TABLE audit_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor    TEXT        NOT NULL,
    action   TEXT        NOT NULL,
    subject  TEXT        NOT NULL,
    detail   JSONB       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_events_action ON audit_events (action, id);
