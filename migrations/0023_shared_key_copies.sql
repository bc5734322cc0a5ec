-- Share squatting (issue 26 §3): the server cannot check a content key sealed to another reader,
-- so the first share to a reader must not be the only one. wrapped_keys keeps the first key a
-- reader got; a later share that differs is kept here, one per sharer (a sharer's new share
-- replaces only their own), and the reader's console tries each (src/storage/shared-keys.ts).
-- Deleted with the key it stands beside, so erasing a case takes these too.
CREATE TABLE shared_key_copies (
  report_id   TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  key_id      TEXT NOT NULL,              -- the reader it is sealed to
  shared_by   TEXT NOT NULL,              -- the reader who shared it
  sealed      TEXT NOT NULL,              -- base64url, 80 bytes
  PRIMARY KEY (report_id, message_id, key_id, shared_by),
  FOREIGN KEY (report_id, message_id, key_id) REFERENCES wrapped_keys (report_id, message_id, key_id) ON DELETE CASCADE
) WITHOUT ROWID;
