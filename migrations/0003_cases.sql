-- Case handling: thread messages, triage, tags, assignment, and the hash-chained audit log.
-- Days only, never a time of day. Thread order is a per-case sequence number.

ALTER TABLE reports ADD COLUMN first_reply_day TEXT;   -- day of the first reply sent to the worker
ALTER TABLE reports ADD COLUMN assignee TEXT;          -- key id of the monitor in charge
ALTER TABLE reports ADD COLUMN closed_day TEXT;        -- day the case reached a final status

-- Replies to the worker, the worker's answers, and internal notes. The text is in KV, sealed.
CREATE TABLE messages (
  report_id     TEXT NOT NULL REFERENCES reports(id),
  seq           INTEGER NOT NULL,                 -- order within the case
  id            TEXT NOT NULL UNIQUE,             -- 16 random bytes, hex, made by the writer (idempotent retries)
  kind          TEXT NOT NULL CHECK (kind IN ('reply', 'answer', 'note')),
  author_role   TEXT NOT NULL CHECK (author_role IN ('worker', 'monitor', 'official')),
  author_key    TEXT,                             -- reader's key id; NULL for the worker
  day           TEXT NOT NULL,
  body_key      TEXT NOT NULL,
  PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;

CREATE TABLE report_tags (
  report_id     TEXT NOT NULL REFERENCES reports(id),
  tag           TEXT NOT NULL,
  PRIMARY KEY (report_id, tag)
) WITHOUT ROWID;

-- Every status, severity, tag and assignment change, for the clocks and the record.
CREATE TABLE triage_events (
  report_id     TEXT NOT NULL REFERENCES reports(id),
  seq           INTEGER NOT NULL,
  field         TEXT NOT NULL,
  value         TEXT,
  actor         TEXT NOT NULL,
  day           TEXT NOT NULL,
  PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;

-- Append-only, hash-chained: hash = BLAKE2b-256(prev_hash ‖ canonical entry). Verified by
-- `npm run audit:verify`. Readers' actions only; nothing about workers but the case id.
CREATE TABLE audit_log (
  seq           INTEGER PRIMARY KEY,
  day           TEXT NOT NULL,
  actor         TEXT NOT NULL,                    -- key id
  role          TEXT NOT NULL,
  action        TEXT NOT NULL,
  report_id     TEXT,
  outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'denied')),
  detail        TEXT,
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL
);
