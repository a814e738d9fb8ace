-- aiup store, SQLite backend: graduates' outcomes from outside records (issue 12, item 4).
--
-- An import is one outside file (employment-insurance acquisitions, startup registrations or
-- outside progress figures) with its source label and as-of date; the same file of a kind is
-- stored once (content hash). Records name a person only by the HMAC-SHA256 of the outside
-- identifier; reads match it to `people.external_id_hash`, and a record no one matches is kept.
-- Every table is append-only: a correction is a new import.

CREATE TABLE outcome_imports (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('employment', 'startups', 'figures')),
    source          TEXT    NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    as_of           TEXT    NOT NULL,
    content_sha256  TEXT    NOT NULL CHECK (length(content_sha256) = 64),
    row_count       INTEGER NOT NULL CHECK (row_count >= 0),
    imported_by     TEXT    NOT NULL,
    imported_at     TEXT    NOT NULL,
    UNIQUE (kind, content_sha256)
);

CREATE TABLE employment_records (
    import_id        INTEGER NOT NULL REFERENCES outcome_imports (id),
    line             INTEGER NOT NULL,
    person_hash      TEXT    NOT NULL CHECK (length(person_hash) = 64),
    business_number  TEXT    NOT NULL CHECK (length(business_number) = 10),
    acquired_on      TEXT    NOT NULL,
    lost_on          TEXT    CHECK (lost_on IS NULL OR lost_on >= acquired_on),
    ksic             TEXT,
    size_band        TEXT    NOT NULL,
    PRIMARY KEY (import_id, line)
);

CREATE INDEX employment_records_business ON employment_records (business_number);
CREATE INDEX employment_records_person ON employment_records (person_hash);

CREATE TABLE startup_records (
    import_id        INTEGER NOT NULL REFERENCES outcome_imports (id),
    line             INTEGER NOT NULL,
    person_hash      TEXT    NOT NULL CHECK (length(person_hash) = 64),
    business_number  TEXT    NOT NULL CHECK (length(business_number) = 10),
    opened_on        TEXT    NOT NULL,
    ksic             TEXT    NOT NULL,
    region_code      TEXT    NOT NULL CHECK (length(region_code) = 5),
    PRIMARY KEY (import_id, line)
);

CREATE INDEX startup_records_business ON startup_records (business_number);
CREATE INDEX startup_records_person ON startup_records (person_hash);

CREATE TABLE external_figures (
    import_id  INTEGER NOT NULL REFERENCES outcome_imports (id),
    line       INTEGER NOT NULL,
    metric     TEXT    NOT NULL,
    value      INTEGER NOT NULL CHECK (value >= 0),
    unit       TEXT    NOT NULL,
    as_of      TEXT    NOT NULL,
    PRIMARY KEY (import_id, line)
);

CREATE INDEX external_figures_metric ON external_figures (metric, as_of);

CREATE TRIGGER outcome_imports_no_update BEFORE UPDATE ON outcome_imports
BEGIN
    SELECT RAISE(ABORT, 'outcome_imports is append-only: UPDATE refused');
END;

CREATE TRIGGER outcome_imports_no_delete BEFORE DELETE ON outcome_imports
BEGIN
    SELECT RAISE(ABORT, 'outcome_imports is append-only: DELETE refused');
END;

CREATE TRIGGER employment_records_no_update BEFORE UPDATE ON employment_records
BEGIN
    SELECT RAISE(ABORT, 'employment_records is append-only: UPDATE refused');
END;

CREATE TRIGGER employment_records_no_delete BEFORE DELETE ON employment_records
BEGIN
    SELECT RAISE(ABORT, 'employment_records is append-only: DELETE refused');
END;

CREATE TRIGGER startup_records_no_update BEFORE UPDATE ON startup_records
BEGIN
    SELECT RAISE(ABORT, 'startup_records is append-only: UPDATE refused');
END;

CREATE TRIGGER startup_records_no_delete BEFORE DELETE ON startup_records
BEGIN
    SELECT RAISE(ABORT, 'startup_records is append-only: DELETE refused');
END;

CREATE TRIGGER external_figures_no_update BEFORE UPDATE ON external_figures
BEGIN
    SELECT RAISE(ABORT, 'external_figures is append-only: UPDATE refused');
END;

CREATE TRIGGER external_figures_no_delete BEFORE DELETE ON external_figures
BEGIN
    SELECT RAISE(ABORT, 'external_figures is append-only: DELETE refused');
END;

-- The startup-hiring grant's decisions: one per firm and year, never changed. The store refuses
-- a decision past the year's number of firms.
CREATE TABLE grant_decisions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    business_number  TEXT    NOT NULL CHECK (length(business_number) = 10),
    year             INTEGER NOT NULL,
    applied_on       TEXT    NOT NULL,
    amount_won       INTEGER NOT NULL CHECK (amount_won > 0),
    decided_by       TEXT    NOT NULL,
    decided_at       TEXT    NOT NULL,
    UNIQUE (business_number, year)
);

CREATE TRIGGER grant_decisions_no_update BEFORE UPDATE ON grant_decisions
BEGIN
    SELECT RAISE(ABORT, 'grant_decisions is append-only: UPDATE refused');
END;

CREATE TRIGGER grant_decisions_no_delete BEFORE DELETE ON grant_decisions
BEGIN
    SELECT RAISE(ABORT, 'grant_decisions is append-only: DELETE refused');
END;
