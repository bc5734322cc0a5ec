/**
 * @module A few months of demo history for the local demo (`npm run seed:demo -- --history`): demo
 * plants in several states and sectors, and reports that arrived on past days, written the way real
 * ones are. Each report is sealed on this machine like a phone seals it (to the plant's readers and
 * a mailbox nobody holds the code of), stored through storeReport with its release batch, and moved
 * on through the console's own writes: the demo monitor's signed replies (storeMessage), triage
 * (applyTriage) and audit entries, each on its day. Days only: nothing here has a time of day.
 */
import { CATEGORIES, type Category, type SendTo } from '../../src/domain/report';
import { addDays, type Status } from '../../src/domain/case';
import { releaseHours } from '../../src/domain/release';
import { fromB64, sealReport, sealSignedMessage, toB64, utf8, type RecipientKeys, type Sodium } from '../../src/crypto';
import { storeReport } from '../../src/storage/reports';
import { storeMessage } from '../../src/storage/messages';
import { applyTriage } from '../../src/storage/triage';
import { appendAudit, type AuditEntry } from '../../src/storage/audit';
import { readersOf } from '../../src/storage/recipients';
import { forgetSnapshots } from '../../src/trends/snapshot';
import type { LocalEnv } from './local-platform';
import type { FacilityInput } from './provision';

/** The demo history's plants: several states and sectors, busy and quiet (a quiet one shows "<5"). */
export const HISTORY_PLANTS: ReadonlyArray<FacilityInput & { perWeek: number; spikeWeek?: number }> = [
  {
    id: 'demo-leon',
    name: 'Planta Demo León',
    shortCode: 'demo-leon',
    emailLocal: 'demo-leon',
    state: 'Guanajuato',
    municipality: 'León',
    sector: 'auto_parts',
    perWeek: 9,
  },
  {
    id: 'demo-ramos',
    name: 'Planta Demo Ramos Arizpe',
    shortCode: 'demo-ramos',
    emailLocal: 'demo-ramos',
    state: 'Coahuila',
    municipality: 'Ramos Arizpe',
    sector: 'automotive',
    perWeek: 6,
    spikeWeek: 5,
  },
  {
    id: 'demo-tlaquepaque',
    name: 'Planta Demo Tlaquepaque',
    shortCode: 'demo-tlaquepaque',
    emailLocal: 'demo-tlaquepaque',
    state: 'Jalisco',
    municipality: 'San Pedro Tlaquepaque',
    sector: 'electronics',
    perWeek: 4,
  },
  {
    id: 'demo-monclova',
    name: 'Planta Demo Monclova',
    shortCode: 'demo-monclova',
    emailLocal: 'demo-monclova',
    state: 'Coahuila',
    municipality: 'Monclova',
    sector: 'aluminum_metals',
    perWeek: 1.5,
  },
];

/** How far back the history reaches: 14 weeks, so the public page has two or three complete months. */
export const HISTORY_DAYS = 98;

/** The words of every demo report: it says what it is, so nobody takes it for a worker's. */
const DEMO_TEXT = {
  es: 'Reporte de demostración, hecho por «npm run seed:demo -- --history». Ningún trabajador lo escribió.',
  en: 'Demo report, made by “npm run seed:demo -- --history”. No worker wrote it.',
};

/** A small seeded generator (mulberry32): the same plan on every machine, so the demo looks the same. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One planned report: its plant, day and choices, and what its readers did, each on a day. */
interface Planned {
  facilityId: string;
  day: string;
  sendTo: SendTo;
  categories: Category[];
  viewed: string | null;
  acknowledged: string | null;
  answered: string | null;
  investigating: string | null;
  closed: { day: string; status: Extract<Status, 'resolved' | 'not_substantiated'> } | null;
}

/** The history's plan, from the seed alone: reports per plant and day, and what happened to each by `lastDay`. */
export function planHistory(lastDay: string, seed = 20261207): Planned[] {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const within = (day: string, d: number) => {
    const at = addDays(day, d);
    return at <= lastDay ? at : null;
  };
  const out: Planned[] = [];
  for (const plant of HISTORY_PLANTS) {
    for (let back = HISTORY_DAYS; back >= 1; back--) {
      const day = addDays(lastDay, 1 - back);
      const week = Math.floor((back - 1) / 7);
      const rate = (plant.perWeek / 7) * (week === plant.spikeWeek ? 4 : 1);
      // Poisson by inversion: a whole number of reports that day, rate on average.
      let n = 0;
      for (let p = Math.exp(-rate), u = rnd(), acc = p; u > acc; n++) ((p *= rate / (n + 1)), (acc += p));
      for (let i = 0; i < n; i++) {
        const sendTo: SendTo = pick(['monitor', 'monitor', 'monitor', 'both', 'both', 'authority'] as const);
        const first = pick(CATEGORIES);
        const categories = rnd() < 0.3 ? [...new Set([first, pick(CATEGORIES)])] : [first];
        const toCompany = sendTo !== 'authority';
        // Most are opened and acknowledged within the 7-day deadline, some late, a few never.
        const viewed = toCompany && rnd() < 0.9 ? within(day, Math.floor(rnd() * 4)) : null;
        const acknowledged = viewed && rnd() < 0.85 ? within(viewed, Math.floor(rnd() * (rnd() < 0.8 ? 5 : 14))) : null;
        const answered = acknowledged && rnd() < 0.7 ? within(acknowledged, 2 + Math.floor(rnd() * 30)) : null;
        const investigating = acknowledged && rnd() < 0.75 ? within(acknowledged, Math.floor(rnd() * 5)) : null;
        const closedDay = investigating && answered && rnd() < 0.7 ? within(answered, Math.floor(rnd() * 40)) : null;
        const closed = closedDay ? { day: closedDay, status: rnd() < 0.7 ? ('resolved' as const) : ('not_substantiated' as const) } : null;
        out.push({ facilityId: plant.id, day, sendTo, categories, viewed, acknowledged, answered, investigating, closed });
      }
    }
  }
  return out;
}

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
    const box = s.crypto_box_keypair();
    const sign = s.crypto_sign_keypair();
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
      bodyDigest: toB64(s, s.crypto_generichash(32, envelope.body, null)),
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
