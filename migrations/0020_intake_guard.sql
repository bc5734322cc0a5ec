-- A web report is stored in one D1 round trip: its batch first writes a row here whose value is
-- the check the slower path would have read beforehand (src/storage/intake-guard.ts). The CHECK
-- makes the whole batch fail unless that check holds; the same batch removes the row again.
CREATE TABLE intake_guard (ok INTEGER NOT NULL CHECK (ok = 1));
