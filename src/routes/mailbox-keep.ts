/**
 * @module The worker keeps their case longer: "guardar otros 180 días" on the follow-up page, with
 * the mailbox proof (action "keep"). Repeatable; each time the case is kept at least KEEP_DAYS from
 * that day (src/domain/retention.ts), never past the 3-year limit, and a hold stays a hold. Each
 * proof keeps once (a replay is 409 pow_replayed). Readers see the new day only from the next
 * release (src/storage/held-actions.ts); the worker's page and the erasure count it at once.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { threadSchema } from '../contract/mailbox';
import type { MailboxKept } from '../contract/responses';
import { eraseDay, keptUntil, retentionPolicy } from '../domain/retention';
import { limitBody } from '../lib/body-limit';
import { mexicoDay, releaseClock } from '../lib/clock';
import { apiError, type AppEnv } from '../lib/http';
import { rateLimited } from '../lib/rate-limit';
import { loadSodium } from '../lib/sodium';
import { invalid } from '../lib/validate';
import { askKeep } from '../storage/held-actions';
import { provenCase, spendProof } from './mailbox-proof';

export const mailboxKeepApi = new Hono<AppEnv>();

mailboxKeepApi.post(
  '/keep',
  rateLimited(() => 'mailbox:keep'),
  limitBody(4 * 1024),
  zValidator('json', threadSchema, invalid),
  async (c) => {
    const s = await loadSodium();
    const p = c.req.valid('json');
    const found = await provenCase(c.env, s, p, 'keep');
    if (!found) return apiError(c, 404, 'case_not_found');
    if (!(await spendProof(c.env, s, p.challenge))) return apiError(c, 409, 'pow_replayed');
    const until = keptUntil(mexicoDay(), found.keepUntil);
    await askKeep(c.env.DB, found.id, until, releaseClock(c.env.RELEASE_HOURS).next);
    const policy = retentionPolicy(c.env, { closedDays: found.retentionClosedDays, idleDays: found.retentionIdleDays });
    const held = found.holdReason !== null;
    const day = eraseDay(
      { closedDay: found.closedDay, lastActivityDay: found.lastActivityDay, receivedDay: found.receivedDay, held, keepUntil: until },
      policy,
    );
    return c.json({ eraseDay: day, held } satisfies MailboxKept);
  },
);
