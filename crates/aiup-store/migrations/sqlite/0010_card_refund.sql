-- aiup store, SQLite backend: a `refund` card entry, the charge given back when a trainee
-- withdraws within the free-withdrawal days after the start (`enrolment.free_withdrawal_days`).
--
-- SQLite cannot change a CHECK in place, so the ledger table is rebuilt with the new kind and
-- its rows copied unchanged. Dropping the old table drops its append-only triggers first (no
-- trigger fires), and no table references it; the index and triggers are made again.

CREATE TABLE card_entries_with_refund (
    card_id            INTEGER NOT NULL REFERENCES card_accounts (id),
    seq                INTEGER NOT NULL CHECK (seq >= 1),
    kind               TEXT    NOT NULL CHECK (kind IN ('issue', 'extra', 'hold', 'release', 'charge',
                                                        'refund', 'dropout_deduction', 'expiry')),
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
        WHEN 'refund' THEN amount_won > 0
        WHEN 'hold' THEN amount_won < 0
        WHEN 'charge' THEN amount_won < 0
        ELSE amount_won <= 0
    END),
    CHECK (kind NOT IN ('hold', 'release', 'charge', 'refund') OR enrolment_id IS NOT NULL)
);

INSERT INTO card_entries_with_refund
    (card_id, seq, kind, amount_won, balance_after_won, on_date, at, rule, params, enrolment_id, actor)
SELECT card_id, seq, kind, amount_won, balance_after_won, on_date, at, rule, params, enrolment_id, actor
FROM card_entries;

DROP TABLE card_entries;
ALTER TABLE card_entries_with_refund RENAME TO card_entries;

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
