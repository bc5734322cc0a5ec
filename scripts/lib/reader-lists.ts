/**
 * @module Re-signing the facilities' reader lists after an admin command. D1 says who reads each
 * facility now; the lists signed before say whom the administrator has approved. A reader in D1
 * that no signed list knows (or knows with other keys or another role) was not added by this
 * command, so it is refused by name unless the administrator confirms it (`--yes`).
 */
import { fromB64, signReaderList, verifyReaderList, type ListedReader, type ReaderList, type Sodium } from '../../src/crypto';
import { READERS_FROM_ROWS_SQL, SAVE_READER_LIST_SQL, toListedReader } from '../../src/storage/reader-lists';
import type { AdminKey } from './admin-key';
import type { D1Target, Statement } from './d1-target';

export interface ResignOutcome {
  /** Facility id → what changed in its list, in words. */
  changes: Map<string, string[]>;
  /** Readers found in D1 that no signed list approved; nothing is signed while there are any (without --yes). */
  unapproved: ListedReader[];
}

const same = (a: ListedReader, b: ListedReader) => a.keyId === b.keyId && a.role === b.role && a.boxPk === b.boxPk && a.signPk === b.signPk;

/** Builds, checks and (unless refused) signs and stores every facility's list. `allow`: the key ids this command adds or changes. */
export async function resignReaderLists(
  s: Sodium,
  target: D1Target,
  admin: AdminKey,
  opts: { allow?: string[]; yes?: boolean; now?: Date } = {},
): Promise<ResignOutcome> {
  const facilities = await target.query<{ id: string }>('SELECT id FROM facilities ORDER BY id');
  const stored = new Map(
    (await target.query<{ facilityId: string; statement: string; signature: string }>('SELECT facility_id AS facilityId, statement, signature FROM reader_lists')).map((r) => [
      r.facilityId,
      verifyReaderList(s, r, admin.publicKey, r.facilityId),
    ]),
  );
  const approved = [...stored.values()].flatMap((l) => l?.readers ?? []);
  const allow = new Set(opts.allow ?? []);
  const issued = (opts.now ?? new Date()).toISOString();
  const changes = new Map<string, string[]>();
  const unapproved = new Map<string, ListedReader>();
  const statements: Statement[] = [];
  for (const { id } of facilities) {
    const readers = (await target.query<Parameters<typeof toListedReader>[0]>(READERS_FROM_ROWS_SQL, [id])).map(toListedReader);
    for (const r of readers) if (!allow.has(r.keyId) && !approved.some((a) => same(a, r))) unapproved.set(r.keyId, r);
    const before = stored.get(id) ?? null;
    const said = describe(before, readers);
    if (!said.length && before) continue;
    changes.set(id, said);
    const list: ReaderList = { v: 1, facility: id, issued, readers };
    const signed = signReaderList(s, list, admin.privateKey);
    statements.push({ sql: SAVE_READER_LIST_SQL, params: [id, signed.statement, signed.signature] });
  }
  if (unapproved.size && !opts.yes) return { changes, unapproved: [...unapproved.values()] };
  if (statements.length) await target.run(statements);
  return { changes, unapproved: [] };
}

function describe(before: ReaderList | null, after: ListedReader[]): string[] {
  const out: string[] = [];
  const old = before?.readers ?? [];
  for (const r of after) {
    const was = old.find((o) => o.keyId === r.keyId);
    if (!was) out.push(`+ ${r.role} ${r.label} (${r.keyId})${r.recipient ? '' : ', retired'}`);
    else if (was.recipient !== r.recipient) out.push(`${r.recipient ? 'active again' : 'retired'}: ${r.role} ${r.label} (${r.keyId})`);
    else if (was.label !== r.label) out.push(`label: ${was.label} → ${r.label} (${r.keyId})`);
  }
  for (const o of old) if (!after.some((r) => r.keyId === o.keyId)) out.push(`- ${o.role} ${o.label} (${o.keyId})`);
  return out;
}

/** Checks that the admin file's key is the one this deployment trusts. */
export function assertConfiguredAdmin(s: Sodium, admin: AdminKey, configured: string | null) {
  if (!configured) return;
  const key = fromB64(s, configured);
  if (s.to_hex(key) !== s.to_hex(admin.publicKey)) {
    throw new Error('this administrator key is not the deployment\'s ADMIN_SIGN_PK: browsers would refuse every list it signs');
  }
}
