-- aiup store, PostgreSQL backend: SME diagnoses and prescriptions (issue 11, items 5–7).
--
-- Every table is a record of what happened and is append-only (triggers refuse UPDATE and
-- DELETE): a re-diagnosis is a new diagnosis with the next number; a new plan is a new
-- prescription; the HR lead's acceptance is a row of its own (one per prescription); an
-- enrolment made under a plan is linked by a row of its own (one per enrolment).

CREATE TABLE sme_diagnoses (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    firm_id                BIGINT  NOT NULL REFERENCES sme_firms (id),
    diagnosis_no           BIGINT  NOT NULL CHECK (diagnosis_no >= 1),
    taken_on               DATE    NOT NULL,
    recorded_at            TIMESTAMPTZ NOT NULL,
    recorded_by            TEXT    NOT NULL,
    questionnaire_version  TEXT    NOT NULL CHECK (length(questionnaire_version) = 64),
    -- aiup_sme::assessment::encode: `item=option,option;item=value`, in item id order.
    answers                TEXT    NOT NULL,
    level                  TEXT    NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
    points                 BIGINT  NOT NULL CHECK (points >= 0 AND points <= max_points),
    max_points             BIGINT  NOT NULL CHECK (max_points > 0),
    intermediate_from      BIGINT  NOT NULL CHECK (intermediate_from > 0),
    advanced_from          BIGINT  NOT NULL CHECK (advanced_from > intermediate_from),
    UNIQUE (firm_id, diagnosis_no)
);

CREATE TABLE sme_prescriptions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    firm_id         BIGINT  NOT NULL REFERENCES sme_firms (id),
    diagnosis_id    BIGINT  NOT NULL REFERENCES sme_diagnoses (id),
    prescribed_on   DATE    NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL,
    recorded_by     TEXT    NOT NULL,
    level           TEXT    NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
    policy_version  TEXT    NOT NULL
);

CREATE INDEX sme_prescriptions_firm ON sme_prescriptions (firm_id);

-- A plan's lines: activities have no course; a course line keeps the cohort it was priced on and
-- the engine's split per worker at the time the plan was made (a quote, shown with its date).
CREATE TABLE sme_prescription_lines (
    prescription_id  BIGINT  NOT NULL REFERENCES sme_prescriptions (id),
    line_no          BIGINT  NOT NULL CHECK (line_no >= 1),
    kind             TEXT    NOT NULL CHECK (kind IN ('awareness_consulting', 'online_courses', 'skillup_courses', 'job_analysis', 'pbl_training')),
    programme_id     TEXT,
    course_id        TEXT,
    cohort_ordinal   BIGINT  CHECK (cohort_ordinal >= 0),
    cohort_start     DATE,
    fee_won          BIGINT  NOT NULL CHECK (fee_won >= 0),
    firm_won         BIGINT  NOT NULL CHECK (firm_won >= 0),
    government_won   BIGINT  NOT NULL CHECK (government_won >= 0),
    worker_won       BIGINT  NOT NULL CHECK (worker_won >= 0),
    CHECK ((course_id IS NULL) = (cohort_ordinal IS NULL)),
    PRIMARY KEY (prescription_id, line_no)
);

CREATE TABLE sme_prescription_acceptances (
    prescription_id  BIGINT  PRIMARY KEY REFERENCES sme_prescriptions (id),
    accepted_on      DATE    NOT NULL,
    accepted_at      TIMESTAMPTZ NOT NULL,
    accepted_by      TEXT    NOT NULL
);

CREATE TABLE sme_plan_enrolments (
    enrolment_id     BIGINT  PRIMARY KEY REFERENCES enrolments (id),
    prescription_id  BIGINT  NOT NULL,
    line_no          BIGINT  NOT NULL,
    firm_id          BIGINT  NOT NULL REFERENCES sme_firms (id),
    -- HMAC-SHA256 (hex) of the firm's own staff reference, when given and a key is set.
    staff_ref_hash   TEXT    CHECK (staff_ref_hash IS NULL OR length(staff_ref_hash) = 64),
    created_at       TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (prescription_id, line_no) REFERENCES sme_prescription_lines (prescription_id, line_no)
);

CREATE INDEX sme_plan_enrolments_firm ON sme_plan_enrolments (firm_id);

CREATE FUNCTION sme_diagnosis_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TRIGGER sme_diagnoses_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON sme_diagnoses
    FOR EACH STATEMENT EXECUTE FUNCTION sme_diagnosis_append_only();
CREATE TRIGGER sme_prescriptions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON sme_prescriptions
    FOR EACH STATEMENT EXECUTE FUNCTION sme_diagnosis_append_only();
CREATE TRIGGER sme_prescription_lines_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON sme_prescription_lines
    FOR EACH STATEMENT EXECUTE FUNCTION sme_diagnosis_append_only();
CREATE TRIGGER sme_prescription_acceptances_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON sme_prescription_acceptances
    FOR EACH STATEMENT EXECUTE FUNCTION sme_diagnosis_append_only();
CREATE TRIGGER sme_plan_enrolments_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON sme_plan_enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION sme_diagnosis_append_only();
