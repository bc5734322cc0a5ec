/**
 * @module `npm run keys -- handover`: every case a key can open, opened with that key offline and
 * its content keys sealed to another reader (src/crypto/share.ts), as the console's "Dar acceso"
 * does one case at a time. The receiving key must be active, on the case's plant's signed reader
 * list with the same keys, and in the case's scope (the worker's choice, the plant, the
 * jurisdiction); a note goes only to a reader of its author's role. One audit entry per case.
 */
import { fromB64, resealKey, toB64, verifyReaderList, type Sodium } from '../../src/crypto';
import { rolesFor, type SendTo } from '../../src/domain/report';
import { mexicoDay } from '../../src/lib/clock';
import { appendAuditTo } from './audit-append';
import { SIGNED_READER_LIST_SQL } from '../../src/storage/reader-lists';
import { copiesOf, GIVE_KEY, SHARE_ALONGSIDE } from '../../src/storage/shared-keys';
import type { D1Target, Statement } from './d1-target';

export interface HandoverFrom {
  keyId: string;
  /** Who the audit log names: the reader's role, or `recovery` for a plant's recovery key. */
  role: string;
  box: { publicKey: Uint8Array; privateKey: Uint8Array };
}
export interface HandoverOutcome {
  cases: number;
  keys: number;
  /**
   * Of `keys`, how many went beside a different key the new reader already had for that message (a
   * share before, perhaps garbage: src/storage/shared-keys.ts), not as its key. Their console tries each.
   */
  alongside: number;
  /** Cases the old key opens that the new one may not read (another plant, a choice that leaves its role out). */
  outOfScope: string[];
  /** Plants whose signed list does not name the new key as an active reader: none of their cases moved. */
  unlisted: string[];
}

interface Target {
  keyId: string;
  role: 'monitor' | 'official';
  boxPk: string;
  scopeState: string | null;
  facilities: string[];
}

export async function handover(s: Sodium, db: D1Target, from: HandoverFrom, toKeyId: string, adminPublicKey: Uint8Array): Promise<HandoverOutcome> {
  const [row] = await db.query<Omit<Target, 'facilities'> & { facilities: string | null; status: string }>(
    `SELECT key_id AS keyId, role, box_pk AS boxPk, scope_state AS scopeState, status,
            (SELECT group_concat(facility_id) FROM recipient_facilities WHERE key_id = ?1) AS facilities
       FROM recipients WHERE key_id = ?1`,
    [toKeyId],
  );
  if (!row) throw new Error(`no registered key ${toKeyId}: register the new key first`);
  if (row.status !== 'active') throw new Error(`key ${toKeyId} is ${row.status}: hand over only to an active key`);
  const to: Target = { ...row, facilities: row.facilities ? row.facilities.split(',') : [] };

  const cases = await db.query<{ id: string; facilityId: string; sendTo: SendTo; state: string | null }>(
    `SELECT r.id, r.facility_id AS facilityId, r.send_to AS sendTo, f.state
       FROM reports r JOIN facilities f ON f.id = r.facility_id
       JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id AND w.key_id = ?1
      WHERE r.erased_day IS NULL ORDER BY r.id`,
    [from.keyId],
  );
  const lists = new Map<string, boolean>();
  const listed = async (facilityId: string) => {
    if (!lists.has(facilityId)) {
      const [signed] = await db.query<{ statement: string; signature: string }>(SIGNED_READER_LIST_SQL, [facilityId]);
      const list = verifyReaderList(s, signed, adminPublicKey, facilityId);
      lists.set(facilityId, !!list?.readers.some((r) => r.keyId === to.keyId && r.recipient && r.role === to.role && r.boxPk === to.boxPk));
    }
    return lists.get(facilityId)!;
  };
  const inScope = (c: (typeof cases)[number]) =>
    rolesFor(c.sendTo).includes(to.role) && (to.role === 'monitor' ? to.facilities.includes(c.facilityId) : to.scopeState === null || to.scopeState === c.state);

  const out: HandoverOutcome = { cases: 0, keys: 0, alongside: 0, outOfScope: [], unlisted: [] };
  const toBox = fromB64(s, to.boxPk);
  const day = mexicoDay();
  for (const c of cases) {
    if (!inScope(c)) {
      out.outOfScope.push(c.id);
      continue;
    }
    if (!(await listed(c.facilityId))) {
      if (!out.unlisted.includes(c.facilityId)) out.unlisted.push(c.facilityId);
      continue;
    }
    const held = await db.query<{ messageId: string; sealed: string; sealedAlso: string; kind: string | null; authorRole: string | null }>(
      `SELECT w.message_id AS messageId, w.sealed, ${copiesOf('w.report_id', 'w.message_id', 'w.key_id')} AS sealedAlso, m.kind, m.author_role AS authorRole
         FROM wrapped_keys w LEFT JOIN messages m ON m.report_id = w.report_id AND m.id = w.message_id
        WHERE w.report_id = ?1 AND w.key_id = ?2`,
      [c.id, from.keyId],
    );
    // What the new reader holds already: a key given before stays, and ours goes beside it (src/storage/shared-keys.ts).
    const had = new Set((await db.query<{ messageId: string }>('SELECT message_id AS messageId FROM wrapped_keys WHERE report_id = ?1 AND key_id = ?2', [c.id, to.keyId])).map((r) => r.messageId));
    const statements: Statement[] = [];
    let alongside = 0;
    for (const k of held) {
      if (k.messageId !== c.id && !k.kind) continue;
      if (k.kind === 'note' && k.authorRole !== to.role) continue;
      const sealed = resealFirstCopy(s, [k.sealed, ...(JSON.parse(k.sealedAlso) as string[])], from.box, toBox);
      if (!sealed) continue;
      const params = [c.id, k.messageId, to.keyId, toB64(s, sealed)];
      statements.push({ sql: GIVE_KEY, params });
      statements.push({ sql: SHARE_ALONGSIDE, params: [...params.slice(0, 3), from.keyId, params[3]!] });
      if (had.has(k.messageId)) alongside++;
    }
    await db.run(statements);
    const given = statements.length / 2;
    await appendAuditTo(db, s, [{ day, actor: from.keyId, role: from.role, action: 'handover', reportId: c.id, outcome: 'ok', detail: `to:${to.keyId} keys:${given} alongside:${alongside}` }]);
    out.cases++;
    out.keys += given;
    out.alongside += alongside;
  }
  return out;
}

/**
 * The first copy of a key that opens with `from`'s box, resealed to `toBox` (null if none opens).
 * A copy another reader shared may be garbage; one that opens is passed on.
 */
function resealFirstCopy(s: Sodium, copies: string[], from: HandoverFrom['box'], toBox: Uint8Array): Uint8Array | null {
  for (const k of copies) {
    try {
      return resealKey(s, fromB64(s, k), from, toBox);
    } catch {
      // Not this copy.
    }
  }
  return null;
}
