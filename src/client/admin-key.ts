/**
 * @module The administrator public key these pages trust, fixed when the bundles are built
 * (scripts/build.mjs, from the deployment's ADMIN_SIGN_PK). Whoever can only write the database
 * cannot change it; whoever can change the served code can (docs/threat-model.md).
 */
import { fromB64, verifyReaderList, type ReaderList, type SignedReaderList, type Sodium } from '../crypto';

declare const __ADMIN_SIGN_PK__: string;

/** The facility's reader list if the administrator signed it, else null: then nothing is sealed. */
export function trustedReaderList(s: Sodium, signed: SignedReaderList | null | undefined, facilityId: string): ReaderList | null {
  let key: Uint8Array;
  try {
    key = fromB64(s, __ADMIN_SIGN_PK__);
  } catch {
    return null;
  }
  return verifyReaderList(s, signed, key, facilityId);
}

/**
 * Whether the key ids the server asks to seal to are exactly the signed list's: any difference
 * means the rows were changed behind the administrator's back, and nothing is sealed.
 */
export const servedAsSigned = (served: Array<{ keyId: string }>, signed: Array<{ keyId: string }>) =>
  served.map((k) => k.keyId).sort().join() === signed.map((k) => k.keyId).sort().join();
