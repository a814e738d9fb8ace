-- aiup store, PostgreSQL backend: training doctors' visits to firms (issue 11, item 4).
--
-- A visit is scheduled by a training doctor (훈련주치의) of the firm's centre, then recorded as
-- done or cancelled: a status changes only from `scheduled` (a conditional UPDATE). Notes are a
-- short text about the visit; no personal data.

CREATE TABLE sme_visits (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    firm_id            BIGINT  NOT NULL REFERENCES sme_firms (id),
    centre_id          TEXT    NOT NULL REFERENCES sme_centres (id),
    doctor_account_id  BIGINT  NOT NULL REFERENCES accounts (id),
    scheduled_on       DATE    NOT NULL,
    purpose            TEXT    NOT NULL CHECK (purpose IN ('discover', 'diagnose', 'prescribe', 'follow_up')),
    status             TEXT    NOT NULL CHECK (status IN ('scheduled', 'done', 'cancelled')),
    done_on            DATE,
    notes              TEXT    NOT NULL CHECK (length(notes) <= 500),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    CHECK ((status = 'done') = (done_on IS NOT NULL))
);

CREATE INDEX sme_visits_centre ON sme_visits (centre_id, status, scheduled_on);
CREATE INDEX sme_visits_firm ON sme_visits (firm_id, scheduled_on);
CREATE INDEX sme_visits_doctor ON sme_visits (doctor_account_id);
