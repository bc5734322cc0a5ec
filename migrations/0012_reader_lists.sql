-- Reader lists signed offline by the administrator (src/crypto/reader-list.ts). One per facility:
-- the statement text exactly as signed and its Ed25519 signature. Browsers verify it against the
-- administrator key in their bundles before sealing to anyone, so a row added to `recipients`
-- without the administrator's signature reads nothing. Written only by `npm run keys`.
CREATE TABLE reader_lists (
  facility_id  TEXT PRIMARY KEY REFERENCES facilities(id),
  statement    TEXT NOT NULL,
  signature    TEXT NOT NULL
) WITHOUT ROWID;
