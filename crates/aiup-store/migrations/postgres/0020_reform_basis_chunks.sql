-- aiup store, PostgreSQL backend: the reform basis in chunks (issue 12, item 5).
--
-- A comparison reads the whole population, never one enrolment; read as 240,000 rows of 20
-- columns it spent 3.8 s of its 3.9 s on SQLite reading them. The basis is now stored in chunks:
-- the enrolments in enrolment order, up to 1,000 a row, each chunk one BYTEA (`packed`: the
-- chunk's `BasisRow`s in postcard; `format` names that layout, so a reader refuses a layout it
-- does not know rather than misreading it). Each enrolment still holds its case inputs
-- (independent of any policy version) and its counted unit periods
-- (`aiup_rules::reform::pack_periods`: 8 bytes a period).
--
-- The basis is derived data: the old rows are dropped, and the next refresh (`aiup reform
-- basis`) writes the chunks. `reform_basis_meta` goes with them, so no stamp outlives its basis.

DROP TABLE reform_basis;
DELETE FROM reform_basis_meta;

CREATE TABLE reform_basis_chunks (
    chunk               BIGINT PRIMARY KEY CHECK (chunk >= 0),
    first_enrolment_id  BIGINT NOT NULL,
    last_enrolment_id   BIGINT NOT NULL,
    enrolments          BIGINT NOT NULL CHECK (enrolments > 0),
    format              BIGINT NOT NULL,
    packed              BYTEA NOT NULL,
    CHECK (first_enrolment_id <= last_enrolment_id)
);
