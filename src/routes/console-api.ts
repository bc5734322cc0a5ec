/**
 * @module The readers' console API: sign-in (./console-signin.ts), case lists, bodies to decrypt in the browser,
 * triage and sealed messages. Every action on a case goes to the audit log, refusals included.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { attachmentChunks, caseAttachments, getChunk } from '../storage/uploads';
import { canMove, FINAL_STATUSES, type Status } from '../domain/case';
import { rolesFor } from '../domain/report';
import { canAskPermission, sideOf } from '../domain/case-sides';
import { mexicoDay } from '../lib/clock';
import { apiError } from '../lib/http';
import { endSession } from '../lib/session';
import { loadSodium } from '../lib/sodium';
import { recordAudit } from '../storage/audit';
import { getSealedText, getSealedTexts } from '../storage/blobs';
import { bodyKeysInScope, listCases, openCase } from '../storage/cases';
import { storeMessage, threadFor } from '../storage/messages';
import { applyTriage, facilityMonitors, setHold, triageEvents } from '../storage/triage';
import { readerFacilities } from '../storage/readers';
import { signinApi } from './console-signin';
import { audit, deny, released, requireReader, type ConsoleEnv } from './reader-session';
import { markAnswersSeen } from '../storage/case-reads';
import { eraseDay, retentionPolicy } from '../domain/retention';
import { getSignedReaderList } from '../storage/reader-lists';
import { readersOf } from '../storage/recipients';
import { readEnvelope } from '../lib/envelope-check';
import { keyHoldersOf } from '../storage/shared-keys';
import { bodiesSchema, caseChunkParams, caseFilterSchema, caseParams, holdSchema, messageSchema, triageSchema } from '../contract/console';
import type { CaseDetail, CaseList, ConsoleSession, HoldList, HoldSet, SealedBodies, Triaged } from '../contract/console-responses';
import type { MessageStored } from '../contract/responses';
import { limitBody } from '../lib/body-limit';
import { invalid } from '../lib/validate';

export const consoleApi = new Hono<ConsoleEnv>();

consoleApi.route('/', signinApi);

// --- everything below needs a session ------------------------------------------------------

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
  const facilities = await readerFacilities(c.env.DB, reader);
  return c.json({ reader, facilities, today: mexicoDay() } satisfies ConsoleSession);
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
  return c.json({ cases, total, withNewAnswers, today } satisfies CaseList);
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
  const texts = await getSealedTexts(c.env.DB, c.env.BLOBS, ids.map((id) => inScope.get(id)!));
  const bodies = ids.map((id) => [id, texts.get(inScope.get(id)!) ?? null] as const);
  const day = mexicoDay();
  await recordAudit(c.env, ids.map((id) => ({ day, actor: reader.keyId, role: reader.role, action: 'list', reportId: id, outcome: 'ok' as const, detail: null })));
  return c.json({ bodies: Object.fromEntries(bodies) } satisfies SealedBodies);
});

/** One case: its report, its thread (bodies included), the keys to seal a reply or note to. */
consoleApi.get('/cases/:id', zValidator('param', caseParams, invalid), async (c) => {
  const { id } = c.req.valid('param');
  const reader = c.get('reader');
  const access = await openCase(c.env.DB, reader, id, released(c));
  if (access === 'missing') return deny(c, 404, 'not_found', 'view', id);
  const [body, thread, readers, monitors, events, attachments, readerList, keyHolders] = await Promise.all([
    getSealedText(c.env.DB, c.env.BLOBS, access.bodyKey),
    threadFor(c.env.DB, id, reader.keyId, released(c)),
    readersOf(c.env.DB, access.case.facilityId, access.case.sendTo),
    facilityMonitors(c.env.DB, access.case.facilityId),
    // A monitor sees the company's side only: never the authority's triage of a case sent to both.
    triageEvents(c.env.DB, id, reader.role),
    // Files a worker added with an answer show only once that answer is released, like the answer.
    caseAttachments(c.env.DB, id, released(c)),
    getSignedReaderList(c.env.DB, access.case.facilityId),
    keyHoldersOf(c.env.DB, id, rolesFor(access.case.sendTo), released(c)),
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
    events,
    attachments,
    monitors,
    sealTo: {
      reply: [{ keyId: 'mailbox', boxPk: access.mailboxBoxPk }, ...readers.map(toKey)],
      note: readers.filter((r) => r.role === reader.role).map(toKey),
    },
    // The console seals and verifies against this list only once it checks the administrator's signature.
    readers: readerList,
    keyHolders,
    widenedConsent: access.widenedConsent,
    retention,
  } satisfies CaseDetail);
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
  const { reason, reference, note } = c.req.valid('json');
  await setHold(c.env.DB, id, { reason, reference, note });
  await audit(c, reason ? 'hold' : 'unhold', id, 'ok', reason);
  return c.json({ ok: true, holdReason: reason } satisfies HoldSet);
});

/** The cases on hold in the official's jurisdiction. */
consoleApi.get('/holds', async (c) => {
  const reader = c.get('reader');
  if (reader.role !== 'official') return deny(c, 403, 'forbidden', 'holds', null);
  const { cases } = await listCases(c.env.DB, reader, { held: true, today: mexicoDay(), released: released(c), limit: 200, offset: 0 });
  // Listed with held: true, so each has its reason.
  return c.json({ holds: cases.map((k) => ({ id: k.id, facilityName: k.facilityName, receivedDay: k.receivedDay, holdReason: k.holdReason! })) } satisfies HoldList);
});

/** One encrypted chunk of an attachment; every chunk read is an audited download (detail: attachment/chunk). */
consoleApi.get('/cases/:id/attachments/:attachmentId/chunks/:index', zValidator('param', caseChunkParams, invalid), async (c) => {
  const { id, attachmentId, index: n } = c.req.valid('param');
  const access = await openCase(c.env.DB, c.get('reader'), id, released(c));
  if (access === 'missing') return deny(c, 404, 'not_found', 'download', id);
  const chunks = await attachmentChunks(c.env.DB, id, attachmentId, released(c));
  if (chunks === null || n >= chunks) return apiError(c, 404, 'not_found');
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
    // Only the worker sends a case to the authority; a monitor may only ask them, on a case the authority does not have.
    if (change.status === 'permission_asked' && !canAskPermission(reader.role, access.case.sendTo)) return deny(c, 422, 'illegal_transition', 'triage', id);
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
  return c.json({ ok: true, status: status?.to ?? from } satisfies Triaged);
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
    return c.json({ id: msg.id, duplicate: outcome === 'duplicate' } satisfies MessageStored, outcome === 'stored' ? 201 : 200);
  },
);
