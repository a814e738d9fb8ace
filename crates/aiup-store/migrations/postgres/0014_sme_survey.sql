-- aiup store, PostgreSQL backend: the SME AI-training demand survey (issue 11 item 8). A round is
-- one imported file (seed 002 appendix 2 is one survey of 1,013 firms); its answers are one row
-- per firm, in compact columns (option numbers and bit sets as in docs/sme-survey.md).
-- Re-importing the same file is recognised by its content hash and changes nothing.

CREATE TABLE sme_survey_rounds (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    fielded_from    DATE    NOT NULL,
    fielded_to      DATE    NOT NULL,
    source          TEXT    NOT NULL,
    content_sha256  TEXT    NOT NULL UNIQUE CHECK (length(content_sha256) = 64),
    answers         BIGINT NOT NULL CHECK (answers >= 0),
    imported_at     TIMESTAMPTZ    NOT NULL,
    imported_by     TEXT    NOT NULL
);

CREATE TABLE sme_survey_answers (
    round_id          BIGINT NOT NULL REFERENCES sme_survey_rounds (id),
    line              BIGINT NOT NULL,
    business_number   TEXT    CHECK (business_number IS NULL OR length(business_number) = 10),
    size_band         TEXT    NOT NULL,
    province          TEXT    NOT NULL CHECK (length(province) = 2),
    ai_use            BOOLEAN NOT NULL,
    experience        TEXT    NOT NULL CHECK (experience IN ('done', 'considering', 'none')),
    need              BOOLEAN NOT NULL,
    intent            BOOLEAN NOT NULL,
    fields_done       BIGINT NOT NULL,
    fields_needed     BIGINT NOT NULL,
    method_done       BIGINT,
    method_needed     BIGINT,
    level_done        BIGINT,
    level_needed      BIGINT,
    hours_done        BIGINT,
    hours_needed      BIGINT,
    obstacles_done    BIGINT NOT NULL,
    obstacles_needed  BIGINT NOT NULL,
    support           BIGINT NOT NULL,
    PRIMARY KEY (round_id, line)
);

CREATE INDEX sme_survey_answers_business_number ON sme_survey_answers (business_number);
