/**
 * @module Sharing access to a case (src/crypto/share.ts): a reader who can open a case sends the
 * content keys they hold (the report's and its messages'), sealed in their browser to another
 * reader, and the server stores them beside the others. It never sees a content key; it checks
 * who may receive them: an active reader the case's scope already covers (the plant's monitors
 * when the worker chose the monitor; the officials of its jurisdiction when they chose the
 * authority) and whom the administrator's signed list names with the same keys. An internal note
 * goes only to readers of its author's role. Every share, and every refusal, is audited.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono, type Context } from 'hono';
import { fromB64, verifyReaderList } from '../crypto';
import { mexicoDay, releaseClock } from '../lib/clock';
import { apiError } from '../lib/http';
import type { ErrorCode } from '../contract/errors';
import { limitBody } from '../lib/body-limit';
import { invalid } from '../lib/validate';
import { loadSodium } from '../lib/sodium';
import { recordAudit } from '../storage/audit';
import { openCase } from '../storage/cases';
import { getSignedReaderList } from '../storage/reader-lists';
import { readersOf } from '../storage/recipients';
import { addSharedKeys, keysHeldBy } from '../storage/shared-keys';
import { requireReader, type ConsoleEnv } from './reader-session';
import { caseParams } from '../contract/console';
import { shareSchema } from '../contract/share';
import type { Shared } from '../contract/console-responses';

export const shareApi = new Hono<ConsoleEnv>();
shareApi.use('*', requireReader);

type ShareContext = Context<ConsoleEnv>;

async function audit(c: ShareContext, reportId: string, outcome: 'ok' | 'denied', detail: string) {
  const reader = c.get('reader');
  await recordAudit(c.env, [{ day: mexicoDay(), actor: reader.keyId, role: reader.role, action: 'share', reportId, outcome, detail }]);
}

async function deny(c: ShareContext, status: 403 | 404 | 422, code: ErrorCode, reportId: string, to: string) {
  await audit(c, reportId, 'denied', `${code} to:${to}`);
  return apiError(c, status, code);
}

shareApi.post(
  '/cases/:id',
  limitBody(64 * 1024),
  zValidator('json', shareSchema, invalid),
  zValidator('param', caseParams, invalid),
  async (c) => {
    const { id } = c.req.valid('param');
    const reader = c.get('reader');
    const { to, keys } = c.req.valid('json');
    const released = releaseClock(c.env.RELEASE_HOURS).last;
    const access = await openCase(c.env.DB, reader, id, released);
    if (access === 'missing') return deny(c, 404, 'not_found', id, to);
    if (to === reader.keyId) return deny(c, 422, 'invalid', id, to);

    // In the case's scope and active, as D1 has it now …
    const target = (await readersOf(c.env.DB, access.case.facilityId, access.case.sendTo)).find((r) => r.keyId === to);
    if (!target) return deny(c, 403, 'share_out_of_scope', id, to);
    // … and on the administrator's signed list, with the same keys and role: a row written behind the administrator's back gets nothing.
    const s = await loadSodium();
    let list = null;
    try {
      list = verifyReaderList(s, await getSignedReaderList(c.env.DB, access.case.facilityId), fromB64(s, c.env.ADMIN_SIGN_PK ?? ''), access.case.facilityId);
    } catch {
      list = null;
    }
    const listed = list?.readers.find((r) => r.keyId === to && r.recipient && r.role === target.role && r.boxPk === target.boxPk);
    if (!listed) return deny(c, 403, 'readers_unverified', id, to);

    // Only keys the sharer holds, of this case's report and released messages; a note only to its author's role.
    const held = await keysHeldBy(c.env.DB, id, reader.keyId, released);
    for (const k of keys) {
      const mine = held.get(k.messageId);
      if (!mine) return deny(c, 403, 'forbidden', id, to);
      if (mine.kind === 'note' && mine.authorRole !== target.role) return deny(c, 403, 'forbidden', id, to);
    }
    // A key the reader already has stays; a different one is kept beside it (garbage shared first blocks nothing).
    const { added, alongside } = await addSharedKeys(c.env.DB, id, to, reader.keyId, keys);
    await audit(c, id, 'ok', `to:${to} keys:${added}/${keys.length} alongside:${alongside}`);
    return c.json({ to, added, given: keys.length, alongside } satisfies Shared);
  },
);
