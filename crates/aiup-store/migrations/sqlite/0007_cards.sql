-- aiup store, SQLite backend: the 국민내일배움카드 account and its append-only ledger.
--
-- The balance and the entry counter live on the account row, so one conditional UPDATE
-- (`… WHERE balance_won >= $x`) both checks and takes an amount; the CHECK makes a negative
-- balance impossible whatever a statement does. Entries are keyed (card_id, seq), seq taken from
-- the account row's counter in the same transaction, and are never updated or deleted.
-- Dates are ISO text, so they compare as text.

CREATE TABLE card_accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id      INTEGER NOT NULL REFERENCES people (id),
    issued_on      TEXT    NOT NULL,
    expires_on     TEXT    NOT NULL CHECK (expires_on >= issued_on),
    balance_won    INTEGER NOT NULL CHECK (balance_won >= 0),
    last_seq       INTEGER NOT NULL CHECK (last_seq >= 0),
    extra_granted  BOOLEAN NOT NULL DEFAULT 0 CHECK (extra_granted IN (0, 1)),
    expired        BOOLEAN NOT NULL DEFAULT 0 CHECK (expired IN (0, 1)),
    created_at     TEXT    NOT NULL
);

-- One open card per person; an expired card makes room for a new one.
CREATE UNIQUE INDEX card_accounts_one_open ON card_accounts (person_id) WHERE expired = 0;
CREATE INDEX card_accounts_person ON card_accounts (person_id, id);

CREATE TABLE card_entries (
    card_id            INTEGER NOT NULL REFERENCES card_accounts (id),
    seq                INTEGER NOT NULL CHECK (seq >= 1),
    kind               TEXT    NOT NULL CHECK (kind IN ('issue', 'extra', 'hold', 'release', 'charge',
                                                        'dropout_deduction', 'expiry')),
    amount_won         INTEGER NOT NULL,
    balance_after_won  INTEGER NOT NULL CHECK (balance_after_won >= 0),
    on_date            TEXT    NOT NULL,
    at                 TEXT    NOT NULL,
    rule               TEXT    NOT NULL CHECK (rule <> ''),
    params             TEXT    NOT NULL DEFAULT '{}',
    enrolment_id       INTEGER,
    actor              TEXT    NOT NULL,
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

-- Append-only, like the audit log.
CREATE TRIGGER card_entries_no_update BEFORE UPDATE ON card_entries
BEGIN
    SELECT RAISE(ABORT, 'card_entries is append-only: UPDATE refused');
END;

CREATE TRIGGER card_entries_no_delete BEFORE DELETE ON card_entries
BEGIN
    SELECT RAISE(ABORT, 'card_entries is append-only: DELETE refused');
END;
