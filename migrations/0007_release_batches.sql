-- Release batches (src/domain/release.ts): a report or a worker's answer reaches readers only at
-- the next fixed release hour of the Mexico City day. release_at is that release, "YYYY-MM-DDTHH":
-- it tells no more than what readers learn anyway when the batch appears, and its day is the
-- report's received_day. The default is a release that never comes, so a row written without one
-- stays hidden rather than leaking its arrival.
ALTER TABLE reports ADD COLUMN release_at TEXT NOT NULL DEFAULT '9999-12-31T23';
ALTER TABLE messages ADD COLUMN release_at TEXT NOT NULL DEFAULT '9999-12-31T23';

-- What was stored before batches existed has been visible all along: released at the start of its day.
UPDATE reports SET release_at = received_day || 'T00';
UPDATE messages SET release_at = day || 'T00';

-- Readers' lists filter on the release; the order inside one release is the random id.
CREATE INDEX reports_by_release ON reports (facility_id, release_at, id);
