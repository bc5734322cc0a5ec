-- The worker may keep their case longer (src/domain/retention.ts): not erased before this day,
-- set from the follow-up page with a mailbox proof ("guardar otros 180 días", repeatable). The
-- 3-year limit still applies; a worker's own request to erase still erases at once.
ALTER TABLE reports ADD COLUMN keep_until TEXT;
-- A legal hold's free reference (an expediente number) and note, written by the official who put
-- it, in clear like the reason: officials' own record, never the worker's words (docs/privacy.md).
-- Cleared with the hold.
ALTER TABLE reports ADD COLUMN hold_reference TEXT CHECK (hold_reference IS NULL OR length(hold_reference) <= 80);
ALTER TABLE reports ADD COLUMN hold_note TEXT CHECK (hold_note IS NULL OR length(hold_note) <= 500);
