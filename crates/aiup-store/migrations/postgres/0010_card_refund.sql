-- aiup store, PostgreSQL backend: a `refund` card entry, the charge given back when a trainee
-- withdraws within the free-withdrawal days after the start (`enrolment.free_withdrawal_days`).
-- The CHECKs that list kinds (named by PostgreSQL in 0007) are replaced; no row changes.

ALTER TABLE card_entries
    DROP CONSTRAINT card_entries_kind_check,
    DROP CONSTRAINT card_entries_check,
    DROP CONSTRAINT card_entries_check1,
    ADD CONSTRAINT card_entries_kind_check CHECK (kind IN ('issue', 'extra', 'hold', 'release', 'charge',
                                                          'refund', 'dropout_deduction', 'expiry')),
    -- Credits are positive; holds and charges negative; a deduction or expiry may be zero when
    -- nothing was left.
    ADD CONSTRAINT card_entries_amount_sign_check CHECK (CASE kind
        WHEN 'issue' THEN amount_won > 0
        WHEN 'extra' THEN amount_won > 0
        WHEN 'release' THEN amount_won > 0
        WHEN 'refund' THEN amount_won > 0
        WHEN 'hold' THEN amount_won < 0
        WHEN 'charge' THEN amount_won < 0
        ELSE amount_won <= 0
    END),
    ADD CONSTRAINT card_entries_enrolment_check
        CHECK (kind NOT IN ('hold', 'release', 'charge', 'refund') OR enrolment_id IS NOT NULL);
