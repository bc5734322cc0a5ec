-- A worker's own erasure reaches readers with a release batch, never at the minute it was asked
-- (src/storage/erase-request.ts): the release it is carried out at. Set when the worker erases a
-- case; from then the receipt code opens nothing, and readers keep the case until that release.
-- Cases asked to be erased before this column existed keep erase_requested alone (erased by the
-- daily job once their hold is lifted), as before.
ALTER TABLE reports ADD COLUMN erase_at TEXT;
CREATE INDEX reports_erase_at ON reports (erase_at) WHERE erase_at IS NOT NULL;
