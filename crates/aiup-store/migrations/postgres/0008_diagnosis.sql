-- aiup store, PostgreSQL backend: AI-competency diagnosis runs, their answers and their results.
--
-- A run is a record of what happened: it is never edited or deleted (triggers refuse UPDATE,
-- DELETE and TRUNCATE), and a retake is a new run with the next number. Each run keeps the bank
-- version (sha256 of the item file) and the thresholds it was scored with, so an old result
-- reads the same after the bank changes.

CREATE TABLE diagnosis_runs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     BIGINT  NOT NULL REFERENCES people (id),
    run_no        BIGINT  NOT NULL CHECK (run_no >= 1),
    taken_on      DATE    NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL,
    bank_version  TEXT    NOT NULL CHECK (length(bank_version) = 64),
    mastery_bp    BIGINT  NOT NULL CHECK (mastery_bp BETWEEN 1 AND 10000),
    step_pass_bp  BIGINT  NOT NULL CHECK (step_pass_bp BETWEEN 1 AND 10000),
    step_reached  TEXT,
    UNIQUE (person_id, run_no)
);

CREATE TABLE diagnosis_answers (
    run_id    BIGINT  NOT NULL REFERENCES diagnosis_runs (id),
    position  BIGINT  NOT NULL CHECK (position >= 0),
    item_id   TEXT    NOT NULL,
    -- The option chosen (0-based), or NULL for no answer.
    chosen    BIGINT  CHECK (chosen IS NULL OR chosen BETWEEN 0 AND 3),
    correct   BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, position),
    UNIQUE (run_id, item_id)
);

CREATE TABLE diagnosis_results (
    run_id     BIGINT NOT NULL REFERENCES diagnosis_runs (id),
    dimension  TEXT   NOT NULL CHECK (dimension IN ('step', 'module')),
    code       TEXT   NOT NULL,
    items      BIGINT NOT NULL CHECK (items >= 0),
    correct    BIGINT NOT NULL CHECK (correct BETWEEN 0 AND items),
    score_bp   BIGINT NOT NULL CHECK (score_bp BETWEEN 0 AND 10000),
    gap_bp     BIGINT NOT NULL CHECK (gap_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (run_id, dimension, code)
);

CREATE FUNCTION diagnosis_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TRIGGER diagnosis_runs_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON diagnosis_runs
    FOR EACH STATEMENT EXECUTE FUNCTION diagnosis_append_only();
CREATE TRIGGER diagnosis_answers_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON diagnosis_answers
    FOR EACH STATEMENT EXECUTE FUNCTION diagnosis_append_only();
CREATE TRIGGER diagnosis_results_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON diagnosis_results
    FOR EACH STATEMENT EXECUTE FUNCTION diagnosis_append_only();
