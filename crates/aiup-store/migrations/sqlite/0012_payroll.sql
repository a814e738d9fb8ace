-- aiup store, SQLite backend: payroll runs of the monthly training allowance and their
-- append-only payment ledger, one line per (enrolment, unit period) and run.
--
-- What the store keeps true (bulk writers too):
-- - lines are never changed or deleted (triggers); a late correction is a new `adjustment`
--   line in a later run, and what was paid for a period is the sum of its lines in runs that
--   are not cancelled;
-- - a run and all its lines are written in one transaction (a run killed halfway leaves no
--   trace); `lines` and `total_won` on the run are the count and sum of its lines; every line's
--   run and enrolment exist (written or checked by create_run; see `payroll_lines`);
-- - a run changes only by a status step, draft → approved → exported or draft → cancelled,
--   which sets the step's `*_by`/`*_at` and nothing else (trigger); it is never deleted; the
--   approver is not the creator (CHECK);
-- - `payroll_ledger_head.seq` grows by one with every run created and every run cancelled:
--   a run is created only from the head its caller read, so two payrolls computed from the
--   same ledger cannot both be written.

CREATE TABLE payroll_runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    month          TEXT    NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'approved', 'exported', 'cancelled')),
    policy_sha256  TEXT    NOT NULL,
    lines          INTEGER NOT NULL CHECK (lines >= 0),
    total_won      INTEGER NOT NULL,
    created_by     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    approved_by    TEXT,
    approved_at    TEXT,
    exported_by    TEXT,
    exported_at    TEXT,
    cancelled_by   TEXT,
    cancelled_at   TEXT,
    CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
    CHECK ((exported_by IS NULL) = (exported_at IS NULL)),
    CHECK ((cancelled_by IS NULL) = (cancelled_at IS NULL)),
    CHECK ((status IN ('approved', 'exported')) = (approved_at IS NOT NULL)),
    CHECK ((status = 'exported') = (exported_at IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (approved_by IS NULL OR approved_by <> created_by)
);

CREATE INDEX payroll_runs_month ON payroll_runs (month, id);

CREATE TRIGGER payroll_runs_status_steps_only BEFORE UPDATE ON payroll_runs
WHEN NEW.id IS NOT OLD.id OR NEW.month IS NOT OLD.month OR NEW.policy_sha256 IS NOT OLD.policy_sha256
    OR NEW.lines IS NOT OLD.lines OR NEW.total_won IS NOT OLD.total_won
    OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at IS NOT OLD.created_at
    OR (OLD.approved_at IS NOT NULL
        AND (NEW.approved_by IS NOT OLD.approved_by OR NEW.approved_at IS NOT OLD.approved_at))
    OR NOT ((OLD.status = 'draft' AND NEW.status IN ('approved', 'cancelled'))
            OR (OLD.status = 'approved' AND NEW.status = 'exported'))
BEGIN
    SELECT RAISE(ABORT, 'payroll_runs: only a status step may change a run');
END;

CREATE TRIGGER payroll_runs_no_delete BEFORE DELETE ON payroll_runs
BEGIN
    SELECT RAISE(ABORT, 'payroll_runs: DELETE refused');
END;

-- One row: the ledger's position.
CREATE TABLE payroll_ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL CHECK (seq >= 0)
);

INSERT INTO payroll_ledger_head (id, seq) VALUES (1, 0);

CREATE TRIGGER payroll_ledger_head_only_grows BEFORE UPDATE ON payroll_ledger_head
WHEN NEW.id IS NOT OLD.id OR NEW.seq <> OLD.seq + 1
BEGIN
    SELECT RAISE(ABORT, 'payroll_ledger_head only moves forward by one');
END;

CREATE TRIGGER payroll_ledger_head_no_delete BEFORE DELETE ON payroll_ledger_head
BEGIN
    SELECT RAISE(ABORT, 'payroll_ledger_head: DELETE refused');
END;

-- Never deleted, so the rowid alone gives increasing ids (no AUTOINCREMENT bookkeeping).
--
-- No foreign keys: a check per row took about 1.7 s each (run, enrolment) of a 240,000-line run
-- on PostgreSQL, where the whole payroll has 20 s. Lines are written only by create_run, in the
-- transaction that inserts their run (and runs are never deleted), and create_run checks every
-- line's enrolment with one anti-join (enrolments are never deleted either).
CREATE TABLE payroll_lines (
    id                  INTEGER PRIMARY KEY,
    run_id              INTEGER NOT NULL,
    enrolment_id        INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    period_index        INTEGER NOT NULL CHECK (period_index >= 1),
    period_start        TEXT    NOT NULL,
    period_end          TEXT    NOT NULL CHECK (period_end >= period_start),
    kind                TEXT    NOT NULL CHECK (kind IN ('regular', 'adjustment')),
    amount_won          INTEGER NOT NULL,
    computed_won        INTEGER NOT NULL,
    base_won            INTEGER NOT NULL,
    special_won         INTEGER NOT NULL,
    meal_deduction_won  INTEGER NOT NULL,
    scheduled_days      INTEGER NOT NULL CHECK (scheduled_days >= 0),
    recognised_days     INTEGER NOT NULL CHECK (recognised_days >= 0),
    programme           TEXT    NOT NULL,
    institution_id      TEXT    NOT NULL,
    region_tier         TEXT    NOT NULL CHECK (region_tier IN ('capital', 'non_capital', 'population_declining')),
    province            TEXT    NOT NULL,
    -- The engine's trace of the period, JSON.
    trace               TEXT    NOT NULL
);

CREATE INDEX payroll_lines_run ON payroll_lines (run_id, enrolment_id, period_index);
-- Covers what was paid per (enrolment, period) without reading the lines themselves.
CREATE INDEX payroll_lines_paid ON payroll_lines (enrolment_id, period_index, run_id, amount_won);

CREATE TRIGGER payroll_lines_no_update BEFORE UPDATE ON payroll_lines
BEGIN
    SELECT RAISE(ABORT, 'payroll_lines is append-only: UPDATE refused');
END;

CREATE TRIGGER payroll_lines_no_delete BEFORE DELETE ON payroll_lines
BEGIN
    SELECT RAISE(ABORT, 'payroll_lines is append-only: DELETE refused');
END;
