-- aiup store, SQLite backend: enrolments (applications and their life), the seats each cohort
-- has for them, and the append-only history of every status change.
--
-- A cohort's seats live in `cohort_seats`, apart from the catalogue's `cohorts` row, because a
-- catalogue re-import replaces cohorts: the seat count is copied from the catalogue the first
-- time someone applies (or is accepted), and from then on only enrolments move `taken`.
-- Booking is one conditional UPDATE (`taken = taken + 1 WHERE taken < seats`), so the last
-- seat goes to exactly one request.
--
-- For bulk writers (the population generator), what the store keeps true:
-- - `status` is an `aiup_people::EnrolmentStatus` spelling: applied, waiting, accepted, refused,
--   in_training, completed, early_completion_employment, withdrawn, dropped_out, removed,
--   cancelled; `waiting_since` is set exactly while `waiting`;
-- - `card_hold_won` and `self_payment_won` are fixed at acceptance (0 before): what the card
--   holds (the engine's card charge) and what the trainee pays; the card's ledger entries
--   (`card_entries.enrolment_id`) hold, charge and release that amount;
-- - `cohort_seats.taken` counts the cohort's enrolments that are accepted or in_training;
-- - every enrolment has `enrolment_events` rows numbered 1, 2, … from its `apply` (from_status
--   NULL, to_status applied), each event an `aiup_people::EnrolmentEvent` spelling, and every
--   change an audit event `enrolment.<event>` (or `enrolment.apply`) in the same transaction.

CREATE TABLE enrolments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id         INTEGER NOT NULL REFERENCES people (id),
    course_id         TEXT    NOT NULL,
    cohort_ordinal    INTEGER NOT NULL CHECK (cohort_ordinal >= 0),
    institution_id    TEXT    NOT NULL,
    programme         TEXT    NOT NULL,
    cohort_start      TEXT    NOT NULL,
    cohort_end        TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    applied_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    -- Set while on the waiting list; freed seats go to the earliest (then the lowest id).
    waiting_since     TEXT,
    fee_won           INTEGER NOT NULL CHECK (fee_won >= 0),
    -- Fixed at acceptance: what the learning card holds and what the trainee pays.
    card_hold_won     INTEGER NOT NULL DEFAULT 0 CHECK (card_hold_won >= 0),
    self_payment_won  INTEGER NOT NULL DEFAULT 0 CHECK (self_payment_won >= 0),
    -- The reason of the last decision (refusal, withdrawal, removal), as the person gave it.
    reason            TEXT,
    CHECK (cohort_end >= cohort_start)
);

-- One live application per person and cohort.
CREATE UNIQUE INDEX enrolments_one_live ON enrolments (person_id, course_id, cohort_ordinal)
    WHERE status IN ('applied', 'waiting', 'accepted', 'in_training');
CREATE INDEX enrolments_cohort ON enrolments (course_id, cohort_ordinal, status);
CREATE INDEX enrolments_person ON enrolments (person_id, status);
CREATE INDEX enrolments_institution ON enrolments (institution_id, status, id);
CREATE INDEX enrolments_programme ON enrolments (programme, status);

CREATE TABLE cohort_seats (
    course_id       TEXT    NOT NULL,
    cohort_ordinal  INTEGER NOT NULL CHECK (cohort_ordinal >= 0),
    seats           INTEGER NOT NULL CHECK (seats >= 0),
    taken           INTEGER NOT NULL CHECK (taken >= 0 AND taken <= seats),
    PRIMARY KEY (course_id, cohort_ordinal)
);

CREATE TABLE enrolment_events (
    enrolment_id  INTEGER NOT NULL REFERENCES enrolments (id),
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    event         TEXT    NOT NULL,
    from_status   TEXT,
    to_status     TEXT    NOT NULL,
    reason        TEXT,
    actor         TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    seoul_date    TEXT    NOT NULL,
    PRIMARY KEY (enrolment_id, seq)
);

CREATE TRIGGER enrolment_events_no_update BEFORE UPDATE ON enrolment_events
BEGIN
    SELECT RAISE(ABORT, 'enrolment_events is append-only: UPDATE refused');
END;

CREATE TRIGGER enrolment_events_no_delete BEFORE DELETE ON enrolment_events
BEGIN
    SELECT RAISE(ABORT, 'enrolment_events is append-only: DELETE refused');
END;
