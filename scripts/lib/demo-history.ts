/**
 * @module A few months of demo history for the local demo (`npm run seed:demo -- --history`): demo
 * plants in several states and sectors, and reports that arrived on past days, written the way real
 * ones are. Each report is sealed on this machine like a phone seals it (to the plant's readers and
 * a mailbox nobody holds the code of), stored through storeReport with its release batch, and moved
 * on through the console's own writes: the demo monitor's signed replies (storeMessage), triage
 * (applyTriage) and audit entries, each on its day. Days only: nothing here has a time of day.
 */
import { addDays } from '../../src/domain/case';
import { releaseHours } from '../../src/domain/release';
import { fromB64, recipientKeysFromSeed, sealReport, sealSignedMessage, toB64, utf8, type RecipientKeys, type Sodium } from '../../src/crypto';
import { sealedBodyDigest } from '../../src/crypto/digest';
import { storeReport } from '../../src/storage/reports';
import { storeMessage } from '../../src/storage/messages';
import { applyTriage } from '../../src/storage/triage';
import { appendAudit, type AuditEntry } from '../../src/storage/audit';
import { readersOf } from '../../src/storage/recipients';
import { forgetSnapshots } from '../../src/trends/snapshot';
import type { LocalEnv } from './local-platform';
import { DEMO_TEXT, HISTORY_PLANTS, planHistory, type Planned } from './demo-history-plan';

export { HISTORY_DAYS, HISTORY_PLANTS } from './demo-history-plan';

type Monitor = RecipientKeys & { keyId: string };

/**
 * Retries a write that failed whole: a D1 batch is one transaction, so a refused one wrote nothing.
 * Under heavy load local D1 sometimes refuses one with a bare internal assertion ("false == true").
 */
async function persist<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
    }
  }
}

/**
 * The database as the storage code sees it, with its batches held back and written together by
 * flush(), in order, as one transaction: every statement is the storage code's own, only fewer
 * commits (each one waits for the disk). Reads go straight through.
 */
function batched(db: D1Database) {
  const pending: D1PreparedStatement[] = [];
  const held = new Proxy(db, {
    get(target, key) {
      if (key === 'batch') return async (list: D1PreparedStatement[]) => (pending.push(...list), list.map(() => ({ results: [], success: true, meta: {} })));
      return Reflect.get(target, key, target);
    },
  });
  const flush = async () => {
    const list = pending.splice(0);
    if (list.length) await persist(() => db.batch(list));
  };
  return { db: held, flush };
}

/** Whether the history is already there (a second `npm run setup` adds none). */
export async function hasHistory(db: D1Database): Promise<boolean> {
  const ids = HISTORY_PLANTS.map((p) => p.id);
  const row = await db
    .prepare(`SELECT count(*) AS n FROM reports WHERE facility_id IN (${ids.map((_, i) => `?${i + 1}`).join(', ')})`)
    .bind(...ids)
    .first<{ n: number }>();
  return (row?.n ?? 0) > 0;
}

/**
 * Writes the plan into local D1 and KV through the storage code the Worker uses. `today` is the
 * Mexico City day: the history ends yesterday, in released batches.
 */
export async function writeHistory(s: Sodium, env: LocalEnv, monitor: Monitor, today: string): Promise<{ reports: number; replies: number }> {
  const lastDay = addDays(today, -1);
  const releaseAt = (day: string, which: 'first' | 'last') => {
    const hours = releaseHours(env.RELEASE_HOURS);
    return `${day}T${String(which === 'first' ? hours[0] : hours[hours.length - 1]).padStart(2, '0')}`;
  };
  const hex = () => s.to_hex(s.randombytes_buf(16));
  const plan = planHistory(lastDay);
  const audit: AuditEntry[] = [];
  let replies = 0;
  const readers = new Map<string, Awaited<ReturnType<typeof readersOf>>>();
  for (const plant of HISTORY_PLANTS) {
    for (const sendTo of ['monitor', 'authority', 'both'] as const)
      readers.set(`${plant.id}|${sendTo}`, await persist(() => readersOf(env.DB, plant.id, sendTo)));
  }
  const { db, flush } = batched(env.DB);
  const one = async (r: Planned) => {
    const key = `${r.facilityId}|${r.sendTo}`;
    const to = readers.get(key)!.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) }));
    const id = hex();
    // A mailbox like a phone makes, but from random keys: no receipt code exists for a demo report.
    const { box, sign } = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const mailboxKeys = { boxPk: toB64(s, box.publicKey), signPk: toB64(s, sign.publicKey) };
    const plaintext = {
      v: 1,
      channel: 'web',
      lang: 'es',
      facility: r.facilityId,
      categories: r.categories,
      when: 'this_week',
      where: '',
      who: '',
      description: DEMO_TEXT.es,
      sendTo: r.sendTo,
      mailbox: mailboxKeys,
    };
    const envelope = sealReport(s, utf8(JSON.stringify(plaintext)), { reportId: id, facilityId: r.facilityId }, [
      ...to,
      { keyId: 'mailbox', boxPublicKey: box.publicKey },
    ]);
    await storeReport(s, db, env.BLOBS, {
      id,
      facilityId: r.facilityId,
      channel: 'web',
      sendTo: r.sendTo,
      categories: r.categories,
      receivedDay: r.day,
      releaseAt: releaseAt(r.day, 'first'),
      mailbox: { id: hex(), ...mailboxKeys },
      body: envelope.body,
      bodyDigest: sealedBodyDigest(s, envelope.body),
      keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })),
    });
    const entry = (day: string, action: string, detail: string | null = null): AuditEntry => ({
      day,
      actor: monitor.keyId,
      role: 'monitor',
      action,
      reportId: id,
      outcome: 'ok',
      detail,
    });
    if (r.viewed) audit.push(entry(r.viewed, 'view'));
    const reply = async (day: string, text: string, standard?: 'acknowledgement') => {
      const messageId = hex();
      const place = { reportId: id, messageId, facilityId: r.facilityId, kind: 'reply' as const, author: 'monitor' as const };
      const sealed = sealSignedMessage(
        s,
        { text, lang: 'es', ...(standard ? { standard } : {}) },
        place,
        { id: monitor.keyId, signPrivateKey: monitor.sign.privateKey },
        [{ keyId: 'mailbox', boxPublicKey: box.publicKey }, ...to],
      );
      await storeMessage(s, db, env.BLOBS, {
        reportId: id,
        id: messageId,
        kind: 'reply',
        authorRole: 'monitor',
        authorKey: monitor.keyId,
        day,
        releaseAt: releaseAt(day, 'last'),
        body: sealed.body,
        keys: sealed.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })),
        sendTo: r.sendTo,
      });
      audit.push(entry(day, 'reply'));
      replies++;
    };
    if (r.acknowledged) await reply(r.acknowledged, 'Recibimos tu reporte. (Demostración)', 'acknowledgement');
    const on = { sendTo: r.sendTo, side: 'company' as const };
    if (r.investigating) {
      await applyTriage(db, id, on, { status: { from: 'acknowledged', to: 'investigating', closedDay: null } }, monitor.keyId, r.investigating);
      audit.push(entry(r.investigating, 'triage', 'status'));
    }
    if (r.answered) await reply(r.answered, 'Revisamos lo que pasó y te contamos lo que haremos. (Demostración)');
    if (r.closed && r.investigating) {
      await applyTriage(db, id, on, { status: { from: 'investigating', to: r.closed.status, closedDay: r.closed.day } }, monitor.keyId, r.closed.day);
      audit.push(entry(r.closed.day, 'triage', 'status'));
    }
  };
  // In order, a dozen reports to a commit.
  for (let i = 0; i < plan.length; i++) {
    const r = plan[i]!;
    try {
      await one(r);
      if (i % 12 === 11) await flush();
    } catch (error) {
      throw new Error(`demo report of ${r.facilityId} on ${r.day}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  await flush();
  // The audit chain in day order, as readers would have written it day by day.
  audit.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  for (let i = 0; i < audit.length; i += 200) await persist(() => appendAudit(env.DB, s, audit.slice(i, i + 200)));
  // Today's figures may already be computed (a page opened before): they must count the history.
  await persist(() => forgetSnapshots(env.STATE, today));
  return { reports: plan.length, replies };
}
