-- Retention (docs/privacy.md): what is no longer needed is erased on a schedule.
-- Per plant, the administrator may override the deployment's defaults (RETENTION_* in wrangler.toml).
ALTER TABLE facilities ADD COLUMN retention_closed_days INTEGER CHECK (retention_closed_days IS NULL OR retention_closed_days > 0);
ALTER TABLE facilities ADD COLUMN retention_idle_days INTEGER CHECK (retention_idle_days IS NULL OR retention_idle_days > 0);

-- The last reply sent to the worker, for the idle rule (src/domain/retention.ts). Only what the
-- worker sees counts: notes and triage do not, so readers cannot keep a case alive among themselves;
-- the worker's own answers count from their release (read from messages, never stored early).
ALTER TABLE reports ADD COLUMN last_activity_day TEXT;
-- A legal hold an official put on the case (a reason code), which stops its erasure until lifted.
ALTER TABLE reports ADD COLUMN hold_reason TEXT CHECK (hold_reason IS NULL OR hold_reason IN ('court_order', 'investigation', 'complaint'));
-- The worker asked to erase a case under hold: erased as soon as the hold is lifted.
ALTER TABLE reports ADD COLUMN erase_requested INTEGER NOT NULL DEFAULT 0;
-- Erased: the content is gone, and the row left is a tombstone under a new random id, holding
-- only what the figures count (plant, days, status, recipients chosen, channel, record key).
ALTER TABLE reports ADD COLUMN erased_day TEXT;
-- On a tombstone only: whether a monitor had opened the case, so the "never opened" figure stays true.
ALTER TABLE reports ADD COLUMN monitor_viewed INTEGER NOT NULL DEFAULT 0;
UPDATE reports SET last_activity_day = (SELECT max(m.day) FROM messages m WHERE m.report_id = reports.id AND m.kind = 'reply');
CREATE INDEX reports_retention ON reports (erased_day, hold_reason, closed_day, last_activity_day);

-- The old and new id of each case being erased, only inside the erasing batch (src/storage/retention.ts).
CREATE TABLE erase_map (
  old_id  TEXT PRIMARY KEY,
  new_id  TEXT NOT NULL UNIQUE
) WITHOUT ROWID;

-- KV keys (attachment chunks, bodies from before D1 kept them) of erased cases, deleted by later
-- runs a bounded number at a time. Their content keys are already gone with the report body.
CREATE TABLE kv_erasures (
  key  TEXT PRIMARY KEY
) WITHOUT ROWID;
