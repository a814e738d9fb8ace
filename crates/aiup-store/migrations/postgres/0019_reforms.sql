-- aiup store, PostgreSQL backend: reform drafts and the population basis they are compared on
-- (issue 12, item 5).
--
-- `reform_drafts` is append-only: a new version of a draft is a new row with the same name and
-- the next version number. Overrides are the JSON list `aiup_core::policy::Override` reads.
--
-- `reform_basis` is derived data, replaced as a whole by a refresh: one row per enrolment with
-- its case inputs (independent of any policy version) and its counted unit periods packed in a
-- BYTEA (`aiup_rules::reform::pack_periods`: 8 bytes a period). `reform_basis_meta` (one row)
-- says when it was refreshed and under which policy version the periods were counted.

CREATE TABLE reform_drafts (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    version          BIGINT  NOT NULL CHECK (version >= 1),
    description      TEXT    NOT NULL CHECK (length(description) <= 1000),
    overrides        TEXT    NOT NULL,
    based_on_policy  TEXT    NOT NULL,
    author           TEXT    NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (name, version)
);

CREATE FUNCTION reform_drafts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reform_drafts is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER reform_drafts_no_update_delete BEFORE UPDATE OR DELETE ON reform_drafts
    FOR EACH ROW EXECUTE FUNCTION reform_drafts_append_only();
CREATE TRIGGER reform_drafts_no_truncate BEFORE TRUNCATE ON reform_drafts
    FOR EACH STATEMENT EXECUTE FUNCTION reform_drafts_append_only();

CREATE TABLE reform_basis (
    enrolment_id          BIGINT  PRIMARY KEY,
    programme             TEXT    NOT NULL,
    region                TEXT    NOT NULL,
    province              TEXT    NOT NULL,
    start_date            DATE    NOT NULL,
    end_date              DATE    NOT NULL,
    total_hours_tenths    BIGINT  NOT NULL CHECK (total_hours_tenths > 0),
    hours_per_day_tenths  BIGINT  NOT NULL CHECK (hours_per_day_tenths > 0),
    delivery              TEXT    NOT NULL,
    fee_won               BIGINT,
    unit_price_won        BIGINT,
    ai_course             BOOLEAN NOT NULL,
    self_payment_rate_bp  BIGINT,
    provision             TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    employer_size         TEXT,
    exempt_group          BOOLEAN NOT NULL,
    vulnerable_group      BOOLEAN NOT NULL,
    sandaetuk_repeat      BOOLEAN NOT NULL,
    periods               BYTEA   NOT NULL CHECK (length(periods) % 8 = 0)
);

CREATE TABLE reform_basis_meta (
    id              BIGINT  PRIMARY KEY CHECK (id = 1),
    refreshed_at    TIMESTAMPTZ NOT NULL,
    counted_until   DATE    NOT NULL,
    policy_version  TEXT    NOT NULL,
    enrolments      BIGINT  NOT NULL,
    periods         BIGINT  NOT NULL
);
