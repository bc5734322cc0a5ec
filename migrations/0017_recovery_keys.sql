-- A facility's optional recovery key (src/crypto/recovery.ts): the public half only, written by
-- `npm run keys -- recovery` and signed into the plant's reader list by the administrator. The
-- server checks that new reports for the plant's monitors are sealed to it as well; browsers take
-- the key from the signed list, never from these columns. The private half is only on paper.
ALTER TABLE facilities ADD COLUMN recovery_key_id TEXT;
ALTER TABLE facilities ADD COLUMN recovery_box_pk TEXT;
