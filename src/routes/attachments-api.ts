/**
 * @module Encrypted attachment chunks, uploaded by the report page before the report itself.
 *
 * Each chunk is a PUT to its own address, so a retry lands on the same chunk instead of duplicating, and a
 * failed chunk is resent alone. Uploads need the report's proof of work (checked, not spent here),
 * with a token that is unexpired, unspent and bound to this report id alone (the first report id
 * it paid chunks for); per report at most ATTACHMENT_LIMITS.files files of MAX_CHUNKS chunks,
 * recorded in D1 before the bytes go to KV (src/storage/uploads.ts). A chunk is written once: its
 * repeat is answered without a write, other bytes in its place are refused. The route is limited
 * per report id (CHUNK_LIMIT), never per address. Uploads stop once the report is stored. Chunks of
 * reports never sent expire by themselves (KV expiration at a day boundary).
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { checkWork } from '../crypto';
import { ATTACHMENT_LIMITS, CHUNK_OVERHEAD, MAX_CHUNKS } from '../domain/attachment';
import { powBits, tokenBinding, verifyChallenge } from '../lib/challenge';
import { mexicoDay, nowSeconds } from '../lib/clock';
import { apiError, type AppEnv } from '../lib/http';
import { loadSodium } from '../lib/sodium';
import { findReport } from '../storage/reports';
import { claimChunk, putChunkOnce } from '../storage/uploads';
import { limitBody } from '../lib/body-limit';
import { chunkParams } from '../contract/attachments';
import { invalid } from '../lib/validate';

export const attachmentsApi = new Hono<AppEnv>();

const MAX_CHUNK_BYTES = ATTACHMENT_LIMITS.chunkBytes + CHUNK_OVERHEAD;

attachmentsApi.put(
  '/reports/:reportId/attachments/:attachmentId/chunks/:index',
  limitBody(MAX_CHUNK_BYTES),
  zValidator('param', chunkParams, invalid),
  async (c) => {
    const { reportId, attachmentId, index } = c.req.valid('param');
    // Per report, before any other work: one solved challenge pays for one report's chunks only.
    if (!(await c.env.CHUNK_LIMIT.limit({ key: `report:${reportId}` })).success) return apiError(c, 429, 'busy');
    if (index >= MAX_CHUNKS) return apiError(c, 413, 'attachment_limit');
    const challenge = c.req.query('challenge') ?? '';
    const counter = Number(c.req.query('counter'));
    if (!challenge || !Number.isSafeInteger(counter) || counter < 0) return apiError(c, 403, 'pow_missing');
    const s = await loadSodium();
    // Evidence is paid for with the report's own work: only a report token, never a free mailbox one.
    const bound = tokenBinding(s, c.env.POW_SECRET, challenge);
    if (!bound || bound.purpose !== 'report') return apiError(c, 403, 'pow_invalid');
    const check = verifyChallenge(s, c.env.POW_SECRET, challenge, nowSeconds(), bound);
    if (!check.ok) return apiError(c, 403, check.reason);
    if (!checkWork(s, challenge, reportId, counter, Math.max(check.claims.bits, powBits(c.env)))) return apiError(c, 403, 'pow_invalid');
    if (await findReport(c.env.DB, reportId)) return apiError(c, 409, 'conflict');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length <= CHUNK_OVERHEAD) return apiError(c, 400, 'invalid');
    const claim = await claimChunk(c.env.DB, {
      nonce: check.claims.nonce,
      tokenExpiresDay: mexicoDay(new Date(check.claims.expires * 1000)),
      reportId,
      attachmentId,
      index,
    });
    // Spent by a stored report, or already paying for another report's chunks: single use.
    if (claim === 'spent' || claim === 'other_report') return apiError(c, 409, 'pow_replayed');
    if (claim === 'over_cap') return apiError(c, 413, 'attachment_limit');
    // A repeat of a recorded chunk writes nothing; other bytes in its place are refused.
    const put = await putChunkOnce(c.env.BLOBS, { reportId, attachmentId, index, recorded: claim === 'recorded' }, bytes);
    if (put === 'different') return apiError(c, 409, 'conflict');
    return c.body(null, 204);
  },
);
