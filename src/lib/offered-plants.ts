/**
 * @module Which plants the report form offers, and whom a worker may choose there: a plant only once
 * the administrator has signed its reader list with someone on it, and only the roles that list
 * names as recipients (no "only the monitor" without a monitor). The browser checks the same list
 * again before sealing (src/client/report-recipients.ts); this keeps the form from promising what
 * it would refuse at send time.
 */
import { fromB64, verifyReaderList, type Sodium } from '../crypto';
import { rolesFor, SEND_TO, type SendTo } from '../domain/report';
import type { Facility } from '../storage/facilities';
import { signedReaderListsOfOpenFacilities } from '../storage/reader-lists';
import { loadSodium } from './sodium';

export interface OfferedFacility extends Facility {
  /** The recipient choices this plant's signed list allows, in the form's order; never empty. */
  sendTo: SendTo[];
}

/** The choices a set of signed roles allows: "both" needs both. */
export const choicesFor = (roles: ReadonlySet<'monitor' | 'official'>): SendTo[] => SEND_TO.filter((code) => rolesFor(code).every((role) => roles.has(role)));

function adminKey(s: Sodium, configured: string | undefined): Uint8Array | null {
  try {
    const key = fromB64(s, configured ?? '');
    return key.length === 32 ? key : null;
  } catch {
    return null;
  }
}

/** The plants among `facilities` the form may offer, each with its choices; one plant when `only` names it. */
export async function offeredFacilities(env: { DB: D1Database; ADMIN_SIGN_PK?: string }, facilities: Facility[], only?: string): Promise<OfferedFacility[]> {
  if (!facilities.length) return [];
  const s = await loadSodium();
  const key = adminKey(s, env.ADMIN_SIGN_PK);
  if (!key) return [];
  const choices = new Map<string, SendTo[]>();
  for (const signed of await signedReaderListsOfOpenFacilities(env.DB, only)) {
    const list = verifyReaderList(s, signed, key, signed.facilityId);
    const roles = new Set((list?.readers ?? []).filter((r) => r.recipient).map((r) => r.role));
    const sendTo = choicesFor(roles);
    if (sendTo.length) choices.set(signed.facilityId, sendTo);
  }
  return facilities.flatMap((f) => (choices.has(f.id) ? [{ ...f, sendTo: choices.get(f.id)! }] : []));
}
