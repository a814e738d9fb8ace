-- aiup store, SQLite backend: the SME package's registry (issue 11): AI-training diffusion
-- centres, firms (workplaces) and the partner ministries' participant lists.
--
-- A firm is keyed by its business registration number (ten digits, check digit verified by
-- aiup-sme before it gets here). No person is stored: a firm's contacts are accounts whose role
-- is `sme_hr_lead` and whose scope is the firm's business number.

CREATE TABLE sme_centres (
    id             TEXT    PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    name_ko        TEXT    NOT NULL,
    name_en        TEXT    NOT NULL,
    -- The 2-digit province codes (시도) the centre covers, comma-separated.
    provinces      TEXT    NOT NULL,
    opened_on      TEXT,
    cite           TEXT    NOT NULL
);

CREATE TABLE sme_firms (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    business_number    TEXT    NOT NULL UNIQUE CHECK (length(business_number) = 10 AND business_number NOT GLOB '*[^0-9]*'),
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    employees          INTEGER NOT NULL CHECK (employees >= 0),
    size_band          TEXT    NOT NULL,
    ksic_section       TEXT    NOT NULL CHECK (length(ksic_section) = 1),
    ksic_division      TEXT    NOT NULL CHECK (length(ksic_division) = 2),
    -- 시군구 code of the workplace, and its province (the first two digits) for filters.
    region_code        TEXT    NOT NULL,
    province_code      TEXT    NOT NULL CHECK (length(province_code) = 2),
    capital_area       BOOLEAN NOT NULL CHECK (capital_area IN (0, 1)),
    priority_support   BOOLEAN NOT NULL CHECK (priority_support IN (0, 1)),
    -- Training history: employer training (사업주훈련) in the last three years, AI training,
    -- and AI-training hours.
    employer_training  BOOLEAN NOT NULL CHECK (employer_training IN (0, 1)),
    ai_training        BOOLEAN NOT NULL CHECK (ai_training IN (0, 1)),
    ai_training_hours  INTEGER NOT NULL CHECK (ai_training_hours >= 0),
    -- Stated intent to train in the next three years: NULL unknown; set from the demand survey
    -- or a diagnosis, with where it came from and when.
    stated_intent      BOOLEAN CHECK (stated_intent IN (0, 1)),
    intent_source      TEXT,
    intent_on          TEXT,
    centre_id          TEXT    REFERENCES sme_centres (id),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    -- A content hash of the imported fields, so a re-import of the same row changes nothing.
    content_hash       TEXT    NOT NULL
);

CREATE INDEX sme_firms_centre ON sme_firms (centre_id);
CREATE INDEX sme_firms_province ON sme_firms (province_code);

-- Participant lists of partner programmes (data/sme/partner-programmes.toml), as imported. A row
-- is kept whether or not the business number is in the registry yet; the integrated list joins
-- by business number.
CREATE TABLE sme_partner_participations (
    programme_id     TEXT    NOT NULL,
    business_number  TEXT    NOT NULL CHECK (length(business_number) = 10 AND business_number NOT GLOB '*[^0-9]*'),
    year             INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    source           TEXT    NOT NULL,
    imported_at      TEXT    NOT NULL,
    PRIMARY KEY (programme_id, business_number, year)
);

CREATE INDEX sme_partner_participations_firm ON sme_partner_participations (business_number);
