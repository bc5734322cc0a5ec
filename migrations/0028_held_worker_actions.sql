-- A worker's widening and "keep" reach readers with a release batch, never at the minute they were
-- asked (src/storage/held-actions.ts), like a worker's own erasure (migrations/0022_erase_at_release.sql):
-- the company controls the plant's network, so a monitor polling the console must not see the case
-- change the minute the worker acted.
--
-- widen_at: the release a recorded widening takes effect at. Until then the row keeps send_to
-- 'monitor' and the company's status; the officials' sealed keys and the worker's consent are stored
-- at once (no reader query shows them before), and the release step widens the case: send_to, both
-- sides' statuses, the history and the audit entry, the figures. Widenings recorded before this
-- column took effect at once and need nothing.
ALTER TABLE reports ADD COLUMN widen_at TEXT;
CREATE INDEX reports_widen_at ON reports (widen_at) WHERE widen_at IS NOT NULL;
-- keep_asked: the day the worker asked to keep the case until, waiting for release keep_at; the
-- release step moves it into keep_until. Retention already counts it, so a keep asked on a case's
-- last day is honoured (docs/threat-model.md says what that can tell).
ALTER TABLE reports ADD COLUMN keep_asked TEXT;
ALTER TABLE reports ADD COLUMN keep_at TEXT;
CREATE INDEX reports_keep_at ON reports (keep_at) WHERE keep_at IS NOT NULL;
