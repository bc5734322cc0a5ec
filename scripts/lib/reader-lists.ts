/**
 * @module Re-signing the facilities' reader lists after an admin command. D1 says who reads each
 * facility now; each plant's own signed list says whom the administrator approved for it. Anything
 * in D1 that list does not approve, and this command did not change, was written behind the
 * administrator's back: it is refused by name unless the administrator confirms it (`--yes`).
 * That signed list is itself checked against the administrator's own file, which keeps the issue
 * date and hash of the last list signed for each plant of each database: an older list put back
 * (a rollback, which would approve readers taken away since) is refused the same way.
 */
import { fromB64, signReaderList, verifyReaderList, type ListedReader, type ReaderList, type Sodium } from '../../src/crypto';
import { statementHash } from '../../src/crypto/digest';
import { READERS_FROM_ROWS_SQL, SAVE_READER_LIST_SQL, toListedReader } from '../../src/storage/reader-lists';
import { rememberSignedLists, signedListMarks, type AdminKey, type SignedListMark } from './admin-key';
import type { D1Target, Statement } from './d1-target';

export interface ResignOutcome {
  /** Facility id → what changed in its list, in words. */
  changes: Map<string, string[]>;
  /** What D1 holds that the plant's signed list never approved; nothing is signed while there is any (without --yes). */
  unapproved: string[];
}

const sameKeys = (a: ListedReader, b: ListedReader) => a.keyId === b.keyId && a.role === b.role && a.boxPk === b.boxPk && a.signPk === b.signPk;

/**
 * What in `next` the plant's own signed list (`before`) does not already approve, leaving out the
 * keys this command changes: a reader new to this plant, other public keys or another role, a
 * retired key active again, a new label (it is what the console shows as the signer), and mail
 * going to more readers. Taking readers away, or retiring them, needs no approval.
 *
 * A plant never signed before has no list of its own: an official the administrator already signed
 * for another plant, with the same keys, label and status, is approved for it too (the officials of
 * its state and the national ones come with a new plant). A monitor never is: monitors are named per plant.
 * `allow` holds the key ids this command changed, and `mail:<facility>` when it set that plant's mail.
 */
export function unapprovedChanges(before: ReaderList | null, next: ReaderList, allow: Set<string>, signedElsewhere: ListedReader[] = []): string[] {
  const out: string[] = [];
  const name = (r: ListedReader) => `${r.role} ${r.label} (${r.keyId}) at ${next.facility}`;
  const knownOfficial = (r: ListedReader) =>
    before === null && r.role === 'official' && signedElsewhere.some((o) => sameKeys(o, r) && o.label === r.label && (o.recipient || !r.recipient));
  for (const r of next.readers) {
    if (allow.has(r.keyId) || knownOfficial(r)) continue;
    const was = before?.readers.find((o) => o.keyId === r.keyId);
    if (!was) out.push(`${name(r)}: not on this plant's signed list`);
    else if (!sameKeys(was, r)) out.push(`${name(r)}: other keys or role than signed`);
    else if (r.recipient && !was.recipient) out.push(`${name(r)}: retired, now active again`);
    else if (r.label !== was.label) out.push(`${name(r)}: label changed from "${was.label}"`);
  }
  const widens = (from: string | undefined, to: string | undefined) => !!to && from !== to && (to === 'both' || from === undefined);
  if (before && !allow.has(`mail:${next.facility}`) && widens(before.mailSendTo, next.mailSendTo)) out.push(`mail of ${next.facility}: to ${next.mailSendTo}, signed ${before.mailSendTo ?? 'unset'}`);
  // A recovery key reads every new report of the plant: one the signed list does not hold needs approval.
  const rec = next.recovery;
  if (rec && !allow.has(rec.keyId) && (before?.recovery?.keyId !== rec.keyId || before?.recovery?.boxPk !== rec.boxPk)) {
    out.push(`recovery key ${rec.keyId} at ${next.facility}: not on this plant's signed list`);
  }
  return out;
}

/** Builds, checks and (unless refused) signs and stores every facility's list. `allow`: the key ids this command adds or changes. */
export async function resignReaderLists(
  s: Sodium,
  target: D1Target,
  admin: AdminKey,
  opts: { allow?: string[]; yes?: boolean; now?: Date } = {},
): Promise<ResignOutcome> {
  const facilities = await target.query<{ id: string; mailSendTo: ReaderList['mailSendTo']; recoveryKeyId: string | null; recoveryBoxPk: string | null }>(
    'SELECT id, mail_send_to AS mailSendTo, recovery_key_id AS recoveryKeyId, recovery_box_pk AS recoveryBoxPk FROM facilities ORDER BY id',
  );
  const rows = await target.query<{ facilityId: string; statement: string; signature: string }>('SELECT facility_id AS facilityId, statement, signature FROM reader_lists');
  const stored = new Map(rows.map((r) => [r.facilityId, verifyReaderList(s, r, admin.publicKey, r.facilityId)]));
  const database = admin.file ? target.name : undefined;
  const rolledBack = database ? rollbacks(s, signedListMarks(admin.file!).filter((m) => m.database === database), rows, stored) : [];
  const allow = new Set(opts.allow ?? []);
  const signedElsewhere = [...stored.values()].flatMap((list) => list?.readers ?? []);
  const issued = (opts.now ?? new Date()).toISOString();
  const changes = new Map<string, string[]>();
  const unapproved: string[] = [...rolledBack];
  const statements: Statement[] = [];
  const marks: SignedListMark[] = [];
  for (const { id, mailSendTo, recoveryKeyId, recoveryBoxPk } of facilities) {
    const readers = (await target.query<Parameters<typeof toListedReader>[0]>(READERS_FROM_ROWS_SQL, [id])).map(toListedReader);
    const before = stored.get(id) ?? null;
    const recovery = recoveryKeyId && recoveryBoxPk ? { keyId: recoveryKeyId, boxPk: recoveryBoxPk } : undefined;
    const list: ReaderList = { v: 1, facility: id, issued, readers, mailSendTo, ...(recovery ? { recovery } : {}) };
    unapproved.push(...unapprovedChanges(before, list, allow, signedElsewhere));
    const said = describe(before, readers);
    if (before?.recovery?.keyId !== recovery?.keyId) said.push(recovery ? `recovery key ${recovery.keyId}` : `- recovery key ${before!.recovery!.keyId}`);
    if (!said.length && before && before.mailSendTo === mailSendTo) continue;
    changes.set(id, said);
    const signed = signReaderList(s, list, admin.privateKey);
    statements.push({ sql: SAVE_READER_LIST_SQL, params: [id, signed.statement, signed.signature] });
    if (database) marks.push({ database, facility: id, issued, hash: statementHash(s, signed.statement) });
  }
  if (unapproved.length && !opts.yes) return { changes, unapproved };
  if (statements.length) await target.run(statements);
  if (marks.length) rememberSignedLists(admin.file!, marks);
  // Confirmed with --yes: what D1 holds now becomes the baseline for the plants not signed again.
  if (rolledBack.length && database) rememberSignedLists(admin.file!, currentMarks(s, database, rows, stored).filter((m) => !marks.some((n) => n.facility === m.facility)));
  return { changes, unapproved: [] };
}

/** The marks of what D1 holds now (for the plants whose list verifies). */
function currentMarks(s: Sodium, database: string, rows: Array<{ facilityId: string; statement: string }>, stored: Map<string, ReaderList | null>): SignedListMark[] {
  return rows.flatMap((r) => {
    const list = stored.get(r.facilityId);
    return list ? [{ database, facility: r.facilityId, issued: list.issued, hash: statementHash(s, r.statement) }] : [];
  });
}

/** Every plant whose list in D1 is not the last one this administrator signed for it in this database. */
function rollbacks(s: Sodium, marks: SignedListMark[], rows: Array<{ facilityId: string; statement: string }>, stored: Map<string, ReaderList | null>): string[] {
  return marks.flatMap((m) => {
    const row = rows.find((r) => r.facilityId === m.facility);
    if (row && statementHash(s, row.statement) === m.hash) return [];
    const held = row ? `one issued ${stored.get(m.facility)?.issued ?? '(not signed by this key)'}` : 'none';
    return [`reader list of ${m.facility}: D1 holds ${held}, not the last one signed here (issued ${m.issued}): an older list put back?`];
  });
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
