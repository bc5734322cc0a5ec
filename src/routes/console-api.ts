/**
 * @module The readers' console API: sign-in, case lists, bodies to decrypt in the browser,
 * triage and sealed messages. Every action on a case goes to the audit log, refusals included.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { fromB64, signinMessage, toB64, utf8, verifyProof } from '../crypto';
import { getChunk } from '../storage/uploads';
import { canMove, FINAL_STATUSES, type Status } from '../domain/case';
import { sideOf } from '../domain/case-sides';
import { mexicoDay, nowSeconds, releaseClock } from '../lib/clock';
import { apiError, type AppEnv } from '../lib/http';
import type { ErrorCode } from '../contract/errors';
import {
  createSession,
  endSession,
  issueSigninChallenge,
  readSession,
  takeSigninChallenge,
  type ReaderSession,
} from '../lib/session';
import { loadSodium } from '../lib/sodium';
import { recordAudit } from '../storage/audit';
import { getSealedText, getSealedTexts } from '../storage/blobs';
import { applyTriage, bodyKeysInScope, facilityMonitors, listCases, openCase, storeMessage, threadFor } from '../storage/cases';
import { markAnswersSeen } from '../storage/case-reads';
import { eraseDay, retentionPolicy } from '../domain/retention';
import { getSignedReaderList } from '../storage/reader-lists';
import { readersOf } from '../storage/recipients';
import { readEnvelope } from '../lib/envelope-check';
import { bodiesSchema, caseChunkParams, caseFilterSchema, caseParams, holdSchema, messageSchema, signinChallengeSchema, signinSchema, triageSchema } from '../contract/console';
import { limitBody } from '../lib/body-limit';
import { invalid } from '../lib/validate';

export type ConsoleEnv = AppEnv & { Variables: { reader: ReaderSession; token: string } };
type ConsoleContext = Context<ConsoleEnv>;

export const consoleApi = new Hono<ConsoleEnv>();

/** Writes one audit entry for the signed-in reader. */
async function audit(c: ConsoleContext, action: string, reportId: string | null, outcome: 'ok' | 'denied', detail: string | null = null) {
  const reader = c.get('reader');
  await recordAudit(c.env, [{ day: mexicoDay(), actor: reader.keyId, role: reader.role, action, reportId, outcome, detail }]);
}

/** The last release that has passed: readers see nothing stamped later (src/domain/release.ts). */
const released = (c: ConsoleContext) => releaseClock(c.env.RELEASE_HOURS).last;

/** Refuses, and records the refusal without any personal data. */
async function deny(c: ConsoleContext, status: 403 | 404 | 409 | 422, code: ErrorCode, action: string, reportId: string | null) {
  await audit(c, action, reportId, 'denied', code);
  return apiError(c, status, code);
}

// --- sign-in -------------------------------------------------------------------------------

/** A salt that looks real for a key id nobody holds, so the answer does not tell which ids exist. */
function decoySalt(c: ConsoleContext, s: Awaited<ReturnType<typeof loadSodium>>, keyId: string) {
  return toB64(s, s.crypto_generichash(16, utf8(`decoy-salt:${keyId}`), fromB64(s, c.env.POW_SECRET)));
}

/**
 * Sign-in requests for all readers together, per route (wrangler.toml [[ratelimits]]). Never per
 * key id: key ids are public, so anyone could lock a reader out; never per address: none is kept.
 * A signature cannot be guessed, so this only keeps a flood from costing KV writes and D1 reads.
 */
const withinSigninLimit = async (c: ConsoleContext, route: 'signin' | 'signin/challenge') =>
  (await c.env.SIGNIN_LIMIT.limit({ key: route })).success;

consoleApi.post('/signin/challenge', limitBody(1024), zValidator('json', signinChallengeSchema, invalid), async (c) => {
  const { keyId } = c.req.valid('json');
  if (!(await withinSigninLimit(c, 'signin/challenge'))) return apiError(c, 429, 'signin_wait');
  const s = await loadSodium();
  const row = await c.env.DB.prepare('SELECT kdf_salt AS salt, kdf_ops AS ops, kdf_mem AS mem FROM recipients WHERE key_id = ?1')
    .bind(keyId)
    .first<{ salt: string; ops: number; mem: number }>();
  const kdf = row ?? { salt: decoySalt(c, s, keyId), ops: s.crypto_pwhash_OPSLIMIT_INTERACTIVE ?? 2, mem: 67_108_864 };
  const challenge = await issueSigninChallenge(c.env.STATE, s, keyId);
  return c.json({ challenge, kdf });
});

consoleApi.post('/signin', limitBody(2048), zValidator('json', signinSchema, invalid), async (c) => {
  const { keyId, challenge, signature } = c.req.valid('json');
  if (!(await withinSigninLimit(c, 'signin'))) return apiError(c, 429, 'signin_wait');
  const s = await loadSodium();
  const now = nowSeconds();
  const [issuedTo, reader] = await Promise.all([
    takeSigninChallenge(c.env.STATE, challenge),
    c.env.DB.prepare(
      `SELECT role, sign_pk AS signPk, scope_state AS scopeState, label, status,
              (SELECT group_concat(facility_id) FROM recipient_facilities WHERE key_id = ?1) AS facilities
         FROM recipients WHERE key_id = ?1`,
    )
      .bind(keyId)
      .first<{ role: 'monitor' | 'official'; signPk: string; scopeState: string | null; label: string; status: string; facilities: string | null }>(),
  ]);
  const origin = new URL(c.req.url).origin;
  // A retired key gets the same answer as any other failure (`npm run keys -- retire`).
  const valid =
    issuedTo === keyId &&
    reader !== null &&
    reader.status === 'active' &&
    verifyProof(s, fromB64(s, signature), signinMessage(origin, challenge), fromB64(s, reader.signPk));
  if (!valid || !reader) {
    const detail = reader && reader.status !== 'active' ? reader.status : null;
    if (reader) await recordAudit(c.env, [{ day: mexicoDay(), actor: keyId, role: reader.role, action: 'signin', reportId: null, outcome: 'denied', detail }]);
    return apiError(c, 401, 'signin_failed');
  }
  const session: ReaderSession = { keyId, role: reader.role, facilities: facilityList(reader.facilities), scopeState: reader.scopeState };
  const token = await createSession(c.env.STATE, s, session, now);
  await recordAudit(c.env, [{ day: mexicoDay(), actor: keyId, role: reader.role, action: 'signin', reportId: null, outcome: 'ok', detail: null }]);
  return c.json({ token, reader: { ...session, label: reader.label } });
});

// --- everything below needs a session ------------------------------------------------------

const facilityList = (ids: string | null) => (ids ? ids.split(',').sort() : []);

/** The reader behind a session as D1 has it now: null once the key is retired. */
async function activeReader(db: D1Database, session: ReaderSession): Promise<ReaderSession | null> {
  const row = await db
    .prepare(
      `SELECT role, scope_state AS scopeState,
              (SELECT group_concat(facility_id) FROM recipient_facilities WHERE key_id = ?1) AS facilities
         FROM recipients WHERE key_id = ?1 AND status = 'active'`,
    )
    .bind(session.keyId)
    .first<{ role: 'monitor' | 'official'; scopeState: string | null; facilities: string | null }>();
  if (!row || row.role !== session.role) return null;
  return { keyId: session.keyId, role: row.role, facilities: facilityList(row.facilities), scopeState: row.scopeState };
}

/**
 * The bearer token lives in the console's page memory and is sent only by its own script; a
 * state-changing request must also come from this origin.
 */
export const requireReader: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return apiError(c, 401, 'unauthenticated');
  const s = await loadSodium();
  const session = await readSession(c.env.STATE, s, token, nowSeconds());
  if (!session) return apiError(c, 401, 'unauthenticated');
  // `npm run keys -- retire` writes D1, not KV: a retired key's sessions end here, at once. Scope
  // (facilities, state) is taken from D1 too, so a narrowed registration applies at once.
  const reader = await activeReader(c.env.DB, session);
  if (!reader) {
    await endSession(c.env.STATE, s, token);
    return apiError(c, 401, 'unauthenticated');
  }
  if (c.req.method !== 'GET') {
    const origin = c.req.header('origin');
    if (origin && origin !== new URL(c.req.url).origin) return apiError(c, 403, 'bad_origin');
  }
  c.set('reader', reader);
  c.set('token', token);
  await next();
};

consoleApi.use('/session', requireReader);
consoleApi.use('/signout', requireReader);
consoleApi.use('/cases', requireReader);
consoleApi.use('/cases/*', requireReader);
consoleApi.use('/bodies', requireReader);
consoleApi.use('/holds', requireReader);

consoleApi.post('/signout', async (c) => {
  await endSession(c.env.STATE, await loadSodium(), c.get('token'));
  await audit(c, 'signout', null, 'ok');
  return c.body(null, 204);
});

consoleApi.get('/session', async (c) => {
  const reader = c.get('reader');
  const { results } = await c.env.DB.prepare(
    reader.role === 'monitor'
      ? 'SELECT id, name FROM facilities WHERE id IN (SELECT facility_id FROM recipient_facilities WHERE key_id = ?1) ORDER BY name'
      : 'SELECT id, name FROM facilities WHERE (SELECT scope_state FROM recipients WHERE key_id = ?1) IS NULL OR state = (SELECT scope_state FROM recipients WHERE key_id = ?1) ORDER BY name',
  )
    .bind(reader.keyId)
    .all<{ id: string; name: string }>();
  return c.json({ reader, facilities: results, today: mexicoDay() });
});

consoleApi.get('/cases', zValidator('query', caseFilterSchema, invalid), async (c) => {
  const q = c.req.valid('query');
  const today = mexicoDay();
  const { cases, total, withNewAnswers } = await listCases(c.env.DB, c.get('reader'), {
    status: q.status,
    category: q.category,
    facility: q.facility,
    overdue: q.overdue === '1',
    newAnswers: q.answers === '1',
    held: q.held === '1',
    today,
    released: released(c),
    limit: q.limit,
    offset: q.offset,
  });
  return c.json({ cases, total, withNewAnswers, today });
});

/**
 * Ciphertext bodies of the cases in the list, to decrypt in the browser. Each is audited as
 * 'list', not 'view': loading the list is not opening a case, and the officials' "never opened"
 * figure counts only 'view' (GET /cases/:id).
 */
consoleApi.post('/bodies', limitBody(16 * 1024), zValidator('json', bodiesSchema, invalid), async (c) => {
  const reader = c.get('reader');
  const ids = [...new Set(c.req.valid('json').ids)];
  const inScope = await bodyKeysInScope(c.env.DB, reader, ids, released(c));
  const refused = ids.find((id) => !inScope.has(id));
  if (refused) return deny(c, 403, 'forbidden', 'list', refused);
  const s = await loadSodium();
  const texts = await getSealedTexts(c.env.DB, c.env.BLOBS, ids.map((id) => inScope.get(id)!));
  const bodies = ids.map((id) => [id, texts.get(inScope.get(id)!) ?? null] as const);
  const day = mexicoDay();
  await recordAudit(c.env, ids.map((id) => ({ day, actor: reader.keyId, role: reader.role, action: 'list', reportId: id, outcome: 'ok' as const, detail: null })));
  return c.json({ bodies: Object.fromEntries(bodies) });
});

/** One case: its report, its thread (bodies included), the keys to seal a reply or note to. */
consoleApi.get('/cases/:id', zValidator('param', caseParams, invalid), async (c) => {
  const { id } = c.req.valid('param');
  const reader = c.get('reader');
  const access = await openCase(c.env.DB, reader, id, released(c));
  if (access === 'missing') return deny(c, 404, 'not_found', 'view', id);
  const s = await loadSodium();
  const [body, thread, readers, monitors, events, attachments, readerList] = await Promise.all([
    getSealedText(c.env.DB, c.env.BLOBS, access.bodyKey),
    threadFor(c.env.DB, id, reader.keyId, released(c)),
    readersOf(c.env.DB, access.case.facilityId, access.case.sendTo),
    facilityMonitors(c.env.DB, access.case.facilityId),
    // A monitor sees the company's side only: never the authority's triage of a case sent to both.
    c.env.DB.prepare(`SELECT seq, field, value, actor, day FROM triage_events WHERE report_id = ?1 AND (?2 = 'official' OR field NOT LIKE 'authority\\_%' ESCAPE '\\') ORDER BY seq`)
      .bind(id, reader.role)
      .all(),
    c.env.DB.prepare('SELECT id, chunks FROM attachments WHERE report_id = ?1 ORDER BY id').bind(id).all<{ id: string; chunks: number }>(),
    getSignedReaderList(c.env.DB, access.case.facilityId),
  ]);
  const texts = await getSealedTexts(c.env.DB, c.env.BLOBS, thread.filter((m) => m.sealed).map((m) => m.bodyKey));
  const messages = thread.map(({ bodyKey, ...m }) => ({ ...m, body: m.sealed ? (texts.get(bodyKey) ?? null) : null }));
  // Opened: its answers are seen (the summary above still says how many were new, for the page).
  await markAnswersSeen(c.env.DB, reader.keyId, id, released(c)).run();
  await audit(c, 'view', id, 'ok');
  const k = access.case;
  const policy = retentionPolicy(c.env, { closedDays: k.retentionClosedDays, idleDays: k.retentionIdleDays });
  const retention = { eraseDay: eraseDay({ ...k, closedDay: access.caseClosedDay, held: k.holdReason !== null }, policy), holdReason: k.holdReason, policy };
  const toKey = ({ keyId, boxPk }: { keyId: string; boxPk: string }) => ({ keyId, boxPk });
  return c.json({
    case: access.case,
    body,
    messages,
    events: events.results,
    attachments: attachments.results,
    monitors,
    sealTo: {
      reply: [{ keyId: 'mailbox', boxPk: access.mailboxBoxPk }, ...readers.map(toKey)],
      note: readers.filter((r) => r.role === reader.role).map(toKey),
    },
    // The console seals and verifies against this list only once it checks the administrator's signature.
    readers: readerList,
    retention,
  });
});

/**
 * A legal hold: an official puts a case in their jurisdiction on hold (a reason code, audited),
 * which stops its erasure until lifted. Monitors cannot: the company must not keep a worker's words.
 */
consoleApi.post('/cases/:id/hold', limitBody(1024), zValidator('json', holdSchema, invalid), zValidator('param', caseParams, invalid), async (c) => {
  const { id } = c.req.valid('param');
  const reader = c.get('reader');
  const access = await openCase(c.env.DB, reader, id, released(c));
  if (access === 'missing') return deny(c, 404, 'not_found', 'hold', id);
  if (reader.role !== 'official') return deny(c, 403, 'forbidden', 'hold', id);
  const { reason } = c.req.valid('json');
  await c.env.DB.prepare('UPDATE reports SET hold_reason = ?2 WHERE id = ?1').bind(id, reason).run();
  await audit(c, reason ? 'hold' : 'unhold', id, 'ok', reason);
  return c.json({ ok: true, holdReason: reason });
});

/** The cases on hold in the official's jurisdiction. */
consoleApi.get('/holds', async (c) => {
  const reader = c.get('reader');
  if (reader.role !== 'official') return deny(c, 403, 'forbidden', 'holds', null);
  const { cases } = await listCases(c.env.DB, reader, { held: true, today: mexicoDay(), released: released(c), limit: 200, offset: 0 });
  return c.json({ holds: cases.map((k) => ({ id: k.id, facilityName: k.facilityName, receivedDay: k.receivedDay, holdReason: k.holdReason })) });
});

/** One encrypted chunk of an attachment; every chunk read is an audited download (detail: attachment/chunk). */
consoleApi.get('/cases/:id/attachments/:attachmentId/chunks/:index', zValidator('param', caseChunkParams, invalid), async (c) => {
  const { id, attachmentId, index: n } = c.req.valid('param');
  const access = await openCase(c.env.DB, c.get('reader'), id, released(c));
  if (access === 'missing') return deny(c, 404, 'not_found', 'download', id);
  const known = await c.env.DB.prepare('SELECT chunks FROM attachments WHERE report_id = ?1 AND id = ?2').bind(id, attachmentId).first<{ chunks: number }>();
  if (!known || n >= known.chunks) return apiError(c, 404, 'not_found');
  const bytes = await getChunk(c.env.BLOBS, id, attachmentId, n);
  if (!bytes) return apiError(c, 404, 'not_found');
  await audit(c, 'download', id, 'ok', `${attachmentId}/${n}`);
  return c.body(bytes, 200, { 'content-type': 'application/octet-stream' });
});

consoleApi.post('/cases/:id/triage', limitBody(8 * 1024), zValidator('json', triageSchema, invalid), zValidator('param', caseParams, invalid), async (c) => {
  const { id } = c.req.valid('param');
  const reader = c.get('reader');
  const access = await openCase(c.env.DB, reader, id, released(c));
  if (access === 'missing') return deny(c, 404, 'not_found', 'triage', id);
  const change = c.req.valid('json');
  // Officials work status and severity of their own side; tags and assignment are the company's
  // monitors' own bookkeeping, shared by them alone (src/domain/case-sides.ts).
  if (reader.role !== 'monitor' && (change.tags !== undefined || change.assignee !== undefined)) return deny(c, 403, 'forbidden', 'triage', id);
  const day = mexicoDay();
  // The reader's own side, as stored: nobody can move the other side's status.
  const from = access.case.status;
  let status;
  if (change.status && change.status !== from) {
    if (!canMove(from, change.status)) return deny(c, 422, 'illegal_transition', 'triage', id);
    status = { from, to: change.status as Status, closedDay: FINAL_STATUSES.includes(change.status) ? day : null };
  }
  if (change.assignee) {
    const monitors = await facilityMonitors(c.env.DB, access.case.facilityId);
    if (!monitors.some((m) => m.keyId === change.assignee)) return deny(c, 422, 'invalid', 'assign', id);
  }
  const on = { sendTo: access.case.sendTo, side: sideOf(reader.role) };
  await applyTriage(c.env.DB, id, on, { status, severity: change.severity, tags: change.tags, assignee: change.assignee }, reader.keyId, day);
  const fields = Object.keys(change).sort();
  await audit(c, fields.includes('assignee') && fields.length === 1 ? 'assign' : 'triage', id, 'ok', fields.join(','));
  return c.json({ ok: true, status: status?.to ?? from });
});

/** A reply to the worker (sealed to the case mailbox and the case's readers) or an internal note. */
consoleApi.post(
  '/cases/:id/messages',
  limitBody(128 * 1024),
  zValidator('json', messageSchema, invalid),
  zValidator('param', caseParams, invalid),
  async (c) => {
    const { id } = c.req.valid('param');
    const reader = c.get('reader');
    const msg = c.req.valid('json');
    const access = await openCase(c.env.DB, reader, id, released(c));
    if (access === 'missing') return deny(c, 404, 'not_found', msg.kind, id);
    const readers = await readersOf(c.env.DB, access.case.facilityId, access.case.sendTo);
    const expected =
      msg.kind === 'reply' ? ['mailbox', ...readers.map((r) => r.keyId)] : readers.filter((r) => r.role === reader.role).map((r) => r.keyId);
    const s = await loadSodium();
    const envelope = readEnvelope(s, msg.envelope, [expected]);
    if (!envelope?.wellFormed) return apiError(c, 422, 'bad_envelope');
    const { body } = envelope;
    const outcome = await storeMessage(s, c.env.DB, c.env.BLOBS, {
      reportId: id,
      id: msg.id,
      kind: msg.kind,
      authorRole: reader.role,
      authorKey: reader.keyId,
      day: mexicoDay(),
      releaseAt: released(c),
      body,
      keys: msg.envelope.keys,
      sendTo: access.case.sendTo,
    });
    if (outcome === 'stored') await audit(c, msg.kind, id, 'ok');
    return c.json({ id: msg.id, duplicate: outcome === 'duplicate' }, outcome === 'stored' ? 201 : 200);
  },
);
