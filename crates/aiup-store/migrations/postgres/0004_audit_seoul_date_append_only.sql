-- aiup store, PostgreSQL backend: every audit event gets the Asia/Seoul calendar date of `at`,
-- and the audit log becomes append-only.

ALTER TABLE audit_events ADD COLUMN seoul_date DATE;

-- UTC+9, as the store computes it (Korea has kept no daylight saving time since 1988).
UPDATE audit_events SET seoul_date = ((at AT TIME ZONE 'UTC') + INTERVAL '9 hours')::date;

ALTER TABLE audit_events ALTER COLUMN seoul_date SET NOT NULL;

CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_seoul_date ON audit_events (seoul_date, id);

-- Append-only: UPDATE, DELETE and TRUNCATE of the events raise an error, even when they would
-- touch no row (statement-level triggers). The store has no method that tries.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
