-- aiup store, SQLite backend: attendance. Each enrolment's training days, one row per
-- (enrolment, calendar month); the corrections made to them; the check-in codes trainees used.
--
-- What the store keeps true (bulk writers, e.g. the population generator, must too):
-- - `month` is the first day of a calendar month (ISO text, so it compares as text);
-- - `days` is an `aiup_people::attendance::MonthSheet` (opaque here: the store never reads it);
-- - `version` is 1 for the first write and grows by one per write: a writer names the version
--   it read, and `UPDATE … WHERE version = expected` changes nothing (the write is refused as
--   stale and rolled back) if someone wrote in between;
-- - corrections are append-only (triggers refuse UPDATE and DELETE), written in the same
--   transaction as the month they change, with one audit event per batch;
-- - a trainee uses a check-in code at most once per direction (primary key).
--
-- The months table is WITHOUT ROWID: rows are clustered by (enrolment_id, month), so the
-- payroll's scan of an id range reads neighbouring pages and no second index is kept.

CREATE TABLE attendance_months (
    enrolment_id  INTEGER NOT NULL REFERENCES enrolments (id),
    month         TEXT    NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-01'),
    days          BLOB    NOT NULL CHECK (length(days) > 0),
    version       INTEGER NOT NULL CHECK (version >= 1),
    updated_at    TEXT    NOT NULL,
    PRIMARY KEY (enrolment_id, month)
) WITHOUT ROWID;

CREATE TABLE attendance_corrections (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enrolment_id  INTEGER NOT NULL REFERENCES enrolments (id),
    day           TEXT    NOT NULL,
    -- The day before and after, as JSON (`aiup_rules::attendance::Day`).
    old           TEXT    NOT NULL,
    new           TEXT    NOT NULL,
    reason        TEXT    NOT NULL CHECK (trim(reason) <> ''),
    evidence      TEXT,
    actor         TEXT    NOT NULL,
    at            TEXT    NOT NULL
);

CREATE INDEX attendance_corrections_enrolment ON attendance_corrections (enrolment_id, id);

CREATE TRIGGER attendance_corrections_no_update BEFORE UPDATE ON attendance_corrections
BEGIN
    SELECT RAISE(ABORT, 'attendance_corrections is append-only: UPDATE refused');
END;

CREATE TRIGGER attendance_corrections_no_delete BEFORE DELETE ON attendance_corrections
BEGIN
    SELECT RAISE(ABORT, 'attendance_corrections is append-only: DELETE refused');
END;

-- `code_window`: the code's minute window (minutes since the Unix epoch).
CREATE TABLE checkin_uses (
    enrolment_id  INTEGER NOT NULL REFERENCES enrolments (id),
    code_window   INTEGER NOT NULL,
    direction     TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    used_at       TEXT    NOT NULL,
    PRIMARY KEY (enrolment_id, code_window, direction)
) WITHOUT ROWID;
