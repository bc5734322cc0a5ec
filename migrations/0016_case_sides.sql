-- Each side a worker sent a case to works it: the company's monitors and the labor authority's
-- officials (src/domain/case-sides.ts, docs/trends.md "Whose clock"). The report's own columns
-- (status, severity, first_reply_day, closed_day, report_answers) hold the case's *lead side*: the
-- company's when the worker sent it to the company (alone or with the authority), the authority's
-- when they sent it only to the authority. A case sent to both keeps the authority's side here.
ALTER TABLE reports ADD COLUMN authority_status TEXT;
ALTER TABLE reports ADD COLUMN authority_severity TEXT;
ALTER TABLE reports ADD COLUMN authority_first_reply_day TEXT;
ALTER TABLE reports ADD COLUMN authority_closed_day TEXT;

-- Cases sent to both, before this: only monitors could triage, and whoever replied first stopped
-- the company's acknowledgement clock. Now the authority's replies stop the authority's clock only.
UPDATE reports
   SET authority_first_reply_day = (SELECT min(m.day) FROM messages m WHERE m.report_id = reports.id AND m.kind = 'reply' AND m.author_role = 'official'),
       first_reply_day = (SELECT min(m.day) FROM messages m WHERE m.report_id = reports.id AND m.kind = 'reply' AND m.author_role = 'monitor')
 WHERE send_to = 'both' AND erased_day IS NULL;
UPDATE reports SET authority_status = CASE WHEN authority_first_reply_day IS NULL THEN 'new' ELSE 'acknowledged' END
 WHERE send_to = 'both';
-- The company's first substantive answer (its second reply) counts monitors' replies only.
DELETE FROM report_answers WHERE report_id IN (SELECT id FROM reports WHERE send_to = 'both' AND erased_day IS NULL);
INSERT INTO report_answers (facility_id, received_day, report_id, day)
  SELECT * FROM (
    SELECT r.facility_id, r.received_day, r.id,
           (SELECT m.day FROM messages m WHERE m.report_id = r.id AND m.kind = 'reply' AND m.author_role = 'monitor' ORDER BY m.seq LIMIT 1 OFFSET 1) AS day
      FROM reports r WHERE r.send_to = 'both' AND r.erased_day IS NULL)
   WHERE day IS NOT NULL;

-- One status model: a side's first reply to the worker acknowledges the case (the worker's page
-- used to say "Leído" on its own while the console still said "Recibido, sin leer").
UPDATE reports SET status = 'acknowledged' WHERE status = 'new' AND first_reply_day IS NOT NULL;

-- The trend counters follow the lead status: counted again from the reports, keys included.
DELETE FROM trend_reports;
INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n, k)
  SELECT facility_id, date(received_day, '-6 days', 'weekday 1'), status, send_to, channel, count(*), sum(record_key) % 4294967296
    FROM reports GROUP BY 1, 2, 3, 4, 5;

-- A case sent to both starts new on the authority's side too, however it is written (the intake,
-- a restore, a bulk load): the triage and reply statements move it from 'new'.
CREATE TRIGGER reports_authority_side AFTER INSERT ON reports WHEN NEW.send_to = 'both' AND NEW.authority_status IS NULL
BEGIN
  UPDATE reports SET authority_status = 'new' WHERE id = NEW.id;
END;
