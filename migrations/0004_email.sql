-- Email intake and content-free notifications (docs/email.md).
-- No new table holds anything about a sender: the sender's address is never stored, not even hashed.

-- Who reads a facility's email reports: a mail carries no "who may read this" choice, so the
-- facility decides it once. Sealed to the facility's active keys for these roles.
ALTER TABLE facilities ADD COLUMN mail_send_to TEXT NOT NULL DEFAULT 'both'
  CHECK (mail_send_to IN ('monitor', 'authority', 'both'));

-- Where a monitor gets the daily digest (a count, nothing else). NULL = no digest.
ALTER TABLE recipients ADD COLUMN notify_email TEXT;
-- The last day a digest went to this monitor: the next one counts the reports received from that
-- day on, so a skipped day is caught up and a repeated run sends nothing twice. A day, never a time.
ALTER TABLE recipients ADD COLUMN last_digest_day TEXT;
