-- Bounded evidence (src/storage/uploads.ts). What each report id has uploaded so far, so the
-- per-report caps hold on the server, and which report id each proof-of-work token paid chunks
-- for, so one token pays for the chunks of one report only. D1, not KV: the check and the record
-- are one atomic batch, so two racing uploads cannot both take the last slot. Only random ids,
-- chunk positions and a coarse day are kept.
CREATE TABLE upload_claims (
  nonce        TEXT PRIMARY KEY,      -- the token's random nonce
  report_id    TEXT NOT NULL,
  expires_day  TEXT NOT NULL          -- the token's expiry day; the row goes after it
) WITHOUT ROWID;

CREATE TABLE attachment_uploads (
  report_id      TEXT NOT NULL,
  attachment_id  TEXT NOT NULL,
  idx            INTEGER NOT NULL,
  expires_day    TEXT NOT NULL,       -- when the uploaded chunk itself expires (KV expirationTtl)
  PRIMARY KEY (report_id, attachment_id, idx)
) WITHOUT ROWID;

-- Uploaded chunks live under upload/… with a TTL; once the report is stored they are copied to
-- report/…/att/… without one. 0: not yet copied (the daily job finishes it). Earlier attachments
-- were uploaded straight to their permanent key, so they count as kept.
ALTER TABLE attachments ADD COLUMN kept INTEGER NOT NULL DEFAULT 1;
