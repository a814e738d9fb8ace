-- aiup store, SQLite backend: the course catalogue.
-- Ids are the external ids of the import files. List fields are JSON text (arrays of strings).
-- Hours are stored in tenths. `content_sha` is the sha256 of the course as imported (with its
-- cohorts), so a re-import of an unchanged course writes nothing.

CREATE TABLE institutions (
    id           TEXT NOT NULL PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    grade        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE courses (
    id                            TEXT    NOT NULL PRIMARY KEY,
    institution_id                TEXT    NOT NULL REFERENCES institutions (id),
    title                         TEXT    NOT NULL,
    summary                       TEXT    NOT NULL,
    keywords                      TEXT    NOT NULL,
    programmes                    TEXT    NOT NULL,
    ncs                           TEXT    NOT NULL,
    occupation                    TEXT    NOT NULL,
    ai_step                       TEXT,
    ai_level                      TEXT,
    modules                       TEXT    NOT NULL,
    delivery                      TEXT    NOT NULL,
    total_hours_tenths            INTEGER NOT NULL CHECK (total_hours_tenths > 0),
    hours_per_day_tenths          INTEGER NOT NULL CHECK (hours_per_day_tenths > 0),
    fee_won                       INTEGER NOT NULL CHECK (fee_won >= 0),
    region_code                   TEXT    NOT NULL,
    audiences                     TEXT    NOT NULL,
    self_payment_rate_percent     INTEGER CHECK (self_payment_rate_percent BETWEEN 0 AND 100),
    base_unit_price_won_per_hour  INTEGER,
    content_sha                   TEXT    NOT NULL,
    created_at                    TEXT    NOT NULL,
    updated_at                    TEXT    NOT NULL
);

CREATE INDEX courses_institution_id ON courses (institution_id);

-- Real rows with integer seats: enrolments will book them.
CREATE TABLE cohorts (
    course_id   TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL CHECK (ordinal >= 0),
    start_date  TEXT    NOT NULL,
    end_date    TEXT    NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    seats_left  INTEGER NOT NULL CHECK (seats_left BETWEEN 0 AND capacity),
    CHECK (end_date >= start_date),
    PRIMARY KEY (course_id, ordinal)
);

-- One row: bumped by every catalogue import that changed something (search indexes rebuild on it).
CREATE TABLE catalogue_state (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL CHECK (generation >= 0)
);

INSERT INTO catalogue_state (id, generation) VALUES (1, 0);
