-- aiup store, PostgreSQL backend: the 국민내일배움카드 account and its append-only ledger.
--
-- The balance and the entry counter live on the account row, so one conditional UPDATE
-- (`… WHERE balance_won >= $x`) both checks and takes an amount under the row's lock (no
-- advisory lock: different cards change in parallel); the CHECK makes a negative balance
-- impossible whatever a statement does. Entries are keyed (card_id, seq), seq taken from the
-- account row's counter in the same transaction, and are never updated or deleted.

CREATE TABLE card_accounts (
    id             BIGSERIAL PRIMARY KEY,
    person_id      BIGINT      NOT NULL REFERENCES people (id),
    issued_on      DATE        NOT NULL,
    expires_on     DATE        NOT NULL CHECK (expires_on >= issued_on),
    balance_won    BIGINT      NOT NULL CHECK (balance_won >= 0),
    last_seq       BIGINT      NOT NULL CHECK (last_seq >= 0),
    extra_granted  BOOLEAN     NOT NULL DEFAULT FALSE,
    expired        BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL
);

-- One open card per person; an expired card makes room for a new one.
CREATE UNIQUE INDEX card_accounts_one_open ON card_accounts (person_id) WHERE NOT expired;
CREATE INDEX card_accounts_person ON card_accounts (person_id, id);

CREATE TABLE card_entries (
    card_id            BIGINT      NOT NULL REFERENCES card_accounts (id),
    seq                BIGINT      NOT NULL CHECK (seq >= 1),
    kind               TEXT        NOT NULL CHECK (kind IN ('issue', 'extra', 'hold', 'release', 'charge',
                                                            'dropout_deduction', 'expiry')),
    amount_won         BIGINT      NOT NULL,
    balance_after_won  BIGINT      NOT NULL CHECK (balance_after_won >= 0),
    on_date            DATE        NOT NULL,
    at                 TIMESTAMPTZ NOT NULL,
    rule               TEXT        NOT NULL CHECK (rule <> ''),
    params             JSONB       NOT NULL DEFAULT '{}',
    enrolment_id       BIGINT,
    actor              TEXT        NOT NULL,
    PRIMARY KEY (card_id, seq),
    -- Credits are positive; holds and charges negative; a deduction or expiry may be zero when
    -- nothing was left.
    CHECK (CASE kind
        WHEN 'issue' THEN amount_won > 0
        WHEN 'extra' THEN amount_won > 0
        WHEN 'release' THEN amount_won > 0
        WHEN 'hold' THEN amount_won < 0
        WHEN 'charge' THEN amount_won < 0
        ELSE amount_won <= 0
    END),
    CHECK (kind NOT IN ('hold', 'release', 'charge') OR enrolment_id IS NOT NULL)
);

CREATE INDEX card_entries_enrolment ON card_entries (card_id, enrolment_id) WHERE enrolment_id IS NOT NULL;

-- Append-only, like the audit log: UPDATE, DELETE and TRUNCATE raise an error.
CREATE FUNCTION card_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'card_entries is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER card_entries_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON card_entries
    FOR EACH STATEMENT EXECUTE FUNCTION card_entries_append_only();
