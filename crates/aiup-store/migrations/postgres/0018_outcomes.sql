-- aiup store, PostgreSQL backend: graduates' outcomes from outside records (issue 12, item 4).
--
-- An import is one outside file (employment-insurance acquisitions, startup registrations or
-- outside progress figures) with its source label and as-of date; the same file of a kind is
-- stored once (content hash). Records name a person only by the HMAC-SHA256 of the outside
-- identifier; reads match it to `people.external_id_hash`, and a record no one matches is kept.
-- Every table is append-only: a correction is a new import.

CREATE TABLE outcome_imports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('employment', 'startups', 'figures')),
    source          TEXT    NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    as_of           DATE    NOT NULL,
    content_sha256  TEXT    NOT NULL CHECK (length(content_sha256) = 64),
    row_count       BIGINT  NOT NULL CHECK (row_count >= 0),
    imported_by     TEXT    NOT NULL,
    imported_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (kind, content_sha256)
);

CREATE TABLE employment_records (
    import_id        BIGINT  NOT NULL REFERENCES outcome_imports (id),
    line             BIGINT  NOT NULL,
    person_hash      TEXT    NOT NULL CHECK (length(person_hash) = 64),
    business_number  TEXT    NOT NULL CHECK (length(business_number) = 10),
    acquired_on      DATE    NOT NULL,
    lost_on          DATE    CHECK (lost_on IS NULL OR lost_on >= acquired_on),
    ksic             TEXT,
    size_band        TEXT    NOT NULL,
    PRIMARY KEY (import_id, line)
);

CREATE INDEX employment_records_business ON employment_records (business_number);
CREATE INDEX employment_records_person ON employment_records (person_hash);

CREATE TABLE startup_records (
    import_id        BIGINT  NOT NULL REFERENCES outcome_imports (id),
    line             BIGINT  NOT NULL,
    person_hash      TEXT    NOT NULL CHECK (length(person_hash) = 64),
    business_number  TEXT    NOT NULL CHECK (length(business_number) = 10),
    opened_on        DATE    NOT NULL,
    ksic             TEXT    NOT NULL,
    region_code      TEXT    NOT NULL CHECK (length(region_code) = 5),
    PRIMARY KEY (import_id, line)
);

CREATE INDEX startup_records_business ON startup_records (business_number);
CREATE INDEX startup_records_person ON startup_records (person_hash);

CREATE TABLE external_figures (
    import_id  BIGINT  NOT NULL REFERENCES outcome_imports (id),
    line       BIGINT  NOT NULL,
    metric     TEXT    NOT NULL,
    value      BIGINT  NOT NULL CHECK (value >= 0),
    unit       TEXT    NOT NULL,
    as_of      DATE    NOT NULL,
    PRIMARY KEY (import_id, line)
);

CREATE INDEX external_figures_metric ON external_figures (metric, as_of);

CREATE FUNCTION outcome_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TRIGGER outcome_imports_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON outcome_imports
    FOR EACH STATEMENT EXECUTE FUNCTION outcome_records_append_only();

CREATE TRIGGER employment_records_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON employment_records
    FOR EACH STATEMENT EXECUTE FUNCTION outcome_records_append_only();

CREATE TRIGGER startup_records_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON startup_records
    FOR EACH STATEMENT EXECUTE FUNCTION outcome_records_append_only();

CREATE TRIGGER external_figures_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON external_figures
    FOR EACH STATEMENT EXECUTE FUNCTION outcome_records_append_only();

-- The startup-hiring grant's decisions: one per firm and year, never changed. The store refuses
-- a decision past the year's number of firms.
CREATE TABLE grant_decisions (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    business_number  TEXT    NOT NULL CHECK (length(business_number) = 10),
    year             BIGINT  NOT NULL,
    applied_on       DATE    NOT NULL,
    amount_won       BIGINT  NOT NULL CHECK (amount_won > 0),
    decided_by       TEXT    NOT NULL,
    decided_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (business_number, year)
);

CREATE TRIGGER grant_decisions_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON grant_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION outcome_records_append_only();
