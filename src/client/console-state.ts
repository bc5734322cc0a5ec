/**
 * @module The console's one piece of shared state: libsodium, this reader's keys and session
 * token (page memory only, never storage), who signed in, the server's day, and the open case.
 * The modules of the console read and set it here; only console-session.ts forgets the keys.
 */
import { fromB64, fromUtf8, openReport, type RecipientKeys, type Sodium } from '../crypto';
import type { Plain } from './console-list';
import type { CaseDetail, SignedIn } from '../contract/console-responses';
import type { CaseTrust } from './console-trust';

/** Who signed in, as POST /console/api/signin answers. */
export type Reader = SignedIn['reader'];
export type { CaseDetail };

const root = document.querySelector<HTMLElement>('.console')!;
export const lang = root.dataset.lang === 'en' ? 'en' : 'es';

export const state: {
  /** Set once libsodium is ready, before the sign-in button is enabled. */
  s: Sodium;
  keys: RecipientKeys | undefined;
  token: string;
  reader: Reader | undefined;
  today: string;
  openCaseId: string | undefined;
  openDetail: CaseDetail | undefined;
  openTrust: CaseTrust | undefined;
} = {
  s: undefined as unknown as Sodium,
  keys: undefined,
  token: '',
  reader: undefined,
  today: '',
  openCaseId: undefined,
  openDetail: undefined,
  openTrust: undefined,
};

/**
 * Every copy of a content key this reader was given: their own, then those other readers shared
 * beside it (src/storage/shared-keys.ts). Any may be garbage a reader shared first, so each is tried.
 */
export const keyCopies = (k: { sealed: string | null; sealedAlso?: string[] }) => (k.sealed ? [k.sealed, ...(k.sealedAlso ?? [])] : []);

/** The copy that opened each report or message (by id), so sharing passes on that one (src/client/console-share.ts). */
export const openedWith = new Map<string, string>();

/** Tries each copy of a key with `open` and returns the first result, noting which copy opened `id`; null if none does. */
export function withSomeCopy<T>(id: string, k: { sealed: string | null; sealedAlso?: string[] }, open: (sealed: string) => T | null): T | null {
  for (const sealed of keyCopies(k)) {
    try {
      const result = open(sealed);
      if (result === null) continue;
      openedWith.set(id, sealed);
      return result;
    } catch {
      // Not this copy: garbage, or a key for something else. The next may open.
    }
  }
  return null;
}

/** Opens a report body sealed to this reader's key (format 2, or 1 for older reports), trying every copy; null if none opens. */
export function openPlain(body: string | null, sealed: string | null, c: { id: string; facilityId: string; receivedDay: string; sealedAlso?: string[] }): Plain | null {
  const { s, keys } = state;
  if (!body || !sealed || !keys) return null;
  return withSomeCopy(c.id, { sealed, sealedAlso: c.sealedAlso }, (k) => {
    const { plain, format } = openReport(s, fromB64(s, body), fromB64(s, k), keys.box, { reportId: c.id, facilityId: c.facilityId }, c.receivedDay);
    return { ...(JSON.parse(fromUtf8(plain)) as Record<string, unknown>), format };
  });
}
