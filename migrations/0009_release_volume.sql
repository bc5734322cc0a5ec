-- The country's released volume over the last batches prices every challenge
-- (src/domain/difficulty.ts): an index range count instead of a scan.
CREATE INDEX reports_by_release_at ON reports (release_at);
