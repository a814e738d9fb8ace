-- aiup store, PostgreSQL backend: attendance. Each enrolment's training days, one row per
-- (enrolment, calendar month); the corrections made to them; the check-in codes trainees used.
--
-- What the store keeps true (bulk writers, e.g. the population generator, must too):
-- - `month` is the first day of a calendar month;
-- - `days` is an `aiup_people::attendance::MonthSheet` (opaque here: the store never reads it);
-- - `version` is 1 for the first write and grows by one per write: a writer names the version
--   it read, and `UPDATE … WHERE version = expected` changes nothing (the write is refused as
--   stale and rolled back) if someone wrote in between (under READ COMMITTED the UPDATE waits
--   for a concurrent writer of the row and re-checks the version after it commits);
-- - corrections are append-only (triggers refuse UPDATE, DELETE and TRUNCATE), written in the
--   same transaction as the month they change, with one audit event per batch;
-- - a trainee uses a check-in code at most once per direction (primary key).

CREATE TABLE attendance_months (
    enrolment_id  BIGINT      NOT NULL REFERENCES enrolments (id),
    month         DATE        NOT NULL CHECK (EXTRACT(DAY FROM month) = 1),
    days          BYTEA       NOT NULL CHECK (length(days) > 0),
    version       BIGINT      NOT NULL CHECK (version >= 1),
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (enrolment_id, month)
);

CREATE TABLE attendance_corrections (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enrolment_id  BIGINT      NOT NULL REFERENCES enrolments (id),
    day           DATE        NOT NULL,
    -- The day before and after (`aiup_rules::attendance::Day`).
    old           JSONB       NOT NULL,
    new           JSONB       NOT NULL,
    reason        TEXT        NOT NULL CHECK (trim(reason) <> ''),
    evidence      TEXT,
    actor         TEXT        NOT NULL,
    at            TIMESTAMPTZ NOT NULL
);

CREATE INDEX attendance_corrections_enrolment ON attendance_corrections (enrolment_id, id);

CREATE FUNCTION attendance_corrections_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'attendance_corrections is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER attendance_corrections_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON attendance_corrections
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_corrections_append_only();

-- `code_window`: the code's minute window (minutes since the Unix epoch).
CREATE TABLE checkin_uses (
    enrolment_id  BIGINT      NOT NULL REFERENCES enrolments (id),
    code_window   BIGINT      NOT NULL,
    direction     TEXT        NOT NULL CHECK (direction IN ('in', 'out')),
    used_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (enrolment_id, code_window, direction)
);
