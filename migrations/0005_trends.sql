-- Trends for labor officials and the public transparency page (docs/trends.md).
-- Days only, never a time of day; nothing here is finer than an ISO week.

-- Each facility's case-processing clock, in days from the day a report was received
-- (defaults: src/domain/case.ts CLOCK). Set per facility by the administrator.
ALTER TABLE facilities ADD COLUMN ack_days INTEGER NOT NULL DEFAULT 7 CHECK (ack_days > 0);
ALTER TABLE facilities ADD COLUMN answer_days INTEGER NOT NULL DEFAULT 30 CHECK (answer_days > 0);
ALTER TABLE facilities ADD COLUMN close_days INTEGER NOT NULL DEFAULT 90 CHECK (close_days > 0);

-- The day of each case's first substantive answer: the second reply sent to the worker (the first
-- is the acknowledgement, reports.first_reply_day). Written in the batch that stores that reply.
-- Keyed like reports_by_facility_clock, so the clocks read it in step with the reports.
CREATE TABLE report_answers (
  facility_id   TEXT NOT NULL,
  received_day  TEXT NOT NULL,
  report_id     TEXT NOT NULL REFERENCES reports(id),
  day           TEXT NOT NULL,
  PRIMARY KEY (facility_id, received_day, report_id)
) WITHOUT ROWID;
INSERT INTO report_answers (facility_id, received_day, report_id, day)
  SELECT * FROM (
    SELECT r.facility_id, r.received_day, r.id,
           (SELECT m.day FROM messages m WHERE m.report_id = r.id AND m.kind = 'reply' ORDER BY m.seq LIMIT 1 OFFSET 1) AS day
      FROM reports r)
   WHERE day IS NOT NULL;

-- Reports per facility, week of receipt (the day of its Monday), current status, recipients
-- chosen and channel. Kept exact by the same D1 batch that stores a report (storeReport) or
-- changes its status (applyTriage): n always equals a count of `reports` (tested).
CREATE TABLE trend_reports (
  facility_id   TEXT NOT NULL,
  week          TEXT NOT NULL,                  -- YYYY-MM-DD of the ISO week's Monday
  status        TEXT NOT NULL,
  send_to       TEXT NOT NULL,
  channel       TEXT NOT NULL,
  n             INTEGER NOT NULL,
  PRIMARY KEY (facility_id, week, status, send_to, channel)
) WITHOUT ROWID;

-- Category mentions per facility, week, category, recipients chosen and channel: a report that
-- names two categories counts once in each. Mail has no category: it counts as 'unclassified'.
-- Categories never change after intake, so only storeReport writes here.
CREATE TABLE trend_categories (
  facility_id   TEXT NOT NULL,
  week          TEXT NOT NULL,
  category      TEXT NOT NULL,
  send_to       TEXT NOT NULL,
  channel       TEXT NOT NULL,
  n             INTEGER NOT NULL,
  PRIMARY KEY (facility_id, week, category, send_to, channel)
) WITHOUT ROWID;

-- Reports stored before this migration get their counts now.
INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n)
  SELECT facility_id, date(received_day, '-6 days', 'weekday 1'), status, send_to, channel, count(*)
    FROM reports GROUP BY 1, 2, 3, 4, 5;
INSERT INTO trend_categories (facility_id, week, category, send_to, channel, n)
  SELECT r.facility_id, date(r.received_day, '-6 days', 'weekday 1'), coalesce(c.category, 'unclassified'), r.send_to, r.channel, count(*)
    FROM reports r LEFT JOIN report_categories c ON c.report_id = r.id GROUP BY 1, 2, 3, 4, 5;

-- Covering indexes for the trends' reads (src/trends/queries.ts names them with INDEXED BY):
-- a facility's reports by day with what the clocks need, the reports still new, and a monitor's
-- views of a case in the audit log ("never opened").
CREATE INDEX reports_by_facility_clock ON reports (facility_id, received_day, send_to, status, first_reply_day, closed_day);
CREATE INDEX reports_unopened ON reports (status, send_to, first_reply_day, facility_id, received_day);
CREATE INDEX audit_log_views ON audit_log (report_id, action, role, outcome);
