-- Proof-of-work challenges already used. Written in the same batch as the report, so single use
-- is atomic with storing (KV, eventually consistent across locations, could let a replay through).
-- Only the random nonce and a coarse expiry day are kept: no time of day, no link to a report.
CREATE TABLE spent_challenges (
  nonce        TEXT PRIMARY KEY,
  expires_day  TEXT NOT NULL
) WITHOUT ROWID;
