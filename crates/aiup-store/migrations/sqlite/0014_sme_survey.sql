-- aiup store, SQLite backend: the SME AI-training demand survey (issue 11 item 8). A round is
-- one imported file (seed 002 appendix 2 is one survey of 1,013 firms); its answers are one row
-- per firm, in compact columns (option numbers and bit sets as in docs/sme-survey.md).
-- Re-importing the same file is recognised by its content hash and changes nothing.

CREATE TABLE sme_survey_rounds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    fielded_from    TEXT    NOT NULL,
    fielded_to      TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    content_sha256  TEXT    NOT NULL UNIQUE CHECK (length(content_sha256) = 64),
    answers         INTEGER NOT NULL CHECK (answers >= 0),
    imported_at     TEXT    NOT NULL,
    imported_by     TEXT    NOT NULL
);

CREATE TABLE sme_survey_answers (
    round_id          INTEGER NOT NULL REFERENCES sme_survey_rounds (id),
    line              INTEGER NOT NULL,
    business_number   TEXT    CHECK (business_number IS NULL OR length(business_number) = 10),
    size_band         TEXT    NOT NULL,
    province          TEXT    NOT NULL CHECK (length(province) = 2),
    ai_use            BOOLEAN NOT NULL CHECK (ai_use IN (0, 1)),
    experience        TEXT    NOT NULL CHECK (experience IN ('done', 'considering', 'none')),
    need              BOOLEAN NOT NULL CHECK (need IN (0, 1)),
    intent            BOOLEAN NOT NULL CHECK (intent IN (0, 1)),
    fields_done       INTEGER NOT NULL,
    fields_needed     INTEGER NOT NULL,
    method_done       INTEGER,
    method_needed     INTEGER,
    level_done        INTEGER,
    level_needed      INTEGER,
    hours_done        INTEGER,
    hours_needed      INTEGER,
    obstacles_done    INTEGER NOT NULL,
    obstacles_needed  INTEGER NOT NULL,
    support           INTEGER NOT NULL,
    PRIMARY KEY (round_id, line)
);

CREATE INDEX sme_survey_answers_business_number ON sme_survey_answers (business_number);
