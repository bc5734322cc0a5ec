/**
 * @module Proof-of-work challenges for the routes: the deployment's difficulty setting, and the
 * signed tokens themselves, which are a crypto step and live in src/crypto/challenge.ts.
 */
export { issueChallenge, tokenBinding, verifyChallenge } from '../crypto/challenge';

/** The deployment's base difficulty (POW_BITS), whatever the volume. */
export const powBits = (env: { POW_BITS?: string }) => Math.max(0, Math.min(30, Number(env.POW_BITS) || 16));
