-- The worker's referral (src/domain/case-sides.ts REFERRAL, docs/privacy.md "Bringing in the
-- authority"): a worker who sent a case to the company alone can widen it to the labor authority
-- from the follow-up page. The officials of the plant's jurisdiction get the case at the release
-- after the widening, as a new case: authority_release_at is that release ("YYYY-MM-DDTHH"), and
-- its day is the day the authority received it, from which the authority's clocks run. NULL for a
-- case the worker sent to the authority from the start (then release_at is the authority's too).
ALTER TABLE reports ADD COLUMN authority_release_at TEXT;
-- The worker's consent to the widening: the case mailbox key's signature over the case, its plant
-- and the new recipients (src/crypto/proofs.ts wideningMessage). Readers check it against the
-- mailbox key sealed inside the report, so the server cannot widen a case on its own. Erased with
-- the case (a tombstone copies no content columns).
ALTER TABLE reports ADD COLUMN widened_consent TEXT;
