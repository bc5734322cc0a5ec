/**
 * @module `npm run keys -- handover`: every case a key can open, opened with that key offline and
 * its content keys sealed to another reader (src/crypto/share.ts), as the console's "Dar acceso"
 * does one case at a time. The receiving key must be active, on the case's plant's signed reader
 * list with the same keys, and in the case's scope (the worker's choice, the plant, the
 * jurisdiction); a note goes only to a reader of its author's role. One audit entry per case.
 */
import {
  format1Allowed,
  fromB64,
  resealIfItOpens,
  toB64,
  verifyReaderList,
  type AuthorRole,
  type EnvelopeContext,
  type MessageKind,
  type Sodium,
} from '../../src/crypto';
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
  /** Keys left out because no copy the old key holds opens its message (garbage shared to it), or its body could not be read. */
  unopened: number;
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

  const cases = await db.query<{ id: string; facilityId: string; sendTo: SendTo; state: string | null; receivedDay: string }>(
    `SELECT r.id, r.facility_id AS facilityId, r.send_to AS sendTo, f.state, r.received_day AS receivedDay
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
    rolesFor(c.sendTo).includes(to.role) &&
    (to.role === 'monitor' ? to.facilities.includes(c.facilityId) : to.scopeState === null || to.scopeState === c.state);

  const out: HandoverOutcome = { cases: 0, keys: 0, alongside: 0, outOfScope: [], unlisted: [], unopened: 0 };
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
    const held = await db.query<{
      messageId: string;
      sealed: string;
      sealedAlso: string;
      kind: string | null;
      authorRole: string | null;
      day: string | null;
      bodyKey: string;
    }>(
      `SELECT w.message_id AS messageId, w.sealed, ${copiesOf('w.report_id', 'w.message_id', 'w.key_id')} AS sealedAlso, m.kind, m.author_role AS authorRole,
              m.day, coalesce(m.body_key, (SELECT body_key FROM reports WHERE id = w.report_id)) AS bodyKey
         FROM wrapped_keys w LEFT JOIN messages m ON m.report_id = w.report_id AND m.id = w.message_id
        WHERE w.report_id = ?1 AND w.key_id = ?2`,
      [c.id, from.keyId],
    );
    // What the new reader holds already: a key given before stays, and ours goes beside it (src/storage/shared-keys.ts).
    const had = new Set(
      (await db.query<{ messageId: string }>('SELECT message_id AS messageId FROM wrapped_keys WHERE report_id = ?1 AND key_id = ?2', [c.id, to.keyId])).map(
        (r) => r.messageId,
      ),
    );
    const statements: Statement[] = [];
    let alongside = 0;
    for (const k of held) {
      if (k.messageId !== c.id && !k.kind) continue;
      if (k.kind === 'note' && k.authorRole !== to.role) continue;
      // Only a key that opens its own message goes on: a copy that unseals may still be garbage a reader shared.
      const body = await sealedBody(s, db, k.bodyKey);
      const contexts = body ? contextsOf(c, k) : [];
      const sealed = body ? resealFirstThatOpens(s, [k.sealed, ...(JSON.parse(k.sealedAlso) as string[])], from.box, toBox, body, contexts) : null;
      if (!sealed) {
        out.unopened++;
        continue;
      }
      const params = [c.id, k.messageId, to.keyId, toB64(s, sealed)];
      statements.push({ sql: GIVE_KEY, params });
      statements.push({ sql: SHARE_ALONGSIDE, params: [...params.slice(0, 3), from.keyId, params[3]!] });
      if (had.has(k.messageId)) alongside++;
    }
    const given = statements.length / 2;
    // A case none of whose keys opened was not handed over: no audit entry says it was.
    if (given === 0) continue;
    await db.run(statements);
    await appendAuditTo(db, s, [
      {
        day,
        actor: from.keyId,
        role: from.role,
        action: 'handover',
        reportId: c.id,
        outcome: 'ok',
        detail: `to:${to.keyId} keys:${given} alongside:${alongside}`,
      },
    ]);
    out.cases++;
    out.keys += given;
    out.alongside += alongside;
  }
  return out;
}

/** What a message's body is bound to (src/crypto/envelope.ts): format 2, or format 1 for what was stored before the cut-over. */
function contextsOf(
  c: { id: string; facilityId: string; receivedDay: string },
  k: { messageId: string; kind: string | null; authorRole: string | null; day: string | null },
): EnvelopeContext[] {
  const ids = { reportId: c.id, messageId: k.messageId, facilityId: c.facilityId };
  if (!k.kind) {
    return [{ version: 2, kind: 'report', author: 'worker', ...ids }, ...(format1Allowed(c.receivedDay) ? [{ kind: 'report' as const, ...ids }] : [])];
  }
  return [
    { version: 2, kind: k.kind as MessageKind, author: k.authorRole as AuthorRole, ...ids },
    ...(format1Allowed(c.receivedDay, k.day ?? undefined) ? [{ kind: 'message' as const, ...ids }] : []),
  ];
}

/** A sealed body's bytes: from D1, or from KV (a body too large for D1) where the target can read it. */
async function sealedBody(s: Sodium, db: D1Target, key: string): Promise<Uint8Array | null> {
  const [row] = await db.query<{ body: string }>('SELECT body FROM sealed_bodies WHERE key = ?1', [key]);
  const text = row?.body ?? (db.blob ? await db.blob(key) : null);
  try {
    return text ? fromB64(s, text.trim()) : null;
  } catch {
    return null; // not a body (wrangler's "not found"): nothing can be checked against it
  }
}

/**
 * The first copy of a key that opens with `from`'s box and whose key opens the message's body,
 * resealed to `toBox` (null if none does). A copy another reader shared may be garbage sealed
 * properly to `from`: it unseals, but opens nothing, and is not passed on.
 */
function resealFirstThatOpens(
  s: Sodium,
  copies: string[],
  from: HandoverFrom['box'],
  toBox: Uint8Array,
  body: Uint8Array,
  contexts: EnvelopeContext[],
): Uint8Array | null {
  for (const k of copies) {
    let sealed: Uint8Array;
    try {
      sealed = fromB64(s, k);
    } catch {
      continue;
    }
    const resealed = resealIfItOpens(s, sealed, from, toBox, body, contexts);
    if (resealed) return resealed;
  }
  return null;
}
