-- aiup store, SQLite backend: AI-competency diagnosis runs (with their answers) and their results.
--
-- A run is a record of what happened: it is never edited or deleted (triggers refuse both), and
-- a retake is a new run with the next number. Each run keeps the bank version (sha256 of the
-- item file) and the thresholds it was scored with, so an old result reads the same after the
-- bank changes.

CREATE TABLE diagnosis_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    run_no        INTEGER NOT NULL CHECK (run_no >= 1),
    taken_on      TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    bank_version  TEXT    NOT NULL CHECK (length(bank_version) = 64),
    mastery_bp    INTEGER NOT NULL CHECK (mastery_bp BETWEEN 1 AND 10000),
    step_pass_bp  INTEGER NOT NULL CHECK (step_pass_bp BETWEEN 1 AND 10000),
    step_reached  TEXT,
    -- The answers, in form order, as three strings (a row per answer made most of a generated
    -- population's rows and of its load time): the item ids comma-separated; the option chosen,
    -- one character per item, `0`-`3` (0-based) or `-` for no answer; and whether each was
    -- right, `1` or `0` per item. No answers: three empty strings.
    item_ids      TEXT    NOT NULL,
    choices       TEXT    NOT NULL,
    correct       TEXT    NOT NULL,
    CHECK (length(correct) = length(choices)),
    CHECK ((choices = '' AND item_ids = '')
        OR (choices <> '' AND length(item_ids) - length(replace(item_ids, ',', '')) + 1 = length(choices))),
    CHECK (choices NOT GLOB '*[^0123-]*'),
    CHECK (correct NOT GLOB '*[^01]*'),
    UNIQUE (person_id, run_no)
);

CREATE TABLE diagnosis_results (
    run_id     INTEGER NOT NULL REFERENCES diagnosis_runs (id),
    dimension  TEXT    NOT NULL CHECK (dimension IN ('step', 'module')),
    code       TEXT    NOT NULL,
    items      INTEGER NOT NULL CHECK (items >= 0),
    correct    INTEGER NOT NULL CHECK (correct BETWEEN 0 AND items),
    score_bp   INTEGER NOT NULL CHECK (score_bp BETWEEN 0 AND 10000),
    gap_bp     INTEGER NOT NULL CHECK (gap_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (run_id, dimension, code)
);

CREATE TRIGGER diagnosis_runs_no_update BEFORE UPDATE ON diagnosis_runs
BEGIN
    SELECT RAISE(ABORT, 'diagnosis_runs is append-only: UPDATE refused');
END;
CREATE TRIGGER diagnosis_runs_no_delete BEFORE DELETE ON diagnosis_runs
BEGIN
    SELECT RAISE(ABORT, 'diagnosis_runs is append-only: DELETE refused');
END;
CREATE TRIGGER diagnosis_results_no_update BEFORE UPDATE ON diagnosis_results
BEGIN
    SELECT RAISE(ABORT, 'diagnosis_results is append-only: UPDATE refused');
END;
CREATE TRIGGER diagnosis_results_no_delete BEFORE DELETE ON diagnosis_results
BEGIN
    SELECT RAISE(ABORT, 'diagnosis_results is append-only: DELETE refused');
END;
