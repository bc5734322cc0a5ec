-- Cell-key perturbation of the officials' and the public figures (docs/trends.md, src/trends/cellkey.ts).
-- Every report gets a random record key (0 .. 2^32 - 1). A published cell's key is the sum of its
-- reports' keys modulo 2^32, so the same reports always give the same key, and the key, with the
-- true count, fixes the small adjustment the cell is shown with. The key says nothing about the
-- report (it is random) nor about when it arrived.
ALTER TABLE reports ADD COLUMN record_key INTEGER CHECK (record_key BETWEEN 0 AND 4294967295);
UPDATE reports SET record_key = random() & 4294967295;

-- The write path (src/trends/counters.ts countNewReport) sets the key from the Worker's CSPRNG in
-- the report's own batch; a report written any other way (a restore, a bulk load) gets one here.
CREATE TRIGGER reports_record_key AFTER INSERT ON reports WHEN NEW.record_key IS NULL
BEGIN
  UPDATE reports SET record_key = random() & 4294967295 WHERE id = NEW.id;
END;

-- The counters keep, next to each count, the sum of its reports' keys modulo 2^32: a cell summed
-- from counter rows gets its key by adding theirs, never by reading reports.
ALTER TABLE trend_reports ADD COLUMN k INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trend_categories ADD COLUMN k INTEGER NOT NULL DEFAULT 0;
DELETE FROM trend_reports;
DELETE FROM trend_categories;
INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n, k)
  SELECT facility_id, date(received_day, '-6 days', 'weekday 1'), status, send_to, channel, count(*), sum(record_key) % 4294967296
    FROM reports GROUP BY 1, 2, 3, 4, 5;
INSERT INTO trend_categories (facility_id, week, category, send_to, channel, n, k)
  SELECT r.facility_id, date(r.received_day, '-6 days', 'weekday 1'), coalesce(c.category, 'unclassified'), r.send_to, r.channel, count(*), sum(r.record_key) % 4294967296
    FROM reports r LEFT JOIN report_categories c ON c.report_id = r.id GROUP BY 1, 2, 3, 4, 5;
