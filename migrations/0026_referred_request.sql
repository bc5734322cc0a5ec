-- Until now a monitor could set a case to 'referred' ("Enviado a la autoridad laboral") on their
-- own, and it counted as closed. Nothing reached any official. From now on only the worker's
-- widening sets 'referred' (migrations/0025_referral.sql), a monitor can only ask the worker
-- ('permission_asked'), and neither status closes a case (src/domain/case.ts FINAL_STATUSES).
--
-- Cases stored as 'referred':
-- * sent to the company alone: no official ever had it. It becomes 'permission_asked' ("Pidió
--   permiso para enviarlo a la autoridad"), open: its closed day is cleared, so its erase day is
--   computed as for any open case (idle rule) and the close clock runs again. The worker's page
--   shows the button to send it to the authority; the monitor's reply asking it is not written for
--   them (the old status carried none), so the monitor may ask again in a reply.
-- * sent to both, or to the authority alone: the authority does have it, so 'referred' stays true;
--   only its closed day is cleared (no longer a closing status).
-- Erased cases' tombstones take the new status too (the figures must not say "sent to the
-- authority" where nobody sent it), and keep their days.
UPDATE reports SET status = 'permission_asked', closed_day = CASE WHEN erased_day IS NULL THEN NULL ELSE closed_day END
 WHERE status = 'referred' AND send_to = 'monitor';
UPDATE reports SET closed_day = NULL WHERE status = 'referred' AND erased_day IS NULL;
UPDATE reports SET authority_closed_day = NULL WHERE authority_status = 'referred' AND erased_day IS NULL;

-- Each migrated case's record says what changed, and by whom.
INSERT INTO triage_events (report_id, seq, field, value, actor, day)
  SELECT r.id, coalesce((SELECT max(e.seq) FROM triage_events e WHERE e.report_id = r.id), 0) + 1, 'status', 'permission_asked', 'migration-0026', date('now')
    FROM reports r WHERE r.status = 'permission_asked' AND r.erased_day IS NULL;

-- The trend counters follow the lead status: counted again from the reports, keys included.
DELETE FROM trend_reports;
INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n, k)
  SELECT facility_id, date(received_day, '-6 days', 'weekday 1'), status, send_to, channel, count(*), sum(record_key) % 4294967296
    FROM reports GROUP BY 1, 2, 3, 4, 5;
