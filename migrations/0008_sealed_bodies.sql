-- Sealed bodies of reports and thread messages, in D1 in the same batch as their rows: one round
-- trip, and never a body without its report or a report without its body. Keyed like the KV
-- blobs they replace (report/<id>/body/<digest>, report/<id>/message/<id>), so rows keep pointing
-- at them by body_key. Stored as base64url text, the form every reader receives. Only a mail
-- report too large for a D1 row still goes to KV; bodies stored in KV before this stay there and
-- still open (src/storage/blobs.ts reads D1 first, then KV).
CREATE TABLE sealed_bodies (
  key   TEXT PRIMARY KEY,
  body  TEXT NOT NULL
) WITHOUT ROWID;
