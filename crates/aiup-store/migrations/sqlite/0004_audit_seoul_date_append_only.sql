-- aiup store, SQLite backend: every audit event gets the Asia/Seoul calendar date of `at`, and
-- the audit log becomes append-only.
--
-- SQLite cannot add a NOT NULL column without a default, so the table is rebuilt: existing rows
-- are copied with their date computed as the store computes it (UTC+9; Korea has kept no
-- daylight saving time since 1988), and the AUTOINCREMENT counter is carried over. `at` is
-- RFC 3339 in UTC; its fraction of a second is cut off first, because SQLite would round it to
-- milliseconds and could carry 23:59:59.9999 into the next day.

CREATE TABLE audit_events_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    seoul_date  TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'
);

INSERT INTO audit_events_new (id, at, seoul_date, actor, action, subject, detail)
SELECT id, at, date(substr(at, 1, 19), '+9 hours'), actor, action, subject, detail FROM audit_events;

DELETE FROM sqlite_sequence WHERE name = 'audit_events_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'audit_events_new', seq FROM sqlite_sequence WHERE name = 'audit_events';

DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;

CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_seoul_date ON audit_events (seoul_date, id);

-- Append-only: an UPDATE or DELETE of an event aborts its statement (and the store has no
-- method that tries).
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused');
END;
