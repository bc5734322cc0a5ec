-- Evidence files attached to a web report. Their bytes are in KV, encrypted in chunks
-- (crypto_secretstream_xchacha20poly1305) under keys that travel inside the report's envelope;
-- D1 keeps only how many chunks each has, so a complete upload can be checked before storing.
CREATE TABLE attachments (
  report_id   TEXT NOT NULL REFERENCES reports(id),
  id          TEXT NOT NULL,          -- 16 random bytes, hex, made by the phone
  chunks      INTEGER NOT NULL,
  PRIMARY KEY (report_id, id)
) WITHOUT ROWID;
