-- aiup store, SQLite backend: the AI instructor academy and the training infrastructure as
-- records (issue 12, item 2).
--
-- An instructor has no name: the academy's record number (`instructor_ref`, not a personal
-- identifier), the provider, where they teach, and at most the keyed hash of an outside
-- identifier. Track completions are facts, append-only: a wrong completion is withdrawn by a
-- later `revoked` row. Per instructor and track the rows are numbered 1, 2, …; odd rows are
-- completions and even rows withdrawals, so the last row says whether the track is completed,
-- and the unique number lets only one of two concurrent writers add the same step.
--
-- A site is a physical AI lab or an AI joint training centre, run by a catalogue institution
-- (whose courses are the site's); it is kept up to date (opened, capacity), each change audited.

CREATE TABLE academy_instructors (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    instructor_ref  TEXT    NOT NULL UNIQUE,
    provider        TEXT    NOT NULL CHECK (provider IN ('koreatech', 'polytech', 'hrdkorea')),
    region_code     TEXT    NOT NULL CHECK (length(region_code) = 5),
    province_code   TEXT    NOT NULL CHECK (length(province_code) = 2),
    institution_id  TEXT,
    registered_on   TEXT    NOT NULL,
    -- HMAC-SHA256 of an outside identifier (aiup_people::ExternalIdKey), never the identifier.
    id_key          TEXT    CHECK (id_key IS NULL OR length(id_key) = 64),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE TABLE academy_completions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    instructor_id   INTEGER NOT NULL REFERENCES academy_instructors (id),
    track_id        TEXT    NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    kind            TEXT    NOT NULL CHECK (kind IN ('completed', 'revoked')),
    provider        TEXT    NOT NULL CHECK (provider IN ('koreatech', 'polytech', 'hrdkorea')),
    completed_on    TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    UNIQUE (instructor_id, track_id, seq),
    CHECK ((seq % 2 = 1) = (kind = 'completed'))
);

CREATE INDEX academy_completions_track ON academy_completions (track_id, instructor_id, seq);

CREATE TRIGGER academy_completions_no_update BEFORE UPDATE ON academy_completions
BEGIN
    SELECT RAISE(ABORT, 'academy_completions is append-only: UPDATE refused');
END;

CREATE TRIGGER academy_completions_no_delete BEFORE DELETE ON academy_completions
BEGIN
    SELECT RAISE(ABORT, 'academy_completions is append-only: DELETE refused');
END;

CREATE TABLE training_sites (
    id              TEXT    NOT NULL PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('physical_ai_lab', 'joint_training_centre')),
    name_ko         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    institution_id  TEXT    NOT NULL,
    region_code     TEXT    NOT NULL CHECK (length(region_code) = 5),
    province_code   TEXT    NOT NULL CHECK (length(province_code) = 2),
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    designated_on   TEXT    NOT NULL,
    opened_on       TEXT,
    industry_focus  TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CHECK (opened_on IS NULL OR opened_on >= designated_on)
);

CREATE INDEX training_sites_institution ON training_sites (institution_id);
