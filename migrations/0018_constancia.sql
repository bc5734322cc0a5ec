-- The constancia (proof of filing, docs/crypto.md "Constancia"). The server keeps only a check of
-- the receipt code's constancia key: BLAKE2b-256 keyed by that key, which only the code derives.
-- It lets the server sign one commitment per report and never another; neither the commitment nor
-- the signature is stored, and the check cannot be turned into either without the receipt code.
-- NULL for reports stored before this: the first request proven with the receipt code sets it.
ALTER TABLE reports ADD COLUMN constancia_check TEXT;
